"""The compiled fast path answers byte for byte what the ordinary strawberry execution answers.

Two API processes read the same seeded graph: one as shipped (fast path on), one with
API_COMPILED=false. Every query below goes to both; the bodies must be identical, and the
first server's /metrics must show which path answered each operation.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver
from prometheus_client.parser import text_string_to_metric_families

from bench.compare.cases import CASES, SMOKE, params_for
from tests.integration.conftest import ApiProcess, seed_only
from tests.integration.test_readme_examples import EXAMPLES

pytestmark = pytest.mark.integration

# (operation name, query, variables): operations the fast path covers.
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

# Operations the fast path leaves to strawberry (their answers must still be identical).
STANDARD: list[tuple[str, str, dict[str, Any]]] = [
    ("Stats", "query Stats { stats { companies partnerships } }", {}),
    ("Introspect", "query Introspect { __schema { queryType { name } } }", {}),
    (
        "BadVariable",
        "query BadVariable($first: Int!) { companies(first: $first) { totalCount } }",
        {"first": "x"},
    ),
    ("Missing", "query Missing($id: ID!) { company(id: $id) { id } }", {}),
    ("Unknown", 'query Unknown { company(id: "openai") { nope } }', {}),
    (
        "TooBig",
        "query TooBig { companies(first: 100) { nodes { partnerships(first: 100) { nodes { "
        "parties { company { partnerships(first: 100) { nodes { id } } } } } } } } }",
        {},
    ),
    ("BadSearch", 'query BadSearch { search(text: "   ") { nodes { __typename } } }', {}),
    ("NotCompiled", 'query NotCompiled { company(id: "openai") { id } company(id: "openai") { name } }', {}),
]


@pytest.fixture(scope="module")
def servers(
    neo4j_server: Any, driver: Driver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ApiProcess, ApiProcess]]:
    seed_only(driver)
    folder = tmp_path_factory.mktemp("fast-path")
    compiled = ApiProcess(neo4j_server, folder / "compiled.log")
    standard = ApiProcess(neo4j_server, folder / "standard.log", {"API_COMPILED": "false"})
    yield compiled, standard
    compiled.stop()
    standard.stop()


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


def _answered(url: str) -> dict[tuple[str, str], float]:
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as response:
        text = response.read().decode()
    counts: dict[tuple[str, str], float] = {}
    for family in text_string_to_metric_families(text):
        if family.name == "supplygraph_graphql_request_seconds":
            for sample in family.samples:
                if sample.name.endswith("_count"):
                    counts[(sample.labels["operation"], sample.labels["path"])] = sample.value
    return counts


@pytest.mark.parametrize(
    ("name", "query", "variables"), COVERED + STANDARD, ids=[n for n, *_ in COVERED + STANDARD]
)
def test_both_paths_give_the_same_bytes(
    servers: tuple[ApiProcess, ApiProcess], name: str, query: str, variables: dict[str, Any]
) -> None:
    compiled, standard = servers
    fast = _post(compiled.url, name, query, variables)
    slow = _post(standard.url, name, query, variables)
    assert fast == slow
    payload = json.loads(fast[1])
    if (name, query, variables) in COVERED:
        assert "errors" not in payload, payload
        assert payload["data"] and any(v is not None for v in payload["data"].values())


def test_the_fast_path_answers_what_it_covers(servers: tuple[ApiProcess, ApiProcess]) -> None:
    compiled, _ = servers
    before = _answered(compiled.url)
    for name, query, variables in COVERED:
        _post(compiled.url, name, query, variables)
    for name, query, variables in STANDARD:
        _post(compiled.url, name, query, variables)
    after = _answered(compiled.url)

    def grew(name: str, path: str) -> float:
        return after.get((name, path), 0) - before.get((name, path), 0)

    for name, query, _ in COVERED:
        label = _label(name, query)
        assert grew(label, "compiled") >= 1 and grew(label, "standard") == 0, name
    for name, query, _ in STANDARD:
        label = _label(name, query)
        assert grew(label, "standard") >= 1 and grew(label, "compiled") == 0, name


def test_every_request_is_measured_and_logged(servers: tuple[ApiProcess, ApiProcess]) -> None:
    compiled, _ = servers
    status, _ = _post(compiled.url, "Point", CASES[0].ours, {"id": "nvidia"})
    assert status == 200
    with urllib.request.urlopen(f"{compiled.url}/metrics", timeout=10) as response:
        text = response.read().decode()
    assert 'supplygraph_cypher_statements_total{operation="Point"}' in text
    _post(compiled.url, "Missing", STANDARD[3][1], {})
    with urllib.request.urlopen(f"{compiled.url}/metrics", timeout=10) as response:
        text = response.read().decode()
    assert (
        'supplygraph_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}' in text
        or "BAD_USER_INPUT" in text
    )
    text = compiled.log.read_text(encoding="utf-8")
    lines = [json.loads(x) for x in text.splitlines() if x.startswith('{"event":"graphql"')]
    point = [x for x in lines if x["operation"] == "Point"]
    assert point and point[-1]["path"] == "compiled" and point[-1]["statements"] == 1
    assert point[-1]["status"] == "ok" and point[-1]["duration_ms"] > 0
    missing = [x for x in lines if x["operation"] == "Missing"]
    assert missing and missing[-1]["status"] == "error" and missing[-1]["path"] == "standard"
