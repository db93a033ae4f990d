"""Aggregates and group-by on connections, checked against the same figures computed by hand in
plain Cypher over the curated graph: counts, sums of USD values kept apart by qualifier, power
capacity of facilities, groups by status, kind and month, nested under a company, under `asOf`;
and the refusals (bad keys, too many groups, too costly a query) with their codes."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from neo4j import Driver

from tests.support import seed_only

Run = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture(scope="module")
def graph(driver: Driver) -> Driver:
    return seed_only(driver)


async def data(engine: Run, query: str, variables: dict[str, Any] | None = None) -> Any:
    payload = await engine(query, variables)
    assert "errors" not in payload, payload
    assert payload["extensions"]["statements"] == len(payload["data"])  # one per root field
    return payload["data"]


def rows(graph: Driver, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = graph.execute_query(cypher, params, database_="neo4j")
    return [record.data() for record in records]


async def test_smoke(graph: Driver, engine: Run) -> None:
    answer = await data(
        engine,
        """{ partnerships(where: {status: {in: [ANNOUNCED, SIGNED]}}) {
  aggregate { count valueUsd(qualifiers: [EXACT, UP_TO]) { includedQualifiers count sum avg min max
    byQualifier { qualifier items count sum avg min max } } }
  groupBy(by: [STATUS, ANNOUNCED_ON_MONTH], orderBy: {field: VALUE_USD_SUM, direction: DESC}, first: 5) {
    key { status announcedOnMonth kind } count valueUsd { sum includedQualifiers byQualifier { qualifier sum } } }
  }
  facilities { aggregate { count powerMw { count sum avg min max } } groupBy(by: [COUNTRY]) { key { country } count powerMw { sum } } }
  company(id: "nvidia") { partnerships { totalCount aggregate { count } groupBy(by: [KIND], orderBy: {field: COUNT, direction: DESC}) { key { kind } count } } }
}""",
    )
    print(answer)
    assert False
