"""The exports, each read back by its ecosystem's own library and compared with the graph:
FtM lines with `followthemoney`, GraphML and GEXF with `networkx`, CSV with `csv`. Expected
counts come from Neo4j, expected values from the curated data files."""

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest
from followthemoney import model
from followthemoney.exc import InvalidData
from neo4j import Driver

from seed.cli import DATA_DIR
from seed.validate import load_dataset
from service.domain.entities import Partnership, Source
from service.graph.exports import NODE_LABELS
from tests.support import ApiProcess, Neo4jServer, seed_only

DEAL = "nvidia-openai-10gw"


@pytest.fixture(scope="module")
def curated() -> Any:
    return load_dataset(DATA_DIR)


@pytest.fixture(scope="module")
def graph(driver: Driver) -> dict[str, Any]:
    """The network's counts as Neo4j has them: nodes by label, links by type (stakes apart)."""
    seed_only(driver)
    labels = list(NODE_LABELS)
    nodes, _, _ = driver.execute_query(
        "MATCH (n:Entity) UNWIND [l IN labels(n) WHERE l IN $labels] AS label RETURN label, count(*) AS n",
        labels=labels,
    )
    # Every relationship between two nodes of the network, whatever its type.
    links, _, _ = driver.execute_query(
        "MATCH (a:Entity)-[r]->(b:Entity)"
        " WHERE any(l IN labels(a) WHERE l IN $labels) AND any(l IN labels(b) WHERE l IN $labels)"
        " RETURN type(r) AS type, count(*) AS n",
        labels=labels,
    )
    stakes, _, _ = driver.execute_query(
        "MATCH (:Company)<-[:HOLDS_STAKE]-(k:Stake)-[:STAKE_IN]->(held) WHERE held:Company OR held:Facility"
        " RETURN count(k) AS n"
    )
    by_type = {r["type"].lower(): r["n"] for r in links}
    by_type["stake"] = stakes[0]["n"]
    return {"nodes": {r["label"]: r["n"] for r in nodes}, "links": by_type}


def _get(api: ApiProcess, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(f"{api.url}{path}", timeout=60, **kwargs)


def _urls(curated: Any, entry: Any) -> set[str]:
    sources = {s.id: s for s in curated.section("sources") if isinstance(s, Source)}
    return {str(sources[e.source].url) for e in entry.evidence if sources[e.source].url}


def _deal(curated: Any) -> Partnership:
    deal = next(p for p in curated.section("partnerships") if p.id == DEAL)
    assert isinstance(deal, Partnership)
    return deal


def test_ftm_every_entity_valid_and_every_reference_resolves(
    api: ApiProcess, graph: dict[str, Any], curated: Any
) -> None:
    reply = _get(api, "/export/ftm")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("application/x-ndjson")
    assert 'filename="supplygraph.ftm.json"' in reply.headers["content-disposition"]
    # Streamed: the length is not known before the last row is written.
    assert reply.headers.get("transfer-encoding") == "chunked" and "content-length" not in reply.headers
    entities = [json.loads(line) for line in reply.text.splitlines()]
    schemata = {e["id"]: model.get(e["schema"]) for e in entities}
    assert len(schemata) == len(entities), "ids are unique"
    for data in entities:
        schema = schemata[data["id"]]
        assert schema is not None and not schema.abstract, data
        unknown = set(data["properties"]) - set(schema.properties)
        assert not unknown, (data["id"], unknown)
        assert not set(schema.required) - set(data["properties"]), (data["id"], schema.required)
        try:
            schema.validate(data)
        except InvalidData as error:
            pytest.fail(f"{data['id']}: {error.errors}")
        # Cleaning by the library keeps every value: nothing we wrote is malformed for its type.
        proxy = model.get_proxy(data, cleaned=False)
        for name, values in data["properties"].items():
            assert len(proxy.get(name)) == len(values), (data["id"], name, values, proxy.get(name))
        for prop in proxy.iterprops():
            if prop.type.name == "entity":
                for ref in proxy.get(prop):
                    target = schemata.get(ref)
                    assert target is not None, f"{data['id']}.{prop.name} -> {ref} is not exported"
                    assert prop.range is not None and target.is_a(prop.range), (data["id"], prop.name, ref)
    counts = Counter(e["schema"] for e in entities)
    assert counts["Company"] + counts["Organization"] + counts["PublicBody"] == graph["nodes"]["Company"]
    assert counts["Person"] == graph["nodes"]["Person"]
    assert counts["RealEstate"] == graph["nodes"]["Facility"]
    assert counts["Project"] == graph["nodes"]["Partnership"]
    assert counts["Directorship"] == graph["links"]["holds_position"]
    assert counts["ProjectParticipant"] == graph["links"]["party_to"]
    assert counts["Payment"] + counts["Debt"] == graph["links"]["money_flow"]

    by_id = {e["id"]: e["properties"] for e in entities}
    deal = _deal(curated)
    project = by_id[DEAL]
    assert project["name"] == [deal.name]
    assert deal.value is not None and float(project["amountUsd"][0]) == deal.value.usd
    assert set(project["sourceUrl"]) == _urls(curated, deal)
    assert set(project["notes"]) >= {e.quote for e in deal.evidence}
    # Nvidia's stake-like investment in OpenAI is an Ownership stamped with the deal.
    owned = [p for p in by_id.values() if p.get("owner") == ["nvidia"] and p.get("asset") == ["openai"]]
    assert any(p.get("recordId") == [DEAL] for p in owned)
    openai = next(c for c in curated.section("companies") if c.id == "openai")
    assert set(by_id["openai"]["sourceUrl"]) == _urls(curated, openai)


def _check_network(g: Any, graph: dict[str, Any], curated: Any) -> None:
    assert Counter(d["type"] for _, d in g.nodes(data=True)) == Counter(graph["nodes"])
    links = Counter(d["link"] for _, _, d in g.edges(data=True))
    assert links == Counter({k: v for k, v in graph["links"].items() if v})
    deal = _deal(curated)
    node = g.nodes[DEAL]
    assert deal.value is not None
    assert node["value_usd"] == deal.value.usd and node["value_qualifier"] == deal.value.qualifier
    assert set(node["source_urls"].split("; ")) == _urls(curated, deal)
    assert g.nodes["openai"]["name"] == "OpenAI" and g.nodes["openai"]["type"] == "Company"
    # Nvidia invests in OpenAI under the deal, and the money flows that way too.
    between = list(g.get_edge_data("nvidia", "openai").values())
    kinds = {d["link"] for d in between if d.get("partnership") == DEAL}
    assert {"invests_in", "money_flow"} <= kinds
    assert all(
        set(d["source_urls"].split("; ")) == _urls(curated, deal)
        for d in between
        if d.get("partnership") == DEAL
    )


def test_graphml_read_back_by_networkx(
    api: ApiProcess, graph: dict[str, Any], curated: Any, tmp_path: Path
) -> None:
    reply = _get(api, "/export/graphml")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/graphml+xml"
    (tmp_path / "g.graphml").write_bytes(reply.content)
    g = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert g.is_directed()
    _check_network(g, graph, curated)


def test_gexf_read_back_by_networkx(
    api: ApiProcess, graph: dict[str, Any], curated: Any, tmp_path: Path
) -> None:
    reply = _get(api, "/export/gexf")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/gexf+xml"
    (tmp_path / "g.gexf").write_bytes(reply.content)
    g = nx.read_gexf(tmp_path / "g.gexf")
    assert g.is_directed() and g.is_multigraph()
    _check_network(g, graph, curated)
    assert g.nodes["openai"]["label"] == "OpenAI"


def test_csv_nodes_and_edges(api: ApiProcess, graph: dict[str, Any], curated: Any) -> None:
    nodes = list(csv.DictReader(io.StringIO(_get(api, "/export/csv-nodes").text)))
    edges = list(csv.DictReader(io.StringIO(_get(api, "/export/csv-edges").text)))
    assert Counter(n["type"] for n in nodes) == Counter(graph["nodes"])
    assert Counter(e["link"] for e in edges) == Counter({k: v for k, v in graph["links"].items() if v})
    ids = {n["id"] for n in nodes}
    assert all(e["source"] in ids and e["target"] in ids for e in edges)
    assert len({e["id"] for e in edges}) == len(edges)
    deal = next(n for n in nodes if n["id"] == DEAL)
    assert _deal(curated).value is not None
    assert float(deal["value_usd"]) == _deal(curated).value.usd  # type: ignore[union-attr]


def test_subset_by_ids(api: ApiProcess, graph: dict[str, Any], tmp_path: Path) -> None:
    ids = ["nvidia", "openai", DEAL, "no-such-entity"]
    posted = httpx.post(f"{api.url}/export/graphml", json={"ids": ids}, timeout=60)
    assert posted.status_code == 200, posted.text
    got = _get(api, "/export/graphml", params={"ids": ",".join(ids)})
    assert got.content == posted.content
    (tmp_path / "s.graphml").write_bytes(posted.content)
    g = nx.read_graphml(tmp_path / "s.graphml", force_multigraph=True)
    assert set(g.nodes) == {"nvidia", "openai", DEAL}
    assert {d["link"] for _, _, d in g.edges(data=True)} >= {
        "party_to",
        "invests_in",
        "supplies",
        "money_flow",
    }
    lines = httpx.post(f"{api.url}/export/ftm", json={"ids": ids}, timeout=60).text.splitlines()
    assert {json.loads(line)["id"] for line in lines} >= {"nvidia", "openai", DEAL}


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("GET", "/export/pdf", None, 404, "NOT_FOUND"),
        ("GET", "/export/ftm?format=x", None, 400, "BAD_USER_INPUT"),
        ("POST", "/export/ftm", b"{nope", 400, "BAD_REQUEST"),
        ("POST", "/export/ftm", b'{"ids": "openai"}', 400, "BAD_USER_INPUT"),
        ("POST", "/export/ftm", b'{"ids": [1]}', 400, "BAD_USER_INPUT"),
        (
            "POST",
            "/export/ftm",
            json.dumps({"ids": [f"x{i}" for i in range(5001)]}).encode(),
            400,
            "BAD_USER_INPUT",
        ),
        ("GET", "/export/ftm?ids=" + "x" * 201, None, 400, "BAD_USER_INPUT"),
    ],
)
def test_bad_requests_get_coded_json_errors(
    api: ApiProcess, method: str, path: str, body: bytes | None, status: int, code: str
) -> None:
    reply = httpx.request(method, f"{api.url}{path}", content=body, timeout=30)
    assert reply.status_code == status
    assert reply.json()["errors"][0]["extensions"]["code"] == code


def test_exports_pass_the_same_door_as_reads(api: ApiProcess) -> None:
    reply = _get(api, "/export/csv-nodes", headers={"Authorization": "Bearer sg_nope_nope"})
    assert reply.status_code == 401
    assert reply.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_cli_writes_what_the_endpoint_serves(
    api: ApiProcess, neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    out = tmp_path / "network.gexf"
    run = subprocess.run(
        [sys.executable, "-m", "service", "export", "--format", "gexf", "--out", str(out)],
        env={**__import__("os").environ, **neo4j_server.env()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == _get(api, "/export/gexf").content
