"""Reads and writes through a routing (`neo4j://`) URI, as on a cluster or Aura."""

from pathlib import Path

from neo4j import Driver

from tests.support import ApiProcess, Neo4jServer, graphql, run_seed


def test_reads_and_writes_go_through_a_neo4j_uri(
    seeded: Driver, neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    routed = Neo4jServer(
        neo4j_server.uri.replace("bolt://", "neo4j://"), neo4j_server.user, neo4j_server.password
    )
    assert routed.uri.startswith("neo4j://")
    written = run_seed(routed)  # WRITE transactions, routed to the leader
    assert written.returncode == 0, written.stderr
    assert "nothing changed" in written.stdout
    api = ApiProcess(routed, tmp_path / "api.log")  # READ transactions, routed to followers
    try:
        result = graphql(api.url, '{ company(id: "openai") { name } stats { companies } }')
        assert result["data"]["company"] == {"name": "OpenAI"}
        assert result["data"]["stats"]["companies"] > 50
    finally:
        api.stop()
