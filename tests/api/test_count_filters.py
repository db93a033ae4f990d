"""Filters on how many related items a list has (`suppliers: {count: {gt: 3}}`), checked against
counts taken from the seed files and the seeded graph; and their refusals."""

from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from neo4j import Driver

from service.compiler.filters import FilterCompiler, FilterLimits
from service.compiler.known import KnownTime
from service.errors import ApiError
from tests.support import data, seed_only

Run = Callable[..., Awaitable[dict[str, Any]]]
SEED = Path(__file__).resolve().parents[2] / "seed" / "data"


@pytest.fixture(scope="module")
def graph(driver: Driver) -> Driver:
    return seed_only(driver)


def seed_partnerships() -> list[dict[str, Any]]:
    """Every curated partnership, as the seed files write it."""
    found: list[dict[str, Any]] = []
    for path in sorted(SEED.glob("*.yaml")):
        loaded = yaml.safe_load(path.read_text())
        if isinstance(loaded, dict):
            found.extend(loaded.get("partnerships") or [])
    return found


def supplier_counts(graph: Driver) -> Counter[str]:
    records, _, _ = graph.execute_query(
        "MATCH (c:Company)<-[:SUPPLIES]-(s:Company) RETURN c.id AS id, count(DISTINCT s) AS n",
        database_="neo4j",
    )
    return Counter({r["id"]: r["n"] for r in records})


async def ids(engine: Run, root: str, where: str) -> set[str]:
    answer = await data(engine, f"{{ {root}(where: {where}, first: 100) {{ totalCount nodes {{ id }} }} }}")
    listed = answer[root]
    assert listed["totalCount"] == len(listed["nodes"]), "raise first: the answer did not fit one page"
    return {node["id"] for node in listed["nodes"]}


async def test_companies_with_more_than_n_suppliers(graph: Driver, engine: Run) -> None:
    counts = supplier_counts(graph)
    # The curated graph has companies with one supplier and with several.
    assert max(counts.values()) > 1 and min(counts.values()) == 1
    for n in (0, 1, 2):
        assert await ids(engine, "companies", f"{{suppliers: {{count: {{gt: {n}}}}}}}") == {
            c for c, k in counts.items() if k > n
        }
    # Several comparisons all hold; `eq: 0` keeps companies without any.
    between = await ids(engine, "companies", "{suppliers: {count: {gte: 2, lte: 3}}}")
    assert between == {c for c, k in counts.items() if 2 <= k <= 3}
    exactly = await ids(engine, "companies", "{suppliers: {count: {eq: 2}}}")
    assert exactly == {c for c, k in counts.items() if k == 2}
    none = await ids(engine, "companies", "{suppliers: {count: {eq: 0}}, kind: {eq: INVESTMENT_FUND}}")
    funds = await ids(engine, "companies", "{kind: {eq: INVESTMENT_FUND}}")
    assert none == {c for c in funds if counts[c] == 0}


async def test_a_count_of_matching_suppliers(graph: Driver, engine: Run) -> None:
    records, _, _ = graph.execute_query(
        "MATCH (c:Company)<-[:SUPPLIES]-(s:Company {country: 'US'}) "
        "RETURN c.id AS id, count(DISTINCT s) AS n",
        database_="neo4j",
    )
    us = {r["id"]: r["n"] for r in records}
    found = await ids(engine, "companies", '{suppliers: {count: {gte: 2, where: {country: {eq: "US"}}}}}')
    assert found == {c for c, n in us.items() if n >= 2}


async def test_deals_with_at_least_three_parties(graph: Driver, engine: Run) -> None:
    # Counted from the seed files: one party link per listed party.
    deals = seed_partnerships()
    parties = {d["id"]: len(d.get("parties") or []) for d in deals}
    assert any(n >= 3 for n in parties.values()) and any(n < 3 for n in parties.values())
    assert await ids(engine, "partnerships", "{parties: {count: {gte: 3}}}") == {
        d for d, n in parties.items() if n >= 3
    }
    customers = {
        d["id"]: sum(1 for p in d.get("parties") or [] if p.get("role") == "customer") for d in deals
    }
    assert await ids(
        engine, "partnerships", "{parties: {count: {gte: 2, where: {role: {eq: CUSTOMER}}}}}"
    ) == {d for d, n in customers.items() if n >= 2}


@pytest.mark.parametrize(
    ("where", "code"),
    [
        ("{suppliers: {count: {}}}", "BAD_USER_INPUT"),
        ('{suppliers: {count: {where: {country: {eq: "US"}}}}}', "BAD_USER_INPUT"),
        ("{suppliers: {count: {gt: null}}}", "BAD_USER_INPUT"),
        ('{suppliers: {count: {gt: "2"}}}', "GRAPHQL_VALIDATION_FAILED"),
    ],
)
async def test_a_count_without_a_comparison_is_refused(engine: Run, where: str, code: str) -> None:
    payload = await engine(f"{{ companies(where: {where}) {{ totalCount }} }}")
    assert {e["extensions"]["code"] for e in payload["errors"]} == {code}, payload


class Names:
    """The parameter and variable namers a filter compiler is given by its statement."""

    def __init__(self) -> None:
        self.params: list[Any] = []
        self.numbers = iter(range(1000))

    def param(self, value: Any) -> str:
        self.params.append(value)
        return f"$p{len(self.params)}"

    def var(self, prefix: str) -> str:
        return f"{prefix}{next(self.numbers)}"

    def compiler(self, limits: FilterLimits | None = None, known: KnownTime | None = None) -> FilterCompiler:
        return FilterCompiler(self.param, self.var, limits, known=known)


def test_each_comparison_is_a_filter_term() -> None:
    names = Names()
    where = {"suppliers": {"count": {"gt": 0, "lt": 9, "ne": 4}}}
    # One related-item filter of three comparisons: three terms, not one.
    assert names.compiler(FilterLimits(terms=3)).where("Company", {"n": "n"}, where)
    with pytest.raises(ApiError, match="at most 2 conditions") as refused:
        names.compiler(FilterLimits(terms=2)).where("Company", {"n": "n"}, where)
    assert refused.value.code == "QUERY_TOO_COMPLEX"


def test_a_lower_bound_is_first_held_to_the_degree() -> None:
    """`gt`, `gte` and `eq` skip the nodes with too few links before any is followed; an upper
    bound cannot (a node with many links may have few distinct suppliers)."""
    names = Names()

    def compiled(count: dict[str, int], known: KnownTime | None = None) -> str:
        where = {"suppliers": {"count": count}}
        return names.compiler(known=known).where("Company", {"n": "n"}, where) or ""

    assert "COUNT { (n)<-[:SUPPLIES]-() } > " in compiled({"gt": 6})
    assert "COUNT { (n)<-[:SUPPLIES]-() } >= " in compiled({"eq": 2})
    assert "COUNT { (n)<-[:SUPPLIES]-() }" not in compiled({"lt": 2, "ne": 1})
    # Under knownAt, the links of then include archived ones: no bound from today's degree.
    then = KnownTime(names.var)
    then.at = "$at"
    assert "COUNT { (n)" not in compiled({"gt": 6}, then)
    # Several comparisons test one count: its subquery is written (and planned) once.
    assert compiled({"gte": 2, "lte": 3}).count("COUNT { MATCH") == 1
