"""`make bench-feed` in small: every part of the feed benchmark runs and loses nothing, so it
cannot rot. The numbers belong to `make bench-feed`."""

import json
import subprocess
import sys
from pathlib import Path

from tests.support import REPO_ROOT


def test_the_feed_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "feed.json"
    run = subprocess.run(
        [sys.executable, "bench/feed.py", "--smoke", "--json", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = json.loads(out.read_text())
    assert [row["subscribers"] for row in results["subscriptions"]] == [0, 1, 10]
    assert all(row["missing"] == 0 for row in results["subscriptions"])
    assert all(row["delivery_p50_ms"] > 0 for row in results["subscriptions"][1:])
    rate = results["sustained"]
    assert rate["events"] > 0 and rate["missing"] == 0 and rate["commits_per_s"] > 0
    assert results["webhooks"]["missing"] == 0 and results["webhooks"]["delivery_p50_ms"] > 0
