"""Keys, the rate limiter and the validation rules on their own, without a server."""

import asyncio
from datetime import UTC, datetime

import pytest
from graphql import build_schema, parse, validate
from neo4j.exceptions import ServiceUnavailable

from service.api.rules import validation_rules
from service.domain.roles import Principal, Role
from service.graph.keys import StoredKey
from service.http.access import Access, Rejection
from service.http.keys import InvalidKey, KeyResolver, hash_secret, new_key, parse_key, verify
from service.http.rate_limit import RateLimit
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
    monkeypatch.setattr("service.http.keys.time.monotonic", lambda: clock[0])

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
    found = validate(build_schema(SDL), parse(query), validation_rules(2, introspection))
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
    async def down(key_id: str) -> StoredKey | None:
        raise ServiceUnavailable("no route")

    settings = Settings.model_construct(
        api_rate_limit_anonymous=0, api_rate_limit_keyed=0, api_require_key_for_reads=False
    )
    access = Access(settings, KeyResolver(down, ttl=5))
    refused = asyncio.run(access.admit("127.0.0.1", new_key().text, True))
    assert isinstance(refused, Rejection) and (refused.status, refused.code) == (503, "SERVICE_UNAVAILABLE")
    assert asyncio.run(access.admit("127.0.0.1", None, True)) is None  # anonymous callers go on


def test_a_guessers_address_is_cut_off_without_more_lookups() -> None:
    lookups: list[str] = []

    async def lookup(key_id: str) -> StoredKey | None:
        lookups.append(key_id)
        return None

    settings = Settings.model_construct(
        api_rate_limit_anonymous=2, api_rate_limit_keyed=0, api_require_key_for_reads=False
    )
    access = Access(settings, KeyResolver(lookup, ttl=0))
    answers = [asyncio.run(access.admit("10.0.0.9", new_key().text, True)) for _ in range(5)]
    codes = [a.status if isinstance(a, Rejection) else 200 for a in answers]
    assert codes[:2] == [401, 401] and set(codes[2:]) == {429}
    assert len(lookups) == 2  # the refused attempts cost no lookup
