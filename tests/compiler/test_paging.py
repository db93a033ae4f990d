"""Keyset pages walked to the end give every item once, in order, whichever plan serves them:
the index-ordered one (ids; sort keys the filter makes non-null) or the general one."""

from typing import Any

from neo4j import Driver

from tests.support import ApiProcess, graphql


def _walk(api: ApiProcess, root: str, arguments: str, fields: str, size: int) -> list[Any]:
    items: list[Any] = []
    after = None
    while True:
        cursor = f', after: "{after}"' if after else ""
        selection = f"nodes {{ {fields} }} pageInfo {{ endCursor hasNextPage }}"
        query = f"{{ {root}({arguments}, first: {size}{cursor}) {{ {selection} }} }}"
        page = graphql(api.url, query)["data"][root]
        items.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return items
        after = page["pageInfo"]["endCursor"]


def test_pages_by_id(api: ApiProcess, seeded: Driver) -> None:
    walked = _walk(api, "companies", "orderBy: {field: ID, direction: ASC}", "id", 7)
    expected = [
        r["id"] for r in seeded.execute_query("MATCH (c:Company) RETURN c.id AS id ORDER BY id").records
    ]
    assert [c["id"] for c in walked] == expected and len(expected) > 50
    backwards = _walk(api, "companies", "orderBy: {field: ID, direction: DESC}", "id", 9)
    assert [c["id"] for c in backwards] == expected[::-1]


def test_pages_by_a_value_the_filter_makes_non_null(api: ApiProcess, seeded: Driver) -> None:
    walked = _walk(
        api,
        "partnerships",
        "where: {valueUsd: {gt: 0}}, orderBy: {field: VALUE_USD, direction: DESC}",
        "id value { usd }",
        5,
    )
    expected = seeded.execute_query(
        "MATCH (p:Partnership) WHERE p.value_usd > 0 RETURN p.id AS id ORDER BY p.value_usd DESC, p.id DESC"
    ).records
    assert [p["id"] for p in walked] == [r["id"] for r in expected] and len(expected) > 20


def test_pages_by_a_nullable_value_put_missing_values_last(api: ApiProcess, seeded: Driver) -> None:
    walked = _walk(
        api, "partnerships", "orderBy: {field: VALUE_USD, direction: DESC}", "id value { usd }", 11
    )
    values = [p["value"]["usd"] if p["value"] else None for p in walked]
    known = [v for v in values if v is not None]
    assert known == sorted(known, reverse=True)
    assert values[len(known) :] == [None] * (len(values) - len(known))
    total = seeded.execute_query("MATCH (p:Partnership) RETURN count(p) AS n").records[0]["n"]
    assert len({p["id"] for p in walked}) == total
