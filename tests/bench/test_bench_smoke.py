"""`make bench-smoke`: the whole comparison harness on a tiny graph, so it cannot rot.

It starts its own Neo4j (with APOC), our API and the @neo4j/graphql peer, checks that all three
give the same answers to every benchmark query, times two of them briefly and writes the report.
Only the shape of the results is checked here; the numbers belong to `make bench`.
"""

import json
import subprocess
import sys
from pathlib import Path

from tests.support import REPO_ROOT


def test_the_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "results"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.compare",
            "--smoke",
            "--out",
            str(out),
            "--work",
            str(tmp_path / "work"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "answers agree: supply_chain" in run.stdout

    results = json.loads((out / "latest.json").read_text())
    assert results["run"]["smoke"] and results["run"]["graph"]["relationships"] > 1000
    assert [case["name"] for case in results["cases"]] == ["point", "nested", "nested_dated", "entities_10"]
    for case in results["cases"]:
        assert set(case["contenders"]) == {"floor", "ours", "peer"}
        for runs in case["contenders"].values():
            for level in ("c1", "c16", "c64"):
                assert runs[level]["requests"] > 0 and runs[level]["errors"] == 0
                assert 0 < runs[level]["p50_ms"] <= runs[level]["p99_ms"]
            assert runs["rss_mb"] > 0
        assert case["contenders"]["ours"]["server_p50_ms"] > 0
        assert case["contenders"]["ours"]["answered_share"] == 1.0
        assert all(value is not None and value > 0 for value in case["ratios"].values())
    assert results["soak"]["requests"] > 0 and results["soak"]["errors"] == 0
    # point and nested are timed a second time, sent by hash alone.
    assert [case["name"] for case in results["cases"] if "persisted" in case] == ["point", "nested"]
    for case in results["cases"][:2]:
        persisted = case["persisted"]
        assert all(
            persisted[level]["requests"] > 0 and persisted[level]["errors"] == 0 for level in ("c1", "c64")
        )
        assert persisted["answered_share"] == 1.0 and persisted["server_p50_ms"] > 0

    report = (out / "latest.md").read_text()
    assert "## Latency at concurrency 1 (ms)" in report and "| nested |" in report
    assert (
        "## Valid time: dated (`asOf`) vs undated" in report
        and "| nested | " in report.split("## Valid time")[1]
    )
    assert "## Persisted operations" in report and "| point | " in report.split("## Persisted operations")[1]
    assert (out / "latest.png").read_bytes().startswith(b"\x89PNG")
