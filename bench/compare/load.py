"""Load generation: wrk (C, one thread, a Lua script) for the HTTP contenders, and concurrent
asyncio tasks on the Python driver for the floor. Each run reports the generator's own CPU use,
so a saturated generator shows up in the report rather than as a slow server."""

import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from neo4j import READ_ACCESS, AsyncDriver

LUA = Path(__file__).with_name("wrk.lua")


@dataclass
class LoadResult:
    connections: int
    seconds: float
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    client_cpu: float  # the load generator's CPU seconds per wall second (1.0 = one core)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: `apt-get install wrk` (Debian) or see the README.")
    return wrk


def wrk_run(url: str, bodies: list[bytes], connections: int, seconds: float) -> LoadResult:
    """POST the bodies (in turn) over `connections` keep-alive connections for `seconds`."""
    wrk = require_wrk()
    with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as file:
        file.write(b"\n".join(bodies) + b"\n")
    try:
        env = {**os.environ, "WRK_BODIES": file.name}
        command = [
            wrk,
            "-t1",
            f"-c{connections}",
            f"-d{max(seconds, 1):.0f}s",
            "--timeout",
            "30s",
            "-s",
            str(LUA),
            url,
        ]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        out = process.stdout.read().decode() if process.stdout else ""
        err = process.stderr.read().decode() if process.stderr else ""
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"wrk failed ({process.returncode}): {err or out}")
    finally:
        os.unlink(file.name)
    line = next((x for x in reversed(out.splitlines()) if x.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result: {out}")
    data = json.loads(line)
    duration = data["duration_us"] / 1e6
    return LoadResult(
        connections=connections,
        seconds=round(duration, 2),
        requests=data["requests"],
        errors=data["failed_responses"] + data["socket_errors"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        rps=data["requests"] / duration if duration else 0.0,
        client_cpu=round((usage.ru_utime + usage.ru_stime) / wall, 3),
    )


async def driver_run(
    driver: AsyncDriver, database: str, cypher: str, params: dict[str, Any], connections: int, seconds: float
) -> LoadResult:
    """The floor: `connections` tasks each running the statement back to back for `seconds`."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                async with driver.session(database=database, default_access_mode=READ_ACCESS) as session:
                    result = await session.run(cypher, params)
                    await result.data()
            except Exception:
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0.0

    return LoadResult(
        connections=connections,
        seconds=round(wall, 2),
        requests=len(latencies),
        errors=errors,
        p50_ms=pct(0.50),
        p95_ms=pct(0.95),
        p99_ms=pct(0.99),
        rps=len(latencies) / wall if wall else 0.0,
        client_cpu=round(cpu / wall, 3) if wall else 0.0,
    )
