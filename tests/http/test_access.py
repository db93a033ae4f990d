"""Access and abuse limits over HTTP: keys (the CLI, hashing, revocation), 401/413/429, CORS,
introspection off and the mutation batch limit. Each concern runs against `python -m service`."""

import hashlib
import http.client
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from service.domain.roles import Role
from tests.support import REPO_ROOT, ApiProcess, Neo4jServer, api_key, seed_only

ORIGIN = "https://app.example.com"
COMPILED = '{ company(id: "openai") { name } }'  # a query the fast path answers
STANDARD = "{ stats { companies } }"  # one that strawberry answers
STRICT_ENV = {
    "API_REQUIRE_KEY_FOR_READS": "true",
    "API_KEY_CACHE_SECONDS": "0",
    "API_MAX_BODY_BYTES": "4096",
    "API_CORS_ORIGINS": f"{ORIGIN}, https://other.example.com",
    "API_INTROSPECTION": "false",
    "API_MAX_MUTATIONS": "2",
}


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def code(self) -> str | None:
        errors = self.json.get("errors") or [{}]
        return errors[0].get("extensions", {}).get("code")  # type: ignore[no-any-return]


def request(
    api: ApiProcess,
    query: str | None = None,
    *,
    key: str | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    method: str = "POST",
    path: str = "/graphql",
) -> Reply:
    sent = {"Content-Type": "application/json", **(headers or {})}
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    if body is None and query is not None:
        body = json.dumps({"query": query}).encode()
    call = urllib.request.Request(f"{api.url}{path}", data=body, headers=sent, method=method)
    try:
        with urllib.request.urlopen(call, timeout=30) as response:
            return Reply(
                response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
            )
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def keys_cli(server: Neo4jServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", "keys", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **server.env()},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def strict(neo4j_server: Neo4jServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    """Keys required for reads, no key cache, a 4 KiB body limit, CORS for ORIGIN, no
    introspection, at most two mutations per request."""
    process = ApiProcess(neo4j_server, tmp_path_factory.mktemp("strict") / "api.log", STRICT_ENV)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def limited(neo4j_server: Neo4jServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    """Three requests a minute without a key, five with one."""
    env = {"API_RATE_LIMIT_ANONYMOUS": "3", "API_RATE_LIMIT_KEYED": "5"}
    process = ApiProcess(neo4j_server, tmp_path_factory.mktemp("limited") / "api.log", env)
    yield process
    process.stop()


@pytest.fixture
def cli_keys(driver: Driver) -> Iterator[None]:
    yield
    driver.execute_query("MATCH (k:ApiKey) WHERE k.name STARTS WITH 'test-cli' DELETE k")


def test_keys_cli_creates_lists_and_revokes(
    neo4j_server: Neo4jServer, driver: Driver, strict: ApiProcess, seeded: Driver, cli_keys: None
) -> None:
    created = keys_cli(neo4j_server, "create", "--name", "test-cli-writer", "--role", "editor")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    match = re.fullmatch(r"sg_([0-9a-f]{12})_([A-Za-z0-9_-]{40,})", key)
    assert match is not None, created.stdout
    key_id, secret = match.groups()
    assert key_id in created.stderr and "not shown again" in created.stderr

    # Only the secret's SHA-256 is stored; neither the key nor the secret is anywhere in the node.
    stored = driver.execute_query("MATCH (k:ApiKey {id: $id}) RETURN properties(k) AS p", id=key_id)
    props = stored.records[0]["p"]
    assert props["hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert (props["name"], props["role"], props.get("revoked_at")) == ("test-cli-writer", "editor", None)
    assert not any(secret in str(value) for value in props.values())
    assert driver.execute_query("MATCH (k:ApiKey:Entity) RETURN k").records == []

    listed = keys_cli(neo4j_server, "list")
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if line.startswith(key_id))
    assert line.split()[1:3] == ["test-cli-writer", "editor"] and line.rstrip().endswith("-")
    assert secret not in listed.stdout and props["hash"] not in listed.stdout

    assert request(strict, COMPILED, key=key).json["data"] == {"company": {"name": "OpenAI"}}
    revoked = keys_cli(neo4j_server, "revoke", key_id)
    assert revoked.returncode == 0 and "Revoked" in revoked.stdout, revoked.stderr
    # API_KEY_CACHE_SECONDS=0: the next request already sees the revocation.
    refused = request(strict, COMPILED, key=key)
    assert (refused.status, refused.code) == (401, "UNAUTHENTICATED")
    relisted = keys_cli(neo4j_server, "list").stdout
    assert not next(line for line in relisted.splitlines() if line.startswith(key_id)).endswith("-")

    assert keys_cli(neo4j_server, "revoke", "000000000000").returncode == 1
    assert keys_cli(neo4j_server, "create", "--name", "test-cli-x", "--role", "owner").returncode == 2


def test_a_wrong_key_is_refused_never_treated_as_anonymous(
    api: ApiProcess, seeded: Driver, keys: dict[str, str]
) -> None:
    real = keys["reader"]
    key_id = real.split("_")[1]
    wrong = [
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": f"Bearer sg_{key_id}_{'x' * 43}"},  # a real id, a wrong secret
        {"Authorization": f"Bearer sg_ffffffffffff_{'x' * 43}"},  # an unknown id
        {"Authorization": "Basic dXNlcjpwYXNz"},  # another scheme
        {"Authorization": "Bearer"},
        {"X-API-Key": "sg_nope"},
    ]
    for headers in wrong:
        for query in (COMPILED, STANDARD):
            reply = request(api, query, headers=headers)
            assert (reply.status, reply.code) == (401, "UNAUTHENTICATED"), headers
            assert reply.headers["www-authenticate"] == "Bearer"
            assert "data" not in reply.json
    # Reads stay public by default, and a good key works in either header.
    assert request(api, COMPILED).json["data"] == {"company": {"name": "OpenAI"}}
    assert request(api, COMPILED, key=real).json["data"] == {"company": {"name": "OpenAI"}}
    assert request(api, STANDARD, headers={"X-API-Key": real}).json["data"]["stats"]["companies"] > 50


def test_reads_can_require_a_key(strict: ApiProcess, seeded: Driver, keys: dict[str, str]) -> None:
    for query in (COMPILED, STANDARD):
        reply = request(strict, query)
        assert (reply.status, reply.code) == (401, "UNAUTHENTICATED")
        assert request(strict, query, key=keys["reader"]).status == 200
    got = request(strict, path="/graphql?query=%7B__typename%7D", method="GET")
    assert (got.status, got.code) == (401, "UNAUTHENTICATED")
    # With introspection off there is no GraphiQL page either (it could only show the schema):
    # a browser's GET is a GraphQL request like any other, refused without a key.
    page = request(strict, path="/graphql", method="GET", headers={"Accept": "text/html"})
    assert (page.status, page.code) == (401, "UNAUTHENTICATED") and b"<html" not in page.body
    assert request(strict, path="/healthz", method="GET").status == 200
    # Writes still need an editor: a reader's key passes the door, not the resolver.
    write = 'mutation { upsertCompany(input: {id: "test-x", name: "X"}) { __typename } }'
    assert request(strict, write, key=keys["reader"]).code == "FORBIDDEN"


def test_bodies_over_the_limit_get_413(strict: ApiProcess, keys: dict[str, str]) -> None:
    padding = " " * 5000
    declared = request(strict, body=json.dumps({"query": COMPILED + padding}).encode())
    assert (declared.status, declared.code) == (413, "PAYLOAD_TOO_LARGE")

    # Without a Content-Length the bytes are counted as they arrive.
    connection = http.client.HTTPConnection("127.0.0.1", strict.port, timeout=30)
    chunks = [json.dumps({"query": COMPILED + padding}).encode()[i : i + 512] for i in range(0, 5100, 512)]
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {keys['reader']}"}
    connection.request("POST", "/graphql", body=iter(chunks), headers=headers, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 413 and json.loads(response.read())["errors"][0]["extensions"] == {
        "code": "PAYLOAD_TOO_LARGE"
    }
    connection.close()
    # Under the limit, streamed the same way, it goes through.
    small = json.dumps({"query": COMPILED}).encode()
    connection = http.client.HTTPConnection("127.0.0.1", strict.port, timeout=30)
    connection.request(
        "POST", "/graphql", body=iter([small[:10], small[10:]]), headers=headers, encode_chunked=True
    )
    assert json.loads(connection.getresponse().read())["data"] == {"company": {"name": "OpenAI"}}
    connection.close()


def test_rate_limits_answer_429_with_retry_after(limited: ApiProcess, seeded: Driver, driver: Driver) -> None:
    key = api_key(driver, "test-rate", Role.READER)
    try:
        assert [request(limited, COMPILED).status for _ in range(3)] == [200, 200, 200]
        over = request(limited, STANDARD)
        assert (over.status, over.code) == (429, "RATE_LIMITED")
        assert 1 <= int(over.headers["retry-after"]) <= 20
        # No proxy is trusted by default: a forwarded address the client makes up changes nothing.
        for spoofed in ("203.0.113.7", "198.51.100.1, 127.0.0.1"):
            assert request(limited, COMPILED, headers={"X-Forwarded-For": spoofed}).status == 429
        # A key has its own bucket, whatever its address has used.
        assert [request(limited, COMPILED, key=key).status for _ in range(5)] == [200] * 5
        assert request(limited, COMPILED, key=key).status == 429
        # Failed keys are charged to the address: no fast guessing once it is spent.
        assert request(limited, COMPILED, key="sg_ffffffffffff_" + "x" * 43).status == 429

        metrics = request(limited, path="/metrics", method="GET").body.decode()
        assert re.search(r'supplygraph_graphql_errors_total\{code="RATE_LIMITED"\} [3-9]', metrics), metrics
        assert 'path="rejected"' in metrics
    finally:
        driver.execute_query("MATCH (k:ApiKey {name: 'test-rate'}) DELETE k")


def test_cors_only_for_configured_origins(strict: ApiProcess, api: ApiProcess, keys: dict[str, str]) -> None:
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    preflight["Access-Control-Request-Headers"] = "authorization, content-type"
    allowed = request(strict, method="OPTIONS", headers=preflight)
    assert allowed.status == 200 and allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "POST" in allowed.headers["access-control-allow-methods"]
    stranger = request(strict, method="OPTIONS", headers={**preflight, "Origin": "https://evil.example"})
    assert stranger.status == 400 and "access-control-allow-origin" not in stranger.headers

    ok = request(strict, COMPILED, key=keys["reader"], headers={"Origin": ORIGIN})
    assert ok.headers["access-control-allow-origin"] == ORIGIN
    # Rejections carry the headers too, so a browser can read why.
    refused = request(strict, COMPILED, headers={"Origin": ORIGIN})
    assert refused.status == 401 and refused.headers["access-control-allow-origin"] == ORIGIN
    assert (
        "access-control-allow-origin"
        not in request(strict, COMPILED, headers={"Origin": "https://evil.example"}).headers
    )

    # Not configured (the default): no CORS headers for anyone.
    assert "access-control-allow-origin" not in request(api, COMPILED, headers={"Origin": ORIGIN}).headers
    assert "access-control-allow-origin" not in request(api, method="OPTIONS", headers=preflight).headers


def test_introspection_can_be_switched_off(strict: ApiProcess, api: ApiProcess, keys: dict[str, str]) -> None:
    reader = keys["reader"]
    for query in (
        "{ __schema { queryType { name } } }",
        '{ __type(name: "Company") { name } }',
        '{ company(id: "openai") { name } __schema { types { name } } }',  # a compiled root beside it
    ):
        reply = request(strict, query, key=reader)
        assert reply.status == 200 and reply.json.get("data") is None, query
        assert reply.code == "GRAPHQL_VALIDATION_FAILED" and "introspection" in reply.body.decode().lower()
    assert request(strict, '{ __typename company(id: "openai") { __typename name } }', key=reader).json[
        "data"
    ] == {"__typename": "Query", "company": {"__typename": "Company", "name": "OpenAI"}}
    on = request(api, "{ __schema { queryType { name } } }").json
    assert on["data"] == {"__schema": {"queryType": {"name": "Query"}}}


def upserts(count: int) -> str:
    # Inputs without evidence: each would be a ValidationError, so nothing is ever written.
    fields = " ".join(
        f'u{i}: upsertCompany(input: {{id: "test-batch-{i}", name: "Batch {i}"}}) {{ __typename }}'
        for i in range(count)
    )
    return f"mutation {{ {fields} }}"


def test_mutation_batches_are_capped(strict: ApiProcess, api: ApiProcess, keys: dict[str, str]) -> None:
    editor = keys["editor"]
    two = request(strict, upserts(2), key=editor).json
    assert "errors" not in two and {v["__typename"] for v in two["data"].values()} == {"ValidationError"}
    for query in (
        upserts(3),
        # Fragments are counted through, aliases and repeats each count.
        "mutation { ...A } fragment A on Mutation { " + upserts(3)[len("mutation { ") : -2] + " }",
    ):
        reply = request(strict, query, key=editor).json
        assert reply.get("data") is None and reply["errors"][0]["extensions"]["code"] == "BATCH_TOO_LARGE"
        assert "at most 2" in reply["errors"][0]["message"]
    # The default cap is 10, and it applies before the key is even asked for.
    assert request(api, upserts(10)).code == "UNAUTHENTICATED"
    assert request(api, upserts(11)).code == "BATCH_TOO_LARGE"
    # Queries are not mutations: many root fields are fine.
    many = "{ " + " ".join(f'c{i}: company(id: "openai") {{ id }}' for i in range(12)) + " }"
    assert "errors" not in request(strict, many, key=keys["reader"]).json


def test_rejections_are_logged_with_their_codes(strict: ApiProcess) -> None:
    request(strict, COMPILED)
    log = Path(strict.log).read_text()
    line = next(line for line in reversed(log.splitlines()) if '"http_status":401' in line)
    assert json.loads(line)["errors"] == ["UNAUTHENTICATED"] and json.loads(line)["path"] == "rejected"


def test_the_readme_write_example_works(api: ApiProcess, seeded: Driver, keys: dict[str, str]) -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    bodies = re.findall(r'-H "Authorization: Bearer \$KEY" -d @- <<\'EOF\'\n(.*?)\nEOF\n', readme, re.DOTALL)
    assert len(bodies) == 2, "README.md writes a Source, then a Company citing it, with a key"
    try:
        assert (
            request(api, body=bodies[1].encode(), key=keys["editor"]).json["data"]["upsertCompany"][
                "__typename"
            ]
            == "ValidationError"
        )  # the company's evidence cites a page that is not written yet
        page = request(api, body=bodies[0].encode(), key=keys["editor"]).json["data"]["upsertSource"]
        assert page["__typename"] == "Written"
        reply = request(api, body=bodies[1].encode(), key=keys["editor"]).json
        result = reply["data"]["upsertCompany"]
        assert result["__typename"] == "Written" and result["created"], reply
        refused = request(api, body=bodies[1].encode())
        assert (refused.status, refused.code) == (401, "UNAUTHENTICATED")
    finally:
        seeded.execute_query("MATCH (c:Change) DETACH DELETE c")
        seeded.execute_query(
            "MATCH (n:Entity) WHERE n.id IN ['example-servers', 'example-servers-release'] DETACH DELETE n"
        )
        seed_only(seeded)


def test_websockets_pass_the_same_checks(strict: ApiProcess, keys: dict[str, str]) -> None:
    # Subscriptions over a WebSocket are admitted like any request: on a server that needs a
    # key, connection_init without one is closed with 4403; with one, it is acknowledged.
    url = f"ws://127.0.0.1:{strict.port}/graphql"
    with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
        socket.send(json.dumps({"type": "connection_init"}))
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {keys['reader']}"}}
    with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
        socket.send(json.dumps(init))
        assert json.loads(socket.recv(timeout=10)) == {"type": "connection_ack"}
    # Without the protocol the handshake is refused.
    with pytest.raises(InvalidStatus) as refused:
        connect(url)
    assert refused.value.response.status_code == 403


def test_forwarded_addresses_count_only_from_trusted_proxies(
    neo4j_server: Neo4jServer, seeded: Driver, tmp_path: Path
) -> None:
    # Behind a trusted proxy (here: the test itself, at 127.0.0.1) each forwarded client has
    # its own bucket.
    env = {"API_RATE_LIMIT_ANONYMOUS": "2", "API_TRUSTED_PROXIES": "127.0.0.1"}
    proxied = ApiProcess(neo4j_server, tmp_path / "api.log", env)
    try:
        first = {"X-Forwarded-For": "203.0.113.7"}
        assert [request(proxied, COMPILED, headers=first).status for _ in range(3)] == [200, 200, 429]
        assert request(proxied, COMPILED, headers={"X-Forwarded-For": "203.0.113.8"}).status == 200
    finally:
        proxied.stop()


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"])
def test_no_swagger_or_openapi_pages(api: ApiProcess, path: str) -> None:
    # The API is GraphQL; nothing serves Swagger UI or ReDoc (which would load from a CDN).
    assert request(api, path=path, method="GET").status == 404
