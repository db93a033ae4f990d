"""Variables and arguments mean what the GraphQL spec says (CoerceVariableValues and
CoerceArgumentValues), on the one engine: omitted, null, defaulted, listed, enums, scalars.

Each case states the spec rule it checks. An upgrade of graphql-core that changed any of these
would fail here (the version is pinned in constraints.txt).
"""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from neo4j import Driver

from tests.support import seed_only

Run = Callable[..., Awaitable[dict[str, Any]]]
PAGE = (
    "query Page($first: Int, $after: String, $where: CompanyWhere) {"
    " companies(first: $first, after: $after, where: $where) {"
    " totalCount pageInfo { endCursor hasNextPage } nodes { id } } }"
)


@pytest.fixture(scope="module")
def seeded_once(driver: Driver) -> Driver:
    return seed_only(driver)


async def _data(engine: Run, query: str, variables: dict[str, Any] | None = None) -> Any:
    payload = await engine(query, variables)
    assert "errors" not in payload, payload
    return payload["data"]


async def _code(engine: Run, query: str, variables: dict[str, Any] | None = None) -> str:
    payload = await engine(query, variables)
    assert payload.get("errors"), payload
    assert all(e["extensions"]["code"] != "INTERNAL" for e in payload["errors"]), payload
    return str(payload["errors"][0]["extensions"]["code"])


async def test_omitted_nullable_variables_leave_the_argument_defaults(
    seeded_once: Driver, engine: Run
) -> None:
    # An omitted variable is "not provided": `first` takes its default (20), `after` and `where`
    # are absent. This is the request Apollo Client, gql and generated clients send first.
    omitted = await _data(engine, PAGE, {})
    assert len(omitted["companies"]["nodes"]) == 20 and omitted["companies"]["pageInfo"]["hasNextPage"]
    explicit = await _data(engine, PAGE, {"first": 20, "after": None, "where": None})
    assert omitted == explicit


async def test_paging_from_an_omitted_cursor_to_the_end(seeded_once: Driver, engine: Run) -> None:
    seen: list[str] = []
    variables: dict[str, Any] = {"first": 30}
    while True:
        page = (await _data(engine, PAGE, variables))["companies"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        variables = {"first": 30, "after": page["pageInfo"]["endCursor"]}
    assert len(seen) == len(set(seen)) == page["totalCount"]


async def test_variable_and_argument_defaults(seeded_once: Driver, engine: Run) -> None:
    three = await _data(engine, "query($n: Int = 3) { companies(first: $n) { nodes { id } } }")
    assert len(three["companies"]["nodes"]) == 3
    # An argument default applies when the variable is omitted (maxDepth: 3, direction: UPSTREAM).
    query = 'query($d: Int) { supplyChain(company: "openai", maxDepth: $d) { entries { tier } } }'
    tiers = {e["tier"] for e in (await _data(engine, query))["supplyChain"]["entries"]}
    assert tiers and max(tiers) <= 3


async def test_explicit_null_is_not_omission(seeded_once: Driver, engine: Run) -> None:
    # `first` is Int! with a default: an omitted variable takes the default, an explicit null
    # is an error for that field (and not an internal one).
    assert await _code(engine, "query($n: Int) { companies(first: $n) { totalCount } }", {"n": None}) == (
        "BAD_USER_INPUT"
    )
    direction = 'query($d: Direction) { supplyChain(company: "openai", direction: $d) { truncated } }'
    assert await _code(engine, direction, {"d": None}) == "BAD_USER_INPUT"
    assert (await _data(engine, direction, {}))["supplyChain"]["truncated"] is False


async def test_a_single_value_where_a_list_is_expected(seeded_once: Driver, engine: Run) -> None:
    query = "query($s: [Status!]) { partnerships(first: 100, where: {status: {in: $s}}) { totalCount } }"
    one = await _data(engine, query, {"s": "SIGNED"})
    listed = await _data(engine, query, {"s": ["SIGNED"]})
    assert one == listed and one["partnerships"]["totalCount"] > 0
    literal = await _data(engine, "{ partnerships(where: {status: {in: SIGNED}}) { totalCount } }")
    assert literal == one


async def test_enums_and_custom_scalars_are_coerced_or_refused(seeded_once: Driver, engine: Run) -> None:
    by_date = "query($d: Date) { partnerships(where: {announcedOn: {gte: $d}}) { totalCount } }"
    assert (await _data(engine, by_date, {"d": "2025-09-01"}))["partnerships"]["totalCount"] > 0
    assert await _code(engine, by_date, {"d": "2025-13-40"}) == "BAD_USER_INPUT"
    assert await _code(engine, by_date, {"d": 20250901}) == "BAD_USER_INPUT"
    kind = "query($k: CompanyKind) { companies(where: {kind: {eq: $k}}) { totalCount } }"
    assert (await _data(engine, kind, {"k": "INVESTMENT_FUND"}))["companies"]["totalCount"] > 0
    assert await _code(engine, kind, {"k": "investment_fund"}) == "BAD_USER_INPUT"


async def test_variables_that_do_not_coerce(seeded_once: Driver, engine: Run) -> None:
    assert await _code(engine, "query($id: ID!) { company(id: $id) { id } }", {}) == "BAD_USER_INPUT"
    assert await _code(engine, "query($n: Int) { companies(first: $n) { totalCount } }", {"n": "abc"}) == (
        "BAD_USER_INPUT"
    )
    assert await _code(engine, "query($n: Int) { companies(first: $n) { totalCount } }", {"n": 2**31}) == (
        "BAD_USER_INPUT"
    )
    assert await _code(engine, "query($n: Int) { companies(first: $n) { totalCount } }", {"n": -1}) == (
        "BAD_USER_INPUT"
    )
    where = "query($w: CompanyWhere) { companies(where: $w) { totalCount } }"
    assert await _code(engine, where, {"w": {"nmae": {"eq": "x"}}}) == "BAD_USER_INPUT"
    assert await _code(engine, where, {"w": "name = x"}) == "BAD_USER_INPUT"


async def test_literals_and_variables_mean_the_same(seeded_once: Driver, engine: Run) -> None:
    where = {"name": {"startsWith": "S"}, "OR": [{"country": {"eq": "JP"}}, {"country": {"eq": "US"}}]}
    by_variable = await _data(
        engine, "query($w: CompanyWhere) { companies(where: $w, first: 100) { nodes { id } } }", {"w": where}
    )
    literal = await _data(
        engine,
        '{ companies(where: {name: {startsWith: "S"}, OR: [{country: {eq: "JP"}}, {country: {eq: "US"}}]},'
        " first: 100) { nodes { id } } }",
    )
    assert by_variable == literal and literal["companies"]["nodes"]
