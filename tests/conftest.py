"""Fixtures shared by every test folder. tests/unit needs nothing; tests/integration needs Neo4j.

The Neo4j for integration tests comes from, in this order: NEO4J_URI (with NEO4J_USER and
NEO4J_PASSWORD) if set; pytest-docker with the root docker-compose.yml if a Docker engine
answers; otherwise the local launcher, started once per run on a free port with a temporary
data folder and stopped at the end.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_PASSWORD = "supplygraph-test-pw"


@dataclass(frozen=True)
class Neo4jServer:
    uri: str
    user: str
    password: str
    local: object | None = None  # the LocalNeo4j when this run started one

    def env(self) -> dict[str, str]:
        """Environment that points the service and the seed loader at this server."""
        return {"NEO4J_URI": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}


@pytest.fixture(scope="session")
def docker_compose_file() -> str:
    return str(REPO_ROOT / "docker-compose.yml")


@pytest.fixture(scope="session")
def docker_setup() -> list[str]:
    # Only the database: the tests run the seed loader and the API themselves.
    return ["up --build -d neo4j"]


def _from_docker(request: pytest.FixtureRequest) -> Neo4jServer:
    from neo4j import GraphDatabase

    os.environ.setdefault("NEO4J_PASSWORD", TEST_PASSWORD)
    services = request.getfixturevalue("docker_services")
    port = services.port_for("neo4j", 7687)
    server = Neo4jServer(f"bolt://127.0.0.1:{port}", "neo4j", os.environ["NEO4J_PASSWORD"])

    def responsive() -> bool:
        try:
            with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
                driver.verify_connectivity()
            return True
        except Exception:
            return False

    services.wait_until_responsive(check=responsive, timeout=180.0, pause=1.0)
    return server


@pytest.fixture(scope="session")
def neo4j_server(request: pytest.FixtureRequest) -> Iterator[Neo4jServer]:
    if uri := os.environ.get("NEO4J_URI"):
        yield Neo4jServer(uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"])
        return
    from stack.__main__ import docker_available

    if docker_available():
        yield _from_docker(request)
        return
    from neo4j_local import LocalNeo4j
    from neo4j_local.server import free_port

    home = Path(tempfile.mkdtemp(prefix="supplygraph-test-neo4j-"))
    local = LocalNeo4j(home=home, bolt_port=free_port(), password=TEST_PASSWORD, heap="1g", pagecache="512m")
    local.start()
    try:
        yield Neo4jServer(local.uri, "neo4j", TEST_PASSWORD, local=local)
    finally:
        local.stop()
        shutil.rmtree(home, ignore_errors=True)
