"""Analytics queries on synthetic graphs of ~100k and ~1M relationships: p50/p95 per query and size.

    python bench/analytics.py [--sizes 10000,100000] [--runs 7]

For each size (companies; about ten relationships each) it generates the synthetic data, bulk-loads
it into a fresh local Neo4j, then runs every analytics root field through the API's engine, in this
process (HTTP is measured by bench/api_latency.py). Numbers only.
"""

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from neo4j import AsyncGraphDatabase

from neo4j_local import LocalNeo4j
from neo4j_local.server import free_port
from seed.bulk import bulk_load
from seed.synthetic import generate
from seed.yaml_files import data_files
from service.compiler.statement import Statement
from service.graph import edits
from service.graph.reads import read_result
from service.http.app import engine_for
from service.settings import Settings

PASSWORD = "bench-password-1"  # noqa: S105 - throwaway local server
TIMEOUT = 15.0

TIERS = "truncated entries { tier company { id name } paths { id } }"
QUERIES: dict[str, str] = {
    "supplyChain up 3": f'{{ q: supplyChain(company: "syn-company-0", maxDepth: 3) {{ {TIERS} }} }}',
    "supplyChain down 6": (
        f'{{ q: supplyChain(company: "syn-company-4", maxDepth: 6, direction: DOWNSTREAM) {{ {TIERS} }} }}'
    ),
    "connections 4": '{ q: connections(from: "syn-company-1", to: "syn-company-7") '
    "{ truncated paths { length steps { relationship partnership { id } } } } }",
    "circularFlows 4": '{ q: circularFlows(involving: "syn-company-3", maxLength: 4) '
    "{ loops { length valueUsd } } }",
    "circularFlows all 3": "{ q: circularFlows(maxLength: 3) { loops { length valueUsd } } }",
    "exposure facility 3": f'{{ q: exposure(facility: "syn-facility-0") {{ {TIERS} }} }}',
    "rankings suppliers": "{ q: rankings(by: MOST_DEPENDED_ON_SUPPLIERS, first: 10) "
    "{ rank score company { id name } } }",
    "rankings money hubs": "{ q: rankings(by: LARGEST_MONEY_HUBS, first: 10) "
    "{ rank score company { id name } } }",
}


async def _measure(uri: str, runs: int) -> None:
    """Each query through the API's own engine (its compiler, its timeout), without HTTP."""
    engine = engine_for(Settings(_env_file=None))
    async with AsyncGraphDatabase.driver(
        uri, auth=("neo4j", PASSWORD), notifications_min_severity="OFF"
    ) as driver:

        async def read(statement: Statement, causal: bool) -> Any:
            return await read_result(driver, "neo4j", statement.text, statement.params, TIMEOUT, causal)

        store = edits.Store(driver, "neo4j")
        for name, query in QUERIES.items():
            timings: list[float] = []
            outcome = "ok"
            for _ in range(runs + 2):
                started = time.perf_counter()
                result = await engine.execute(query, None, None, principal=None, read=read, store=store)
                if errors := result.payload.get("errors"):
                    outcome = f"rejected ({errors[0]['extensions']['code']})"
                    break
                timings.append((time.perf_counter() - started) * 1000)
            measured = sorted(timings[2:]) or [float("nan")]
            p95 = measured[max(0, int(len(measured) * 0.95) - 1)]
            print(f"  {name:24} p50 {statistics.median(measured):9.1f} ms  p95 {p95:9.1f} ms  {outcome}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="10000,100000", help="companies per graph (≈10 relationships each)"
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for companies in (int(s) for s in args.sizes.split(",")):
        work = Path(tempfile.mkdtemp(prefix="supplygraph-analytics-"))
        local = LocalNeo4j(
            home=work / "neo4j",
            bolt_port=free_port(),
            password=PASSWORD,
            heap="4g",
            pagecache="2g",
            log=lambda _: None,
        )
        try:
            local.start()
            generate(work / "data", companies=companies, seed=42)
            report = bulk_load(local, "neo4j", list(data_files(work / "data")), origin="synthetic")
            print(f"{companies:,} companies, {report.relationships_written:,} relationships:")
            asyncio.run(_measure(local.uri, args.runs))
        finally:
            local.stop()
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
