"""Runs a script of tests/clients/js with Node.js and returns the one JSON object it printed."""

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS = Path(__file__).resolve().parent / "js"


def run_script(
    script: str, url: str, env: dict[str, str] | None = None, timeout: float = 120
) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node (Node.js 20+) is not on PATH: the JavaScript clients cannot run")
    if not (JS / "node_modules" / ".package-lock.json").is_file():
        pytest.fail("tests/clients/js/node_modules is missing: run `make tools`")
    done = subprocess.run(
        [node, str(JS / script), url],
        cwd=JS,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    try:
        report: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        pytest.fail(f"{script} printed no JSON (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    # The script's exit code and its verdict must agree, or the harness itself is broken.
    assert (done.returncode == 0) == (report.get("ok") is True), (done.returncode, report, done.stderr)
    return report


def run_check(script: str, url: str, name: str, key: str = "") -> dict[str, Any]:
    """One named check of a script (SUPPLYGRAPH_CHECKS), failing the test with its report."""
    report = run_script(script, url, env={"SUPPLYGRAPH_CHECKS": name, "SUPPLYGRAPH_API_KEY": key})
    result: dict[str, Any] = report.get("checks", {}).get(name, report)
    if result.get("ok") is not True:
        pytest.fail(f"{script} check {name!r} failed:\n{json.dumps(result, indent=2)}")
    return result
