"""Merging a duplicate into the entity it duplicates, and undoing it, through `python -m service`
over HTTP against the real Neo4j: links and evidence move, the dropped id answers the kept
entity, history and feed record it, and `unmerge` gives back every property and relationship."""

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver

from seed.cli import DATA_DIR
from seed.validate import load_dataset
from service.domain.entities import Partnership, Person
from service.graph.fragments import ARCHIVED, EARLIER
from service.graph.merges import MAX_MERGE_LINKS
from tests.api.test_mutations import post
from tests.support import MOMENTS, REPO_ROOT, ApiProcess, Neo4jServer, seed_only

KEEP, DROP = "foxconn", "test-hon-hai"
DEAL = "test-hon-hai-openai-supply"
# A quote of a curated source (s07), so the duplicate is sourced like any entity.
QUOTE = (
    "Foxconn Chairman Young Liu said on Friday the company now had the capability to manufacture "
    "1,000 artificial intelligence racks per week"
)
EVIDENCE = [{"source": "s07", "quote": QUOTE}]
RESULT = (
    "__typename ... on Written { id version created changed } "
    "... on ValidationError { message errors { path message } } "
    "... on NotFound { id message } ... on Conflict { id message currentVersion }"
)
MERGE = (
    "mutation($keep: ID!, $drop: ID!) {"
    f' merge(keep: $keep, drop: $drop, reason: "duplicate") {{ {RESULT} }} }}'
)
UNMERGE = f'mutation($id: ID!) {{ unmerge(id: $id, reason: "not the same") {{ {RESULT} }} }}'
# What a write stamps on the node it writes (who, when, which version): bookkeeping, not facts.
STAMPS = ("version", "updated_at", "updated_by")
BOOKKEEPING_LINKS = (ARCHIVED, EARLIER, "HAS_CHANGE")  # earlier values and links, the history


def young_liu_chair() -> dict[str, Any]:
    """Young Liu's Foxconn chairmanship as the curated data has it (title and role; no dates)."""
    person = next(p for p in load_dataset(DATA_DIR).section("people") if p.id == "young-liu")
    assert isinstance(person, Person)
    position = next(p for p in person.positions if p.company == KEEP)
    assert position.since is None and position.until is None
    return {"title": position.title, "role": position.role.value.upper()}


@pytest.fixture
def world(api: ApiProcess, driver: Driver, keys: dict[str, str]) -> Iterator[Driver]:
    """The curated seed plus a duplicate of Foxconn written through the API: a company, a deal it
    is party to, and Young Liu's chairmanship of it (the same title he holds at Foxconn)."""
    clean(driver)
    admin = keys["admin"]
    chair = young_liu_chair()
    company = {
        "id": DROP,
        "name": "Hon Hai Precision Industry Co., Ltd.",
        "aliases": ["Hon Hai Precision"],
        "country": "TW",
        "evidence": EVIDENCE,
    }
    deal = {
        "id": DEAL,
        "name": "Hon Hai–OpenAI test supply deal",
        "kind": "SUPPLY",
        "status": "ANNOUNCED",
        "announced": "2025-11",
        "parties": [{"company": DROP, "role": "SUPPLIER"}, {"company": "openai", "role": "CUSTOMER"}],
        "evidence": EVIDENCE,
    }
    position = {"company": DROP, **chair, "evidence": EVIDENCE}
    for query, variables in (
        (
            # The guard would stop it (it is Foxconn's legal name): the writer insists, wrongly.
            "mutation($i: CompanyInput!) {"
            f' upsertCompany(input: $i, distinctFrom: ["{KEEP}"]) {{ {RESULT} }} }}',
            {"i": company},
        ),
        (f"mutation($i: PartnershipInput!) {{ upsertPartnership(input: $i) {{ {RESULT} }} }}", {"i": deal}),
        (
            "mutation($p: PositionInput!) {"
            f' upsertPosition(person: "young-liu", position: $p) {{ {RESULT} }} }}',
            {"p": position},
        ),
    ):
        answer = post(api, query, variables, admin)
        assert next(iter(answer["data"].values()))["__typename"] == "Written", answer
    yield driver
    clean(driver)


def clean(driver: Driver) -> None:
    driver.execute_query("MATCH (c:Change) DETACH DELETE c")
    driver.execute_query("MATCH (m:Merge) DELETE m")
    driver.execute_query("MATCH (n:Entity) WHERE n.merged_from IS NOT NULL REMOVE n.merged_from")
    driver.execute_query("MATCH (n:Retracted) DETACH DELETE n")
    seed_only(driver)


def neighbourhood(driver: Driver, ids: list[str]) -> tuple[list[Any], list[Any]]:
    """Every property of these nodes and every relationship touching them, with its properties:
    all but the stamps a write leaves (who, when, version) and the moments links were recorded."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n:Entity) WHERE n.id IN $ids RETURN labels(n) AS labels, properties(n) AS props", ids=ids
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]-(b) WHERE a.id IN $ids AND NOT type(r) IN $skip "
        "RETURN DISTINCT startNode(r).id AS a, type(r) AS type, endNode(r).id AS b, properties(r) AS props",
        ids=ids,
        skip=list(BOOKKEEPING_LINKS),
    )

    def facts(props: dict[str, Any]) -> list[tuple[str, Any]]:
        return sorted((k, v) for k, v in props.items() if k not in (*MOMENTS, *STAMPS))

    return (
        sorted((sorted(r["labels"]), facts(r["props"])) for r in nodes),
        sorted((r["a"], r["type"], r["b"], facts(r["props"])) for r in rels),
    )


def data(api: ApiProcess, query: str, variables: dict[str, Any] | None = None) -> Any:
    answer = post(api, query, variables)
    assert "errors" not in answer, answer
    return answer["data"]


def merge(api: ApiProcess, key: str, keep: str = KEEP, drop: str = DROP) -> dict[str, Any]:
    return post(api, MERGE, {"keep": keep, "drop": drop}, key)  # type: ignore[no-any-return]


def test_merge_moves_everything_and_unmerge_gives_it_back(
    api: ApiProcess, world: Driver, keys: dict[str, str]
) -> None:
    watched = [KEEP, DROP, DEAL, "young-liu"]
    before = neighbourhood(world, watched)
    seed_evidence = data(api, '{ company(id: "foxconn") { sources(first: 100) { totalCount } } }')
    chair = young_liu_chair()
    moment = world.execute_query("RETURN toString(datetime()) AS now").records[0]["now"]

    merged = merge(api, keys["admin"])["data"]["merge"]
    assert merged["__typename"] == "Written" and merged["id"] == KEEP, merged
    assert {"aliases", "evidence"} <= set(merged["changed"])

    # The dropped id answers the kept entity, which lists it; it is gone from lists and search.
    redirected = data(
        api,
        '{ company(id: "test-hon-hai") { id aliases mergedFrom sources(first: 100) { totalCount } } '
        'node(id: "test-hon-hai") { id } companies(where: {id: {eq: "test-hon-hai"}}) { totalCount } }',
    )
    assert redirected["company"]["id"] == KEEP and redirected["node"]["id"] == KEEP
    assert redirected["company"]["mergedFrom"] == [DROP]
    assert {"Hon Hai Precision Industry Co., Ltd.", "Hon Hai Precision"} <= set(
        redirected["company"]["aliases"]
    )
    # One evidence item moved (its quote is not one Foxconn had with the same fields).
    assert (
        redirected["company"]["sources"]["totalCount"]
        == seed_evidence["company"]["sources"]["totalCount"] + 1
    )
    assert redirected["companies"]["totalCount"] == 0
    hidden = data(
        api,
        '{ companies(includeRetracted: true, where: {id: {eq: "test-hon-hai"}}) '
        "{ nodes { id retracted retraction { reason } } } }",
    )["companies"]["nodes"]
    assert hidden == [
        {"id": DROP, "retracted": True, "retraction": {"reason": "merged into foxconn: duplicate"}}
    ]
    federated = data(
        api,
        "query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Company { id } } }",
        {"reps": [{"__typename": "Company", "id": DROP}]},
    )
    assert federated["_entities"] == [{"id": KEEP}]

    # The analytics' entity arguments follow the merge too: asked about the dropped id, they
    # answer what they answer about Foxconn.
    analytics = (
        '{{ timeline(id: "{0}", first: 5) {{ nodes {{ on description }} }} '
        'supplyChain(company: "{0}", maxDepth: 1) {{ entries {{ tier company {{ id }} }} }} '
        'connections(from: "{0}", to: "openai") {{ paths {{ steps {{ from {{ id }} to {{ id }} }} }} }} }}'
    )
    about_keep = data(api, analytics.format(KEEP))
    assert about_keep["connections"]["paths"] and about_keep["timeline"]["nodes"]
    assert data(api, analytics.format(DROP)) == about_keep

    # Links moved: the deal names Foxconn (and its derived SUPPLIES edge follows), and the same
    # chairmanship became one position with both sources.
    moved = data(
        api,
        '{ partnership(id: "test-hon-hai-openai-supply") { parties { company { id } } } '
        'company(id: "openai") { suppliers(first: 100) { edges { node { id } partnerships { id } } } } '
        'person(id: "young-liu") { positions(first: 50) {'
        " nodes { company { id } title sources { quote } } } } }",
    )
    assert {p["company"]["id"] for p in moved["partnership"]["parties"]} == {KEEP, "openai"}
    foxconn_deals = [e for e in moved["company"]["suppliers"]["edges"] if e["node"]["id"] == KEEP]
    assert DEAL in {p["id"] for e in foxconn_deals for p in e["partnerships"]}
    chairs = [p for p in moved["person"]["positions"]["nodes"] if p["title"] == chair["title"]]
    assert [p["company"]["id"] for p in chairs] == [KEEP]
    assert QUOTE in {s["quote"] for s in chairs[0]["sources"]}

    # Every rewritten entity has a `merge` change in its history and in the feed, by this key.
    feed = data(
        api,
        '{ changes(where: {action: {eq: "merge"}}, first: 20) { nodes { entity keyName reason'
        " linksRemoved { relationship id } linksAdded { relationship id } } } }",
    )
    events = {n["entity"]: n for n in feed["changes"]["nodes"]}
    assert set(events) == {KEEP, DROP, DEAL, "young-liu"}
    assert {n["keyName"] for n in events.values()} == {"test-admin"}
    # The deal's event says which party link went and which came (its entry owns them).
    assert ("PARTY_TO", DROP) in {(link["relationship"], link["id"]) for link in events[DEAL]["linksRemoved"]}
    assert ("PARTY_TO", KEEP) in {(link["relationship"], link["id"]) for link in events[DEAL]["linksAdded"]}
    assert ("SOURCED_BY", "s07") in {
        (link["relationship"], link["id"]) for link in events[DROP]["linksRemoved"]
    }

    # The kept entity's own history says so too, newest first: the merge and who made it.
    kept_history = data(api, '{ company(id: "foxconn") { history(first: 1) { nodes { action keyName } } } }')
    assert kept_history["company"]["history"]["nodes"] == [{"action": "merge", "keyName": "test-admin"}]

    # As the graph stood before the merge (`knownAt`), the duplicate is there as it was.
    then = data(api, f'{{ company(id: "test-hon-hai", knownAt: "{moment}") {{ id name }} }}')
    assert then["company"] == {"id": DROP, "name": "Hon Hai Precision Industry Co., Ltd."}
    # As it stands since (`knownAt` now), the duplicate is not there, and not redirected either.
    now = world.execute_query("RETURN toString(datetime()) AS now").records[0]["now"]
    assert data(api, f'{{ company(id: "test-hon-hai", knownAt: "{now}") {{ id }} }}')["company"] is None

    undone = post(api, UNMERGE, {"id": DROP}, keys["admin"])["data"]["unmerge"]
    assert undone["__typename"] == "Written" and undone["id"] == DROP, undone
    after = neighbourhood(world, watched)
    assert after[0] == before[0]
    assert [r for r in after[1] if r not in before[1]] == []
    assert [r for r in before[1] if r not in after[1]] == []
    assert after == before  # the same, in number too
    feed = data(api, '{ changes(where: {action: {eq: "unmerge"}}, first: 20) { nodes { entity } } }')
    assert {n["entity"] for n in feed["changes"]["nodes"]} == {KEEP, DROP, DEAL, "young-liu"}
    assert data(api, '{ company(id: "test-hon-hai") { id mergedFrom } }')["company"] == {
        "id": DROP,
        "mergedFrom": [],
    }


def test_writes_to_keep_between_merge_and_unmerge_stay(
    api: ApiProcess, world: Driver, keys: dict[str, str]
) -> None:
    admin = keys["admin"]
    assert merge(api, admin)["data"]["merge"]["__typename"] == "Written"
    later = {"source": "s08", "quote": "a later quote"}
    attached = post(
        api,
        f'mutation($e: [EvidenceInput!]!) {{ attachEvidence(id: "foxconn", evidence: $e) {{ {RESULT} }} }}',
        {"e": [later]},
        admin,
    )
    assert attached["data"]["attachEvidence"]["__typename"] == "Written", attached
    # The merge's id is the id of the dropped entity's `merge` change.
    history = data(
        api, '{ changes(where: {entity: {eq: "test-hon-hai"}, action: {eq: "merge"}}) { nodes { version } } }'
    )
    merge_id = f"{DROP}@{history['changes']['nodes'][0]['version']}"
    assert post(api, UNMERGE, {"id": merge_id}, admin)["data"]["unmerge"]["__typename"] == "Written"

    after = data(api, '{ company(id: "foxconn") { aliases sources(first: 100) { nodes { quote } } } }')[
        "company"
    ]
    quotes = [s["quote"] for s in after["sources"]["nodes"]]
    assert "a later quote" in quotes and QUOTE in quotes  # QUOTE: Foxconn's own C07 item
    assert quotes.count(QUOTE) == 1  # the duplicate's copy went back with it
    assert "Hon Hai Precision" not in after["aliases"]


def test_refusals_are_coded_and_write_nothing(api: ApiProcess, world: Driver, keys: dict[str, str]) -> None:
    admin = keys["admin"]
    head = world.execute_query("MATCH (s:Sequence) RETURN s.value AS v").records[0]["v"]
    cases = [
        ((KEEP, KEEP), "BAD_USER_INPUT"),
        ((KEEP, "no-such-company"), "NOT_FOUND"),
        ((KEEP, "young-liu"), "BAD_USER_INPUT"),
    ]
    for (keep, drop), code in cases:
        answer = merge(api, admin, keep, drop)
        assert answer["data"]["merge"] is None and answer["errors"][0]["extensions"]["code"] == code, answer
    assert post(api, UNMERGE, {"id": DROP}, admin)["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    editor = merge(api, keys["editor"])
    assert editor["status"] == 403 and editor["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = merge(api, "")
    assert anonymous["status"] == 401 and anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert world.execute_query("MATCH (s:Sequence) RETURN s.value AS v").records[0]["v"] == head

    assert merge(api, admin)["data"]["merge"]["__typename"] == "Written"
    again = merge(api, admin)
    assert (
        again["errors"][0]["extensions"]["code"] == "CONFLICT"
        and "already merged" in again["errors"][0]["message"]
    )
    # The dropped id cannot be written any more: writes go to the kept entity.
    write = post(
        api,
        f'mutation {{ upsertCompany(input: {{id: "{DROP}", name: "Hon Hai"}}) {{ {RESULT} }} }}',
        key=admin,
    )
    assert write["data"]["upsertCompany"]["__typename"] == "Conflict"
    assert "merged into 'foxconn'" in write["data"]["upsertCompany"]["message"]
    assert post(api, UNMERGE, {"id": DROP}, admin)["data"]["unmerge"]["__typename"] == "Written"
    assert post(api, UNMERGE, {"id": DROP}, admin)["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_links_cap_is_documented() -> None:
    assert f"{MAX_MERGE_LINKS}" in (REPO_ROOT / "docs" / "merge.md").read_text()


def test_merges_chain_and_unwind(api: ApiProcess, world: Driver, keys: dict[str, str]) -> None:
    """A duplicate of the duplicate, merged first: its id follows the second merge to Foxconn,
    and comes back to the first duplicate when that merge is undone."""
    admin, second = keys["admin"], "test-hon-hai-2"
    company = {"id": second, "name": "Hon Hai Precision Ind.", "evidence": EVIDENCE}
    written = post(
        api,
        "mutation($i: CompanyInput!) {"
        f' upsertCompany(input: $i, distinctFrom: ["{KEEP}", "{DROP}"]) {{ {RESULT} }} }}',
        {"i": company},
        admin,
    )
    assert written["data"]["upsertCompany"]["__typename"] == "Written"
    before = neighbourhood(world, [KEEP, DROP, second])
    assert merge(api, admin, DROP, second)["data"]["merge"]["__typename"] == "Written"
    assert merge(api, admin)["data"]["merge"]["__typename"] == "Written"
    lookup = '{ company(id: "test-hon-hai-2") { id mergedFrom } }'
    assert data(api, lookup)["company"] == {"id": KEEP, "mergedFrom": [DROP, second]}
    assert post(api, UNMERGE, {"id": DROP}, admin)["data"]["unmerge"]["__typename"] == "Written"
    assert data(api, lookup)["company"] == {"id": DROP, "mergedFrom": [second]}
    assert post(api, UNMERGE, {"id": second}, admin)["data"]["unmerge"]["__typename"] == "Written"
    assert neighbourhood(world, [KEEP, DROP, second]) == before


def test_an_entity_over_the_links_cap_is_refused_before_anything_is_written(
    world: Driver, neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap, lowered for the test, against the real database through the graph layer."""
    import asyncio

    from neo4j import AsyncGraphDatabase

    from service.domain.roles import Principal, Role
    from service.graph import merges
    from service.graph.edits import Store

    links = world.execute_query(
        "MATCH (:Entity {id: $id})-[r]-() WHERE NOT type(r) IN $skip RETURN count(r) AS n",
        id=DROP,
        skip=list(BOOKKEEPING_LINKS),
    ).records[0]["n"]
    monkeypatch.setattr(merges, "MAX_MERGE_LINKS", links - 1)
    head = world.execute_query("MATCH (s:Sequence) RETURN s.value AS v").records[0]["v"]

    async def attempt() -> str:
        driver = AsyncGraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password))
        try:
            principal = Principal("test", "test-admin", Role.ADMIN)
            await merges.merge(Store(driver, "neo4j"), KEEP, DROP, principal, "too big", None)
        except merges.MergeRefused as refused:
            return refused.kind
        finally:
            await driver.close()
        return "merged"

    assert asyncio.run(attempt()) == "too_large"
    assert world.execute_query("MATCH (s:Sequence) RETURN s.value AS v").records[0]["v"] == head


def test_a_duplicate_deal_merges_into_the_curated_one_and_back(
    api: ApiProcess, world: Driver, keys: dict[str, str]
) -> None:
    """Two records of one deal: the parties become one list (same company, same role: one link),
    the duplicate's derived edges go, and the undo brings them back."""
    admin, kept = keys["admin"], "openai-foxconn-us-hardware"
    curated = next(p for p in load_dataset(DATA_DIR).section("partnerships") if p.id == kept)
    assert isinstance(curated, Partnership)
    duplicate = {
        "id": "test-dup-deal",
        "name": "OpenAI and Foxconn hardware deal",
        "kind": curated.kind.value.upper(),
        "status": curated.status.value.upper(),
        "parties": [{"company": p.company, "role": p.role.value.upper()} for p in curated.parties],
        "evidence": [{"source": e.source, "quote": e.quote} for e in curated.evidence[:1]],
    }
    query = f"mutation($i: PartnershipInput!) {{ upsertPartnership(input: $i) {{ {RESULT} }} }}"
    assert post(api, query, {"i": duplicate}, admin)["data"]["upsertPartnership"]["__typename"] == "Written"
    watched = [kept, "test-dup-deal", *(p.company for p in curated.parties)]
    before = neighbourhood(world, watched)
    stamped = (
        "MATCH ()-[r]->() WHERE r.partnership = 'test-dup-deal' "
        f"AND type(r) <> '{ARCHIVED}' RETURN count(r) AS n"
    )
    assert world.execute_query(stamped).records[0]["n"] > 0

    assert merge(api, admin, kept, "test-dup-deal")["data"]["merge"]["__typename"] == "Written"
    assert world.execute_query(stamped).records[0]["n"] == 0
    deal = data(api, '{ partnership(id: "test-dup-deal") { id parties { company { id } role } } }')
    assert deal["partnership"]["id"] == kept
    assert len(deal["partnership"]["parties"]) == len(curated.parties)  # no party twice

    assert post(api, UNMERGE, {"id": "test-dup-deal"}, admin)["data"]["unmerge"]["__typename"] == "Written"
    assert neighbourhood(world, watched) == before
