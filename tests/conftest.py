"""Fixtures shared by every test folder, and the markers each folder gives its tests.

The Neo4j for integration tests comes from, in this order: NEO4J_URI (with NEO4J_USER and
NEO4J_PASSWORD) if set; pytest-docker with the root docker-compose.yml if a Docker engine
answers; otherwise the local launcher, started once per run on a free port with a temporary
data folder and stopped at the end.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import AsyncGraphDatabase, Driver, GraphDatabase

from service.api.engine import Engine
from service.domain.roles import Principal, Role
from service.graph import edits
from service.graph.constraints import apply_constraints
from service.graph.reads import read_result
from service.http.app import engine_for
from service.settings import Settings
from tests.support import (
    REPO_ROOT,
    TEST_PASSWORD,
    ApiProcess,
    Neo4jServer,
    api_key,
    run_seed,
    seed_only,
    wipe,
)


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


@pytest.fixture(scope="session")
def driver(neo4j_server: Neo4jServer) -> Iterator[Driver]:
    with GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)) as d:
        yield d


@pytest.fixture
def empty_graph(driver: Driver) -> Driver:
    """The graph with no data and the schema applied."""
    wipe(driver)
    apply_constraints(driver, "neo4j")
    return driver


@pytest.fixture
def seed_cli(neo4j_server: Neo4jServer) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_seed(neo4j_server, *args, extra_env=extra_env)

    return run


@pytest.fixture(scope="session")
def api(neo4j_server: Neo4jServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    process = ApiProcess(neo4j_server, tmp_path_factory.mktemp("api") / "api.log")
    yield process
    process.stop()


@pytest.fixture
def seeded(driver: Driver) -> Driver:
    return seed_only(driver)


@pytest.fixture
def keys(driver: Driver) -> Iterator[dict[str, str]]:
    """A fresh key for each role ("reader", "editor", "admin"), named test-<role>; deleted after."""
    made = {role.value: api_key(driver, f"test-{role.value}", role) for role in Role}
    yield made
    ids = [text.split("_")[1] for text in made.values()]
    driver.execute_query("MATCH (k:ApiKey) WHERE k.id IN $ids DELETE k", ids=ids)


@pytest.fixture(scope="session")
async def engine(neo4j_server: Neo4jServer) -> AsyncIterator[Callable[..., Awaitable[dict[str, Any]]]]:
    """The GraphQL engine in this process, with default settings, over the run's Neo4j: no HTTP.
    `await engine(query, variables, principal=...)` answers with the response payload."""
    settings = Settings(
        neo4j_uri=neo4j_server.uri, neo4j_user=neo4j_server.user, neo4j_password=neo4j_server.password
    )
    core: Engine = engine_for(settings)
    async with AsyncGraphDatabase.driver(
        neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password), notifications_min_severity="OFF"
    ) as driver:

        async def read(statement: Any, causal: bool) -> Any:
            return await read_result(driver, "neo4j", statement.text, statement.params, 15.0, causal)

        async def run(
            query: str, variables: dict[str, Any] | None = None, principal: Principal | None = None
        ) -> dict[str, Any]:
            result = await core.execute(
                query, None, variables, principal=principal, read=read, store=edits.Store(driver, "neo4j")
            )
            return result.payload

        yield run


EDITOR = Principal("test-editor", "test-editor", Role.EDITOR)
ADMIN = Principal("test-admin", "test-admin", Role.ADMIN)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test gets its folder as a marker (`pytest -m compiler`), and `integration` when it
    uses the run's Neo4j."""
    for item in items:
        folder = item.path.parent.name
        item.add_marker(getattr(pytest.mark, folder))
        if "neo4j_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.integration)
