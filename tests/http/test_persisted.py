"""Persisted operations over plain HTTP (httpx) against `python -m service`: the APQ protocol's
edges (unknown hash, mismatch, versions, malformed extensions, GET with its caching, mutations)
and safelist mode with a manifest (by id, by text, refusals that run nothing, bad manifests that
stop the start-up). Apollo Client's side is tests/clients/test_persisted.py."""

import hashlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from tests.api.test_changes import UPSERT, company
from tests.support import REPO_ROOT, ApiProcess, Neo4jServer

GRAPHQL_RESPONSE = "application/graphql-response+json"
BY_ID = 'query CompanyName { company(id: "openai") { id name } }'
LISTED = [
    BY_ID,
    "query Partnerships($first: Int) { partnerships(first: $first) { totalCount nodes { id } } }",
]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def pq(digest: str, version: object = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def post(
    api: ApiProcess, body: Any, accept: str = "application/json", key: str | None = None
) -> httpx.Response:
    headers = {"Accept": accept}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return httpx.post(f"{api.url}/graphql", json=body, headers=headers, timeout=30)


def get(api: ApiProcess, params: dict[str, str], headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.get(
        f"{api.url}/graphql",
        params=params,
        headers={"Accept": "application/json", **(headers or {})},
        timeout=30,
    )


def code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


def unique_query() -> str:
    """A document no earlier test registered (the session's server keeps what it was sent)."""
    return f'query Fresh {{ company(id: "openai") {{ id name }} fresh: __typename }} # {uuid.uuid4()}'


# -- APQ ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
def test_unknown_hash_then_registration_then_hash_only(api: ApiProcess, seeded: Driver, accept: str) -> None:
    query = unique_query()
    digest = sha(query)
    missing = post(api, {"extensions": pq(digest)}, accept)
    # Apollo Server's answer, which Apollo's links retry on: 200, this message and code, no data.
    assert missing.status_code == 200
    assert missing.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    assert "data" not in missing.json()

    registered = post(api, {"query": query, "extensions": pq(digest)}, accept)
    assert registered.status_code == 200
    assert registered.json()["data"]["company"] == {"id": "openai", "name": "OpenAI"}

    by_hash = post(api, {"extensions": pq(digest.upper()), "operationName": "Fresh"}, accept)
    assert by_hash.status_code == 200 and by_hash.json()["data"] == registered.json()["data"]
    assert by_hash.json()["extensions"]["statements"] == 1


def test_a_hash_that_is_not_the_querys_is_refused_and_not_registered(api: ApiProcess, seeded: Driver) -> None:
    query, other = unique_query(), unique_query()
    wrong = post(api, {"query": query, "extensions": pq(sha(other))}, GRAPHQL_RESPONSE)
    assert wrong.status_code == 400 and code(wrong) == "PERSISTED_QUERY_HASH_MISMATCH"
    assert "data" not in wrong.json()
    assert code(post(api, {"extensions": pq(sha(other))})) == "PERSISTED_QUERY_NOT_FOUND"
    assert code(post(api, {"extensions": pq(sha(query))})) == "PERSISTED_QUERY_NOT_FOUND"


def test_only_documents_that_plan_are_registered(api: ApiProcess, seeded: Driver) -> None:
    invalid = f"{{ company(id: 1) {{ nope }} }} # {uuid.uuid4()}"
    refused = post(api, {"query": invalid, "extensions": pq(sha(invalid))}, GRAPHQL_RESPONSE)
    assert refused.status_code == 400 and code(refused) == "GRAPHQL_VALIDATION_FAILED"
    assert code(post(api, {"extensions": pq(sha(invalid))})) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize("version", [2, "1", None, True])
def test_versions_other_than_1_are_not_supported(api: ApiProcess, version: object) -> None:
    query = unique_query()
    refused = post(api, {"query": query, "extensions": pq(sha(query), version)}, GRAPHQL_RESPONSE)
    assert refused.status_code == 400 and code(refused) == "PERSISTED_QUERY_NOT_SUPPORTED"


@pytest.mark.parametrize(
    "extensions",
    [
        {"persistedQuery": "abc"},
        {"persistedQuery": [1, "abc"]},
        {"persistedQuery": {"version": 1, "sha256Hash": 12}},
        {"persistedQuery": {"version": 1}},
        "persistedQuery",
    ],
)
@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
def test_malformed_extensions_are_bad_requests(api: ApiProcess, extensions: Any, accept: str) -> None:
    refused = post(api, {"extensions": extensions}, accept)
    assert refused.status_code == 400 and code(refused) == "BAD_REQUEST"
    as_get = get(api, {"extensions": json.dumps(extensions)})
    assert as_get.status_code == 400 and code(as_get) == "BAD_REQUEST"


def test_no_query_and_no_persisted_query_is_still_a_bad_request(api: ApiProcess) -> None:
    refused = post(api, {"extensions": {"other": 1}})
    assert refused.status_code == 400 and code(refused) == "BAD_REQUEST"


def test_batches_are_not_accepted_persisted_or_not(api: ApiProcess) -> None:
    # The service takes one operation per request; a JSON array is refused before any lookup.
    query = unique_query()
    refused = post(api, [{"query": query, "extensions": pq(sha(query))}, {"extensions": pq(sha(query))}])
    assert refused.status_code == 400 and code(refused) == "BAD_REQUEST"


def test_get_by_hash_with_extensions_in_the_url_and_http_caching(api: ApiProcess, seeded: Driver) -> None:
    query = unique_query()
    params = {"operationName": "Fresh", "extensions": json.dumps(pq(sha(query)))}
    unknown = get(api, params)
    assert code(unknown) == "PERSISTED_QUERY_NOT_FOUND" and unknown.headers["cache-control"] == "no-store"
    assert "etag" not in unknown.headers
    # Not even a tag a client made up gets a 304 for a hash the server does not know.
    assert get(api, params, {"If-None-Match": "*"}).status_code == 200

    assert (
        post(api, {"query": query, "extensions": pq(sha(query))}).json()["data"]["company"]["id"] == "openai"
    )
    first = get(api, params)
    assert first.status_code == 200 and first.json()["data"]["company"]["name"] == "OpenAI"
    tag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=0, must-revalidate"
    again = get(api, params, {"If-None-Match": tag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
    # The text and its hash are the same document but not the same request: tags differ.
    as_text = get(api, {"query": query})
    assert as_text.status_code == 200 and as_text.headers["etag"] != tag


def test_mutations_by_hash_over_post_but_not_get(
    api: ApiProcess, seeded: Driver, keys: dict[str, str]
) -> None:
    mutation = f"{UPSERT} # {uuid.uuid4()}"
    digest = sha(mutation)
    editor = keys["editor"]
    first = {
        "query": mutation,
        "variables": {"input": company("test-pq-co", "PQ Co")},
        "extensions": pq(digest),
    }
    assert post(api, first, key=editor).json()["data"]["upsertCompany"]["__typename"] == "Written"
    again = {"variables": {"input": company("test-pq-co", "PQ Co Renamed")}, "extensions": pq(digest)}
    assert post(api, again, key=editor).json()["data"]["upsertCompany"]["__typename"] == "Written"
    assert seeded.execute_query("MATCH (c:Company {id: 'test-pq-co'}) RETURN c.name AS n").records[0][
        "n"
    ] == ("PQ Co Renamed")
    params = {"variables": json.dumps(again["variables"]), "extensions": json.dumps(pq(digest))}
    by_get = httpx.get(
        f"{api.url}/graphql", params=params, headers={"Authorization": f"Bearer {editor}"}, timeout=30
    )
    assert by_get.status_code == 405 and code(by_get) == "METHOD_NOT_ALLOWED"
    # Without a key the hash runs nothing either.
    assert code(post(api, again)) == "UNAUTHENTICATED"


# -- safelist mode --------------------------------------------------------------------------------


def manifest(bodies: list[str], names: list[str | None] | None = None, **changes: Any) -> dict[str, Any]:
    operations = [
        {"id": sha(body), "name": (names or [])[i] if names else None, "type": "query", "body": body}
        for i, body in enumerate(bodies)
    ]
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations, **changes}


@pytest.fixture(scope="module")
def safelisted(neo4j_server: Neo4jServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    folder = tmp_path_factory.mktemp("safelist")
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest(LISTED, ["CompanyName", "Partnerships"])))
    env = {"API_PERSISTED_ONLY": "true", "API_PERSISTED_MANIFEST": str(path)}
    process = ApiProcess(neo4j_server, folder / "api.log", env)
    yield process
    process.stop()


def test_safelist_runs_listed_operations_by_id(safelisted: ApiProcess, seeded: Driver) -> None:
    answer = post(
        safelisted, {"extensions": pq(sha(BY_ID)), "operationName": "CompanyName"}, GRAPHQL_RESPONSE
    )
    assert answer.status_code == 200 and answer.json()["data"]["company"]["name"] == "OpenAI"
    paged = post(safelisted, {"extensions": pq(sha(LISTED[1])), "variables": {"first": 2}})
    assert len(paged.json()["data"]["partnerships"]["nodes"]) == 2


def test_safelist_runs_listed_text_as_is_or_reformatted(safelisted: ApiProcess, seeded: Driver) -> None:
    assert post(safelisted, {"query": BY_ID}).json()["data"]["company"]["id"] == "openai"
    reformatted = (
        '# the same operation\nquery CompanyName {\n  company(id: "openai") {\n    id, name\n  }\n}\n'
    )
    assert post(safelisted, {"query": reformatted}).json()["data"]["company"]["id"] == "openai"


@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
def test_safelist_refuses_other_documents_and_runs_nothing(safelisted: ApiProcess, accept: str) -> None:
    other = '{ company(id: "openai") { id name kind } }'
    refused = post(safelisted, {"query": other}, accept)
    assert refused.status_code == 403 and code(refused) == "QUERY_NOT_IN_SAFELIST"
    assert "data" not in refused.json() and refused.json()["extensions"]["statements"] == 0

    unknown = post(safelisted, {"extensions": pq(sha(other))}, accept)
    assert code(unknown) == "PERSISTED_QUERY_NOT_IN_LIST"
    assert unknown.status_code == (404 if accept == GRAPHQL_RESPONSE else 200)
    assert unknown.json()["extensions"]["statements"] == 0

    # No registration, not even of a listed document: ids only.
    for query in (other, BY_ID):
        registering = post(safelisted, {"query": query, "extensions": pq(sha(query))}, accept)
        assert code(registering) == "CANNOT_SEND_PQ_ID_AND_BODY"
        assert registering.status_code == (400 if accept == GRAPHQL_RESPONSE else 200)
    assert code(post(safelisted, {"extensions": pq(sha(other))})) == "PERSISTED_QUERY_NOT_IN_LIST"

    as_get = get(safelisted, {"query": other}, {"If-None-Match": "*"})
    assert as_get.status_code == 403 and as_get.headers["cache-control"] == "no-store"


def test_safelist_allows_introspection_when_it_is_on(safelisted: ApiProcess) -> None:
    answer = post(safelisted, {"query": "{ __schema { queryType { name } } }"})
    assert answer.json()["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    mixed = post(safelisted, {"query": '{ __typename company(id: "openai") { id } }'})
    assert code(mixed) == "QUERY_NOT_IN_SAFELIST"


def test_safelist_get_by_id_is_cached(safelisted: ApiProcess, seeded: Driver) -> None:
    params = {"extensions": json.dumps(pq(sha(BY_ID)))}
    first = get(safelisted, params)
    assert first.status_code == 200 and first.json()["data"]["company"]["id"] == "openai"
    assert get(safelisted, params, {"If-None-Match": first.headers["etag"]}).status_code == 304
    unknown = get(safelisted, {"extensions": json.dumps(pq(sha("{ x }")))}, {"If-None-Match": "*"})
    assert unknown.status_code == 200 and code(unknown) == "PERSISTED_QUERY_NOT_IN_LIST"


def start(neo4j_server: Neo4jServer, path: Path, only: bool = True) -> subprocess.CompletedProcess[str]:
    """`python -m service` with a manifest, expected to refuse to start."""
    env = {
        **os.environ,
        **neo4j_server.env(),
        "API_PORT": "1",  # never bound: the manifest is checked first
        "API_PERSISTED_MANIFEST": str(path),
        "API_PERSISTED_ONLY": "true" if only else "false",
    }
    return subprocess.run(
        [sys.executable, "-m", "service"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            manifest(
                [BY_ID], ["CompanyName"], operations=[{**manifest([BY_ID])["operations"][0], "id": sha("x")}]
            ),
            "id is not the sha256 of the body",
        ),
        (
            manifest(['query Broken { company(id: "openai") { nope } }'], ["Broken"]),
            "operation Broken (id ",
        ),
        (
            {"format": "something-else", "version": 1, "operations": []},
            "not an Apollo persisted query manifest",
        ),
        ("{ not json", "not JSON"),
    ],
)
def test_a_bad_manifest_stops_the_start_with_a_clear_message(
    neo4j_server: Neo4jServer, tmp_path: Path, content: Any, expected: str
) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    done = start(neo4j_server, path)
    assert done.returncode != 0
    assert f"API_PERSISTED_MANIFEST: {path}" in done.stderr and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_an_invalid_body_names_the_schema_error(neo4j_server: Neo4jServer, tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest(['query Broken { company(id: "openai") { nope } }'], ["Broken"])))
    done = start(neo4j_server, path, only=False)
    assert done.returncode != 0 and "Cannot query field 'nope' on type 'Company'" in done.stderr, done.stderr


def test_a_missing_manifest_stops_the_start(neo4j_server: Neo4jServer, tmp_path: Path) -> None:
    done = start(neo4j_server, tmp_path / "absent.json")
    assert done.returncode != 0 and "absent.json: cannot be read" in done.stderr, done.stderr


SUBSCRIPTION = "subscription Follow { changes(afterSeq: 0) { seq } }"


def test_safelist_covers_subscriptions_over_sse_and_websocket(safelisted: ApiProcess) -> None:
    headers = {"Accept": "text/event-stream"}
    refused = httpx.post(
        f"{safelisted.url}/graphql", json={"query": SUBSCRIPTION}, headers=headers, timeout=30
    )
    assert refused.status_code == 403 and code(refused) == "QUERY_NOT_IN_SAFELIST"
    by_hash = {"extensions": pq(sha(SUBSCRIPTION))}
    unknown = httpx.post(f"{safelisted.url}/graphql", json=by_hash, headers=headers, timeout=30)
    assert code(unknown) == "PERSISTED_QUERY_NOT_IN_LIST"

    url = f"ws://127.0.0.1:{safelisted.port}/graphql"
    with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
        socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(socket.recv(timeout=10)) == {"type": "connection_ack"}
        for op_id, payload in (("1", {"query": SUBSCRIPTION}), ("2", by_hash)):
            socket.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))
            answer = json.loads(socket.recv(timeout=10))
            assert answer["id"] == op_id and answer["type"] == "error"
            assert answer["payload"][0]["extensions"]["code"] in (
                "QUERY_NOT_IN_SAFELIST",
                "PERSISTED_QUERY_NOT_IN_LIST",
            )


def test_subscriptions_by_hash_over_websocket(api: ApiProcess, seeded: Driver, keys: dict[str, str]) -> None:
    written = {"query": UPSERT, "variables": {"input": company("test-pq-sub", "PQ Sub")}}
    assert "errors" not in post(api, written, key=keys["editor"]).json()  # an event to follow
    query = f"subscription Follow{uuid.uuid4().hex} {{ changes(afterSeq: 0) {{ seq }} }}"
    url = f"ws://127.0.0.1:{api.port}/graphql"
    with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
        socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(socket.recv(timeout=10)) == {"type": "connection_ack"}
        socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"extensions": pq(sha(query))}}))
        missing = json.loads(socket.recv(timeout=10))
        assert (
            missing["type"] == "error"
            and missing["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        )
        registering = {"query": query, "extensions": pq(sha(query))}
        socket.send(json.dumps({"id": "2", "type": "subscribe", "payload": registering}))
        assert json.loads(socket.recv(timeout=10))["type"] == "next"
        socket.send(json.dumps({"id": "2", "type": "complete"}))
        socket.send(json.dumps({"id": "3", "type": "subscribe", "payload": {"extensions": pq(sha(query))}}))
        answer = json.loads(socket.recv(timeout=10))
        while answer["id"] != "3":
            answer = json.loads(socket.recv(timeout=10))
        assert answer["type"] == "next" and answer["payload"]["data"]["changes"]["seq"] >= 1
