"""`python -m stack run|up|down`: the whole stack, through Docker when an engine answers.

run   Neo4j + schema + seed data + the API in the foreground; Ctrl-C stops the API and the
      Neo4j it started.
up    the same in the background; returns once /readyz answers 200.
down  stops what `up` started; no process is left behind.

Without a Docker engine (or with SUPPLYGRAPH_NO_DOCKER=1) Neo4j comes from neo4j_local.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from neo4j_local import LauncherError, LocalNeo4j
from neo4j_local.__main__ import server_from_env
from neo4j_local.settings import STATE_DIR
from service.settings import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent


def _say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


def docker_available() -> bool:
    if os.environ.get("SUPPLYGRAPH_NO_DOCKER") == "1":
        return False
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, timeout=10, check=False)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _compose(*args: str) -> int:
    return subprocess.call(["docker", "compose", *args], cwd=REPO_ROOT)


def _seed() -> None:
    _say("loading the curated data (python -m seed: constraints, then only what changed)")
    if subprocess.call([sys.executable, "-m", "seed"], cwd=REPO_ROOT) != 0:
        raise LauncherError("loading the seed data failed (see above)")


def _api_pid_file(settings: Settings) -> Path:
    return STATE_DIR / f"api-{settings.api_port}.pid"


def _wait_ready(settings: Settings, timeout: float, process: subprocess.Popen[bytes]) -> None:
    url = f"http://127.0.0.1:{settings.api_port}/readyz"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LauncherError(f"the API exited with code {process.returncode}; see {STATE_DIR}/api-*.log")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise LauncherError(f"{url} did not answer 200 within {timeout:.0f}s")


def _start_local(settings: Settings) -> tuple[LocalNeo4j, bool]:
    server = server_from_env()
    _say(f"starting Neo4j on {server.uri} (the first start fetches its jars through Maven)")
    started = server.start()
    _seed()
    return server, started


def run(settings: Settings) -> int:
    if docker_available():
        return _compose("up", "--build")
    server, started = _start_local(settings)
    _say(f"starting the API: http://{settings.api_host}:{settings.api_port}/graphql (Ctrl-C stops)")
    api = subprocess.Popen([sys.executable, "-m", "service"], cwd=REPO_ROOT)
    signal.signal(signal.SIGTERM, lambda *_: api.send_signal(signal.SIGINT))
    try:
        return api.wait()
    except KeyboardInterrupt:
        return api.wait()
    finally:
        if started:
            server.stop()


def up(settings: Settings) -> int:
    if docker_available():
        return _compose("up", "--build", "--detach", "--wait")
    if _pid(_api_pid_file(settings)):
        _say(f"the API on port {settings.api_port} is already running")
        return 0
    _start_local(settings)
    _say("starting the API in the background")
    STATE_DIR.mkdir(exist_ok=True)
    log = (STATE_DIR / f"api-{settings.api_port}.log").open("ab")
    api = subprocess.Popen(
        [sys.executable, "-m", "service"],
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    _api_pid_file(settings).write_text(str(api.pid), encoding="utf-8")
    _wait_ready(settings, 60, api)
    _say(f"up: http://127.0.0.1:{settings.api_port}/graphql (Neo4j {settings.neo4j_uri})")
    return 0


def _pid(path: Path) -> int | None:
    try:
        pid = int(path.read_text(encoding="utf-8"))
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    return pid


def down(settings: Settings) -> int:
    if docker_available():
        return _compose("down")
    pid_file = _api_pid_file(settings)
    if (pid := _pid(pid_file)) is not None:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while _pid(pid_file) is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        if _pid(pid_file) is not None:
            os.kill(pid, signal.SIGKILL)
        _say(f"stopped the API (pid {pid})")
    pid_file.unlink(missing_ok=True)
    server_from_env().stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m stack", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["run", "up", "down"])
    args = parser.parse_args(argv)
    settings = Settings()
    try:
        return {"run": run, "up": up, "down": down}[args.command](settings)
    except LauncherError as error:
        print(f"[stack] error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
