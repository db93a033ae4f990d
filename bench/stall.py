"""What expensive documents cost everyone else: other callers' latency while attackers send them.

    python bench/stall.py [--url http://127.0.0.1:8000] [--seconds 10] [--attackers 1 2]

A victim sends a cached point lookup 50 times a second and records each latency: first alone,
then while 1 (and 2) attackers send, back to back, worst-case documents that each miss the plan
cache (a unique comment): the issue's 400 repeated `suppliers { nodes { id } }`, documents just
under the overlap budget padded to the token limit, and 1,200 repeated arguments. Without
--url it starts its own stack (a local Neo4j, the seed, `python -m service` with its defaults).
Prints the victim's p50, p99 and worst per phase, and how many documents the attackers got
through. Nothing here asserts a time; `make faults` runs it and the README quotes it.
"""

import argparse
import http.client
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
VICTIM = '{ company(id: "nvidia") { id name country } }'
PASSWORD = "stall-password-1"  # noqa: S105 - throwaway local server


def attack_documents() -> list[str]:
    """The worst documents a caller can send, one of each kind."""
    repeated = '{ company(id: "nvidia") {' + " suppliers { nodes { id } }" * 400 + " } }"
    # Just under the overlap budget (36 copies: 630 pairs of 3 comparisons), then distinct
    # aliased fields up to about 4,900 tokens.
    padding = " ".join(f"f{i}: name" for i in range(25))
    near_budget = (
        '{ company(id: "nvidia") {'
        + " suppliers { nodes { id } }" * 36
        + " "
        + padding
        + " } "
        + " ".join(f'c{i}: company(id: "x{i}") {{ id name country founded }}' for i in range(4))
        + " }"
    )
    arguments = (
        '{ company(id: "nvidia") { suppliers(' + ", ".join(["first: 1"] * 1200) + ") { nodes { id } } } }"
    )
    return [repeated, near_budget, arguments]


class Client:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def post(self, query: str) -> float:
        body = json.dumps({"query": query})
        started = time.perf_counter()
        self.connection.request("POST", "/graphql", body, {"Content-Type": "application/json"})
        response = self.connection.getresponse()
        response.read()
        return time.perf_counter() - started


def victim(url: str, seconds: float, into: list[float]) -> None:
    client = Client(url)
    client.post(VICTIM)  # planned once: every later request is a cache hit
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tick = time.monotonic()
        into.append(client.post(VICTIM))
        time.sleep(max(0.0, 0.02 - (time.monotonic() - tick)))


def attacker(url: str, stop: threading.Event, sent: list[int], number: int) -> None:
    client, documents = Client(url), attack_documents()
    for i in itertools.count():
        if stop.is_set():
            return
        # A unique comment: every document misses the plan cache.
        client.post(f"# attacker {number} request {i}\n{documents[i % len(documents)]}")
        sent[number] += 1


def phase(url: str, seconds: float, attackers: int) -> dict[str, float]:
    latencies: list[float] = []
    stop, sent = threading.Event(), [0] * attackers
    threads = [threading.Thread(target=attacker, args=(url, stop, sent, n)) for n in range(attackers)]
    for thread in threads:
        thread.start()
    time.sleep(0.5 if attackers else 0)
    victim(url, seconds, latencies)
    stop.set()
    for thread in threads:
        thread.join()
    ms = sorted(x * 1000 for x in latencies)
    return {
        "attackers": attackers,
        "requests": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 2),
        "max_ms": round(ms[-1], 2),
        "attack_documents_per_s": round(sum(sent) / (seconds + 0.5), 1),
    }


def own_stack(
    work: Path, extra_env: dict[str, str] | None = None
) -> tuple[str, list[subprocess.Popen[bytes]], object]:
    sys.path.insert(0, str(REPO))
    from neo4j_local import LocalNeo4j
    from neo4j_local.server import free_port

    local = LocalNeo4j(
        home=work / "neo4j", bolt_port=free_port(), password=PASSWORD, heap="1g", pagecache="256m"
    )
    local.start()
    env = {
        **os.environ,
        "NEO4J_URI": local.uri,
        "NEO4J_USER": "neo4j",
        "NEO4J_PASSWORD": PASSWORD,
        "API_RATE_LIMIT_ANONYMOUS": "0",
        "API_REQUEST_LOG": "false",
        **(extra_env or {}),
    }
    subprocess.run([sys.executable, "-m", "seed"], cwd=REPO, env=env, check=True, capture_output=True)
    port = free_port()
    env["API_PORT"] = str(port)
    api = subprocess.Popen(
        [sys.executable, "-m", "service"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            Client(url).post("{ __typename }")
            break
        except OSError:
            time.sleep(0.1)
    return url, [api], local


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--attackers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--out", type=Path, help="also write the results here as JSON")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="supplygraph-stall-"))
    processes: list[subprocess.Popen[bytes]] = []
    local = None
    try:
        url = args.url
        if url is None:
            url, processes, local = own_stack(work)
        results = [phase(url, args.seconds, n) for n in [0, *args.attackers]]
        print(f"{'attackers':>9} {'victim p50':>11} {'p99':>9} {'max':>9} {'attack docs/s':>14}")
        for r in results:
            print(
                f"{r['attackers']:>9} {r['p50_ms']:>9.2f}ms {r['p99_ms']:>7.2f}ms {r['max_ms']:>7.2f}ms "
                f"{r['attack_documents_per_s']:>14}"
            )
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=1))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        if local is not None:
            local.stop()  # type: ignore[attr-defined]
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
