"""Watches: a key saves a neighbourhood of the feed (entities, depth, link kinds, actions) and
follows it with `changes(watch:)` and the subscription; only that key can list, change or
remove it; unknown ids and bad values are coded errors."""

import json
import threading
import urllib.error
import urllib.request
from typing import Any

from neo4j import Driver

from service.domain.roles import Role
from tests.api.test_changes import QUOTE, company
from tests.support import ApiProcess, api_key, graphql

SAVE = """mutation($input: WatchInput!) { saveWatch(input: $input) {
  id name entities within links actions ownerName } }"""
WATCHED = """query($watch: ID, $after: String) { changes(watch: $watch, first: 100, after: $after) {
  pageInfo { endCursor } nodes { seq entity action version } } }"""
DEAL = {
    "id": "test-watch-deal",
    "name": "Watch test deal",
    "kind": "SUPPLY",
    "status": "ANNOUNCED",
    "announced": "2025-11",
    "parties": [
        {"company": "test-watch-acme", "role": "SUPPLIER"},
        {"company": "foxconn", "role": "CUSTOMER"},
    ],
    "evidence": [{"source": "s74", "quote": QUOTE}],
}
STATUS = (
    'mutation { changePartnershipStatus(id: "test-watch-deal", status: SIGNED, on: "2025-12-01", '
    f'evidence: [{{source: "s74", quote: "{QUOTE}"}}]) {{ __typename }} }}'
)


def call(api: ApiProcess, query: str, variables: dict[str, Any] | None = None, key: str | None = None) -> Any:
    """The response body, whatever the status (a refusal's status under "status")."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(f"{api.url}/graphql", body, headers), timeout=60
        ) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as refused:
        return {**json.loads(refused.read()), "status": refused.code}


def ok(answer: Any) -> Any:
    assert "errors" not in answer, answer
    return answer["data"]


def code(answer: Any) -> str:
    return str(answer["errors"][0]["extensions"]["code"])


def watched(api: ApiProcess, watch: str, after: str | None) -> list[tuple[str, str, int]]:
    page = ok(graphql(api.url, WATCHED, {"watch": watch, "after": after}))["changes"]
    return [(n["entity"], n["action"], n["version"]) for n in page["nodes"]]


def head_cursor(api: ApiProcess) -> tuple[str | None, int]:
    """The feed's last page's end cursor and seq: what a follower starting now resumes from."""
    after, seq = None, 0
    while True:
        page = ok(graphql(api.url, WATCHED, {"watch": None, "after": after}))["changes"]
        if not page["nodes"]:
            return after, seq
        after, seq = page["pageInfo"]["endCursor"], page["nodes"][-1]["seq"]


def test_a_watch_follows_its_neighbourhood_links_and_actions(
    seeded: Driver, api: ApiProcess, keys: dict[str, str]
) -> None:
    reader, editor = keys["reader"], keys["editor"]
    after, _ = head_cursor(api)
    saved = ok(
        call(
            api,
            SAVE,
            {
                "input": {
                    "name": "Foxconn's deals",
                    "entities": ["foxconn"],
                    "within": 1,
                    "links": ["PARTNERSHIP"],
                    "actions": ["UPSERT"],
                }
            },
            reader,
        )
    )["saveWatch"]
    assert saved["id"].startswith("watch_") and saved["ownerName"] == "test-reader"
    assert (saved["links"], saved["actions"], saved["within"]) == (["PARTNERSHIP"], ["UPSERT"], 1)
    watch = saved["id"]
    upsert = "mutation($input: CompanyInput!) { upsertCompany(input: $input) { __typename } }"
    deal = "mutation($input: PartnershipInput!) { upsertPartnership(input: $input) { __typename } }"
    ok(call(api, upsert, {"input": company("test-watch-acme", "Watch Acme")}, editor))
    ok(call(api, deal, {"input": DEAL}, editor))
    ok(call(api, upsert, {"input": company("test-watch-acme", "Watch Acme", parent="foxconn")}, editor))
    ok(call(api, STATUS, key=editor))
    # One PARTY_TO link from foxconn: the deal (upserts only, so not its status change). Acme is
    # two deal links away, and its one link to foxconn (SUBSIDIARY_OF) is not a kind watched.
    assert watched(api, watch, after) == [("test-watch-deal", "upsert", 1)]
    # The same watch, changed: ownership links too, and status changes.
    changed = {"id": watch, "name": "Foxconn's deals and units", "entities": ["foxconn"], "within": 1}
    changed |= {"links": ["PARTNERSHIP", "OWNERSHIP"], "actions": ["UPSERT", "STATUS"]}
    assert ok(call(api, SAVE, {"input": changed}, reader))["saveWatch"]["id"] == watch
    assert watched(api, watch, after) == [
        ("test-watch-acme", "upsert", 1),
        ("test-watch-deal", "upsert", 1),
        ("test-watch-acme", "upsert", 2),
        ("test-watch-deal", "status", 2),
    ]
    # No depth and every kind of link: foxconn itself only, which none of these writes changed.
    alone = {"name": "Foxconn only", "entities": ["foxconn"], "within": 0}
    only = ok(call(api, SAVE, {"input": alone}, reader))["saveWatch"]
    assert (only["links"], only["actions"]) == ([], []) and watched(api, only["id"], after) == []
    listed = ok(call(api, "{ watches { id name } }", key=reader))["watches"]
    assert [w["id"] for w in listed] == [watch, only["id"]]


def test_a_subscription_follows_a_watch(seeded: Driver, api: ApiProcess, keys: dict[str, str]) -> None:
    _, seq = head_cursor(api)
    watch = ok(
        call(api, SAVE, {"input": {"name": "OpenAI", "entities": ["openai"], "within": 0}}, keys["reader"])
    )
    subscription = (
        "subscription($watch: ID, $after: Int) { changes(watch: $watch, afterSeq: $after) { entity action } }"
    )
    body = json.dumps({"query": subscription, "variables": {"watch": watch["saveWatch"]["id"], "after": seq}})
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
    received: list[Any] = []

    def listen() -> None:
        request = urllib.request.Request(f"{api.url}/graphql", body.encode(), headers)
        with urllib.request.urlopen(request, timeout=60) as stream:
            received.append(next(json.loads(line[6:]) for line in stream if line.startswith(b"data: ")))

    listener = threading.Thread(target=listen)
    listener.start()
    editor = keys["editor"]
    upsert = "mutation($input: CompanyInput!) { upsertCompany(input: $input) { __typename } }"
    ok(call(api, upsert, {"input": company("test-watch-other", "Not watched")}, editor))
    ok(call(api, upsert, {"input": {"id": "openai", "description": "Changed by the watch test."}}, editor))
    listener.join(timeout=30)
    assert received == [{"data": {"changes": {"entity": "openai", "action": "upsert"}}}]


def test_watches_belong_to_their_key_and_bad_ones_are_refused(
    driver: Driver, seeded: Driver, api: ApiProcess, keys: dict[str, str]
) -> None:
    mine = ok(call(api, SAVE, {"input": {"name": "Mine", "entities": ["nvidia"]}}, keys["reader"]))[
        "saveWatch"
    ]
    other = api_key(driver, "test-other-reader", Role.READER)
    # Another key neither sees, changes nor removes it; an admin may remove it.
    assert ok(call(api, "{ watches { id } }", key=other))["watches"] == []
    stolen = call(api, SAVE, {"input": {"id": mine["id"], "name": "Theirs", "entities": ["amd"]}}, other)
    assert code(stolen) == "NOT_FOUND"
    removal = "mutation($id: ID!) { removeWatch(id: $id) }"
    assert code(call(api, removal, {"id": mine["id"]}, other)) == "NOT_FOUND"
    # Anyone holding the id may follow it: the feed is readable by all who may read.
    assert graphql(api.url, WATCHED, {"watch": mine["id"]})["data"]["changes"] is not None
    assert ok(call(api, removal, {"id": mine["id"]}, keys["admin"]))["removeWatch"] is True
    gone = graphql(api.url, WATCHED, {"watch": mine["id"]})
    assert code(gone) == "NOT_FOUND" and gone["data"] is None
    # Without a key, a watch cannot be saved or listed.
    anonymous = call(api, SAVE, {"input": {"name": "Nobody's", "entities": ["nvidia"]}})
    assert (anonymous["status"], code(anonymous)) == (401, "UNAUTHENTICATED")
    assert code(call(api, "{ watches { id } }")) == "UNAUTHENTICATED"
    bad = [
        ({"name": "Deep", "entities": ["nvidia"], "within": 4}, "BAD_USER_INPUT"),
        ({"name": "", "entities": ["nvidia"]}, "BAD_USER_INPUT"),
        ({"name": "None", "entities": []}, "BAD_USER_INPUT"),
        ({"name": "Ghost", "entities": ["no-such-entity"]}, "NOT_FOUND"),
        ({"name": "Odd", "entities": ["nvidia"], "actions": ["EXPLODE"]}, "BAD_USER_INPUT"),
    ]
    assert [code(call(api, SAVE, {"input": sent}, keys["reader"])) for sent, _ in bad] == [c for _, c in bad]
    near_and_watch = graphql(api.url, '{ changes(near: "nvidia", watch: "w") { totalCount } }')
    assert code(near_and_watch) == "BAD_USER_INPUT"
