"""Apollo Client 4 (InMemoryCache, relayStylePagination, HttpLink) against the real server: each
test runs one check of js/apollo.mjs and reads the JSON it printed."""

from typing import Any

from neo4j import Driver

from tests.clients.node import run_check
from tests.support import ApiProcess


def _check(api: ApiProcess, name: str, key: str = "") -> dict[str, Any]:
    return run_check("apollo.mjs", f"{api.url}/graphql", name, key)


def test_pages_through_companies_with_fetch_more(api: ApiProcess, seeded: Driver) -> None:
    result = _check(api, "paging")
    total = seeded.execute_query("MATCH (c:Company) RETURN count(c) AS n").records[0]["n"]
    assert result["edges"] == result["totalCount"] == total
    assert result["duplicates"] == []


def test_normalises_one_company_by_id(api: ApiProcess, seeded: Driver) -> None:
    assert _check(api, "normalisation")["entries"] == ["Company:openai"]


def test_sends_no_value_for_omitted_variables(api: ApiProcess, seeded: Driver) -> None:
    result = _check(api, "omittedVariables")
    assert result["nodes"] == 20 and result["errors"] == []


def test_writes_with_an_api_key(api: ApiProcess, seeded: Driver, keys: dict[str, str]) -> None:
    result = _check(api, "mutation", key=keys["editor"])
    assert result["upsertSource"]["created"] and result["upsertCompany"]["created"]
