"""Who is calling, and may they: API keys and rate limits, checked before any GraphQL runs.

In order, for each request to /graphql:

1. over the caller's rate: per client address for anonymous calls, per key for keyed ones,
   and per address for failed keys, checked before the key is looked up (a guesser's address
   is cut off without further database lookups)                       -> 429 RATE_LIMITED
2. a key (`Authorization: Bearer <key>` or `X-API-Key: <key>`) that is malformed, unknown,
   revoked or wrong (never treated as anonymous; counts against the address) -> 401 UNAUTHENTICATED
3. no key while API_REQUIRE_KEY_FOR_READS is set                           -> 401 UNAUTHENTICATED

The client address is the connection's peer: uvicorn takes it from X-Forwarded-For only when
the peer is one of API_TRUSTED_PROXIES (none by default). Rate limits and the key cache are per
worker process.
"""

import logging
from dataclasses import dataclass, field

from neo4j.exceptions import DriverError, Neo4jError

from service.domain.roles import Principal
from service.errors import ErrorCode
from service.http.keys import InvalidKey, KeyResolver
from service.http.rate_limit import RateLimit
from service.settings import Settings

log = logging.getLogger("supplygraph.access")


@dataclass(frozen=True)
class Rejection:
    status: int
    code: str
    message: str
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


def unauthenticated(message: str) -> Rejection:
    return Rejection(401, ErrorCode.UNAUTHENTICATED, message, [(b"www-authenticate", b"Bearer")])


def limited(wait: int) -> Rejection:
    message = f"Too many requests; retry in {wait} s."
    return Rejection(429, ErrorCode.RATE_LIMITED, message, [(b"retry-after", str(wait).encode())])


class Access:
    def __init__(self, settings: Settings, keys: KeyResolver) -> None:
        self.keys = keys
        self.require_key = settings.api_require_key_for_reads
        self.anonymous = RateLimit(settings.api_rate_limit_anonymous)
        self.keyed = RateLimit(settings.api_rate_limit_keyed)
        self.failures = RateLimit(settings.api_rate_limit_anonymous)

    async def admit(
        self, client: str, key_text: str | None, runs_operation: bool
    ) -> Principal | Rejection | None:
        """The caller's principal (None: anonymous) when the request may go on, else why not."""
        address = f"ip:{client}"
        if key_text is None:
            if self.require_key and runs_operation:
                return unauthenticated("This API needs an API key (Authorization: Bearer <key>).")
            wait = self.anonymous.take(address)
            return limited(wait) if wait else None
        # An address out of failed attempts is refused before its key is looked up.
        if wait := self.failures.waiting(address):
            return limited(wait)
        try:
            principal = await self.keys.resolve(key_text)
        except InvalidKey:
            # Failed attempts count against the address, so keys cannot be guessed at speed.
            self.failures.take(address)
            wait = self.anonymous.take(address)
            return limited(wait) if wait else unauthenticated("Invalid or revoked API key.")
        except (Neo4jError, DriverError, OSError) as error:
            log.warning("API key lookup failed: %r", error)
            return Rejection(503, ErrorCode.SERVICE_UNAVAILABLE, "Neo4j is unavailable; try again shortly.")
        wait = self.keyed.take(f"key:{principal.key_id}")
        return limited(wait) if wait else principal


def presented_key(headers: dict[bytes, bytes]) -> str | None:
    """The key text the caller sent ("" for an Authorization header that carries no bearer key)."""
    authorization = headers.get(b"authorization")
    if authorization is not None:
        scheme, _, credentials = authorization.decode("latin-1").strip().partition(" ")
        return credentials.strip() if scheme.lower() == "bearer" else ""
    api_key = headers.get(b"x-api-key")
    return api_key.decode("latin-1").strip() if api_key is not None else None
