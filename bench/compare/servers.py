"""The processes a comparison run needs: a fresh local Neo4j with APOC and the data, our API as
production runs it, and the peer on Node.js; plus a sampler of each server's memory."""

import itertools
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from neo4j import GraphDatabase

from neo4j_local import LocalNeo4j
from neo4j_local.server import free_port
from seed.bulk import bulk_load
from seed.cli import DATA_DIR
from seed.loader import load_curated, load_staged
from seed.synthetic import generate
from seed.validate import load_dataset
from seed.yaml_files import data_files
from service.graph.constraints import apply_constraints

REPO_ROOT = Path(__file__).resolve().parents[2]
PEER_DIR = Path(__file__).with_name("peer")
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway local server
DATABASE = "neo4j"


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# -- Neo4j and the data ---------------------------------------------------------------------------


def start_neo4j(work: Path) -> LocalNeo4j:
    home = work / "neo4j"
    if home.exists():
        shutil.rmtree(home)  # the bulk import needs an empty database, and runs must not inherit data
    local = LocalNeo4j(
        home=home, bolt_port=free_port(), password=PASSWORD, heap="4g", pagecache="2g", plugins=("apoc",)
    )
    local.start()
    return local


def load_data(local: LocalNeo4j, work: Path, companies: int, seed: int, bulk: bool) -> dict[str, float]:
    """Synthetic graph (generated once per size and seed, then cached), then the curated seed."""
    timings: dict[str, float] = {}
    synthetic = work / f"synthetic-{companies}-{seed}"
    marker = synthetic / ".complete"
    started = time.perf_counter()
    if not marker.exists():
        generate(synthetic, companies, seed)
        marker.touch()
    timings["generate"] = time.perf_counter() - started
    files = list(data_files(synthetic))
    started = time.perf_counter()
    if bulk:
        bulk_load(local, DATABASE, files, origin="synthetic")
    else:
        with GraphDatabase.driver(local.uri, auth=("neo4j", PASSWORD)) as driver:
            apply_constraints(driver, DATABASE)
            load_staged(driver, DATABASE, files, origin="synthetic", show_progress=False)
    timings["synthetic"] = time.perf_counter() - started
    started = time.perf_counter()
    dataset = load_dataset(DATA_DIR)
    # As `python -m seed` does: the curated load's reads name link types a graph may not have yet.
    with GraphDatabase.driver(
        local.uri, auth=("neo4j", PASSWORD), notifications_min_severity="OFF"
    ) as driver:
        apply_constraints(driver, DATABASE)
        load_curated(driver, DATABASE, dataset)
        driver.execute_query("CALL db.awaitIndexes(300)", database_=DATABASE)
    timings["curated"] = time.perf_counter() - started
    return timings


def graph_size(local: LocalNeo4j) -> dict[str, int]:
    with GraphDatabase.driver(local.uri, auth=("neo4j", PASSWORD)) as driver:
        records, _, _ = driver.execute_query(
            "CALL () { MATCH (n) RETURN count(n) AS nodes } "
            "CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } "
            "CALL () { MATCH (c:Company) RETURN count(c) AS companies } "
            "RETURN nodes, relationships, companies",
            database_=DATABASE,
        )
    return {k: int(v) for k, v in records[0].data().items()}


# -- HTTP servers ---------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log_file: Path
    _log: IO[bytes] = field(repr=False)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _wait_http(url: str, process: subprocess.Popen[bytes], log_file: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited; see {log_file}:\n{log_file.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s; see {log_file}")


def start_ours(local: LocalNeo4j, work: Path, workers: int, manifest: Path | None = None) -> Server:
    """`python -m service`, as the README recommends for production (no reload, N workers), with
    the persisted operations of `manifest` (the plain requests are answered as without it)."""
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "production",
        "NEO4J_URI": local.uri,
        "NEO4J_USER": "neo4j",
        "NEO4J_PASSWORD": PASSWORD,
        "API_HOST": "127.0.0.1",
        "API_PORT": str(port),
        "API_WORKERS": str(workers),
        "API_REQUEST_LOG": "true",
        # All the load comes from one address: a per-IP limit would measure the limiter (the peer
        # has none). The access checks themselves still run on every request.
        "API_RATE_LIMIT_ANONYMOUS": "0",
        "API_PERSISTED_MANIFEST": str(manifest or ""),
    }
    log_file = work / "ours.log"
    out = log_file.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "service"], cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
    )
    _wait_http(f"http://127.0.0.1:{port}/readyz", process, log_file)
    return Server("ours", process, f"http://127.0.0.1:{port}/graphql", log_file, out)


def install_peer() -> None:
    """`npm ci` when node_modules is missing or older than the lockfile."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise SystemExit("Node.js and npm are needed for the peer (@neo4j/graphql).")
    stamp = PEER_DIR / "node_modules" / ".package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= (PEER_DIR / "package-lock.json").stat().st_mtime:
        return
    log("installing the peer's npm packages (npm ci)")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEER_DIR, check=True)


def start_peer(local: LocalNeo4j, work: Path) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "NODE_ENV": "production",
        "NEO4J_URI": local.uri,
        "NEO4J_USER": "neo4j",
        "NEO4J_PASSWORD": PASSWORD,
        "NEO4J_DATABASE": DATABASE,
        "PEER_HOST": "127.0.0.1",
        "PEER_PORT": str(port),
    }
    log_file = work / "peer.log"
    out = log_file.open("wb")
    process = subprocess.Popen(
        ["node", str(PEER_DIR / "server.mjs")], cwd=PEER_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/graphql"
    _wait_http(f"{url}?query=%7B__typename%7D", process, log_file)
    return Server("peer", process, url, log_file, out)


# -- memory ---------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Field 4 (after the parenthesised name, which may hold spaces) is the parent pid.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (uvicorn's workers), in MiB."""
    return sum(_rss_kib(each) for each in [pid, *_children(pid)]) / 1024


class PeakRss:
    """Samples a process tree's RSS every 100 ms while in use: `with PeakRss(pid) as peak: ...`.

    The tree is listed once a second, not at every sample: scanning /proc costs CPU that the
    servers being measured share."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        pids: list[int] = []
        for tick in itertools.count():
            if tick % 10 == 0:
                pids = [self.pid, *_children(self.pid)]
            self.peak = max(self.peak, sum(_rss_kib(p) for p in pids) / 1024)
            if self._stop.wait(0.1):
                return

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss_mb(self.pid))
