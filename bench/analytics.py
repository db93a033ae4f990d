"""Analytics queries on synthetic graphs of ~100k and ~1M relationships: p50/p95 per query and size.

    python bench/analytics.py [--sizes 10000,100000] [--runs 7]

For each size (companies; about ten relationships each) it generates the synthetic data, bulk-loads
it into a fresh local Neo4j, then runs every analytics root field through the same compiler and
timeout as the API (statements only; HTTP is measured by bench/api_latency.py). Numbers only.
"""

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase, Query
from neo4j.exceptions import ClientError

from neo4j_local import LocalNeo4j
from neo4j_local.server import free_port
from seed.bulk import bulk_load
from seed.synthetic import generate
from seed.yaml_files import data_files
from service.graph.query import analytics
from service.graph.query.compiler import Compiler
from service.graph.query.selection import Selection as S

PASSWORD = "bench-password-1"  # noqa: S105 - throwaway local server
TIMEOUT = 15.0

COMPANY = [S("id", "id"), S("name", "name")]
TIERS = [
    S("truncated", "truncated"),
    S(
        "entries",
        "entries",
        {},
        [S("tier", "tier"), S("company", "company", {}, COMPANY), S("paths", "paths", {}, [S("id", "id")])],
    ),
]
QUERIES: dict[str, Any] = {
    "supplyChain up 3": (
        analytics.supply_chain,
        S("q", "q", {"company": "syn-company-0", "maxDepth": 3}, TIERS),
    ),
    "supplyChain down 6": (
        analytics.supply_chain,
        S("q", "q", {"company": "syn-company-4", "maxDepth": 6, "direction": "DOWNSTREAM"}, TIERS),
    ),
    "connections 4": (
        analytics.connections,
        S(
            "q",
            "q",
            {"from": "syn-company-1", "to": "syn-company-7"},
            [
                S("truncated", "truncated"),
                S(
                    "paths",
                    "paths",
                    {},
                    [
                        S("length", "length"),
                        S(
                            "steps",
                            "steps",
                            {},
                            [
                                S("relationship", "relationship"),
                                S("partnership", "partnership", {}, [S("id", "id")]),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ),
    "circularFlows 4": (
        analytics.circular_flows,
        S(
            "q",
            "q",
            {"involving": "syn-company-3", "maxLength": 4},
            [S("loops", "loops", {}, [S("length", "length"), S("valueUsd", "valueUsd")])],
        ),
    ),
    "circularFlows all 3": (
        analytics.circular_flows,
        S(
            "q",
            "q",
            {"maxLength": 3},
            [S("loops", "loops", {}, [S("length", "length"), S("valueUsd", "valueUsd")])],
        ),
    ),
    "exposure facility 3": (analytics.exposure, S("q", "q", {"facility": "syn-facility-0"}, TIERS)),
    "rankings suppliers": (
        analytics.rankings,
        S(
            "q",
            "q",
            {"by": "MOST_DEPENDED_ON_SUPPLIERS", "first": 10},
            [S("rank", "rank"), S("score", "score"), S("company", "company", {}, COMPANY)],
        ),
    ),
    "rankings money hubs": (
        analytics.rankings,
        S(
            "q",
            "q",
            {"by": "LARGEST_MONEY_HUBS", "first": 10},
            [S("rank", "rank"), S("score", "score"), S("company", "company", {}, COMPANY)],
        ),
    ),
}


def _measure(uri: str, runs: int) -> None:
    with GraphDatabase.driver(uri, auth=("neo4j", PASSWORD), notifications_min_severity="OFF") as driver:
        for name, (build, selection) in QUERIES.items():
            timings: list[float] = []
            outcome = "ok"
            for _ in range(runs + 2):
                statement = build(Compiler(), selection)
                started = time.perf_counter()
                try:
                    driver.execute_query(
                        Query(statement.text, timeout=TIMEOUT), statement.params, routing_="r"
                    )
                except ClientError as error:
                    outcome = f"rejected ({error.code.rsplit('.', 1)[-1]})"
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
            _measure(local.uri, args.runs)
        finally:
            local.stop()
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
