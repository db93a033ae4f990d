"""/graphql over HTTP, as the GraphQL-over-HTTP specification says.

A plain ASGI app, so a request costs no framework routing. It accepts POST with a JSON body
and GET with URL parameters (queries only: a mutation by GET is 405), and answers in the media
type the client accepts:

- `application/graphql-response+json` (asked for in Accept): request errors (unparseable,
  invalid, bad variables, over a limit) are 4xx with no `data`;
- `application/json` (the default, and for `*/*` or no Accept): the legacy behaviour, 200 for
  every well-formed GraphQL request, request errors without `data` in the body.

A request may leave `query` out and name its document by hash in `extensions.persistedQuery`
(Apollo's persisted queries, `service.api.persisted`); a GET by hash is cached like any other.
Requests that are not GraphQL requests at all (a body that is not a JSON object, a `query` that
is not a string, non-object `variables` or `extensions`) are 400 in both; an Accept naming
neither type is answered in JSON; a POST that is not JSON is 415, a body over API_MAX_BODY_BYTES
413. Authentication (401, 403) and rate limits (429) carry their own statuses. Every answer is JSON with
`errors[].extensions.code`; every request is timed, counted and logged (`service.http.metrics`).
"""

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson

from service.api.engine import Engine
from service.api.outcomes import Read, Result
from service.api.persisted import MalformedPersistedQuery, PersistedQuery, persisted_query
from service.api.streams import FeedHead
from service.errors import ErrorCode
from service.graph import edits
from service.http.access import Access, Rejection, presented_key
from service.http.caching import NO_STORE, Headers, cache_headers, entity_tag, matches
from service.http.metrics import OperationLabels, RequestRecord, observe
from service.http.streams import sse, wants_stream

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

log = logging.getLogger("supplygraph")

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


class BadRequest(Exception):
    """Not a GraphQL-over-HTTP request: answered with its status and code, before any GraphQL."""

    def __init__(
        self, status: int, code: str, message: str, headers: list[tuple[bytes, bytes]] | None = None
    ):
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers or []


@dataclass(frozen=True)
class Params:
    query: str | None  # None when `persisted` names the document
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None
    persisted: PersistedQuery | None = None

    @property
    def document(self) -> str | None:
        """What the answer depends on besides variables: the text, or the hash that names it."""
        if self.query is None and self.persisted is not None:
            return f"sha256:{self.persisted.sha256_hash}"
        return self.query


def media_type(accept: str) -> str:
    """The response's media type for an Accept header (RFC 9110 q-values honoured)."""
    if not accept.strip():
        return JSON
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        kind, *options = (p.strip() for p in part.split(";"))
        quality = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        kind = kind.lower()
        if quality > 0 and kind in (GRAPHQL_RESPONSE, JSON, "application/*", "*/*"):
            chosen = GRAPHQL_RESPONSE if kind == GRAPHQL_RESPONSE else JSON
            choices.append((quality, -position, chosen))
    # Accepting neither, the client gets JSON all the same (the spec lets a server disregard
    # Accept): a browser's address bar with ?query= sends text/html first.
    return max(choices)[2] if choices else JSON


def _object(value: Any, name: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequest(400, ErrorCode.BAD_REQUEST, f"{name} must be a JSON object.")
    return value


def params_of(data: Any) -> Params:
    """The request parameters of a decoded body (or of URL parameters), checked."""
    if not isinstance(data, dict):
        raise BadRequest(400, ErrorCode.BAD_REQUEST, "The body must be a JSON object with a `query` string.")
    query, name = data.get("query"), data.get("operationName")
    extensions = _object(data.get("extensions"), "extensions")
    try:
        persisted = persisted_query(extensions)
    except MalformedPersistedQuery as error:
        raise BadRequest(400, ErrorCode.BAD_REQUEST, str(error)) from None
    # A persisted query may leave the document out: its hash names it.
    if not isinstance(query, str) and not (query is None and persisted is not None):
        raise BadRequest(400, ErrorCode.BAD_REQUEST, "`query` must be a string holding a GraphQL document.")
    if name is not None and not isinstance(name, str):
        raise BadRequest(400, ErrorCode.BAD_REQUEST, "`operationName` must be a string or null.")
    return Params(query, name, _object(data.get("variables"), "variables"), extensions, persisted)


def _get_params(query_string: bytes) -> Params:
    fields = dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
    data: dict[str, Any] = {
        "query": fields.get("query"),
        "operationName": fields.get("operationName") or None,
    }
    for name in ("variables", "extensions"):
        if fields.get(name):
            data[name] = _json(fields[name].encode("latin-1"), name)
    return params_of(data)


def _json(body: bytes, what: str = "The body") -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadRequest(
            400, ErrorCode.BAD_REQUEST, f"{what} is not valid JSON (UTF-8): {error.msg}."
        ) from None


class GraphQLApp:
    """The /graphql endpoint: HTTP in, the engine, HTTP out."""

    def __init__(
        self,
        engine: Engine,
        access: Access,
        read: Read,
        store: Callable[[], edits.Store],
        max_body: int,
        log_requests: bool,
        feed: FeedHead,
        cache_control: str = "public, max-age=0, must-revalidate",
    ) -> None:
        self.feed = feed
        self.cache_control = cache_control
        self.engine = engine
        self.access = access
        self.read = read
        self.store = store
        self.max_body = max_body
        self.log_requests = log_requests
        self.labels = OperationLabels()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        record = RequestRecord()
        media = JSON
        try:
            media = media_type(_header(scope, b"accept"))
            handled = await self._handle(scope, receive, send, record)
            if handled is None:  # streamed (a subscription over SSE)
                observe(record, time.perf_counter() - started, self.log_requests)
                return
            status, payload, headers = handled
        except BadRequest as error:
            record.path, record.error_codes = "rejected", [error.code]
            status, payload = error.status, _errors(str(error), error.code)
            await _respond(send, status, payload, media, started, error.headers)
        except Exception:
            # A bug, not the client's doing: logged with its trace, answered in JSON like the rest.
            log.exception("unhandled error in /graphql")
            record.path, record.error_codes = "rejected", [ErrorCode.INTERNAL]
            status, payload = 500, _errors("Internal error.", ErrorCode.INTERNAL)
            await _respond(send, status, payload, media, started, [])
        else:
            await _respond(send, status, payload, media, started, headers)
        record.http_status = status
        observe(record, time.perf_counter() - started, self.log_requests)

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, record: RequestRecord
    ) -> tuple[int, dict[str, Any] | None, Headers] | None:
        """(status, payload, extra headers) of the answer; None once it was streamed. A payload
        of None is a 304: the client's cached answer is current."""
        method = scope["method"]
        if method not in ("GET", "POST"):
            raise BadRequest(
                405, ErrorCode.METHOD_NOT_ALLOWED, "Use GET or POST.", [(b"allow", b"GET, POST")]
            )
        headers = {bytes(k).lower(): bytes(v) for k, v in scope.get("headers", ())}
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:
            if int(declared) <= self.max_body * DRAIN_FACTOR:
                await _drain(receive, self.max_body * DRAIN_FACTOR)
            raise _too_large(self.max_body)
        client, key = scope.get("client"), presented_key(headers)
        admitted = await self.access.admit(client[0] if client else "unknown", key, True)
        if isinstance(admitted, Rejection):
            raise BadRequest(admitted.status, admitted.code, admitted.message, admitted.headers)
        tag = None
        if method == "GET":
            params = _get_params(scope.get("query_string", b""))
            # The answer's tag is known before the query runs: a current one costs no query. A
            # hash is as good as the text it names once this process knows that text; a document
            # it would refuse gets no tag, so no 304 either.
            request = (params.document, params.operation_name, params.variables)
            if self.engine.persisted.runs(params.query, params.persisted):
                tag = await self._tag(request, media_type(_header(scope, b"accept")), key)
            if tag is not None and matches(_header(scope, b"if-none-match"), tag):
                record.path = "not-modified"
                return 304, None, cache_headers(tag, key is not None, self.cache_control)
        else:
            content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            if content_type != b"application/json":
                raise BadRequest(
                    415,
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "POST a JSON body (Content-Type: application/json).",
                )
            params = params_of(_json(await _read_body(receive, self.max_body)))
            if wants_stream(scope):
                record.path = "subscription"
                streamed = (params.query, params.operation_name, params.variables, params.extensions)
                refused = await sse(self.engine, self.read, self.feed, streamed, receive, send)
                if refused is None:
                    return None
                record.path, record.error_codes = "rejected", refused.error_codes
                return _status(refused, _header(scope, b"accept")), refused.payload, []
        result = await self.engine.execute(
            params.query,
            params.operation_name,
            params.variables,
            principal=admitted,
            read=self.read,
            store=self.store(),
            read_only=method == "GET",
            feed=self.feed,
            extensions=params.extensions,
        )
        record.operation = self.labels(result.operation)
        record.statements, record.error_codes = result.statements, result.error_codes
        record.path = "rejected" if result.request_error else result.kind
        cache: Headers = []
        if method == "GET" and "errors" in result.payload:
            cache = NO_STORE  # an unknown hash too: a cache must not keep the client from retrying
        elif tag is not None:
            cache = cache_headers(tag, key is not None, self.cache_control)
        return _status(result, _header(scope, b"accept")), result.payload, cache

    async def _tag(
        self, request: tuple[str | None, str | None, object], media: str, key: str | None
    ) -> str | None:
        """The answer's entity tag, or None when the feed's head cannot be read (Neo4j away: the
        query then says so itself, and nothing is cached)."""
        try:
            head = await self.feed.head()
        except Exception as error:
            log.debug("no entity tag: %r", error)
            return None
        return entity_tag(head, request, media, key)


def _status(result: Result, accept: str) -> int:
    if not result.request_error:
        return 200
    if result.status in (401, 403, 405):
        return result.status
    return result.status if media_type(accept) == GRAPHQL_RESPONSE else 200


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if bytes(key).lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def _errors(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


# A refused body up to this many times the limit is read to its end, so the 413 reaches the
# client; a larger one gets the 413 at once and the connection closes under it.
DRAIN_FACTOR = 8


def _too_large(limit: int) -> BadRequest:
    return BadRequest(
        413,
        ErrorCode.PAYLOAD_TOO_LARGE,
        f"The request body is over {limit} bytes.",
        [(b"connection", b"close")],
    )


async def _drain(receive: Receive, budget: int) -> None:
    """Read and drop the rest of a refused body, up to `budget` bytes: a server that closes with
    unread bytes makes the kernel reset the connection, and the client sees that instead of 413."""
    size = 0
    while size <= budget:
        message = await receive()
        if message["type"] != "http.request":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The whole body; 413 as soon as it passes `limit` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            if message.get("more_body", False):
                await _drain(receive, limit * (DRAIN_FACTOR - 1))
            raise _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _respond(
    send: Send,
    status: int,
    payload: dict[str, Any] | None,
    media: str,
    started: float,
    extra: list[tuple[bytes, bytes]],
) -> None:
    if payload is None:  # 304: no body, the cache headers only
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": b""})
        return
    body = orjson.dumps(payload)
    headers = [
        (b"content-type", f"{media}; charset=utf-8".encode()),
        (b"content-length", str(len(body)).encode()),
        (b"server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.3f}".encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
