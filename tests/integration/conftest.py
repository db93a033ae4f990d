"""Fixtures that talk to the run's Neo4j: a driver, a clean graph, the seed CLI, the HTTP API."""

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver, GraphDatabase

from neo4j_local.server import free_port
from seed.cli import DATA_DIR
from seed.loader import load_curated
from seed.validate import load_dataset
from service.access.keys import new_key
from service.access.roles import Role
from service.graph.keys import create_key
from service.graph.schema import apply_schema
from tests.conftest import REPO_ROOT, Neo4jServer

Snapshot = tuple[list[Any], list[Any]]


@pytest.fixture(scope="session")
def driver(neo4j_server: Neo4jServer) -> Iterator[Driver]:
    with GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)) as d:
        yield d


def _batched_delete(driver: Driver, where: str = "") -> None:
    # CALL ... IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
    with driver.session() as session:
        session.run(
            "MATCH (n) " + where + " CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
        ).consume()


def wipe(driver: Driver) -> None:
    _batched_delete(driver)


@pytest.fixture
def empty_graph(driver: Driver) -> Driver:
    """The graph with no data and the schema applied."""
    wipe(driver)
    apply_schema(driver, "neo4j")
    return driver


def run_seed(
    server: Neo4jServer, *args: str, extra_env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `python -m seed ARGS` against the test server, as a user would."""
    env = {**os.environ, **server.env(), **(extra_env or {})}
    return subprocess.run(
        [sys.executable, "-m", "seed", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def seed_cli(neo4j_server: Neo4jServer) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_seed(neo4j_server, *args, extra_env=extra_env)

    return run


def snapshot(driver: Driver) -> Snapshot:
    """Every node (labels, properties) and relationship (type, ends, properties), sorted."""
    nodes, _, _ = driver.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, properties(r) AS props"
    )
    return (
        sorted((sorted(r["labels"]), sorted(r["props"].items())) for r in nodes),
        sorted((r["type"], r["a"], r["b"], sorted(r["props"].items())) for r in rels),
    )


def wait_for_http(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the API process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


class ApiProcess:
    """`python -m service` on a free port, pointed at a given Neo4j."""

    def __init__(self, server: Neo4jServer, log: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **server.env(), "API_PORT": str(self.port), "API_HOST": "127.0.0.1"}
        # Every test request comes from 127.0.0.1: the rate limits are off unless a test sets them.
        env.update({"API_RATE_LIMIT_ANONYMOUS": "0", "API_RATE_LIMIT_KEYED": "0"})
        env.update(extra_env or {})
        self.log = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service"],
            cwd=REPO_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_for_http(f"{self.url}/healthz", 30, self.process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self._log.close()


@pytest.fixture(scope="session")
def api(neo4j_server: Neo4jServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    process = ApiProcess(neo4j_server, tmp_path_factory.mktemp("api") / "api.log")
    yield process
    process.stop()


def seed_only(driver: Driver) -> Driver:
    """Exactly the curated seed data: other data removed (API keys kept), then a (usually no-op)
    curated load."""
    _batched_delete(driver, "WHERE NOT n:ApiKey AND (n.origin IS NULL OR n.origin <> 'seed')")
    apply_schema(driver, "neo4j")
    load_curated(driver, "neo4j", load_dataset(DATA_DIR))
    return driver


@pytest.fixture
def seeded(driver: Driver) -> Driver:
    return seed_only(driver)


def api_key(driver: Driver, name: str, role: Role) -> str:
    """A new API key's text, stored as `python -m service keys create` stores it."""
    key = new_key()
    create_key(driver, "neo4j", key.id, name, role.value, key.hash)
    return key.text


@pytest.fixture
def keys(driver: Driver) -> Iterator[dict[str, str]]:
    """A fresh key for each role ("reader", "editor", "admin"), named test-<role>; deleted after."""
    made = {role.value: api_key(driver, f"test-{role.value}", role) for role in Role}
    yield made
    ids = [text.split("_")[1] for text in made.values()]
    driver.execute_query("MATCH (k:ApiKey) WHERE k.id IN $ids DELETE k", ids=ids)


def graphql(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    import json

    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"{url}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())
    return result


__all__ = [
    "ApiProcess",
    "Snapshot",
    "api_key",
    "graphql",
    "run_seed",
    "seed_only",
    "snapshot",
    "wait_for_http",
    "wipe",
]
