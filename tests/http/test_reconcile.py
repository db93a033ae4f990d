"""/reconcile speaks the W3C Entity Reconciliation API 0.2 as OpenRefine does: every response is
validated against the specification's own JSON schemas (vendored beside this file)."""

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator  # type: ignore[import-untyped]  # ships no type stubs
from neo4j import Driver
from referencing import Registry
from referencing.jsonschema import DRAFT7

from tests.api.test_match import seed_id
from tests.support import ApiProcess, seed_only

SCHEMAS = Path(__file__).parent / "reconciliation_schemas"
_loaded = {p.stem: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
# The schemas say "http://json-schema.org/schema#" (no draft): they are read as draft 7.
REGISTRY: Registry[Any] = Registry().with_resources(
    (schema["$id"], DRAFT7.create_resource(schema)) for schema in _loaded.values()
)


def valid(name: str, instance: Any) -> Any:
    Draft7Validator(_loaded[name], registry=REGISTRY).validate(instance)
    return instance


@pytest.fixture(scope="module")
def curated(driver: Driver) -> Driver:
    return seed_only(driver)


def get(api: ApiProcess, path: str, **params: str) -> tuple[int, Any, str]:
    url = f"{api.url}{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read().decode()
            kind = response.headers.get("content-type", "")
            return response.status, json.loads(body) if "json" in kind else body, kind
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), ""


def post_form(api: ApiProcess, **fields: str) -> tuple[int, Any]:
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(
        f"{api.url}/reconcile", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_manifest(curated: Driver, api: ApiProcess) -> None:
    status, manifest, _ = get(api, "/reconcile")
    assert status == 200
    valid("manifest", manifest)
    assert "0.2" in manifest["versions"]
    assert {t["id"] for t in manifest["defaultTypes"]} == {"Company", "Person", "Facility"}


QUERIES = {
    "q0": {"query": "Hon Hai Precision Industry Co., Ltd.", "type": "Company", "limit": 3},
    "q1": {"query": "Nvidia Corporation", "type": "Company", "properties": [{"pid": "ticker", "v": "NVDA"}]},
    "q2": {"query": "Foxcon", "properties": [{"pid": "country", "v": "TW"}]},
    "q3": {"query": "Oyvind Eriksen", "type": ["Person"]},
}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_batch_queries(curated: Driver, api: ApiProcess, method: str) -> None:
    valid("reconciliation-query-batch", QUERIES)
    text = json.dumps(QUERIES)
    status, answer = (
        post_form(api, queries=text) if method == "POST" else get(api, "/reconcile", queries=text)[:2]
    )
    assert status == 200, answer
    valid("reconciliation-result-batch", answer)
    assert set(answer) == set(QUERIES)
    expected = {
        "q0": "Hon Hai Precision Industry Co.",
        "q1": "Nvidia",
        "q2": "Foxconn",
        "q3": "Øyvind Eriksen",
    }
    for key, name in expected.items():
        assert answer[key]["result"][0]["id"] == seed_id(name), answer[key]
    assert len(answer["q0"]["result"]) <= 3
    assert answer["q1"]["result"][0]["match"] is True
    features = {f["id"]: f["value"] for f in answer["q1"]["result"][0]["features"]}
    assert features["identifierMatch"] is True and features["aliasHit"] is True
    assert answer["q3"]["result"][0]["type"] == [{"id": "Person", "name": "Person"}]


@pytest.mark.parametrize(
    "queries",
    [
        "not json",
        "[]",
        "{}",
        json.dumps({"q": {"query": "x", "type": "Planet"}}),
        json.dumps({"q": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}}),
        json.dumps({f"q{i}": {"query": "x"} for i in range(51)}),
    ],
)
def test_bad_batches_are_400_with_a_code(curated: Driver, api: ApiProcess, queries: str) -> None:
    status, answer = post_form(api, queries=queries)
    assert status == 400 and answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", answer


def test_suggest(curated: Driver, api: ApiProcess) -> None:
    status, entities, _ = get(api, "/reconcile/suggest/entity", prefix="Foxc")
    assert status == 200
    valid("suggest-entities-response", entities)
    assert seed_id("Foxconn") in {e["id"] for e in entities["result"]}
    _, types, _ = get(api, "/reconcile/suggest/type", prefix="Co")
    assert valid("suggest-types-response", types)["result"] == [{"id": "Company", "name": "Company"}]
    _, props, _ = get(api, "/reconcile/suggest/property", prefix="coun")
    assert [p["id"] for p in valid("suggest-properties-response", props)["result"]] == ["country"]


def test_preview(curated: Driver, api: ApiProcess) -> None:
    status, body, kind = get(api, "/reconcile/preview", id=seed_id("Foxconn"))
    assert status == 200 and kind.startswith("text/html") and "Foxconn" in body
    status, answer, _ = get(api, "/reconcile/preview", id="no-such-entity")
    assert status == 404 and answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
