"""Helpers for tests that talk to the run's Neo4j: wiping and seeding the graph, the seed CLI,
the API in a process of its own, keys, and a GraphQL call over HTTP."""

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from neo4j_local.server import free_port
from seed.cli import DATA_DIR
from seed.loader import load_curated
from seed.validate import load_dataset
from service.domain.roles import Role
from service.graph.constraints import apply_constraints
from service.graph.keys import create_key
from service.http.keys import new_key

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


Snapshot = tuple[list[Any], list[Any]]


def _batched_delete(driver: Driver, where: str = "") -> None:
    # CALL ... IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
    with driver.session() as session:
        session.run(
            "MATCH (n) " + where + " CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
        ).consume()


def wipe(driver: Driver) -> None:
    _batched_delete(driver)


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


NOT_FEED = "NOT n:Change AND NOT n:Sequence"
# When the graph recorded, replaced or removed something (transaction time): two equal loads
# differ only there.
MOMENTS = ("recorded_at", "replaced_at", "removed_at")


def timeless(props: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted((k, v) for k, v in props.items() if k not in MOMENTS)


def snapshot(driver: Driver) -> Snapshot:
    """Every node (labels, properties) and relationship (type, ends, properties), sorted. The
    change feed's bookkeeping (:Change, :Sequence) is left out, and so are the moments things
    were recorded: they say when, so two equal loads differ there; tests/api/test_changes.py and
    tests/api/test_known_time.py check them."""
    nodes, _, _ = driver.execute_query(
        f"MATCH (n) WHERE {NOT_FEED} RETURN labels(n) AS labels, properties(n) AS props"
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) WHERE NOT b:Change "
        "RETURN type(r) AS type, a.id AS a, b.id AS b, properties(r) AS props"
    )
    return (
        sorted((sorted(r["labels"]), timeless(r["props"])) for r in nodes),
        sorted((r["type"], r["a"], r["b"], timeless(r["props"])) for r in rels),
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
        # Webhooks are delivered only by the processes of the tests that want them.
        env["WEBHOOKS_DELIVER"] = "false"
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


def seed_only(driver: Driver) -> Driver:
    """Exactly the curated seed data: other data removed (API keys kept) with the history kept
    for knownAt (versions, archived links), then a (usually no-op) curated load."""
    _batched_delete(driver, "WHERE NOT n:ApiKey AND (n:Version OR n.origin IS NULL OR n.origin <> 'seed')")
    driver.execute_query("MATCH ()-[r:WAS]->() DELETE r")
    # A deal's derived links (money flows, supplies) join seed companies, so deleting a written
    # deal's node leaves them behind: they go with it.
    driver.execute_query(
        "MATCH ()-[r]->() WHERE r.partnership IS NOT NULL "
        "AND NOT EXISTS { MATCH (p:Partnership {id: r.partnership}) } DELETE r"
    )
    apply_constraints(driver, "neo4j")
    load_curated(driver, "neo4j", load_dataset(DATA_DIR))
    return driver


def api_key(driver: Driver, name: str, role: Role) -> str:
    """A new API key's text, stored as `python -m service keys create` stores it."""
    key = new_key()
    create_key(driver, "neo4j", key.id, name, role.value, key.hash)
    return key.text


def graphql(
    url: str, query: str, variables: dict[str, Any] | None = None, key: str | None = None
) -> dict[str, Any]:
    import json

    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
    request = urllib.request.Request(f"{url}/graphql", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())
    return result


__all__ = [
    "REPO_ROOT",
    "TEST_PASSWORD",
    "ApiProcess",
    "Neo4jServer",
    "Snapshot",
    "api_key",
    "asgi_get",
    "graphql",
    "run_seed",
    "seed_only",
    "snapshot",
    "wait_for_http",
    "wipe",
]


def asgi_get(app: Any, path: str, headers: dict[str, str] | None = None) -> Any:
    """A GET answered by the ASGI app in this process (its lifespan not run: no Neo4j needed)."""
    import asyncio

    import httpx

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            return await client.get(path, headers=headers or {})

    return asyncio.run(get())


async def data(engine: Any, query: str, variables: dict[str, Any] | None = None) -> Any:
    """A query's `data` through the in-process engine, checked: no errors, one statement per
    root field."""
    payload = await engine(query, variables)
    assert "errors" not in payload, payload
    assert payload["extensions"]["statements"] == len(payload["data"])  # one per root field
    return payload["data"]


def summary(values: list[float]) -> dict[str, Any]:
    """The figures an aggregate of these numbers answers (`count sum avg min max`), sums compared
    approximately (Neo4j adds floats in its own order)."""
    if not values:
        return {"count": 0, "sum": None, "avg": None, "min": None, "max": None}
    return {
        "count": len(values),
        "sum": pytest.approx(sum(values)),
        "avg": pytest.approx(sum(values) / len(values)),
        "min": min(values),
        "max": max(values),
    }
