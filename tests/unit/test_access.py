"""Keys, the rate limiter and the validation rules on their own, without a server."""

import asyncio
from datetime import UTC, datetime

import httpx
import pytest
from graphql import build_schema, parse, specified_rules, validate
from neo4j.exceptions import ServiceUnavailable

from service.access.keys import InvalidKey, KeyResolver, hash_secret, new_key, parse_key, verify
from service.access.middleware import PRINCIPAL_KEY, AccessControl
from service.access.rate_limit import RateLimit
from service.access.roles import Principal, Role
from service.api.endpoint import Receive, Scope, Send
from service.api.validation import validation_rules
from service.graph.keys import StoredKey
from service.settings import Settings


def stored(secret: str, role: str = "editor", revoked: bool = False) -> StoredKey:
    now = datetime.now(UTC)
    return StoredKey("0123456789ab", "svc", role, now, now if revoked else None, hash_secret(secret))


def test_a_key_parses_back_to_its_id_and_secret() -> None:
    key = new_key()
    assert key.text.startswith(f"sg_{key.id}_") and len(key.id) == 12
    assert parse_key(key.text) == (key.id, key.secret)
    assert key.hash == hash_secret(key.secret) != key.secret
    for bad in ["", "sg_", "Bearer x", f"xx_{key.id}_{key.secret}", f"sg_{key.id.upper()}_{key.secret}"]:
        with pytest.raises(InvalidKey):
            parse_key(bad)


def test_only_the_right_secret_of_a_live_key_verifies() -> None:
    assert verify("s3cret", stored("s3cret")) == Principal("0123456789ab", "svc", Role.EDITOR)
    for secret, key in [
        ("wrong", stored("s3cret")),
        ("s3cret", stored("s3cret", revoked=True)),
        ("s3cret", stored("s3cret", role="owner")),
        ("s3cret", None),
    ]:
        with pytest.raises(InvalidKey):
            verify(secret, key)


def test_looked_up_keys_are_cached_for_the_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    key, calls, clock = new_key(), [], [100.0]
    monkeypatch.setattr("service.access.keys.time.monotonic", lambda: clock[0])

    async def lookup(key_id: str) -> StoredKey | None:
        calls.append(key_id)
        return StoredKey(key.id, "svc", "reader", datetime.now(UTC), None, key.hash)

    resolver = KeyResolver(lookup, ttl=5)
    for _ in range(3):
        assert asyncio.run(resolver.resolve(key.text)).role is Role.READER
    assert calls == [key.id]
    clock[0] += 6
    asyncio.run(resolver.resolve(key.text))
    assert calls == [key.id, key.id]
    with pytest.raises(InvalidKey):  # a cached key still needs its own secret
        asyncio.run(resolver.resolve(f"sg_{key.id}_{'x' * 43}"))


def test_the_rate_limit_refills_a_minutes_worth() -> None:
    clock = [0.0]
    limit = RateLimit(3, clock=lambda: clock[0])
    assert [limit.take("a") for _ in range(4)] == [0, 0, 0, 20]
    assert limit.take("b") == 0  # callers have their own buckets
    clock[0] += 10
    assert limit.take("a") == 10
    clock[0] += 10
    assert limit.take("a") == 0
    assert all(RateLimit(0).take("a") == 0 for _ in range(1000))


SDL = """
type Query { a: Int, b: Int }
type Mutation { m(x: Int): Int }
"""


def errors(query: str, introspection: bool = True) -> list[str]:
    rules = validation_rules(Settings.model_construct(api_max_mutations=2, api_introspection=introspection))
    found = validate(build_schema(SDL), parse(query), [*specified_rules, *rules])
    return [(e.extensions or {}).get("code") or e.message for e in found]


def test_mutations_per_request_are_capped_through_aliases_and_fragments() -> None:
    assert errors("mutation { x: m(x: 1) y: m(x: 2) __typename }") == []
    assert errors("mutation { x: m(x: 1) y: m(x: 2) z: m(x: 3) }") == ["BATCH_TOO_LARGE"]
    spread = "mutation { x: m ...F } fragment F on Mutation { y: m ... on Mutation { z: m } }"
    assert errors(spread) == ["BATCH_TOO_LARGE"]
    assert errors("{ x: a y: a z: a w: b }") == []


def test_introspection_can_be_refused() -> None:
    assert errors("{ __schema { queryType { name } } }") == []
    refused = errors('{ __type(name: "Query") { name } }', introspection=False)
    assert len(refused) == 1 and "introspection has been disabled" in refused[0]
    assert errors("{ __typename a }", introspection=False) == []


def test_the_door_says_503_when_keys_cannot_be_looked_up() -> None:
    seen: list[object] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope.get(PRINCIPAL_KEY))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def down(key_id: str) -> StoredKey | None:
        raise ServiceUnavailable("no route")

    settings = Settings.model_construct(api_rate_limit_anonymous=0, api_rate_limit_keyed=0)
    door = AccessControl(inner, settings=settings, keys=KeyResolver(down, ttl=5), log_requests=False)

    async def calls() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=door, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            key = {"Authorization": f"Bearer {new_key().text}"}
            return [
                await client.post("/graphql", json={"query": "{ a }"}, headers=key),
                await client.post("/graphql", json={"query": "{ a }"}),
                await client.get("/healthz"),
            ]

    refused, anonymous, health = asyncio.run(calls())
    assert refused.status_code == 503
    assert refused.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert anonymous.status_code == 200 and health.status_code == 200
    assert seen == [None, None]  # the anonymous call and /healthz; the refused one never got in
