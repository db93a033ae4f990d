"""The /graphql endpoint's front: the compiled fast path first, strawberry for everything else.

A plain ASGI middleware, so a compiled query costs no framework routing or dependency injection:
it reads a JSON POST, answers it through `FastPath` when the operation is covered, and otherwise
replays the body to the strawberry router unchanged. Either way it times the request, counts its
statements and errors (`service.metrics`), logs one line and adds a `Server-Timing` header.
"""

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
from neo4j import AsyncDriver

from service.api.fast_path import FastPath, NotCovered
from service.metrics import OperationLabels, RequestRecord, observe

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

RECORD_KEY = "supplygraph.request"  # the RequestRecord in the ASGI scope


class GraphQLEndpoint:
    def __init__(
        self,
        app: ASGIApp,
        *,
        fast_path: FastPath | None,
        driver: Callable[[], AsyncDriver],
        log_requests: bool,
        path: str = "/graphql",
    ) -> None:
        self.app = app
        self.fast_path = fast_path
        self.driver = driver
        self.log_requests = log_requests
        self.path = path
        self.labels = OperationLabels()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != self.path or _page_load(scope):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        record = RequestRecord()
        scope[RECORD_KEY] = record
        if scope["method"] == "POST" and _is_json(scope):
            body = await _read_body(receive)
            if await self._compiled(body, record, send, started):
                return
            receive = replay(body, receive)
        await self.app(scope, receive, self._timed_send(send, record, started))
        observe(record, time.perf_counter() - started, self.log_requests)

    async def _compiled(self, body: bytes, record: RequestRecord, send: Send, started: float) -> bool:
        """True when the fast path answered the request."""
        request = _graphql_request(body)
        if request is None:
            return False
        query, operation_name, variables = request
        if self.fast_path is None:
            record.operation = self.labels(operation_name)
            return False
        plan, name = self.fast_path.plan(query, operation_name)
        record.operation = self.labels(name)
        if plan is None:
            return False
        try:
            outcome = await self.fast_path.execute(self.driver(), plan, query, operation_name, variables)
            payload = orjson.dumps(outcome.payload)
        except (NotCovered, orjson.JSONEncodeError):
            return False
        record.path, record.statements = "compiled", outcome.statements
        seconds = time.perf_counter() - started
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            (b"server-timing", _timing(seconds)),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
        observe(record, time.perf_counter() - started, self.log_requests)
        return True

    def _timed_send(self, send: Send, record: RequestRecord, started: float) -> Send:
        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.http_status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", _timing(time.perf_counter() - started)))
                message = {**message, "headers": headers}
            await send(message)

        return timed


def _page_load(scope: Scope) -> bool:
    """A browser fetching GraphiQL: a GET with no query is not a GraphQL request to measure."""
    return bool(scope["method"] in ("GET", "HEAD") and b"query=" not in scope.get("query_string", b""))


def _timing(seconds: float) -> bytes:
    return f"app;dur={seconds * 1000:.3f}".encode()


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return bytes(value).split(b";")[0].strip().lower() == b"application/json"
    return False


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, then the client's own messages (a disconnect, when it comes)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _graphql_request(body: bytes) -> tuple[str, str | None, dict[str, Any]] | None:
    """(query, operationName, variables) of a well-formed JSON request; None otherwise."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    query, name, variables = data.get("query"), data.get("operationName"), data.get("variables")
    if not isinstance(query, str) or not (name is None or isinstance(name, str)):
        return None
    if variables is None:
        variables = {}
    if not isinstance(variables, dict):
        return None
    return query, name, variables
