"""The engine answers every shape of operation in this process, with no HTTP in between; the
HTTP endpoint gives the same answers, measures each request and logs one line for it."""

import json
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from neo4j import Driver

from bench.compare.cases import CASES, SMOKE, params_for
from tests.http.test_readme_examples import EXAMPLES
from tests.support import ApiProcess, seed_only

# (operation name, query, variables): operations that must answer with data and no error.
COVERED: list[tuple[str, str, dict[str, Any]]] = [
    (
        "Shapes",
        """query Shapes {
  __typename
  a: company(id: "openai") { __typename ...Fields kind }
  b: node(id: "foxconn-lordstown") { __typename id ... on Facility { status location { state } } }
  missing: company(id: "no-such-company") { id }
}
fragment Fields on Company {
  id name
  suppliers(first: 3) {
    totalCount
    edges { cursor partnerships { id } node { id name } }
    pageInfo { endCursor hasNextPage }
  }
  facilities(first: 2) { edges { roles node { id powerMw capacity { amount unit qualifier } } } }
  stats { suppliers customers degree { kind count } moneyIn { status valueUsd } }
}""",
        {},
    ),
    (
        "Directives",
        """query Directives($full: Boolean!, $id: ID!) {
  company(id: $id) { id name @include(if: $full) ticker @skip(if: $full)
    partnerships(first: 5, orderBy: {field: VALUE_USD, direction: DESC}) {
      nodes { id status value { amount currency usd qualifier } announcedOn announcedPrecision }
    }
  }
}""",
        {"full": True, "id": "nvidia"},
    ),
    (
        "SearchBoth",
        """query SearchBoth {
  search(text: "stargate", first: 8) {
    pageInfo { hasNextPage }
    edges {
      score
      node { __typename ... on Company { id } ... on Partnership { id status } ... on Source { url } }
    }
    nodes { ... on Facility { id name } }
  }
}""",
        {},
    ),
    (
        "Analytics",
        """query Analytics {
  loops: circularFlows(involving: "nvidia", maxLength: 4, first: 3) {
    loops { length valueUsd minStepUsd steps { from { id } to { id } partnership { id } status } }
  }
  path: connections(from: "foxconn", to: "microsoft", maxLength: 4) {
    paths { length steps { from { __typename id } to { id } relationship kind forward } }
  }
  top: rankings(by: LARGEST_MONEY_HUBS, first: 5) { rank company { id } score }
  exposure(facility: "foxconn-lordstown", maxDepth: 2) { truncated entries { tier company { id } } }
}""",
        {},
    ),
    *[(name, query, {}) for name, query in EXAMPLES.items()],
    *[(case.name, case.ours, case.ours_variables(params_for(case, SMOKE))) for case in CASES],
]

# Operations that fail (or take another way) and what each must answer.
OTHERS: list[tuple[str, str, dict[str, Any], str | None]] = [
    ("Stats", "query Stats { stats { companies partnerships } }", {}, None),
    ("Introspect", "query Introspect { __schema { queryType { name } } }", {}, None),
    (
        "BadVariable",
        "query BadVariable($first: Int!) { companies(first: $first) { totalCount } }",
        {"first": "x"},
        "BAD_USER_INPUT",
    ),
    ("Missing", "query Missing($id: ID!) { company(id: $id) { id } }", {}, "BAD_USER_INPUT"),
    ("Unknown", 'query Unknown { company(id: "openai") { nope } }', {}, "GRAPHQL_VALIDATION_FAILED"),
    (
        "TooBig",
        "query TooBig { companies(first: 100) { nodes { partnerships(first: 100) { nodes { "
        "parties { company { partnerships(first: 100) { nodes { id } } } } } } } } }",
        {},
        "QUERY_TOO_COMPLEX",
    ),
    ("BadSearch", 'query BadSearch { search(text: "   ") { nodes { __typename } } }', {}, "BAD_USER_INPUT"),
    ("Merged", 'query Merged { company(id: "openai") { id } company(id: "openai") { name } }', {}, None),
]

Run = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture(scope="module")
def seeded_once(driver: Driver) -> Driver:
    return seed_only(driver)


@pytest.mark.parametrize(("name", "query", "variables"), COVERED, ids=[n for n, *_ in COVERED])
async def test_every_shape_answers_with_data(
    seeded_once: Driver, engine: Run, name: str, query: str, variables: dict[str, Any]
) -> None:
    payload = await engine(query, variables)
    assert "errors" not in payload, payload
    assert payload["data"] and any(v is not None for v in payload["data"].values())
    assert payload["extensions"]["statements"] >= 1


@pytest.mark.parametrize(("name", "query", "variables", "code"), OTHERS, ids=[n for n, *_ in OTHERS])
async def test_failures_and_other_ways(
    seeded_once: Driver, engine: Run, name: str, query: str, variables: dict[str, Any], code: str | None
) -> None:
    payload = await engine(query, variables)
    if code is None:
        assert "errors" not in payload and payload["data"], payload
    else:
        assert payload["errors"][0]["extensions"]["code"] == code, payload
        assert "Traceback" not in json.dumps(payload) and "MATCH" not in json.dumps(payload)
    if name == "Merged":
        assert payload["data"] == {"company": {"id": "openai", "name": "OpenAI"}}


async def test_http_answers_what_the_engine_answers(
    seeded_once: Driver, engine: Run, api: ApiProcess
) -> None:
    for name, query, variables in COVERED[:3]:
        assert json.loads(_post(api.url, name, query, variables)[1]) == await engine(query, variables)


def test_every_request_is_measured_and_logged(seeded_once: Driver, api: ApiProcess) -> None:
    status, _ = _post(api.url, "Point", CASES[0].ours, {"id": "nvidia"})
    assert status == 200
    with urllib.request.urlopen(f"{api.url}/metrics", timeout=10) as response:
        text = response.read().decode()
    assert 'supplygraph_cypher_statements_total{operation="Point"}' in text
    assert 'operation="Point",path="query"' in text
    _post(api.url, "Missing", OTHERS[3][1], {})
    with urllib.request.urlopen(f"{api.url}/metrics", timeout=10) as response:
        text = response.read().decode()
    assert 'supplygraph_graphql_errors_total{code="BAD_USER_INPUT"}' in text
    text = api.log.read_text(encoding="utf-8")
    lines = [json.loads(x) for x in text.splitlines() if x.startswith('{"event":"graphql"')]
    point = [x for x in lines if x["operation"] == "Point"]
    assert point and point[-1]["path"] == "query" and point[-1]["statements"] == 1
    assert point[-1]["status"] == "ok" and point[-1]["duration_ms"] > 0
    missing = [x for x in lines if x["operation"] == "Missing"]
    assert missing and missing[-1]["status"] == "error" and missing[-1]["path"] == "rejected"


def _label(name: str, query: str) -> str:
    """The operation's name as metrics show it (the README's examples are anonymous)."""
    return name if f"query {name}" in query else "anonymous"


def _post(url: str, name: str, query: str, variables: dict[str, Any]) -> tuple[int, bytes]:
    operation = name if _label(name, query) == name else None
    body = json.dumps({"query": query, "variables": variables, "operationName": operation}).encode()
    request = urllib.request.Request(f"{url}/graphql", body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
