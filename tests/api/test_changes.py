"""The change feed (`changes`): every committed change (API writes, retractions, curated loads)
is an event with a sequence number, in the same transaction; the sequence is gapless and in
commit order under concurrent writers; pages resume from a cursor; filters and `near` select."""

import json
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from neo4j import Driver

from seed.cli import DATA_DIR
from seed.loader import load_curated
from seed.validate import load_dataset
from service.domain.entities import Company, Source, Sourced
from tests.support import ApiProcess, Neo4jServer, graphql, seed_only, wipe

FEED = """query Feed($where: ChangeWhere, $near: ID, $within: Int! = 1, $first: Int! = 100, $after: String) {
  changes(where: $where, near: $near, within: $within, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { seq entity type action version keyName reason fields
      linksAdded { relationship id type } linksRemoved { relationship id type } } } }"""
RESUME = "subscription($after: Int) { changes(afterSeq: $after) { seq } }"
UPSERT = """mutation($input: CompanyInput!) { upsertCompany(input: $input) { __typename } }"""
QUOTE = "The company says it makes artificial intelligence servers in Mount Pleasant."


def post(api: ApiProcess, query: str, variables: dict[str, Any], key: str) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    with urllib.request.urlopen(urllib.request.Request(f"{api.url}/graphql", body, headers), timeout=60) as r:
        answer: dict[str, Any] = json.loads(r.read())
    assert "errors" not in answer, answer
    return answer


def feed(api: ApiProcess, **variables: Any) -> list[dict[str, Any]]:
    """Every event that matches, page by page from the start (or from `after`)."""
    events: list[dict[str, Any]] = []
    while True:
        answer = graphql(api.url, FEED, variables)
        assert "errors" not in answer, answer
        page = answer["data"]["changes"]
        events += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return events
        variables["after"] = page["pageInfo"]["endCursor"]


def company(entity_id: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": entity_id,
        "name": name,
        "country": "US",
        "evidence": [{"source": "s74", "quote": QUOTE}],
        **extra,
    }


def test_a_curated_load_is_in_the_feed_and_each_history(driver: Driver, api: ApiProcess) -> None:
    wipe(driver)
    dataset = load_dataset(DATA_DIR)
    load_curated(driver, "neo4j", dataset)
    events = feed(api)
    entries: list[Source | Sourced] = [*dataset.sources, *dataset.sourced()]
    assert [e["seq"] for e in events] == list(range(1, len(entries) + 1))
    assert {e["entity"]: e["type"] for e in events} == {e.id: type(e).__name__ for e in entries}
    assert {e["action"] for e in events} == {"load_create"} and {e["keyName"] for e in events} == {"loader"}
    deal = next(e for e in events if e["entity"] == "nvidia-openai-10gw")
    added = {(link["relationship"], link["id"], link["type"]) for link in deal["linksAdded"]}
    assert {("PARTY_TO", "nvidia", "Company"), ("PARTY_TO", "openai", "Company")} <= added
    assert any(rel == "SOURCED_BY" and kind == "Source" for rel, _, kind in added)
    history = graphql(api.url, '{ company(id: "foxconn") { history { nodes { action keyName } } } }')
    assert history["data"]["company"]["history"]["nodes"] == [{"action": "load_create", "keyName": "loader"}]
    # An unchanged reload adds nothing; a changed entry is one load_update naming its field.
    load_curated(driver, "neo4j", dataset)
    assert len(feed(api)) == len(entries)
    renamed = next(c for c in dataset.section("companies") if isinstance(c, Company))
    object.__setattr__(renamed, "description", "Changed by the feed test.")
    load_curated(driver, "neo4j", dataset)
    [update] = feed(api, where={"action": {"eq": "load_update"}})
    assert (update["entity"], update["fields"], update["seq"]) == (
        renamed.id,
        ["description"],
        len(entries) + 1,
    )
    assert update["linksAdded"] == [] and update["linksRemoved"] == []
    seed_only(driver)  # leave the curated data as it was


def test_api_writes_are_events_with_their_links(
    driver: Driver, seeded: Driver, api: ApiProcess, keys: dict[str, str]
) -> None:
    editor = keys["editor"]
    post(api, UPSERT, {"input": company("test-feed-co", "Feed Test Co")}, editor)
    post(api, UPSERT, {"input": company("test-feed-co", "Feed Test Co", parent="foxconn")}, editor)
    events = feed(api, where={"entity": {"eq": "test-feed-co"}})
    assert [(e["action"], e["version"], e["keyName"]) for e in events] == [
        ("upsert", 1, "test-editor"),
        ("upsert", 2, "test-editor"),
    ]
    assert events[0]["seq"] < events[1]["seq"] and events[1]["fields"] == ["parent"]
    assert events[0]["linksAdded"] == [{"relationship": "SOURCED_BY", "id": "s74", "type": "Source"}]
    assert events[1]["linksAdded"] == [{"relationship": "SUBSIDIARY_OF", "id": "foxconn", "type": "Company"}]
    post(api, UPSERT, {"input": company("test-feed-co", "Feed Test Co", parent=None)}, editor)
    [last] = feed(api, where={"entity": {"eq": "test-feed-co"}, "seq": {"gt": events[1]["seq"]}})
    assert last["linksRemoved"] == [{"relationship": "SUBSIDIARY_OF", "id": "foxconn", "type": "Company"}]
    # Near foxconn: the write that linked to it was a change of an entity one link away (the
    # link is gone now, so nothing of test-feed-co is near any more).
    near = feed(api, near="foxconn", within=1, where={"entity": {"eq": "test-feed-co"}})
    assert near == []
    post(api, UPSERT, {"input": company("test-feed-co", "Feed Test Co", parent="foxconn")}, editor)
    near = feed(api, near="foxconn", within=1, where={"entity": {"eq": "test-feed-co"}})
    assert len(near) == 4
    assert feed(api, near="nvidia", within=1, where={"entity": {"eq": "test-feed-co"}}) == []


def test_concurrent_writers_commit_in_sequence_order_and_a_reader_never_sees_a_gap(
    driver: Driver, seeded: Driver, api: ApiProcess, keys: dict[str, str]
) -> None:
    start = max([e["seq"] for e in feed(api)], default=0)
    writers, each = 6, 8
    seen: list[int] = []
    done = threading.Event()

    def write(writer: int) -> None:
        for n in range(each):
            post(
                api,
                UPSERT,
                {"input": company(f"test-feed-{writer}-{n}", f"Feed {writer} {n}")},
                keys["editor"],
            )

    def read() -> None:
        after = None
        while True:
            finished = done.is_set()
            page = graphql(api.url, FEED, {"after": after, "where": {"seq": {"gt": start}}})["data"][
                "changes"
            ]
            seen.extend(e["seq"] for e in page["nodes"])
            after = page["pageInfo"]["endCursor"] or after
            if finished and not page["pageInfo"]["hasNextPage"]:
                return

    reader = threading.Thread(target=read)
    reader.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reader.join(timeout=60)
    # A reader following the feed while writers commit saw every event once, in order, with no
    # number skipped: nothing committed later below a number it had already seen.
    assert seen == list(range(start + 1, start + writers * each + 1))


def test_a_pruned_feed_refuses_cursors_from_before_what_it_keeps(
    neo4j_server: Neo4jServer, seeded: Driver, keys: dict[str, str], tmp_path: Path
) -> None:
    env = {"FEED_RETAIN_CHANGES": "3", "FEED_PRUNE_SECONDS": "0.2"}
    api = ApiProcess(neo4j_server, tmp_path / "api.log", env)
    try:
        post(api, UPSERT, {"input": company("test-feed-old", "Old")}, keys["editor"])
        page = graphql(api.url, FEED, {"first": 1})["data"]["changes"]
        old_cursor, old_seq = page["pageInfo"]["endCursor"], page["nodes"][0]["seq"]
        for n in range(5):
            post(api, UPSERT, {"input": company(f"test-feed-new-{n}", f"New {n}")}, keys["editor"])
        deadline = time.monotonic() + 20
        while len(kept := feed(api)) > 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [e["entity"] for e in kept] == ["test-feed-new-2", "test-feed-new-3", "test-feed-new-4"]
        answer = graphql(api.url, FEED, {"after": old_cursor})
        [error] = answer["errors"]
        assert error["extensions"]["code"] == "CURSOR_EXPIRED" and "export" in error["message"]
        # A subscription resuming from there is told the same, over SSE.
        body = json.dumps({"query": RESUME, "variables": {"after": old_seq}}).encode()
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        request = urllib.request.Request(f"{api.url}/graphql", body, headers)
        with urllib.request.urlopen(request, timeout=30) as stream:
            line = next(line for line in stream if line.startswith(b"data: "))
        assert json.loads(line[6:])["errors"][0]["extensions"]["code"] == "CURSOR_EXPIRED"
        # From what is kept, it works.
        assert feed(api, after=None, where={"seq": {"gt": kept[0]["seq"]}})[0]["entity"] == "test-feed-new-3"
    finally:
        api.stop()
