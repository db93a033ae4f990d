"""Money summed in one aggregation step and in two (per qualifier, then added) gives the same
figures, both equal to those computed from the curated deals; groups paged with `offset` add up
to the unpaged list; deals grouped by company (by counterparty, under a company) count what the
seed files list."""

from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from neo4j import Driver

from service.compiler import new_compiler
from service.compiler.roots import listing
from service.compiler.selection import Selection
from service.domain.vocab import MoneyQualifier
from tests.support import data, seed_only, summary

Run = Callable[..., Awaitable[dict[str, Any]]]
FIGURES = "count sum avg min max"
SEED = Path(__file__).resolve().parents[2] / "seed" / "data"


@pytest.fixture(scope="module")
def graph(driver: Driver) -> Driver:
    return seed_only(driver)


def deals(graph: Driver) -> list[dict[str, Any]]:
    records, _, _ = graph.execute_query(
        "MATCH (p:Partnership) RETURN p.status AS status, p.value_usd AS usd, p.value_qualifier AS qualifier",
        database_="neo4j",
    )
    return [r.data() for r in records]


def statement(query_args: dict[str, Any], figures: list[Selection]) -> str:
    """The compiled text of `partnerships { aggregate { valueUsd(...) { figures } } }`."""
    money = Selection("valueUsd", "valueUsd", query_args, figures)
    aggregate = Selection("aggregate", "aggregate", {}, [money])
    root = Selection("partnerships", "partnerships", {}, [aggregate])
    return listing(new_compiler(), "Partnership", root, {}).text


def test_one_step_only_when_no_split_is_asked() -> None:
    plain = [Selection(name, name) for name in ("sum", "max")]
    one = statement({"qualifiers": ["exact", "up_to"]}, plain)
    # One aggregation over the rows, the other qualifiers' amounts left out as they go by.
    assert "CASE WHEN" in one and "collect(CASE" not in one
    # Only what is read is computed: a sum and its count, and the maximum; no minimum.
    assert "min(" not in one
    split = statement({}, [*plain, Selection("includedQualifiers", "includedQualifiers")])
    assert "collect(CASE" in split
    # Every qualifier asked: every amount counts, so none is tested (an empty list leaves all out).
    assert ".value_qualifier IN" not in statement({"qualifiers": [q.value for q in MoneyQualifier]}, plain)
    assert ".value_qualifier IN" in statement({"qualifiers": []}, plain)


async def test_one_step_and_two_steps_agree_with_the_curated_deals(graph: Driver, engine: Run) -> None:
    asked = "qualifiers: [EXACT, UP_TO, ESTIMATED]"
    answer = await data(
        engine,
        f"""{{
  one: partnerships {{ aggregate {{ valueUsd({asked}) {{ {FIGURES} }} }}
    groupBy(by: [STATUS], first: 100) {{ key {{ status }} valueUsd({asked}) {{ {FIGURES} }} }} }}
  two: partnerships {{ aggregate {{ valueUsd({asked}) {{ {FIGURES} includedQualifiers }} }}
    groupBy(by: [STATUS], first: 100) {{
      key {{ status }} valueUsd({asked}) {{ {FIGURES} includedQualifiers }}
    }} }}
}}""",
    )
    included = ("exact", "up_to", "estimated")
    every = deals(graph)
    values = [d["usd"] for d in every if d["qualifier"] in included and d["usd"] is not None]
    assert {k: answer["one"]["aggregate"]["valueUsd"][k] for k in FIGURES.split()} == summary(values)
    two = answer["two"]["aggregate"]["valueUsd"]
    assert {k: two[k] for k in FIGURES.split()} == summary(values)

    per_status: dict[str, list[float]] = defaultdict(list)
    for deal in every:
        per_status.setdefault(deal["status"].upper(), [])
        if deal["qualifier"] in included and deal["usd"] is not None:
            per_status[deal["status"].upper()].append(deal["usd"])
    expected = [{"key": {"status": s}, "valueUsd": summary(per_status[s])} for s in sorted(per_status)]
    assert answer["one"]["groupBy"] == expected
    assert [
        {"key": g["key"], "valueUsd": {k: g["valueUsd"][k] for k in FIGURES.split()}}
        for g in answer["two"]["groupBy"]
    ] == expected


@pytest.mark.parametrize("asked", [[q.name for q in MoneyQualifier], []])
async def test_every_qualifier_or_none_in_one_step_and_two(
    graph: Driver, engine: Run, asked: list[str]
) -> None:
    chosen = f"qualifiers: [{', '.join(asked)}]"
    answer = await data(
        engine,
        f"""{{ partnerships {{
  one: aggregate {{ valueUsd({chosen}) {{ {FIGURES} }} }}
  two: aggregate {{ valueUsd({chosen}) {{ {FIGURES} includedQualifiers }} }} }} }}""",
    )
    values = [d["usd"] for d in deals(graph) if d["usd"] is not None] if asked else []
    assert answer["partnerships"]["one"]["valueUsd"] == summary(values)
    two = answer["partnerships"]["two"]["valueUsd"]
    assert {k: two[k] for k in FIGURES.split()} == summary(values)


async def test_group_pages_add_up_to_the_whole_list(engine: Run) -> None:
    query = """query($offset: Int!) { partnerships {
  groupBy(by: [ANNOUNCED_ON_MONTH], orderBy: {field: COUNT, direction: DESC}, first: %d, offset: $offset) {
    key { announcedOnMonth } count
  }
} }"""
    whole = (await data(engine, query % 100, {"offset": 0}))["partnerships"]["groupBy"]
    assert len(whole) > 6
    pages = []
    for offset in range(0, len(whole) + 3, 3):
        pages += (await data(engine, query % 3, {"offset": offset}))["partnerships"]["groupBy"]
    assert pages == whole


@pytest.mark.parametrize("offset", [-1, 10_001])
async def test_an_offset_outside_its_range_is_refused(engine: Run, offset: int) -> None:
    payload = await engine(f"{{ partnerships {{ groupBy(by: [STATUS], offset: {offset}) {{ count }} }} }}")
    assert {e["extensions"]["code"] for e in payload["errors"]} == {"BAD_USER_INPUT"}, payload


def seed_file_entries(kind: str) -> list[dict[str, Any]]:
    """Every curated entry of one kind (`partnerships`, `companies`), as the seed files write it."""
    found: list[dict[str, Any]] = []
    for path in sorted(SEED.glob("*.yaml")):
        loaded = yaml.safe_load(path.read_text())
        if isinstance(loaded, dict):
            found.extend(loaded.get(kind) or [])
    return found


async def test_deals_by_counterparty_match_the_seed_files(graph: Driver, engine: Run) -> None:
    names = {c["id"]: c["name"] for c in seed_file_entries("companies")}
    deals_of: Counter[str | None] = Counter()
    by_party: Counter[str] = Counter()
    for deal in seed_file_entries("partnerships"):
        parties = {p["company"] for p in deal.get("parties") or []}
        by_party.update(parties)
        if "nvidia" in parties:
            others = parties - {"nvidia"}
            deals_of.update(others or {None})
    answer = await data(
        engine,
        """{
  company(id: "nvidia") { partnerships {
    groupBy(by: [COMPANY], first: 100) { key { company { id name } } count }
  } }
  partnerships { groupBy(by: [COMPANY], orderBy: {field: COUNT, direction: DESC}, first: 5) {
    key { company { id } status } count
  } }
}""",
    )
    # Nvidia itself is never its own counterparty; groups by name, then id; deals without another
    # party (none today) would come last, under a null company.
    order = sorted((c for c in deals_of if c), key=lambda c: (names[c], c))
    expected = [{"key": {"company": {"id": c, "name": names[c]}}, "count": deals_of[c]} for c in order]
    if None in deals_of:
        expected.append({"key": {"company": None}, "count": deals_of[None]})
    assert len(expected) > 5
    assert answer["company"]["partnerships"]["groupBy"] == expected
    top = sorted(by_party.items(), key=lambda item: (-item[1], names[item[0]], item[0]))[:5]
    assert answer["partnerships"]["groupBy"] == [
        {"key": {"company": {"id": c}, "status": None}, "count": n} for c, n in top
    ]


@pytest.mark.parametrize(
    "when", ["", '(asOf: "2024-06-30")', '(asOf: "2025-12-31", knownAt: "2030-01-01T00:00:00Z")']
)
async def test_people_by_employer_agree_with_their_positions(graph: Driver, engine: Run, when: str) -> None:
    # The same answer two ways in one document: the groups, and each person's own positions.
    answer = await data(
        engine,
        f"""{{
  grouped: people{when} {{ groupBy(by: [COMPANY], first: 100) {{ key {{ company {{ id name }} }} count }} }}
  listed: people{when.replace(")", ", first: 100)") if when else "(first: 100)"} {{
    totalCount nodes {{ id positions(first: 100) {{ nodes {{ company {{ id name }} }} }} }}
  }}
}}""",
    )
    listed = answer["listed"]
    assert listed["totalCount"] == len(listed["nodes"])
    per_company: Counter[tuple[str, str]] = Counter()
    without = 0
    for person in listed["nodes"]:
        companies = {(p["company"]["id"], p["company"]["name"]) for p in person["positions"]["nodes"]}
        per_company.update(companies)
        without += not companies
    order = sorted(per_company, key=lambda c: (c[1], c[0]))
    expected = [{"key": {"company": {"id": i, "name": n}}, "count": per_company[(i, n)]} for i, n in order]
    expected += [{"key": {"company": None}, "count": without}] if without else []
    assert answer["grouped"]["groupBy"] == expected[:100]
