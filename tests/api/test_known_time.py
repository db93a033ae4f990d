"""Transaction time (`knownAt`): the graph as it stood at a moment, from what the writes kept.

One entity's life through the API, each step a committed write: created, renamed, made party to
a deal, the deal's parties changed, then retracted. Between the steps, every answer `knownAt`
a moment must be the graph of that moment: absent before it was recorded, the old name before
the rename, the old party before the change (an archived link), present until the retraction
and absent after. The curated load is recorded too."""

import asyncio
import datetime
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from neo4j import Driver

from tests.conftest import ADMIN, EDITOR
from tests.support import seed_only

Run = Callable[..., Awaitable[dict[str, Any]]]

EVIDENCE = [{"source": "s74", "quote": "The company says it makes artificial intelligence servers."}]
COMPANY = {"id": "test-known", "name": "Known Test Servers", "country": "US", "evidence": EVIDENCE}
DEAL = {
    "id": "test-known-deal",
    "name": "Known test deal",
    "kind": "SUPPLY",
    "status": "ANNOUNCED",
    "announced": "2025-11",
    "parties": [{"company": "test-known", "role": "SUPPLIER"}, {"company": "openai", "role": "CUSTOMER"}],
    "evidence": EVIDENCE,
}
WRITE = "... on Written { id version } ... on ValidationError { message errors { path message } }"
UPSERT_COMPANY = f"mutation($c: CompanyInput!) {{ upsertCompany(input: $c) {{ __typename {WRITE} }} }}"
UPSERT_DEAL = f"mutation($p: PartnershipInput!) {{ upsertPartnership(input: $p) {{ __typename {WRITE} }} }}"
RETRACT = f'mutation {{ retract(id: "test-known", reason: "test") {{ __typename {WRITE} }} }}'

STATE = """query($at: DateTime) {
  company(id: "test-known", knownAt: $at) {
    name retracted
    partnerships(first: 10) { nodes { id parties { company { id } role } } }
  }
  retracted: company(id: "test-known", knownAt: $at, includeRetracted: true) { retracted }
  companies(knownAt: $at, first: 5, where: {name: {startsWith: "Known Test"}}) { totalCount nodes { name } }
  openai: company(id: "openai", knownAt: $at) { partnerships(first: 200) { nodes { id } } }
  deals: partnerships(knownAt: $at, first: 5, where: {parties: {some: {company: {id: {eq: "openai"}}}}
    id: {eq: "test-known-deal"}}) { totalCount }
  withOpenai: partnerships(knownAt: $at, where: {id: {eq: "test-known-deal"},
    parties: {count: {gte: 2, lte: 2, where: {company: {id: {in: ["openai", "test-known"]}}}}}}) {
    totalCount
  }
}"""


async def write(
    engine: Run, query: str, variables: dict[str, Any] | None = None, admin: bool = False
) -> None:
    payload = await engine(query, variables, principal=ADMIN if admin else EDITOR)
    assert "errors" not in payload, payload
    [result] = payload["data"].values()
    assert result["__typename"] == "Written", result


async def moment() -> str:
    """A moment strictly between two writes (the database's clock is this machine's)."""
    await asyncio.sleep(0.05)
    at = datetime.datetime.now(datetime.UTC).isoformat()
    await asyncio.sleep(0.05)
    return at


async def state(engine: Run, at: str | None) -> dict[str, Any]:
    payload = await engine(STATE, {"at": at})
    assert "errors" not in payload, payload
    assert payload["extensions"]["statements"] == len(payload["data"])  # one per root field
    return payload["data"]  # type: ignore[no-any-return]


def parties(answer: dict[str, Any]) -> set[str]:
    company = answer["company"]
    assert company is not None
    return {p["company"]["id"] for n in company["partnerships"]["nodes"] for p in n["parties"]}


@pytest.fixture
def curated(driver: Driver) -> Driver:
    return seed_only(driver)


async def test_an_entity_through_its_life_as_known_at_each_moment(curated: Driver, engine: Run) -> None:
    before_all = await moment()
    await write(engine, UPSERT_COMPANY, {"c": COMPANY})
    created = await moment()
    await write(engine, UPSERT_COMPANY, {"c": {**COMPANY, "name": "Known Test Servers Renamed"}})
    renamed = await moment()
    await write(engine, UPSERT_DEAL, {"p": DEAL})
    dealt = await moment()
    other_parties = [
        {"company": "test-known", "role": "SUPPLIER"},
        {"company": "microsoft", "role": "CUSTOMER"},
    ]
    await write(engine, UPSERT_DEAL, {"p": {**DEAL, "parties": other_parties}})
    changed = await moment()
    await write(engine, RETRACT, admin=True)

    # Before it was recorded: nothing of it.
    first = await state(engine, before_all)
    assert first["company"] is None and first["retracted"] is None
    assert first["companies"]["totalCount"] == 0 and first["deals"]["totalCount"] == 0
    assert "test-known-deal" not in {n["id"] for n in first["openai"]["partnerships"]["nodes"]}

    # Created: its first name, no deals yet.
    second = await state(engine, created)
    assert second["company"]["name"] == "Known Test Servers" and not second["company"]["retracted"]
    assert second["company"]["partnerships"]["nodes"] == []
    assert second["companies"]["nodes"] == [{"name": "Known Test Servers"}]

    # Renamed: the new name, in the lookup and in the list's filter and page alike.
    third = await state(engine, renamed)
    assert third["company"]["name"] == "Known Test Servers Renamed"
    assert third["companies"]["nodes"] == [{"name": "Known Test Servers Renamed"}]
    assert third["company"]["partnerships"]["nodes"] == []

    # Party to the deal with OpenAI: on both sides, and found by the parties filter.
    fourth = await state(engine, dealt)
    assert parties(fourth) == {"test-known", "openai"}
    assert "test-known-deal" in {n["id"] for n in fourth["openai"]["partnerships"]["nodes"]}
    assert fourth["deals"]["totalCount"] == 1
    # Counted among the links the deal had then, archived since or not.
    assert fourth["withOpenai"]["totalCount"] == 1

    # The parties changed: Microsoft instead of OpenAI (OpenAI's tie is an archived link now).
    fifth = await state(engine, changed)
    assert parties(fifth) == {"test-known", "microsoft"}
    assert "test-known-deal" not in {n["id"] for n in fifth["openai"]["partnerships"]["nodes"]}
    assert fifth["deals"]["totalCount"] == 0
    assert fifth["withOpenai"]["totalCount"] == 0
    assert not fifth["company"]["retracted"] and fifth["retracted"] == {"retracted": False}

    # Retracted: gone from every default answer, found as retracted when asked for.
    now = await state(engine, None)
    after = await state(engine, (datetime.datetime.now(datetime.UTC)).isoformat())
    for answer in (now, after):
        assert answer["company"] is None and answer["companies"]["totalCount"] == 0
        assert answer["retracted"] == {"retracted": True}
    # asOf and knownAt combine: the deal (announced 2025-11) as the graph held it at `dealt`,
    # on a day before its announcement and on one after.
    combined = """query($at: DateTime, $on: Date) {
      company(id: "test-known", knownAt: $at, asOf: $on) { partnerships(first: 5) { nodes { id } } } }"""
    for on, deals in (("2025-10-31", []), ("2025-11-01", [{"id": "test-known-deal"}])):
        answer = await engine(combined, {"at": dealt, "on": on})
        assert answer["data"]["company"]["partnerships"]["nodes"] == deals, answer
    # The answers of then did not move (the same moment asked again after everything).
    assert await state(engine, dealt) == fourth and await state(engine, before_all) == first


async def test_the_curated_load_is_recorded(curated: Driver, engine: Run) -> None:
    query = """query($at: DateTime) { company(id: "openai", knownAt: $at) { name }
      companies(knownAt: $at, first: 1) { totalCount } }"""
    long_ago = await engine(query, {"at": "2000-01-01T00:00:00Z"})
    today = await engine(query, {"at": datetime.datetime.now(datetime.UTC).isoformat()})
    assert long_ago["data"] == {"company": None, "companies": {"totalCount": 0}}
    assert today["data"]["company"] == {"name": "OpenAI"} and today["data"]["companies"]["totalCount"] > 50
    (recorded,) = curated.execute_query("MATCH (n:Company {id: 'openai'}) RETURN n.recorded_at AS at").records
    assert recorded["at"] is not None


async def test_known_at_needs_an_offset(engine: Run) -> None:
    for bad in ("2025-11-20", "2025-11-20T09:30:00", "yesterday", 5):
        payload = await engine(
            'query($at: DateTime) { company(id: "openai", knownAt: $at) { id } }', {"at": bad}
        )
        assert payload["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", payload
        assert "data" not in payload


KNOWN_DIFF = """query($from: DateTime!, $to: DateTime!) {
  diff(around: "test-known", depth: 1, knownFrom: $from, knownTo: $to) {
    from knownFrom knownTo truncated
    entities { entity { __typename id } changes { change at fields relationship other { id } fact { id }
      evidence { quote source { id } } } }
  }
}"""


async def test_a_known_time_diff_lists_what_the_graph_recorded(curated: Driver, engine: Run) -> None:
    start = await moment()
    await write(engine, UPSERT_COMPANY, {"c": COMPANY})
    await write(engine, UPSERT_DEAL, {"p": DEAL})
    middle = await moment()
    await write(engine, UPSERT_COMPANY, {"c": {**COMPANY, "name": "Known Test Servers Renamed"}})
    await write(engine, RETRACT, admin=True)
    end = await moment()

    def changes(answer: dict[str, Any]) -> set[tuple[str, str, str | None, str | None]]:
        return {
            (e["entity"]["id"], c["change"], c["relationship"], (c["other"] or {}).get("id"))
            for e in answer["diff"]["entities"]
            for c in e["changes"]
        }

    whole = (await engine(KNOWN_DIFF, {"from": start, "to": end}))["data"]
    assert whole["diff"]["from"] is None and whole["diff"]["knownFrom"] and not whole["diff"]["truncated"]
    assert changes(whole) == {
        ("test-known", "RECORDED", None, None),
        ("test-known", "LINKED", "SOURCED_BY", "s74"),
        ("test-known", "CHANGED", None, None),
        ("test-known", "RETRACTED", None, None),
        ("test-known-deal", "RECORDED", None, None),
        ("test-known-deal", "LINKED", "PARTY_TO", "test-known"),
        ("test-known-deal", "LINKED", "PARTY_TO", "openai"),
        ("test-known-deal", "LINKED", "SOURCED_BY", "s74"),
    }
    renamed = next(c for e in whole["diff"]["entities"] for c in e["changes"] if c["change"] == "CHANGED")
    assert renamed["fields"] == ["name"] and renamed["evidence"][0]["source"]["id"] == "s74"
    moments = [c["at"] for e in whole["diff"]["entities"] for c in e["changes"]]
    assert all(start < m <= end for m in moments)
    later = (await engine(KNOWN_DIFF, {"from": middle, "to": end}))["data"]
    assert changes(later) == {("test-known", "CHANGED", None, None), ("test-known", "RETRACTED", None, None)}
    mixed = await engine(
        'query { diff(around: "openai", from: "2025-01-01", knownTo: "2026-01-01T00:00:00Z") { truncated } }'
    )
    assert mixed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
