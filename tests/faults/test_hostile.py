"""Every case of the hostile-input matrix (tests/faults/hostile.py) against `python -m service`:
the expected status and code, JSON always, never a 5xx or INTERNAL, no internals in messages,
and the service still answering normally afterwards."""

import http.client
import json
import time
from typing import Any

import pytest
from neo4j import Driver

from tests.faults.hostile import Hostile, cases
from tests.support import REPO_ROOT, ApiProcess, graphql

RESULTS = REPO_ROOT / ".faults" / "hostile.json"
_seen: list[dict[str, Any]] = []


def send(url: str, case: Hostile, keys: dict[str, str]) -> tuple[int, bytes, float]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = dict(case.headers)
    if case.key is not None:
        headers["Authorization"] = f"Bearer {keys[case.key]}" if case.key in keys else case.key
    started = time.perf_counter()
    connection.request(case.method, case.path, body=case.body or None, headers=headers)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, body, elapsed


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_hostile_input_gets_its_code(
    seeded: Driver, api: ApiProcess, keys: dict[str, str], case: Hostile
) -> None:
    status, body, elapsed = send(api.url, case, keys)
    shown = f"{case.name}: {status} {body[:600]!r}"
    assert status < 500, shown
    payload = json.loads(body)  # always JSON
    errors = payload.get("errors") or []
    code = errors[0]["extensions"]["code"] if errors else None
    assert (status, code) == (case.status, case.code), shown
    assert all(e["extensions"]["code"] != "INTERNAL" for e in errors), shown
    assert "Traceback" not in body.decode("utf-8", "replace"), shown
    if case.code is None:
        assert payload.get("data"), shown
    _seen.append({"case": case.name, "status": status, "code": code, "ms": round(elapsed * 1000, 1)})
    # The service is unharmed: an ordinary query right after works.
    assert graphql(api.url, '{ company(id: "nvidia") { name } }')["data"]["company"]["name"] == "Nvidia"


def teardown_module() -> None:
    if _seen:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(_seen, indent=1))
