"""`make up` / `make down` as a user runs them (through `python -m stack`), on ports of its own."""

import os
import subprocess
import sys
from pathlib import Path

from neo4j_local.server import free_port, port_is_free
from neo4j_local.settings import STATE_DIR
from tests.support import REPO_ROOT, TEST_PASSWORD, graphql


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_up_serves_the_seeded_graph_and_down_leaves_no_process(tmp_path: Path) -> None:
    api_port, bolt_port = free_port(), free_port()
    env = {
        **os.environ,
        "SUPPLYGRAPH_NO_DOCKER": "1",
        "API_PORT": str(api_port),
        "NEO4J_BOLT_PORT": str(bolt_port),
        "NEO4J_LOCAL_HOME": str(tmp_path / "neo4j"),
        "NEO4J_PASSWORD": TEST_PASSWORD,
        "NEO4J_HEAP": "512m",
        "NEO4J_PAGECACHE": "256m",
    }
    env.pop("NEO4J_URI", None)

    def stack(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "stack", command],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    up = stack("up")
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        result = graphql(f"http://127.0.0.1:{api_port}", "{ stats { companies partnerships } }")
        assert result["data"]["stats"]["companies"] > 50
        api_pid = int((STATE_DIR / f"api-{api_port}.pid").read_text())
        neo4j_pid = int((tmp_path / "neo4j" / "run" / "launcher.pid").read_text())
        assert _alive(api_pid) and _alive(neo4j_pid)
    finally:
        down = stack("down")
    assert down.returncode == 0, down.stdout + down.stderr
    assert not _alive(api_pid) and not _alive(neo4j_pid)
    assert port_is_free(api_port) and port_is_free(bolt_port)
    assert not (STATE_DIR / f"api-{api_port}.pid").exists()
