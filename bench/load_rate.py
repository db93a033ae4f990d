"""Loader throughput: synthetic data through `load_staged`, in relationships per second.

    python bench/load_rate.py [--companies 100000] [--seed 42]

Generates the synthetic dataset, then for each mode (`staged`: Cypher batches into a live
server; `bulk`: the offline importer into an empty one) starts a fresh Neo4j with the local
launcher (temporary data folder, free port; or uses NEO4J_URI for `staged`), loads the data once,
and prints the counts, the time, the rate against the 50,000 relationships/s target, and the
loader's peak memory.
Nothing here asserts a time: the numbers are for the reader (and the issue notes).
"""

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from neo4j import GraphDatabase

from neo4j_local import LocalNeo4j
from neo4j_local.server import free_port
from seed.bulk import bulk_load
from seed.loader import load_staged
from seed.synthetic import generate
from seed.yaml_files import data_files
from service.graph.constraints import apply_constraints

TARGET = 50_000
PASSWORD = "bench-password-1"  # noqa: S105 - throwaway local server


def _run(mode: str, files: list[Path], work: Path) -> None:
    local: LocalNeo4j | None = None
    if uri := os.environ.get("NEO4J_URI"):
        if mode == "bulk":
            print("bulk: skipped (NEO4J_URI is set; bulk needs a local launcher server)")
            return
        auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"])
    else:
        local = LocalNeo4j(
            home=work / f"neo4j-{mode}", bolt_port=free_port(), password=PASSWORD, heap="4g", pagecache="2g"
        )
        local.start()
        uri, auth = local.uri, ("neo4j", PASSWORD)
    try:
        if mode == "bulk" and local is not None:
            report = bulk_load(local, "neo4j", files, origin="synthetic")
        else:
            with GraphDatabase.driver(uri, auth=auth) as driver:
                apply_constraints(driver, "neo4j")
                report = load_staged(driver, "neo4j", files, origin="synthetic", show_progress=False)
        rate = report.relationships_written / report.seconds
        if report.phases:
            print("  " + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in report.phases.items()))
        print(
            f"{mode}: {report.nodes_written:,} nodes and {report.relationships_written:,} relationships "
            f"in {report.seconds:.1f}s = {rate:,.0f} relationships/s "
            f"(target {TARGET:,}/s, ratio {rate / TARGET:.2f})"
        )
    finally:
        if local is not None:
            local.stop()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--mode", choices=["staged", "bulk", "both"], default="both")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="supplygraph-bench-"))
    try:
        started = time.perf_counter()
        counts = generate(work / "data", companies=args.companies, seed=args.seed)
        generated = time.perf_counter() - started
        files = list(data_files(work / "data"))
        size = sum(f.stat().st_size for f in files) / 1e6
        print(f"generated {sum(counts.values()):,} entries ({size:.0f} MB) in {generated:.1f}s: {counts}")
        for mode in ("staged", "bulk") if args.mode == "both" else (args.mode,):
            _run(mode, files, work)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"loader peak RSS (this process): {peak_mb:,.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
