"""Writes through the API: validated like the seed data, sourced, versioned, remembered, and
closed to anyone without the right key. Every test talks to `python -m service` over HTTP."""

import asyncio
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from seed.loader import load_curated
from seed.validate import load_dataset
from tests.support import MOMENTS, ApiProcess, seed_only

QUOTE = "The company says it makes artificial intelligence servers in Mount Pleasant."
EVIDENCE = [{"source": "s74", "quote": QUOTE}]
WRITTEN = "... on Written { id version created changed node { ... on Company { name country version } } }"
FAILURES = (
    "... on ValidationError { message errors { path message } } "
    "... on NotFound { id message } ... on Conflict { id message currentVersion }"
)
UPSERT_COMPANY = (
    "mutation Upsert($input: CompanyInput!, $expected: Int, $reason: String) {"
    " upsertCompany(input: $input, expectedVersion: $expected, reason: $reason) {"
    f" __typename {WRITTEN} {FAILURES} }} }}"
)
PARTNERSHIP = {
    "id": "test-acme-openai-supply",
    "name": "Acme–OpenAI test supply deal",
    "kind": "SUPPLY",
    "status": "ANNOUNCED",
    "announced": "2025-11",
    "parties": [{"company": "test-acme", "role": "SUPPLIER"}, {"company": "openai", "role": "CUSTOMER"}],
    "value": {"amount": 1.5e9, "qualifier": "APPROXIMATELY"},
    "evidence": EVIDENCE,
}
UPSERT_PARTNERSHIP = (
    "mutation Deal($input: PartnershipInput!) { upsertPartnership(input: $input) {"
    f" __typename ... on Written {{ id version created changed }} {FAILURES} }} }}"
)


def post(api: ApiProcess, query: str, variables: dict[str, Any] | None = None, key: str | None = None) -> Any:
    """The response body; a refusal's HTTP status is under "status"."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
    request = urllib.request.Request(f"{api.url}/graphql", body, headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return {**json.loads(error.read()), "status": error.code}


def company(name: str = "Acme Test Servers", **extra: Any) -> dict[str, Any]:
    return {"id": "test-acme", "name": name, "country": "US", "evidence": EVIDENCE, **extra}


@pytest.fixture
def clean(driver: Driver) -> Driver:
    """The curated seed only: API-written entities, changes, retractions and keys removed."""
    driver.execute_query("MATCH (c:Change) DETACH DELETE c")
    driver.execute_query("MATCH (n:Retracted) DETACH DELETE n")
    return seed_only(driver)


def test_writes_need_an_editor_key(api: ApiProcess, clean: Driver, keys: dict[str, str]) -> None:
    anonymous = post(api, UPSERT_COMPANY, {"input": company()})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED" and anonymous["status"] == 401
    reader = post(api, UPSERT_COMPANY, {"input": company()}, keys["reader"])
    assert reader["errors"][0]["extensions"]["code"] == "FORBIDDEN" and reader["status"] == 403
    assert "data" not in anonymous and "data" not in reader  # refused before anything ran
    assert clean.execute_query("MATCH (n {id: 'test-acme'}) RETURN n").records == []


def test_create_update_conflict_and_history(api: ApiProcess, clean: Driver, keys: dict[str, str]) -> None:
    editor = keys["editor"]
    created = post(api, UPSERT_COMPANY, {"input": company(), "expected": 0, "reason": "new"}, editor)
    result = created["data"]["upsertCompany"]

    assert result["__typename"] == "Written" and result["created"] and result["version"] == 1
    assert result["node"] == {"name": "Acme Test Servers", "country": "US", "version": 1}

    stale = post(api, UPSERT_COMPANY, {"input": {"id": "test-acme", "ticker": "ACME"}, "expected": 0}, editor)
    conflict = stale["data"]["upsertCompany"]
    assert conflict["__typename"] == "Conflict" and conflict["currentVersion"] == 1

    renamed = post(api, UPSERT_COMPANY, {"input": {"id": "test-acme", "name": "Acme"}, "expected": 1}, editor)
    assert renamed["data"]["upsertCompany"]["version"] == 2
    assert renamed["data"]["upsertCompany"]["changed"] == ["name"]
    same = post(api, UPSERT_COMPANY, {"input": {"id": "test-acme", "name": "Acme"}}, editor)
    assert same["data"]["upsertCompany"]["version"] == 2 and same["data"]["upsertCompany"]["changed"] == []

    history = post(
        api,
        '{ company(id: "test-acme") { version history { totalCount nodes {'
        " version action keyName reason fields before after } } } }",
    )["data"]["company"]
    assert history["version"] == 2 and history["history"]["totalCount"] == 2
    latest, first = history["history"]["nodes"]
    assert (latest["version"], latest["fields"], first["version"], first["reason"]) == (2, ["name"], 1, "new")
    assert (
        json.loads(latest["before"])["name"] == "Acme Test Servers"
        and json.loads(latest["after"])["name"] == "Acme"
    )
    assert first["before"] is None and latest["keyName"] == "test-editor"


def test_validation_errors_write_nothing(api: ApiProcess, clean: Driver, keys: dict[str, str]) -> None:
    bad = company(country="usa", evidence=[{"source": "no-such-source", "quote": "x"}])
    invalid = post(api, UPSERT_COMPANY, {"input": bad}, keys["editor"])["data"]["upsertCompany"]
    assert invalid["__typename"] == "ValidationError"
    assert ["country"] in [e["path"] for e in invalid["errors"]]
    unsourced = post(api, UPSERT_COMPANY, {"input": company(evidence=[])}, keys["editor"])["data"][
        "upsertCompany"
    ]
    assert unsourced["__typename"] == "ValidationError" and unsourced["errors"][0]["path"] == ["evidence"]
    missing_source = post(
        api,
        UPSERT_COMPANY,
        {"input": company(evidence=[{"source": "no-such-source", "quote": "x"}])},
        keys["editor"],
    )["data"]["upsertCompany"]
    assert missing_source["errors"][0]["path"] == ["evidence", "0", "source"]
    assert clean.execute_query("MATCH (n {id: 'test-acme'}) RETURN n").records == []


def test_derived_edges_follow_their_partnership(api: ApiProcess, clean: Driver, keys: dict[str, str]) -> None:
    editor = keys["editor"]
    post(api, UPSERT_COMPANY, {"input": company()}, editor)
    deal = post(api, UPSERT_PARTNERSHIP, {"input": PARTNERSHIP}, editor)["data"]["upsertPartnership"]
    assert deal["__typename"] == "Written" and deal["created"]

    def supplies() -> list[tuple[str, str]]:
        records = clean.execute_query(
            "MATCH (a)-[r:SUPPLIES {partnership: 'test-acme-openai-supply'}]->(b) RETURN a.id AS a, b.id AS b"
        ).records
        return sorted((r["a"], r["b"]) for r in records)

    assert supplies() == [("test-acme", "openai")]
    suppliers = post(api, '{ company(id: "openai") { suppliers(first: 100) { nodes { id } } } }')
    assert "test-acme" in {n["id"] for n in suppliers["data"]["company"]["suppliers"]["nodes"]}

    # An invalid change (one party left) is refused and leaves the deal and its edges as they were.
    broken = {"id": PARTNERSHIP["id"], "parties": [{"company": "test-acme", "role": "SUPPLIER"}]}
    refused = post(api, UPSERT_PARTNERSHIP, {"input": broken}, editor)["data"]["upsertPartnership"]
    assert refused["__typename"] == "ValidationError" and supplies() == [("test-acme", "openai")]

    swapped = {
        "id": PARTNERSHIP["id"],
        "parties": [{"company": "openai", "role": "SUPPLIER"}, {"company": "test-acme", "role": "CUSTOMER"}],
    }
    assert (
        post(api, UPSERT_PARTNERSHIP, {"input": swapped}, editor)["data"]["upsertPartnership"]["version"] == 2
    )
    assert supplies() == [("openai", "test-acme")]


def test_status_change_is_a_dated_sourced_event(api: ApiProcess, clean: Driver, keys: dict[str, str]) -> None:
    editor = keys["editor"]
    post(api, UPSERT_COMPANY, {"input": company()}, editor)
    post(api, UPSERT_PARTNERSHIP, {"input": PARTNERSHIP}, editor)
    changed = post(
        api,
        'mutation { changePartnershipStatus(id: "test-acme-openai-supply", status: SIGNED, on: "2025-12-01",'
        f' evidence: [{{source: "s74", quote: "{EVIDENCE[0]["quote"]}"}}], reason: "signed") {{'
        " __typename ... on Written { version changed } } }",
        key=editor,
    )["data"]["changePartnershipStatus"]
    assert changed == {"__typename": "Written", "version": 2, "changed": ["status"]}
    deal = post(
        api,
        '{ partnership(id: "test-acme-openai-supply") { status events { nodes { kind on description '
        "sources { nodes { source { id } } } } } } }",
    )["data"]["partnership"]
    assert deal["status"] == "SIGNED"
    (event,) = deal["events"]["nodes"]
    assert event["kind"] == "STATUS_CHANGE" and event["on"] == "2025-12-01"
    assert event["sources"]["nodes"] == [{"source": {"id": "s74"}}]
    missing = post(
        api,
        'mutation { changeFacilityStatus(id: "no-such-site", status: OPERATING, on: "2025", '
        f'evidence: [{{source: "s74", quote: "q"}}]) {{ __typename {FAILURES} }} }}',
        key=editor,
    )["data"]["changeFacilityStatus"]
    assert missing["__typename"] == "NotFound"


def test_retraction_hides_but_keeps(api: ApiProcess, clean: Driver, keys: dict[str, str]) -> None:
    post(api, UPSERT_COMPANY, {"input": company()}, keys["editor"])
    retract = (
        'mutation { retract(id: "test-acme", reason: "wrong source") {'
        " __typename ... on Written { version } } }"
    )
    forbidden = post(api, retract, key=keys["editor"])
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN" and forbidden["status"] == 403
    done = post(api, retract, key=keys["admin"])["data"]["retract"]
    assert done == {"__typename": "Written", "version": 2}

    assert post(api, '{ company(id: "test-acme") { id } }')["data"]["company"] is None
    listed = post(api, '{ companies(first: 100, where: {id: {eq: "test-acme"}}) { totalCount } }')
    assert listed["data"]["companies"]["totalCount"] == 0
    shown = post(
        api,
        '{ company(id: "test-acme", includeRetracted: true) { name retracted retraction { reason } '
        "history { nodes { action } } } }",
    )["data"]["company"]
    assert shown["retracted"] and shown["retraction"]["reason"] == "wrong source"
    assert [n["action"] for n in shown["history"]["nodes"]] == ["retract", "upsert"]
    again = post(api, UPSERT_COMPANY, {"input": company()}, keys["editor"])["data"]["upsertCompany"]
    assert again["__typename"] == "Conflict"


def test_retract_a_link_and_attach_evidence(api: ApiProcess, clean: Driver, keys: dict[str, str]) -> None:
    post(api, UPSERT_COMPANY, {"input": company()}, keys["editor"])
    attached = post(
        api,
        'mutation { attachEvidence(id: "test-acme", evidence: [{source: "s75", quote: "received regulatory '
        'approval"}]) { __typename ... on Written { version changed } } }',
        key=keys["editor"],
    )["data"]["attachEvidence"]
    assert attached == {"__typename": "Written", "version": 2, "changed": ["evidence"]}
    removed = post(
        api,
        'mutation { retractLink(id: "test-acme", link: {kind: EVIDENCE, target: "s75"},'
        ' reason: "misquoted") {'
        " __typename ... on Written { version changed } } }",
        key=keys["admin"],
    )["data"]["retractLink"]
    assert removed == {"__typename": "Written", "version": 3, "changed": ["evidence"]}
    sources = post(api, '{ company(id: "test-acme") { sources { nodes { source { id } } } } }')
    assert sources["data"]["company"]["sources"]["nodes"] == [{"source": {"id": "s74"}}]
    nothing = post(
        api,
        'mutation { retractLink(id: "test-acme", link: {kind: EVIDENCE, target: "s75"}, reason: "again") {'
        f" __typename {FAILURES} }} }}",
        key=keys["admin"],
    )["data"]["retractLink"]
    assert nothing["__typename"] == "NotFound"


def test_concurrent_creates_make_one_node(api: ApiProcess, clean: Driver, keys: dict[str, str]) -> None:
    async def create(index: int) -> Any:
        variables = {"input": company(name=f"Acme {index}")}
        return await asyncio.to_thread(post, api, UPSERT_COMPANY, variables, keys["editor"])

    async def race() -> list[Any]:
        return await asyncio.gather(*(create(i) for i in range(8)))

    results = [r["data"]["upsertCompany"] for r in asyncio.run(race())]
    assert all(r["__typename"] == "Written" for r in results)
    assert sum(r["created"] for r in results) == 1
    assert sorted(r["version"] for r in results) == list(range(1, 9))
    count = clean.execute_query("MATCH (n:Entity {id: 'test-acme'}) RETURN count(n) AS n").records[0]["n"]
    assert count == 1


SOURCE = {"id": "test-source-1", "url": "https://example.com/acme", "publisher": "Example", "tier": "B"}


def test_an_api_write_equals_the_same_fact_loaded_from_yaml(
    api: ApiProcess, clean: Driver, keys: dict[str, str], tmp_path: Path
) -> None:
    source = "mutation($input: SourceInput!) { upsertSource(input: $input) { __typename } }"
    assert (
        post(api, source, {"input": SOURCE}, keys["editor"])["data"]["upsertSource"]["__typename"]
        == "Written"
    )
    evidence = [{"source": "test-source-1", "quote": "Acme makes servers.", "attribute": "Business"}]
    acme = company(aliases=["Acme"], kind="COMPANY", evidence=evidence)
    assert post(api, UPSERT_COMPANY, {"input": acme}, keys["editor"])["data"]["upsertCompany"]["created"]
    bookkeeping = {"version", "updated_at", "updated_by", "origin", *MOMENTS}

    def facts() -> list[Any]:
        nodes = clean.execute_query(
            "MATCH (n:Entity) WHERE n.id IN ['test-acme', 'test-source-1'] "
            "RETURN n.id AS id, properties(n) AS p, labels(n) AS l, "
            "[(n)-[r:SOURCED_BY]->(s) | [s.id, properties(r)]] AS evidence ORDER BY id"
        )

        def timeless(props: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in props.items() if k not in bookkeeping}

        return [
            {**timeless(r["p"]), "labels": sorted(r["l"]),
             "evidence": [[s, timeless(p)] for s, p in r["evidence"]]}
            for r in nodes.records
        ]  # fmt: skip

    from_api = facts()
    assert len(from_api) == 2
    clean.execute_query("MATCH (n:Entity) WHERE n.id IN ['test-acme', 'test-source-1'] DETACH DELETE n")
    (tmp_path / "acme.yaml").write_text(
        "sources:\n- id: test-source-1\n  url: https://example.com/acme\n  publisher: Example\n  tier: B\n"
        "companies:\n- id: test-acme\n  name: Acme Test Servers\n  kind: company\n  aliases: [Acme]\n"
        "  country: US\n  evidence:\n  - source: test-source-1\n    quote: Acme makes servers.\n"
        "    attribute: Business\n"
    )
    load_curated(clean, "neo4j", load_dataset(tmp_path), origin="yaml-test")
    assert facts() == from_api
    clean.execute_query("MATCH (n:Entity {origin: 'yaml-test'}) DETACH DELETE n")


def test_people_positions_and_facilities(api: ApiProcess, clean: Driver, keys: dict[str, str]) -> None:
    editor = keys["editor"]
    post(api, UPSERT_COMPANY, {"input": company()}, editor)
    person = (
        "mutation($input: PersonInput!) { upsertPerson(input: $input) {"
        f" __typename ... on Written {{ version created }} {FAILURES} }} }}"
    )
    made = post(
        api, person, {"input": {"id": "test-jane-roe", "name": "Jane Roe", "evidence": EVIDENCE}}, editor
    )
    assert made["data"]["upsertPerson"] == {"__typename": "Written", "version": 1, "created": True}
    position = (
        'mutation($position: PositionInput!) { upsertPosition(person: "test-jane-roe", position: $position) {'
        f" __typename ... on Written {{ version changed }} {FAILURES} }} }}"
    )
    ceo = {"company": "test-acme", "title": "CEO", "role": "CEO", "since": "2024", "evidence": EVIDENCE}
    assert post(api, position, {"position": ceo}, editor)["data"]["upsertPosition"]["changed"] == [
        "positions"
    ]
    bad = {**ceo, "since": "last year"}
    refused = post(api, position, {"position": bad}, editor)["data"]["upsertPosition"]
    assert refused["__typename"] == "ValidationError"
    assert refused["errors"][0]["path"] == ["positions", "0", "since"]
    executives = post(
        api, '{ company(id: "test-acme") { executives { nodes { title since person { id } } } } }'
    )
    assert executives["data"]["company"]["executives"]["nodes"] == [
        {"title": "CEO", "since": "2024-01-01", "person": {"id": "test-jane-roe"}}
    ]

    facility = (
        "mutation($input: FacilityInput!) { upsertFacility(input: $input) {"
        f" __typename ... on Written {{ version created }} {FAILURES} }} }}"
    )
    site = {
        "id": "test-acme-plant",
        "name": "Acme plant",
        "kind": "FACTORY",
        "status": "ANNOUNCED",
        "location": {"city": "Austin", "region": "Texas", "country": "US", "precision": "CITY"},
        "links": [{"company": "test-acme", "kind": "OWNS", "evidence": EVIDENCE}],
        "evidence": EVIDENCE,
    }
    assert post(api, facility, {"input": site}, editor)["data"]["upsertFacility"]["created"]
    status = (
        'mutation { changeFacilityStatus(id: "test-acme-plant", status: OPERATING, on: "2025-10",'
        f' evidence: [{{source: "s74", quote: "{QUOTE}"}}]) {{ __typename ... on Written {{ changed }} }} }}'
    )
    # Fields are named as clients name them (issue 12), not by their seed-file keys.
    assert post(api, status, key=editor)["data"]["changeFacilityStatus"]["changed"] == [
        "status",
        "statusAsOf",
    ]
    plant = post(
        api,
        '{ facility(id: "test-acme-plant") { status statusAsOf companies { edges { roles node { id } } } } }',
    )["data"]["facility"]
    assert plant["status"] == "OPERATING" and plant["statusAsOf"] == "2025-10-01"
    assert plant["companies"]["edges"] == [{"roles": ["OWNS"], "node": {"id": "test-acme"}}]
    wrong_kind = post(api, position.replace("test-jane-roe", "test-acme-plant"), {"position": ceo}, editor)
    assert wrong_kind["data"]["upsertPosition"]["__typename"] == "Conflict"


def test_a_committed_write_says_so_when_reading_node_back_fails(
    api: ApiProcess, clean: Driver, keys: dict[str, str]
) -> None:
    # The write commits; the selection under `node` then fails to compile (first: -1). The
    # answer must still be Written with the new version, `node` null and the error at its path.
    query = (
        "mutation Upsert($input: CompanyInput!) { upsertCompany(input: $input) { __typename"
        " ... on Written { id version created"
        " node { ... on Company { suppliers(first: -1) { nodes { id } } } } } } }"
    )
    answer = post(api, query, {"input": company()}, keys["editor"])
    assert answer["data"]["upsertCompany"] == {
        "__typename": "Written",
        "id": "test-acme",
        "version": 1,
        "created": True,
        "node": None,
    }
    [error] = answer["errors"]
    assert error["path"] == ["upsertCompany", "node"] and error["extensions"]["code"] == "BAD_USER_INPUT"
    stored = clean.execute_query("MATCH (c:Company {id: 'test-acme'}) RETURN c.version AS v").records
    assert [r["v"] for r in stored] == [1]


def test_the_retry_recipe_tells_a_committed_write_from_a_lost_one(
    api: ApiProcess, clean: Driver, keys: dict[str, str]
) -> None:
    # docs/writes.md: after a network failure, resend with the same expectedVersion. If the
    # first attempt committed, the resend is a Conflict naming the version it made, and the
    # history shows the change once; if it did not, the resend writes.
    editor, variables = keys["editor"], {"input": company(), "expected": 0, "reason": "ingest 42"}
    first = post(api, UPSERT_COMPANY, variables, editor)["data"]["upsertCompany"]
    assert first["__typename"] == "Written" and first["version"] == 1
    again = post(api, UPSERT_COMPANY, variables, editor)["data"]["upsertCompany"]
    assert again["__typename"] == "Conflict" and again["currentVersion"] == 1
    history = post(api, '{ company(id: "test-acme") { history { nodes { version reason } } } }')
    assert history["data"]["company"]["history"]["nodes"] == [{"version": 1, "reason": "ingest 42"}]
