"""The HTTP API against a real Neo4j: stats, health, readiness, error codes, the README example."""

import json
import re
import subprocess
import urllib.error
import urllib.request

from neo4j import Driver

from tests.support import REPO_ROOT, ApiProcess, graphql


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_stats_are_counted_in_neo4j(seeded: Driver, api: ApiProcess) -> None:
    result = graphql(
        api.url, "{ stats { companies people facilities partnerships sources events relationships } }"
    )
    assert "errors" not in result, result
    stats = result["data"]["stats"]
    records, _, _ = seeded.execute_query("MATCH (n:Entity) RETURN labels(n) AS labels, count(*) AS n")
    by_label = {next(label for label in r["labels"] if label != "Entity"): r["n"] for r in records}
    assert stats["companies"] == by_label["Company"] > 50
    assert stats["people"] == by_label["Person"]
    assert stats["facilities"] == by_label["Facility"]
    assert stats["partnerships"] == by_label["Partnership"]
    assert stats["sources"] == by_label["Source"]
    # Archived links and versions (kept for knownAt) are not counted.
    rels, _, _ = seeded.execute_query("MATCH ()-[r:!WAS&!PREVIOUSLY]->() RETURN count(r) AS n")
    assert stats["relationships"] == rels[0]["n"]


def test_health_and_readiness(seeded: Driver, api: ApiProcess) -> None:
    assert _get(f"{api.url}/healthz") == (200, {"status": "ok"})
    assert _get(f"{api.url}/readyz") == (200, {"status": "ready"})


def test_readiness_needs_the_schema_constraints(seeded: Driver, api: ApiProcess) -> None:
    seeded.execute_query("DROP CONSTRAINT company_id")
    try:
        status, body = _get(f"{api.url}/readyz")
        assert status == 503
        assert "company_id" in str(body["reason"])
    finally:
        seeded.execute_query(
            "CREATE CONSTRAINT company_id IF NOT EXISTS FOR (n:Company) REQUIRE n.id IS UNIQUE"
        )
    assert _get(f"{api.url}/readyz")[0] == 200


def test_invalid_queries_get_a_code(api: ApiProcess) -> None:
    result = graphql(api.url, "{ stats { nope } }")
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "nope" in result["errors"][0]["message"]


def test_graphiql_is_served(api: ApiProcess) -> None:
    request = urllib.request.Request(f"{api.url}/graphql", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert "graphiql" in response.read().decode().lower()


def test_the_readme_example_query_runs(seeded: Driver, api: ApiProcess) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^curl .*?/graphql.*?$", readme, re.MULTILINE)
    assert match, "README.md has no curl example against /graphql"
    command = match.group(0).replace("http://localhost:8000", api.url)
    output = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30, check=True)
    result = json.loads(output.stdout)
    assert "errors" not in result
    assert result["data"]["stats"]["companies"] > 50
