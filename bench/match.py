"""`match` with 100k synthetic companies loaded: p50/p95 per match, and per matchBatch of 50.

    python bench/match.py [--companies 100000] [--runs 30]

Generates the synthetic data, bulk-loads it into a fresh local Neo4j with the curated data on
top, then runs match queries through the API's engine in this process (no HTTP): curated names
spelt other ways, and synthetic names, whose shared words ("Synthetic", "Company") hit every
company in the index, the worst case for the candidates' query. Numbers only.
"""

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from neo4j import AsyncGraphDatabase, GraphDatabase

from neo4j_local import LocalNeo4j
from neo4j_local.server import free_port
from seed.bulk import bulk_load
from seed.cli import DATA_DIR
from seed.loader import load_curated
from seed.synthetic import generate
from seed.validate import load_dataset
from seed.yaml_files import data_files
from service.compiler.statement import Statement
from service.graph import edits
from service.graph.constraints import apply_constraints
from service.graph.reads import read_result
from service.http.app import engine_for
from service.settings import Settings

PASSWORD = "bench-password-1"  # noqa: S105 - throwaway local server
TIMEOUT = 15.0
MATCH = "query M($name: String!) { match(name: $name, type: COMPANY) { id score entity { __typename } } }"
BATCH = "query B($q: [MatchQuery!]!) { matchBatch(queries: $q, first: 5) { id score } }"
CURATED = ["Hon Hai Precision Industry Co., Ltd.", "NVIDIA Corp", "Foxcon", "Nvdia", "Taiwan Semiconductor"]


def synthetic(companies: int, i: int) -> list[str]:
    n = (i * 7919) % companies
    return [f"Synthetic Tier{n % 5} Company {n}", f"SynCo {n}", f"Synthtic Compny {n}"]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


async def _measure(uri: str, companies: int, runs: int) -> None:
    engine = engine_for(Settings(_env_file=None))
    async with AsyncGraphDatabase.driver(
        uri, auth=("neo4j", PASSWORD), notifications_min_severity="OFF"
    ) as driver:

        async def read(statement: Statement, causal: bool) -> Any:
            return await read_result(driver, "neo4j", statement.text, statement.params, TIMEOUT, causal)

        store = edits.Store(driver, "neo4j")

        async def timed(query: str, variables: dict[str, Any]) -> float:
            started = time.perf_counter()
            result = await engine.execute(query, None, variables, principal=None, read=read, store=store)
            if errors := result.payload.get("errors"):
                raise RuntimeError(errors)
            return (time.perf_counter() - started) * 1000

        groups = {
            "curated names (variants, misspellings)": [CURATED[i % len(CURATED)] for i in range(runs)],
            "synthetic names (common words)": [synthetic(companies, i)[i % 3] for i in range(runs)],
        }
        for label, names in groups.items():
            for name in names[:3]:
                await timed(MATCH, {"name": name})  # warm-up: plans and caches
            timings = [await timed(MATCH, {"name": name}) for name in names]
            print(
                f"  match, {label:40} p50 {statistics.median(timings):7.1f} ms  p95 {_p95(timings):7.1f} ms"
            )
        batches = [
            [{"name": synthetic(companies, i * 50 + j)[j % 3], "type": "COMPANY"} for j in range(50)]
            for i in range(max(3, runs // 5))
        ]
        timings = [await timed(BATCH, {"q": batch}) for batch in batches]
        print(
            f"  matchBatch of 50 synthetic names              p50 {statistics.median(timings):7.1f} ms  "
            f"p95 {_p95(timings):7.1f} ms  ({statistics.median(timings) / 50:.1f} ms per name)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="supplygraph-match-"))
    local = LocalNeo4j(
        home=work / "neo4j",
        bolt_port=free_port(),
        password=PASSWORD,
        heap="2g",
        pagecache="1g",
        log=lambda _: None,
    )
    try:
        local.start()
        generate(work / "data", companies=args.companies, seed=42)
        report = bulk_load(local, "neo4j", list(data_files(work / "data")), origin="synthetic")
        with GraphDatabase.driver(local.uri, auth=("neo4j", PASSWORD)) as driver:
            apply_constraints(driver, "neo4j")  # waits for the full-text index
            load_curated(driver, "neo4j", load_dataset(DATA_DIR))
        print(
            f"{args.companies:,} synthetic companies + the curated data, "
            f"{report.relationships_written:,} synthetic relationships:"
        )
        asyncio.run(_measure(local.uri, args.companies, args.runs))
    finally:
        local.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
