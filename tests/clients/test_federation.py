"""Apollo Federation 2 with real Apollo packages: our subgraph composes (@apollo/composition) with
a second subgraph written for the test (js/markets.graphql: a share price on our Company, a
market move pointing at our Partnership), and @apollo/gateway, composing both by introspection,
answers queries that cross them both ways with what the curated graph holds."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from service.api.schema import SUBGRAPH_FILE, SUPERGRAPH_FILE, committed_sdl
from tests.clients.node import JS, run_check
from tests.support import REPO_ROOT, ApiProcess

SUBGRAPH = REPO_ROOT / "service" / "api" / SUBGRAPH_FILE
# The URL `make schema` gives our subgraph in the exported supergraph: the default API_PORT.
SUPERGRAPH_URL = "http://localhost:8000/graphql"


def compose(*subgraphs: tuple[str, str, Path]) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node (Node.js 20+) is not on PATH: composition cannot run")
    done = subprocess.run(
        [node, str(JS / "compose.mjs"), *(f"{name}={url}={path}" for name, url, path in subgraphs)],
        cwd=JS,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def test_the_subgraph_composes_with_another() -> None:
    report = compose(
        ("supplygraph", SUPERGRAPH_URL, SUBGRAPH),
        ("markets", "http://localhost:4001/graphql", JS / "markets.graphql"),
    )
    assert report["ok"] and report["errors"] == [] and report["hints"] == [], report.get("errors")
    supergraph = report["supergraphSdl"]
    # Company is an entity of both graphs; Partnership is ours, referenced (not resolved) by markets.
    assert '@join__type(graph: MARKETS, key: "id")' in supergraph
    assert '@join__type(graph: MARKETS, key: "id", resolvable: false)' in supergraph
    assert "sharePrice: Float @join__field(graph: MARKETS)" in supergraph


def test_the_exported_supergraph_is_the_subgraph_composed() -> None:
    report = compose(("supplygraph", SUPERGRAPH_URL, SUBGRAPH))
    assert report["ok"], report["errors"]
    assert committed_sdl(SUPERGRAPH_FILE) == report["supergraphSdl"], (
        "run `make schema` and commit service/api/supergraph.graphql"
    )


def _gateway(api: ApiProcess, name: str) -> dict[str, Any]:
    return run_check("federation.mjs", f"{api.url}/graphql", name)


def _requests(api: ApiProcess, operation: str) -> list[dict[str, Any]]:
    """Our request log's lines for the subgraph fetches the gateway made for `operation`."""
    lines = [json.loads(x) for x in api.log.read_text(encoding="utf-8").splitlines() if x.startswith("{")]
    return [x for x in lines if str(x.get("operation", "")).startswith(f"{operation}__supplygraph__")]


def test_our_company_gets_the_other_subgraphs_field(api: ApiProcess, seeded: Driver) -> None:
    answer = _gateway(api, "companyToMarkets")
    assert answer["data"] == {"company": {"id": "foxconn", "name": "Foxconn", "sharePrice": 7.25}}
    assert answer["marketsResolved"] == ["foxconn"]


def test_the_other_subgraphs_type_gets_our_partnership_and_its_parties(
    api: ApiProcess, seeded: Driver
) -> None:
    answer = _gateway(api, "marketsToPartnership")
    first, unknown = answer["data"]["marketMoves"]
    deal = first["partnership"]
    expected = seeded.execute_query(
        "MATCH (p:Partnership {id: 'openai-foxconn-us-hardware'})<-[r:PARTY_TO]-(c:Company) "
        "RETURN p.name AS deal, collect([toUpper(r.role), c.id, c.name]) AS parties"
    ).records[0]
    assert deal["id"] == "openai-foxconn-us-hardware" and deal["name"] == expected["deal"]
    assert deal["status"] == "ANNOUNCED"
    parties = sorted([p["role"], p["company"]["id"], p["company"]["name"]] for p in deal["parties"])
    assert parties == sorted(expected["parties"])
    prices = {p["company"]["id"]: p["company"]["sharePrice"] for p in deal["parties"]}
    assert prices == {"foxconn": 7.25, "openai": None}
    # An id we do not know is null, with no error (as a lookup answers).
    assert unknown["partnership"] is None and "errors" not in answer
    # Markets → us → markets: our part was one `_entities` fetch, one statement for both deals.
    fetches = _requests(api, "Moves")
    assert [f["statements"] for f in fetches] == [1] and fetches[0]["status"] == "ok"
    assert sorted(answer["marketsResolved"]) == ["foxconn", "openai"]


def test_a_page_of_ours_is_completed_in_one_batch(api: ApiProcess, seeded: Driver) -> None:
    answer = _gateway(api, "list")
    assert answer["data"]["companies"]["nodes"] == [
        {"id": "foxconn", "sharePrice": 7.25},
        {"id": "nvidia", "sharePrice": 181.5},
        {"id": "openai", "sharePrice": None},
    ]
    assert sorted(answer["marketsResolved"]) == ["foxconn", "nvidia", "openai"]
