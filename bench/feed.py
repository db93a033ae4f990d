"""What following the change feed costs and how fast it is: end-to-end delivery latency of
subscription events and webhooks, the sustained event rate, and the write latency they add.

    python bench/feed.py [--subscribers 1 100 1000] [--events 20] [--webhooks 10] [--smoke]

Starts its own stack (a local Neo4j, the seed, `python -m service` with its defaults, webhooks
allowed to loopback), then:

- for each number of subscribers: opens that many SSE subscriptions (`subscription { changes }`,
  graphql-sse distinct connections), writes `--events` companies one after another through
  POST /graphql, and records when each subscriber received each event. Latency is from the
  mutation's response to the event's arrival. A run with no subscribers first gives the write
  latency to compare with;
- sustained: `--writers` writers write as fast as they can for `--seconds` while
  `--sustained-subscribers` subscribers follow; the commit rate, the delivery rate over all
  subscribers, and the events any subscriber missed;
- webhooks: `--webhooks` webhooks to a receiver in this process, the same sequential writes,
  latency from the mutation's response to the signed POST's arrival.

Prints a table per part (`--json` also writes the rows); nothing here asserts a time.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
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
    """Follow the feed over SSE, noting when each entity's event arrived."""
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


def _finite(value: object) -> object:
    """NaN (a percentile of nothing) as null, so the JSON is JSON."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return None if isinstance(value, float) and value != value else value


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@contextlib.asynccontextmanager
async def followers(host: str, port: int, count: int) -> AsyncIterator[list[dict[str, float]]]:
    """`count` SSE subscribers, connected and settled; each one's arrivals by entity."""
    stop = asyncio.Event()
    arrivals: list[dict[str, float]] = [{} for _ in range(count)]
    readies = [asyncio.Event() for _ in range(count)]
    tasks = [asyncio.create_task(subscriber(host, port, arrivals[i], readies[i], stop)) for i in range(count)]
    try:
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
        await asyncio.sleep(1.0)
        yield arrivals
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def received(arrivals: list[dict[str, float]], expected: int, seconds: float) -> None:
    """Wait until every subscriber has `expected` events, or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(len(a) < expected for a in arrivals):
        await asyncio.sleep(0.1)


async def phase(host: str, port: int, key: str, subscribers: int, events: int, tag: str) -> dict[str, float]:
    written: dict[str, float] = {}
    write_ms: list[float] = []
    async with followers(host, port, subscribers) as arrivals:
        for n in range(events):
            entity = f"bench-feed-{tag}-{n}"
            started = time.monotonic()
            written[entity] = await write(host, port, key, entity)
            write_ms.append((written[entity] - started) * 1000)
            await asyncio.sleep(0.25)
        await received(arrivals, events, 30)
    latencies = [(a[e] - t) * 1000 for a in arrivals for e, t in written.items() if e in a]
    missing = subscribers * events - len(latencies)
    return {
        "subscribers": subscribers,
        "write_p50_ms": statistics.median(write_ms),
        "delivery_p50_ms": _pct(latencies, 0.5),
        "delivery_p99_ms": _pct(latencies, 0.99),
        "missing": missing,
    }


async def sustained(
    host: str, port: int, key: str, subscribers: int, writers: int, seconds: float
) -> dict[str, float]:
    """Writers as fast as they go while subscribers follow: rates and completeness."""
    written: dict[str, float] = {}
    numbers = itertools.count()
    async with followers(host, port, subscribers) as arrivals:
        until = time.monotonic() + seconds

        async def writer() -> None:
            while time.monotonic() < until:
                entity = f"bench-feed-rate-{next(numbers)}"
                written[entity] = await write(host, port, key, entity)

        started = time.monotonic()
        await asyncio.gather(*(writer() for _ in range(writers)))
        wrote_s = time.monotonic() - started
        await received(arrivals, len(written), 60)
    delivered = sum(len(a) for a in arrivals)
    last = max((max(a.values()) for a in arrivals if a), default=started)
    lags = [(a[e] - t) * 1000 for a in arrivals for e, t in written.items() if e in a]
    return {
        "subscribers": subscribers,
        "writers": writers,
        "events": len(written),
        "commits_per_s": len(written) / wrote_s,
        "deliveries_per_s": delivered / max(last - started, 1e-9),
        "lag_p99_ms": _pct(lags, 0.99),
        "missing": subscribers * len(written) - delivered,
    }


class Receiver:
    """An HTTP/1.1 server in this process that takes webhook POSTs and notes their arrival."""

    def __init__(self) -> None:
        self.arrivals: dict[str, dict[str, float]] = {}
        self.port = 0

    async def start(self) -> None:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                request = await reader.readline()
                if not request:
                    return
                headers: dict[str, str] = {}
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                arrived = time.monotonic()
                path = request.split()[1].decode()
                entity = json.loads(body)["change"]["entity"]
                self.arrivals.setdefault(path, {}).setdefault(entity, arrived)
                writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()


async def webhook_phase(
    host: str, port: int, keys: dict[str, str], count: int, events: int
) -> dict[str, float]:
    receiver = Receiver()
    await receiver.start()
    register = "mutation($input: WebhookInput!) { registerWebhook(input: $input) { id } }"
    for n in range(count):
        hook = {"url": f"http://127.0.0.1:{receiver.port}/hook-{n}", "secret": "bench-feed-webhook-secret"}
        body = json.dumps({"query": register, "variables": {"input": hook}}).encode()
        reader, writer = await _request(
            host, port, body, {"Authorization": f"Bearer {keys['admin']}", "Connection": "close"}
        )
        answer = await reader.read()
        writer.close()
        assert b'"registerWebhook":{"id"' in answer, answer[:300]
    await asyncio.sleep(3.0)  # the dispatcher claims new webhooks every 2 s
    written: dict[str, float] = {}
    for n in range(events):
        entity = f"bench-feed-hook-{n}"
        written[entity] = await write(host, port, keys["editor"], entity)
        await asyncio.sleep(0.25)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and sum(len(a) for a in receiver.arrivals.values()) < count * events:
        await asyncio.sleep(0.1)
    latencies = [(a[e] - t) * 1000 for a in receiver.arrivals.values() for e, t in written.items() if e in a]
    return {
        "webhooks": count,
        "delivery_p50_ms": _pct(latencies, 0.5),
        "delivery_p99_ms": _pct(latencies, 0.99),
        "missing": count * events - len(latencies),
    }


def make_key(env: dict[str, str], role: str) -> str:
    made = subprocess.run(
        [sys.executable, "-m", "service", "keys", "create", "--name", f"bench-feed-{role}", "--role", role],
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
    parser.add_argument("--sustained-subscribers", type=int, default=100)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--webhooks", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="a small run of every part (make test)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    if args.smoke:
        args.subscribers, args.events, args.sustained_subscribers = [1, 10], 3, 5
        args.writers, args.seconds, args.webhooks = 2, 2.0, 2
    work = Path(tempfile.mkdtemp(prefix="bench-feed-"))
    url, processes, local = own_stack(work, {"WEBHOOK_ALLOW_PRIVATE": "true"})
    try:
        env = {"NEO4J_URI": local.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": PASSWORD}  # type: ignore[attr-defined]
        keys = {role: make_key({**os.environ, **env}, role) for role in ("editor", "admin")}
        host, port = url.removeprefix("http://").split(":")
        key = keys["editor"]
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
        rate = asyncio.run(
            sustained(host, int(port), key, args.sustained_subscribers, args.writers, args.seconds)
        )
        print("\nsubscribers  writers  events  commits/s  deliveries/s  lag p99 ms  missing")
        print(
            f"{rate['subscribers']:>11}  {rate['writers']:>7}  {rate['events']:>6}  "
            f"{rate['commits_per_s']:>9.1f}  {rate['deliveries_per_s']:>12.1f}  "
            f"{rate['lag_p99_ms']:>10.1f}  {rate['missing']:>7}"
        )
        hooks = asyncio.run(webhook_phase(host, int(port), keys, args.webhooks, args.events))
        print("\nwebhooks  delivery p50 ms  p99 ms  missing")
        print(
            f"{hooks['webhooks']:>8}  {hooks['delivery_p50_ms']:>15.1f}  {hooks['delivery_p99_ms']:>6.1f}  "
            f"{hooks['missing']:>7}"
        )
        if args.json:
            report = {"subscriptions": rows, "sustained": rate, "webhooks": hooks}
            args.json.write_text(json.dumps(_finite(report)))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        local.stop()  # type: ignore[attr-defined]
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
