"""Loader throughput: synthetic data through `load_staged`, in relationships per second.

    python bench/load_rate.py [--companies 100000] [--seed 42]

Starts its own Neo4j with the local launcher (temporary data folder, free port) unless NEO4J_URI
is set, generates the synthetic dataset, loads it once into an empty graph, and prints the counts,
the time, the rate against the 50,000 relationships/s target, and the loader's peak memory.
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
from seed.loader import load_staged
from seed.synthetic import generate
from seed.yaml_files import data_files
from service.graph.schema import apply_schema

TARGET = 50_000
PASSWORD = "bench-password-1"  # noqa: S105 - throwaway local server


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="supplygraph-bench-"))
    local: LocalNeo4j | None = None
    try:
        if uri := os.environ.get("NEO4J_URI"):
            auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"])
        else:
            local = LocalNeo4j(
                home=work / "neo4j", bolt_port=free_port(), password=PASSWORD, heap="4g", pagecache="2g"
            )
            local.start()
            uri, auth = local.uri, ("neo4j", PASSWORD)
        started = time.perf_counter()
        counts = generate(work / "data", companies=args.companies, seed=args.seed)
        generated = time.perf_counter() - started
        files = list(data_files(work / "data"))
        size = sum(f.stat().st_size for f in files)
        print(
            f"generated {sum(counts.values()):,} entries ({size / 1e6:.0f} MB) in {generated:.1f}s: {counts}"
        )
        with GraphDatabase.driver(uri, auth=auth) as driver:
            apply_schema(driver, "neo4j")
            report = load_staged(driver, "neo4j", files, origin="synthetic", show_progress=False)
            records, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n")
        rate = report.relationships_written / report.seconds
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"loaded {report.nodes_written:,} nodes and {report.relationships_written:,} relationships "
            f"in {report.seconds:.1f}s (graph now holds {records[0]['n']:,} relationships)"
        )
        print(f"rate: {rate:,.0f} relationships/s; target {TARGET:,}/s; ratio {rate / TARGET:.2f}")
        print(f"loader peak RSS: {peak_mb:,.0f} MB")
    finally:
        if local is not None:
            local.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
