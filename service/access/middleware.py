"""The checks in front of /graphql that need no GraphQL: body size, API key, rate limit.

A plain ASGI middleware outside `GraphQLEndpoint`, so it runs first, for the fast path and for
strawberry alike. In order:

1. a declared body over API_MAX_BODY_BYTES      -> 413 PAYLOAD_TOO_LARGE
2. a key (`Authorization: Bearer <key>` or `X-API-Key: <key>`) that is malformed, unknown,
   revoked or wrong                              -> 401 UNAUTHENTICATED (never treated as anonymous)
3. no key while API_REQUIRE_KEY_FOR_READS is set -> 401 UNAUTHENTICATED
4. over the caller's rate (per key, else per IP) -> 429 RATE_LIMITED with Retry-After
5. a body that turns out bigger while it streams -> 413 PAYLOAD_TOO_LARGE

A rejection answers with a GraphQL-style JSON body (`errors[0].extensions.code`). Otherwise the
caller's `Principal` (or None) goes into the ASGI scope under PRINCIPAL_KEY, where the context
getter picks it up for resolvers. Rate limits and the key cache are per worker process.
WebSocket handshakes to /graphql are refused: there are no subscriptions.
"""

import logging
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import orjson
from neo4j.exceptions import DriverError, Neo4jError

from service.access.keys import InvalidKey, KeyResolver
from service.access.rate_limit import RateLimit
from service.access.roles import Principal
from service.api.endpoint import ASGIApp, Message, Receive, Scope, Send, replay
from service.metrics import RequestRecord, observe
from service.settings import Settings

PRINCIPAL_KEY = "supplygraph.principal"  # the caller's Principal (or None) in the ASGI scope
_BODYLESS = {"GET", "HEAD", "OPTIONS"}

log = logging.getLogger("supplygraph.access")


@dataclass(frozen=True)
class Rejection:
    status: int
    code: str
    message: str
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


def unauthenticated(message: str) -> Rejection:
    return Rejection(401, "UNAUTHENTICATED", message, [(b"www-authenticate", b"Bearer")])


class AccessControl:
    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        keys: KeyResolver,
        log_requests: bool,
        path: str = "/graphql",
    ) -> None:
        self.app = app
        self.keys = keys
        self.max_body = settings.api_max_body_bytes
        self.require_key = settings.api_require_key_for_reads
        self.anonymous = RateLimit(settings.api_rate_limit_anonymous)
        self.keyed = RateLimit(settings.api_rate_limit_keyed)
        self.log_requests = log_requests
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"].rstrip("/") != self.path:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            # The schema has no subscriptions: a socket (strawberry's protocols run queries and
            # mutations too) could only be a way around the checks below. Refused: HTTP 403.
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        started = time.perf_counter()
        rejection = await self._admit(scope)
        if rejection is None and scope["method"] not in _BODYLESS:
            body = await _read_body(receive, self.max_body)
            if body is None:
                rejection = _too_large(self.max_body)
            else:
                receive = replay(body, receive)
        if rejection is not None:
            await _reject(send, rejection)
            record = RequestRecord(
                path="rejected", error_codes=[rejection.code], http_status=rejection.status
            )
            observe(record, time.perf_counter() - started, self.log_requests)
            return
        await self.app(scope, receive, send)

    async def _admit(self, scope: Scope) -> Rejection | None:
        """None when the request may go on (with the principal in the scope), else why not."""
        headers = _headers(scope)
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:
            return _too_large(self.max_body)
        client = scope.get("client")
        address = f"ip:{client[0]}" if client else "ip:unknown"
        principal: Principal | None = None
        text = _presented_key(headers)
        if text is not None:
            try:
                principal = await self.keys.resolve(text)
            except InvalidKey:
                # Failed attempts count against the address, so keys cannot be guessed at speed.
                wait = self.anonymous.take(address)
                return _limited(wait) if wait else unauthenticated("Invalid or revoked API key.")
            except (Neo4jError, DriverError, OSError) as error:
                log.warning("API key lookup failed: %r", error)
                return Rejection(503, "SERVICE_UNAVAILABLE", "Neo4j is unavailable; try again shortly.")
        scope[PRINCIPAL_KEY] = principal
        if principal is None:
            if self.require_key and _runs_operation(scope):
                return unauthenticated("This API needs an API key (Authorization: Bearer <key>).")
            wait = self.anonymous.take(address)
        else:
            wait = self.keyed.take(f"key:{principal.key_id}")
        return _limited(wait) if wait else None


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {bytes(name).lower(): bytes(value) for name, value in scope.get("headers", ())}


def _presented_key(headers: dict[bytes, bytes]) -> str | None:
    """The key text the caller sent ("" for an Authorization header that carries no bearer key)."""
    authorization = headers.get(b"authorization")
    if authorization is not None:
        scheme, _, credentials = authorization.decode("latin-1").strip().partition(" ")
        return credentials.strip() if scheme.lower() == "bearer" else ""
    api_key = headers.get(b"x-api-key")
    return api_key.decode("latin-1").strip() if api_key is not None else None


def _runs_operation(scope: Scope) -> bool:
    """False only for a GET without a `query` parameter: the GraphiQL page, which reads nothing."""
    if scope["method"] != "GET":
        return True
    return "query" in parse_qs(scope.get("query_string", b"").decode("latin-1"))


def _too_large(limit: int) -> Rejection:
    return Rejection(413, "PAYLOAD_TOO_LARGE", f"The request body is over {limit} bytes.")


def _limited(wait: int) -> Rejection:
    message = f"Too many requests; retry in {wait} s."
    return Rejection(429, "RATE_LIMITED", message, [(b"retry-after", str(wait).encode())])


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes `limit` bytes."""
    chunks, size = [], 0
    while True:
        message: Message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _reject(send: Send, rejection: Rejection) -> None:
    body = orjson.dumps({"errors": [{"message": rejection.message, "extensions": {"code": rejection.code}}]})
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *rejection.headers,
    ]
    if rejection.status == 413:
        headers.append((b"connection", b"close"))  # the rest of the body is not read
    await send({"type": "http.response.start", "status": rejection.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
