"""Aggregates and group-by on connections, checked against the same figures computed by hand
from plain Cypher over the curated graph: counts, USD values kept apart by qualifier, power
capacity of facilities, groups by status, kind, country and month, nested under a company and
under `asOf`; and the refusals (bad keys, too many groups, too costly a query) with their codes."""

from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from neo4j import Driver

from service.domain.vocab import MoneyQualifier
from tests.support import ApiProcess, data, graphql, seed_only, summary

Run = Callable[..., Awaitable[dict[str, Any]]]
QUALIFIER_ORDER = [q.name for q in MoneyQualifier]


@pytest.fixture(scope="module")
def graph(driver: Driver) -> Driver:
    return seed_only(driver)


async def refused(engine: Run, query: str) -> str:
    payload = await engine(query)
    assert payload.get("data") in (None, {}) or all(v is None for v in payload["data"].values()), payload
    codes = {error["extensions"]["code"] for error in payload["errors"]}
    assert len(codes) == 1, payload
    code: str = codes.pop()
    return code


def rows(graph: Driver, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = graph.execute_query(cypher, params, database_="neo4j")
    return [record.data() for record in records]


def deals(graph: Driver, where: str = "true", **params: Any) -> list[dict[str, Any]]:
    return rows(
        graph,
        f"MATCH (p:Partnership) WHERE {where} RETURN p.id AS id, p.status AS status, p.kind AS kind, "
        "p.value_usd AS usd, p.value_qualifier AS qualifier, p.announced_on AS on, "
        "p.announced_precision AS precision",
        **params,
    )


async def test_money_is_summed_per_qualifier_and_only_exact_unless_asked(graph: Driver, engine: Run) -> None:
    answer = await data(
        engine,
        """{ partnerships(where: {status: {in: [ANNOUNCED, SIGNED]}}) {
  totalCount
  aggregate {
    count
    exact: valueUsd { includedQualifiers count sum avg min max }
    mixed: valueUsd(qualifiers: [EXACT, UP_TO, ESTIMATED]) { includedQualifiers count sum avg min max }
    valueUsd { byQualifier { qualifier items count sum avg min max } }
  }
} }""",
    )
    expected = deals(graph, "p.status IN ['announced', 'signed']")
    aggregate = answer["partnerships"]["aggregate"]
    assert aggregate["count"] == answer["partnerships"]["totalCount"] == len(expected)
    by_qualifier: dict[str, list[float]] = defaultdict(list)
    items: Counter[str] = Counter()
    for deal in expected:
        if deal["qualifier"] is not None:
            items[deal["qualifier"].upper()] += 1
            if deal["usd"] is not None:
                by_qualifier[deal["qualifier"].upper()].append(deal["usd"])
    # The curated deals have exact, up-to and undisclosed values among these, at least.
    assert {"EXACT", "UP_TO", "UNDISCLOSED"} <= set(items)
    assert aggregate["exact"] == {"includedQualifiers": ["EXACT"], **summary(by_qualifier["EXACT"])}
    mixed = by_qualifier["EXACT"] + by_qualifier["UP_TO"] + by_qualifier["ESTIMATED"]
    present = [q for q in ("EXACT", "UP_TO", "ESTIMATED") if by_qualifier[q]]
    assert aggregate["mixed"] == {"includedQualifiers": present, **summary(mixed)}
    assert aggregate["valueUsd"]["byQualifier"] == [
        {"qualifier": q, "items": items[q], **summary(by_qualifier[q])} for q in QUALIFIER_ORDER if items[q]
    ]


async def test_facility_capacity_and_groups_by_country(graph: Driver, engine: Run) -> None:
    answer = await data(
        engine,
        """{ facilities(where: {kind: {eq: DATA_CENTER}}) {
  aggregate { count powerMw { count sum avg min max } }
  groupBy(by: [COUNTRY], orderBy: {field: POWER_MW_SUM, direction: DESC}, first: 3) {
    key { country status } count powerMw { sum max }
  }
} }""",
    )
    facilities = rows(
        graph, "MATCH (f:Facility {kind: 'data_center'}) RETURN f.country AS country, f.power_mw AS mw"
    )
    aggregate = answer["facilities"]["aggregate"]
    assert aggregate == {
        "count": len(facilities),
        "powerMw": summary([f["mw"] for f in facilities if f["mw"] is not None]),
    }
    per_country: dict[str, list[float]] = defaultdict(list)
    counts: Counter[str] = Counter()
    for f in facilities:
        counts[f["country"]] += 1
        if f["mw"] is not None:
            per_country[f["country"]].append(f["mw"])
    # Largest sum first; countries without a stated power (a null sum) last; ties by key.
    ranked = sorted(counts, key=lambda c: (not per_country[c], -sum(per_country[c]), c))[:3]
    assert answer["facilities"]["groupBy"] == [
        {
            "key": {"country": country, "status": None},  # not grouped by status: null
            "count": counts[country],
            "powerMw": {
                "sum": pytest.approx(sum(per_country[country])) if per_country[country] else None,
                "max": max(per_country[country], default=None),
            },
        }
        for country in ranked
    ]


def _month(deal: dict[str, Any]) -> str | None:
    on, precision = deal["on"], deal["precision"] or "day"
    if on is None or precision not in ("day", "month"):
        return None  # a deal dated to its quarter or year has no month
    return f"{on.year}-{on.month:02d}"


def _quarter(deal: dict[str, Any]) -> str | None:
    on, precision = deal["on"], deal["precision"] or "day"
    if on is None or precision not in ("day", "month", "quarter"):
        return None
    return f"{on.year}-Q{(on.month - 1) // 3 + 1}"


async def test_groups_by_status_and_month_sorted_and_cut(graph: Driver, engine: Run) -> None:
    answer = await data(
        engine,
        """{
  byMonth: partnerships { groupBy(by: [ANNOUNCED_ON_MONTH], first: 100) {
    key { announcedOnMonth } count valueUsd(qualifiers: [EXACT, APPROXIMATELY]) { sum includedQualifiers }
  } }
  byQuarter: partnerships {
    groupBy(by: [ANNOUNCED_ON_QUARTER], orderBy: {field: KEY, direction: DESC}, first: 100) {
      key { announcedOnQuarter } count
    }
  }
  byStatus: partnerships { groupBy(by: [STATUS], orderBy: {field: COUNT, direction: DESC}, first: 2) {
    key { status } count
  } }
  byStatusAndKind: partnerships { groupBy(by: [STATUS, KIND], orderBy: {field: KEY, direction: DESC}) {
    key { status kind }
  } }
}""",
    )
    expected = deals(graph)
    months: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for deal in expected:
        months[_month(deal)].append(deal)
    # Some curated deals are dated only to their year or quarter: they fall in the null month.
    assert None in months
    order = sorted(months, key=lambda m: (m is None, m or ""))
    groups = answer["byMonth"]["groupBy"]
    assert [g["key"]["announcedOnMonth"] for g in groups] == order
    for group in groups:
        members = months[group["key"]["announcedOnMonth"]]
        assert group["count"] == len(members)
        values = [d["usd"] for d in members if d["qualifier"] in ("exact", "approximately") and d["usd"]]
        assert group["valueUsd"]["sum"] == (pytest.approx(sum(values)) if values else None)
        assert set(group["valueUsd"]["includedQualifiers"]) == {
            d["qualifier"].upper()
            for d in members
            if d["qualifier"] in ("exact", "approximately") and d["usd"]
        }
    quarters = Counter(_quarter(d) for d in expected)
    # Latest first, and the deals dated only to their year (or undated) last, as a null quarter.
    order_q = sorted((q for q in quarters if q), reverse=True) + ([None] if None in quarters else [])
    assert answer["byQuarter"]["groupBy"] == [
        {"key": {"announcedOnQuarter": q}, "count": quarters[q]} for q in order_q
    ]
    statuses = Counter(d["status"].upper() for d in expected)
    top = sorted(statuses.items(), key=lambda item: (-item[1], item[0]))[:2]
    assert answer["byStatus"]["groupBy"] == [{"key": {"status": s}, "count": n} for s, n in top]
    pairs = sorted({(d["status"].upper(), d["kind"].upper()) for d in expected}, reverse=True)[:20]
    assert answer["byStatusAndKind"]["groupBy"] == [{"key": {"status": s, "kind": k}} for s, k in pairs]


async def test_nested_under_a_company_and_as_of_a_date(graph: Driver, engine: Run) -> None:
    answer = await data(
        engine,
        """{ company(id: "nvidia") { partnerships {
  totalCount aggregate { count valueUsd { sum } }
  groupBy(by: [KIND], orderBy: {field: COUNT, direction: DESC}, first: 100) { key { kind } count }
} }
  partnerships(asOf: "2025-06-30") {
    totalCount aggregate { count } groupBy(by: [ANNOUNCED_ON_YEAR]) { key { announcedOnYear } count }
  }
}""",
    )
    nvidia = rows(
        graph,
        "MATCH (:Company {id: 'nvidia'})-[:PARTY_TO]->(p:Partnership) WITH DISTINCT p "
        "RETURN p.kind AS kind, p.value_usd AS usd, p.value_qualifier AS qualifier",
    )
    partnerships = answer["company"]["partnerships"]
    assert partnerships["aggregate"]["count"] == partnerships["totalCount"] == len(nvidia)
    exact = [d["usd"] for d in nvidia if d["qualifier"] == "exact" and d["usd"] is not None]
    assert partnerships["aggregate"]["valueUsd"]["sum"] == pytest.approx(sum(exact))
    kinds = Counter(d["kind"].upper() for d in nvidia)
    assert partnerships["groupBy"] == [
        {"key": {"kind": k}, "count": n} for k, n in sorted(kinds.items(), key=lambda i: (-i[1], i[0]))
    ]
    # As of mid-2025: the deals announced by then (dated ones; partial dates from their first day).
    then = deals(graph, "p.announced_on IS NULL OR p.announced_on <= date('2025-06-30')")
    held = answer["partnerships"]
    assert held["aggregate"]["count"] == held["totalCount"] == len(then) < len(deals(graph))
    years = Counter(d["on"].year if d["on"] else None for d in then)
    assert held["groupBy"] == [
        {"key": {"announcedOnYear": y}, "count": years[y]}
        for y in sorted(years, key=lambda y: (y is None, y))
    ]


async def test_count_alone(graph: Driver, engine: Run) -> None:
    answer = await data(engine, "{ partnerships { aggregate { count } } companies { aggregate { count } } }")
    assert answer["partnerships"]["aggregate"]["count"] == len(deals(graph))
    assert (
        answer["companies"]["aggregate"]["count"]
        == rows(graph, "MATCH (c:Company) RETURN count(c) AS n")[0]["n"]
    )


@pytest.mark.parametrize(
    ("selection", "code"),
    [
        ("groupBy(by: []) { count }", "BAD_USER_INPUT"),
        ("groupBy(by: [STATUS, STATUS]) { count }", "BAD_USER_INPUT"),
        ("groupBy(by: [ANNOUNCED_ON_YEAR, ANNOUNCED_ON_MONTH]) { count }", "BAD_USER_INPUT"),
        ("groupBy(by: [STATUS, KIND, VALUE_QUALIFIER, NAME]) { count }", "BAD_USER_INPUT"),
        ("groupBy(by: [STATUS], first: 101) { count }", "BAD_USER_INPUT"),
        ("groupBy(by: [STATUS], first: -1) { count }", "BAD_USER_INPUT"),
        ("groupBy(by: [COUNTRY]) { count }", "GRAPHQL_VALIDATION_FAILED"),
        ("aggregate { powerMw { sum } }", "GRAPHQL_VALIDATION_FAILED"),
    ],
)
async def test_bad_groupings_are_refused_with_a_code(engine: Run, selection: str, code: str) -> None:
    assert await refused(engine, f"{{ partnerships {{ {selection} }} }}") == code


async def test_groups_count_against_the_cost_limit(engine: Run, graph: Driver) -> None:
    query = """{ companies(first: 100) { nodes { partners(first: 100) { nodes { partnerships(first: 1) {
  groupBy(by: [KIND], first: %d) { key { kind } count }
} } } } } }"""
    cheap = await engine(query % 1)
    assert "errors" not in cheap, cheap
    # 100 companies, 100 partners each, one deal each; the groups come once per connection.
    assert cheap["extensions"]["cost"]["nodes"] == 100 + 100 * 100 + 100 * 100 * 1 + 100 * 100 * 1
    # Five groups per connection instead of one: 40,000 items more, over the 50,000 limit.
    assert await refused(engine, query % 5) == "QUERY_TOO_COMPLEX"


def test_through_http(api: ApiProcess, graph: Driver) -> None:
    answer = graphql(
        api.url,
        """query($by: [PartnershipGroupBy!]!) { partnerships {
  aggregate { count valueUsd { includedQualifiers sum } }
  groupBy(by: $by, orderBy: {field: VALUE_USD_SUM, direction: DESC, qualifiers: [EXACT]}, first: 1) {
    key { status } valueUsd { sum }
  }
} }""",
        {"by": ["STATUS"]},
    )
    assert "errors" not in answer, answer
    expected = deals(graph)
    exact = [d for d in expected if d["qualifier"] == "exact" and d["usd"] is not None]
    result = answer["data"]["partnerships"]
    assert result["aggregate"] == {
        "count": len(expected),
        "valueUsd": {"includedQualifiers": ["EXACT"], "sum": pytest.approx(sum(d["usd"] for d in exact))},
    }
    per_status: Counter[str] = Counter()
    for deal in exact:
        per_status[deal["status"].upper()] += deal["usd"]
    status, total = max(per_status.items(), key=lambda item: item[1])
    assert result["groupBy"] == [{"key": {"status": status}, "valueUsd": {"sum": pytest.approx(total)}}]
