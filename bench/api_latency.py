"""Latency of the README's example queries over HTTP against a running service.

    make up && python bench/api_latency.py [--url http://127.0.0.1:8000] [--runs 50]

Prints p50 and p95 per query, after a warm-up, at concurrency 1. The numbers are for the reader
(and the issue notes); nothing here asserts a time.
"""

import argparse
import json
import re
import statistics
import time
import urllib.request
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    examples = re.findall(r"```graphql\n# example: ([\w-]+)\n(.*?)```", README.read_text(), re.DOTALL)
    print(f"{'query':32} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>8}")
    for name, query in examples:
        body = json.dumps({"query": query}).encode()
        timings, size = [], 0
        for run in range(args.runs + 5):
            request = urllib.request.Request(
                f"{args.url}/graphql", data=body, headers={"Content-Type": "application/json"}
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                payload = response.read()
            if run >= 5:  # warm-up runs are not counted
                timings.append((time.perf_counter() - started) * 1000)
            size = len(payload)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{name:32} {statistics.median(timings):8.1f} {p95:8.1f} {size:8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
