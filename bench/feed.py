"""What following the change feed costs and how fast it is: end-to-end delivery latency of
subscription events and the write latency they add.

    python bench/feed.py [--subscribers 1 100 1000] [--events 20]

Starts its own stack (a local Neo4j, the seed, `python -m service` with its defaults), then for
each number of subscribers: opens that many SSE subscriptions (`subscription { changes }`,
graphql-sse distinct connections), writes `--events` companies one after another through
POST /graphql, and records when each subscriber received each event. Latency is from the
mutation's response to the event's arrival. A run with no subscribers first gives the write
latency to compare with. Prints p50/p99 per phase; nothing here asserts a time.
"""

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.stall import PASSWORD, own_stack  # noqa: E402

FEED = 'subscription { changes(where: {type: {eq: "Company"}, action: {eq: "upsert"}}) { seq entity } }'
UPSERT = "mutation($input: CompanyInput!) { upsertCompany(input: $input) { __typename } }"
QUOTE = "The company says it makes artificial intelligence servers in Mount Pleasant."


async def _request(
    host: str, port: int, body: bytes, headers: dict[str, str]
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(host, port, limit=2**20)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(
        f"POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{head}\r\n".encode()
        + body
    )
    await writer.drain()
    return reader, writer


async def subscriber(
    host: str, port: int, arrivals: dict[str, float], ready: asyncio.Event, stop: asyncio.Event
) -> None:
    body = json.dumps({"query": FEED}).encode()
    reader, writer = await _request(host, port, body, {"Accept": "text/event-stream"})
    status = await reader.readline()
    assert b" 200 " in status, status
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    ready.set()
    try:
        while not stop.is_set():
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"data: "):
                event = json.loads(line[6:])
                arrivals.setdefault(event["data"]["changes"]["entity"], time.monotonic())
    finally:
        writer.close()


async def write(host: str, port: int, key: str, entity: str) -> float:
    """Send one upsert; the monotonic time its response arrived, and how long it took."""
    variables = {
        "input": {
            "id": entity,
            "name": entity,
            "country": "US",
            "evidence": [{"source": "s74", "quote": QUOTE}],
        }
    }
    body = json.dumps({"query": UPSERT, "variables": variables}).encode()
    reader, writer = await _request(
        host, port, body, {"Authorization": f"Bearer {key}", "Connection": "close"}
    )
    answer = await reader.read()
    writer.close()
    assert b'"Written"' in answer, answer[:300]
    return time.monotonic()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def phase(host: str, port: int, key: str, subscribers: int, events: int, tag: str) -> dict[str, float]:
    stop = asyncio.Event()
    arrivals: list[dict[str, float]] = [{} for _ in range(subscribers)]
    readies = [asyncio.Event() for _ in range(subscribers)]
    tasks = [
        asyncio.create_task(subscriber(host, port, arrivals[i], readies[i], stop)) for i in range(subscribers)
    ]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
    await asyncio.sleep(1.0)
    written: dict[str, float] = {}
    write_ms: list[float] = []
    for n in range(events):
        entity = f"bench-feed-{tag}-{n}"
        started = time.monotonic()
        written[entity] = await write(host, port, key, entity)
        write_ms.append((written[entity] - started) * 1000)
        await asyncio.sleep(0.25)
    deadline = time.monotonic() + 30
    while subscribers and time.monotonic() < deadline and any(len(a) < events for a in arrivals):
        await asyncio.sleep(0.1)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [(a[e] - t) * 1000 for a in arrivals for e, t in written.items() if e in a]
    missing = subscribers * events - len(latencies)
    return {
        "subscribers": subscribers,
        "write_p50_ms": statistics.median(write_ms),
        "delivery_p50_ms": _pct(latencies, 0.5),
        "delivery_p99_ms": _pct(latencies, 0.99),
        "missing": missing,
    }


def editor_key(env: dict[str, str]) -> str:
    made = subprocess.run(
        [sys.executable, "-m", "service", "keys", "create", "--name", "bench-feed", "--role", "editor"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--events", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-feed-"))
    url, processes, local = own_stack(work)
    try:
        env = {"NEO4J_URI": local.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": PASSWORD}  # type: ignore[attr-defined]
        key = editor_key({**os.environ, **env})
        host, port = url.removeprefix("http://").split(":")
        rows = [asyncio.run(phase(host, int(port), key, 0, args.events, "s0"))]
        for count in args.subscribers:
            rows.append(asyncio.run(phase(host, int(port), key, count, args.events, f"s{count}")))
        base = rows[0]["write_p50_ms"]
        print("subscribers  write p50 ms  vs none  delivery p50 ms    p99 ms  missing")
        for row in rows:
            ratio = row["write_p50_ms"] / base
            print(
                f"{row['subscribers']:>11}  {row['write_p50_ms']:>12.1f}  {ratio:>7.2f}  "
                f"{row['delivery_p50_ms']:>15.1f}  {row['delivery_p99_ms']:>8.1f}  {row['missing']:>7}"
            )
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        local.stop()  # type: ignore[attr-defined]
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
