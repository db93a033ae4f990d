"""Persisted operations with Apollo's own tools: Apollo Client 4's persisted-queries link (APQ,
over POST and over GET with the HTTP caching), and a safelist made by
`@apollo/generate-persisted-query-manifest` from tests/clients/operations, which the server is
started with (API_PERSISTED_ONLY) and Apollo Client runs through
`@apollo/persisted-query-lists`. Each test runs one check of js/persisted.mjs."""

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from tests.clients.node import JS, run_script
from tests.http.test_persisted import start
from tests.support import ApiProcess, Neo4jServer

OPERATIONS = Path(__file__).resolve().parent / "operations"


def _check(api: ApiProcess, name: str, manifest: Path | None = None) -> dict[str, Any]:
    env = {"SUPPLYGRAPH_CHECKS": name, "SUPPLYGRAPH_MANIFEST": str(manifest or "")}
    report = run_script("persisted.mjs", f"{api.url}/graphql", env=env)
    result: dict[str, Any] = report.get("checks", {}).get(name, report)
    if result.get("ok") is not True:
        pytest.fail(f"persisted.mjs check {name!r} failed:\n{json.dumps(result, indent=2)}")
    return result


def generate_manifest(folder: Path) -> Path:
    """The manifest as Apollo's CLI writes it for an app whose documents are OPERATIONS."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node (Node.js 20+) is not on PATH: the manifest cannot be generated")
    output = folder / "persisted-query-manifest.json"
    config = folder / "persisted-query-manifest.config.json"
    config.write_text(json.dumps({"documents": [f"{OPERATIONS.name}/*.graphql"], "output": str(output)}))
    cli = JS / "node_modules" / "@apollo" / "generate-persisted-query-manifest" / "cli.js"
    done = subprocess.run(
        [node, str(cli), "--config", str(config)],
        cwd=OPERATIONS.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return output


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_manifest(tmp_path_factory.mktemp("manifest"))


@pytest.fixture(scope="module")
def safelisted(
    neo4j_server: Neo4jServer, manifest: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiProcess]:
    env = {"API_PERSISTED_ONLY": "true", "API_PERSISTED_MANIFEST": str(manifest)}
    process = ApiProcess(neo4j_server, tmp_path_factory.mktemp("safelisted") / "api.log", env)
    yield process
    process.stop()


def test_the_generated_manifest_lists_every_operation(manifest: Path) -> None:
    operations = json.loads(manifest.read_text())["operations"]
    assert sorted(o["name"] for o in operations) == [
        "CompaniesPage",
        "CompanyById",
        "Partnerships",
        "SupplyChain",
    ]


def test_apq_registers_on_not_found_then_sends_the_hash_only(api: ApiProcess, seeded: Driver) -> None:
    _check(api, "apq")


def test_apq_over_get_keeps_etags_and_304(api: ApiProcess, seeded: Driver) -> None:
    result = _check(api, "apqGet")
    assert result["etag"].startswith('W/"') and result["revalidated"] == 304


def test_safelisted_operations_run_by_their_manifest_ids(
    safelisted: ApiProcess, seeded: Driver, manifest: Path
) -> None:
    _check(safelisted, "safelist", manifest)


def test_other_documents_are_refused_in_safelist_mode(safelisted: ApiProcess, manifest: Path) -> None:
    result = _check(safelisted, "safelistRefused", manifest)
    assert [o.get("errors", [{}])[0].get("code") for o in result["outcomes"]] == [
        "QUERY_NOT_IN_SAFELIST",
        "PERSISTED_QUERY_NOT_IN_LIST",
    ]


def test_a_tampered_generated_manifest_stops_the_start(
    neo4j_server: Neo4jServer, manifest: Path, tmp_path: Path
) -> None:
    data = json.loads(manifest.read_text())
    data["operations"][1]["body"] = data["operations"][1]["body"].replace("country", "population")
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data))
    done = start(neo4j_server, tampered)
    name = data["operations"][1]["name"]
    assert done.returncode != 0 and f"operation {name} (id {data['operations'][1]['id']})" in done.stderr
    assert "the id is not the sha256 of the body" in done.stderr, done.stderr
