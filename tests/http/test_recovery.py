"""Neo4j going away and coming back: clean errors while it is down, recovery without a restart."""

import json
import shutil
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from neo4j_local import LocalNeo4j
from neo4j_local.server import free_port
from service.graph.constraints import apply_constraints
from tests.support import TEST_PASSWORD, ApiProcess, Neo4jServer, graphql


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_service_recovers_when_neo4j_comes_back(tmp_path: Path) -> None:
    # Its own server, so stopping it cannot disturb the other tests.
    home = Path(tempfile.mkdtemp(prefix="supplygraph-recovery-"))
    local = LocalNeo4j(
        home=home, bolt_port=free_port(), password=TEST_PASSWORD, heap="512m", pagecache="128m"
    )
    local.start()
    from neo4j import GraphDatabase

    with GraphDatabase.driver(local.uri, auth=("neo4j", TEST_PASSWORD)) as driver:
        apply_constraints(driver, "neo4j")
    api = ApiProcess(Neo4jServer(local.uri, "neo4j", TEST_PASSWORD), tmp_path / "api.log")
    try:
        assert graphql(api.url, "{ stats { companies } }")["data"]["stats"]["companies"] == 0
        assert _status(f"{api.url}/readyz") == 200

        local.stop()
        started = time.monotonic()
        down = graphql(api.url, "{ stats { companies } }")
        assert time.monotonic() - started < 15  # fails fast instead of hanging
        assert down["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert "Traceback" not in json.dumps(down)
        for _ in range(3):
            # The probe's contract is an answer within a second, whatever Neo4j does.
            asked = time.monotonic()
            assert _status(f"{api.url}/readyz") == 503
            assert time.monotonic() - asked < 1.5
        assert _status(f"{api.url}/healthz") == 200

        local.start()
        deadline = time.monotonic() + 30
        while True:
            result = graphql(api.url, "{ stats { companies } }")
            if "errors" not in result or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert result["data"] == {"stats": {"companies": 0}} and "errors" not in result
        assert _status(f"{api.url}/readyz") == 200
    finally:
        api.stop()
        local.stop()
        shutil.rmtree(home, ignore_errors=True)
