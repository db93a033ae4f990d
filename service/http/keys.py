"""API keys: their text, their hash, and checking a presented key against the stored one.

A key reads `sg_<id>_<secret>`: the id (12 hex digits) names the stored key, the secret (32
random bytes, URL-safe base64) proves its holder. Only the SHA-256 of the secret is stored. A
fast hash is right here: the secret is random and long, so there is nothing to guess from the
hash, and every request checks it.

Looked-up keys are cached in the process for API_KEY_CACHE_SECONDS (5 s by default), so a
revocation takes effect within that time.
"""

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from service.domain.roles import Principal, Role
from service.graph.keys import StoredKey

PREFIX = "sg"
_KEY = re.compile(r"^sg_([0-9a-f]{12})_([A-Za-z0-9_-]{20,128})$")
MAX_CACHED = 10_000  # keys (known or not) remembered per process; expired ones go first


class InvalidKey(Exception):
    """The presented key is malformed, unknown, revoked or wrong."""


@dataclass(frozen=True)
class NewKey:
    id: str
    secret: str

    @property
    def text(self) -> str:
        """The key as its holder sends it (shown once, never stored)."""
        return f"{PREFIX}_{self.id}_{self.secret}"

    @property
    def hash(self) -> str:
        return hash_secret(self.secret)


def new_key() -> NewKey:
    return NewKey(id=secrets.token_hex(6), secret=secrets.token_urlsafe(32))


def parse_key(text: str) -> tuple[str, str]:
    """(id, secret) of a well-formed key; InvalidKey otherwise."""
    match = _KEY.match(text.strip())
    if match is None:
        raise InvalidKey("malformed key")
    return match.group(1), match.group(2)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def verify(secret: str, stored: StoredKey | None) -> Principal:
    """The key's principal when the secret matches a live key; InvalidKey otherwise."""
    # Compare even when there is no stored key, so an unknown id costs the same as a wrong secret.
    expected = stored.hash if stored is not None else hash_secret("")
    matches = hmac.compare_digest(hash_secret(secret), expected)
    if stored is None or not matches or stored.revoked_at is not None:
        raise InvalidKey("unknown, revoked or wrong key")
    try:
        role = Role(stored.role)
    except ValueError as error:
        raise InvalidKey(f"unknown role {stored.role!r}") from error
    return Principal(key_id=stored.id, name=stored.name, role=role)


Lookup = Callable[[str], Awaitable[StoredKey | None]]


class KeyResolver:
    """Presented key text -> Principal, with stored keys cached for `ttl` seconds."""

    def __init__(self, lookup: Lookup, ttl: float) -> None:
        self.lookup = lookup
        self.ttl = ttl
        self._cache: dict[str, tuple[StoredKey | None, float]] = {}

    async def resolve(self, text: str) -> Principal:
        key_id, secret = parse_key(text)
        return verify(secret, await self._stored(key_id))

    async def _stored(self, key_id: str) -> StoredKey | None:
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        stored = await self.lookup(key_id)  # database errors propagate: the caller says 503
        if self.ttl > 0:
            if len(self._cache) >= MAX_CACHED:
                self._cache = {k: v for k, v in self._cache.items() if v[1] > now}
                if len(self._cache) >= MAX_CACHED:
                    self._cache.clear()
            self._cache[key_id] = (stored, now + self.ttl)
        return stored
