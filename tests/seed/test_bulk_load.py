"""`seed load --bulk`: the offline importer path into an empty local server."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from neo4j import GraphDatabase

from neo4j_local import LocalNeo4j
from neo4j_local.server import free_port
from tests.support import REPO_ROOT, TEST_PASSWORD


def test_bulk_load_fills_an_empty_server_and_refuses_a_full_one(tmp_path: Path) -> None:
    home = Path(tempfile.mkdtemp(prefix="supplygraph-bulk-"))
    local = LocalNeo4j(
        home=home, bolt_port=free_port(), password=TEST_PASSWORD, heap="512m", pagecache="128m"
    )
    local.start()
    env = {
        **os.environ,
        "NEO4J_BOLT_PORT": str(local.bolt_port),
        "NEO4J_LOCAL_HOME": str(home),
        "NEO4J_PASSWORD": TEST_PASSWORD,
        "NEO4J_HEAP": "512m",
        "NEO4J_PAGECACHE": "128m",
    }
    env.pop("NEO4J_URI", None)

    def seed(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "seed", *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    try:
        data = tmp_path / "synthetic"
        assert seed("synth", "--companies", "300", "--out", str(data)).returncode == 0
        loaded = seed("load", "--data", str(data), "--bulk", "--origin", "synthetic")
        assert loaded.returncode == 0, loaded.stdout + loaded.stderr
        with GraphDatabase.driver(local.uri, auth=("neo4j", TEST_PASSWORD)) as driver:
            counts, _, _ = driver.execute_query(
                "MATCH (c:Company:Entity) WITH count(c) AS companies "
                "MATCH (:Company)-[s:SUPPLIES {derived: true}]->(:Company) "
                "RETURN companies, count(s) AS supplies"
            )
            assert counts[0]["companies"] == 300 and counts[0]["supplies"] > 0
            # Lists, dates and the array delimiter survive the CSV round trip.
            deal, _, _ = driver.execute_query(
                "MATCH (c:Company {id: 'syn-company-0'}) RETURN c.aliases AS aliases, c.synthetic AS s"
            )
            assert deal[0]["aliases"] == ["SynCo 0"] and deal[0]["s"] is True
            constraints, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name")
            assert "entity_id" in {r["name"] for r in constraints}
        again = seed("load", "--data", str(data), "--bulk", "--origin", "synthetic")
        assert again.returncode == 2
        assert "only into an empty database" in again.stderr
    finally:
        local.stop()
        shutil.rmtree(home, ignore_errors=True)
