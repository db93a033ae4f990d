"""Subscriptions over the two protocols clients use: Server-Sent Events as `graphql-sse` defines
them (distinct connections: POST /graphql with `Accept: text/event-stream`, one stream per
operation) and WebSocket as `graphql-transport-ws` defines them (the `graphql-ws` library's
protocol, on /graphql). Both admit the caller like any read (rate limits, keys), run the
operation through the engine (`Engine.subscribe`) and send each result as it comes.

A subscriber that stops reading is dropped once a send has waited `SEND_TIMEOUT_S`: it never
holds up others, and nothing queues for it (its stream reads the feed only as it sends)."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from service.api.engine import Engine
from service.api.outcomes import Read, Result
from service.api.streams import FeedHead
from service.errors import ErrorCode
from service.http.access import Access, Rejection, presented_key

log = logging.getLogger(__name__)
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

SEND_TIMEOUT_S = 30.0  # a subscriber that reads nothing for this long is dropped
KEEPALIVE_S = 15.0  # an SSE comment line, so proxies keep an idle stream open
INIT_TIMEOUT_S = 10.0  # graphql-transport-ws: connection_init must come within this
MAX_SUBSCRIPTIONS = 16  # per WebSocket


def wants_stream(scope: Scope) -> bool:
    accept = b""
    for key, value in scope.get("headers", ()):
        if bytes(key).lower() == b"accept":
            accept = bytes(value).lower()
    return scope.get("method") == "POST" and b"text/event-stream" in accept


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def sse(
    engine: Engine,
    read: Read,
    feed: FeedHead,
    params: tuple[str | None, str | None, dict[str, Any] | None, dict[str, Any] | None],
    receive: Receive,
    send: Send,
) -> Result | None:
    """Stream a subscription's results as `next` events; a Result when it is refused."""
    query, operation, variables, extensions = params
    stream = await engine.subscribe(query, operation, variables, read=read, feed=feed, extensions=extensions)
    if isinstance(stream, Result):
        return stream
    headers = [
        (b"content-type", b"text/event-stream; charset=utf-8"),
        (b"cache-control", b"no-cache"),
        (b"x-accel-buffering", b"no"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    gone = asyncio.create_task(_until_disconnect(receive))
    try:
        await _pump(stream, gone, send)
    finally:
        gone.cancel()
        with contextlib.suppress(Exception):
            await stream.aclose()
    return None


async def _pump(stream: AsyncGenerator[dict[str, Any], None], gone: "asyncio.Task[None]", send: Send) -> None:
    async def body(chunk: bytes, more: bool = True) -> None:
        await asyncio.wait_for(
            send({"type": "http.response.body", "body": chunk, "more_body": more}), SEND_TIMEOUT_S
        )

    upcoming: asyncio.Task[dict[str, Any]] | None = None
    try:
        while True:
            if upcoming is None:
                upcoming = asyncio.ensure_future(anext(stream))
            done, _ = await asyncio.wait(
                {upcoming, gone}, timeout=KEEPALIVE_S, return_when=asyncio.FIRST_COMPLETED
            )
            if gone in done:
                return
            if upcoming not in done:
                await body(b":\n\n")
                continue
            finished, upcoming = upcoming, None
            if finished.exception() is not None:
                # A bug, not the client's doing: said in the stream's terms, then it ends.
                log.error("subscription stream failed", exc_info=finished.exception())
                failure = {
                    "errors": [{"message": "Internal error.", "extensions": {"code": ErrorCode.INTERNAL}}]
                }
                await body(b"event: next\ndata: " + orjson.dumps(failure) + b"\n\n")
                await body(b"event: complete\ndata: \n\n", more=False)
                return
            await body(b"event: next\ndata: " + orjson.dumps(finished.result()) + b"\n\n")
    except (TimeoutError, OSError):
        log.info("dropped a subscriber that stopped reading")
    finally:
        if upcoming is not None:
            upcoming.cancel()


# -- graphql-transport-ws ----------------------------------------------------------------------------

PROTOCOL = "graphql-transport-ws"


async def websocket(
    engine: Engine, access: Access, read: Read, feed: FeedHead, scope: Scope, receive: Receive, send: Send
) -> None:
    """One graphql-transport-ws connection: init, then any number of subscriptions by id."""
    if (await receive())["type"] != "websocket.connect":
        return
    offered = [
        p.strip()
        for k, v in scope.get("headers", ())
        if bytes(k).lower() == b"sec-websocket-protocol"
        for p in bytes(v).decode("latin-1").split(",")
    ]
    if PROTOCOL not in offered:
        await send(
            {"type": "websocket.close", "code": 4406, "reason": f"Subprotocol not acceptable: use {PROTOCOL}"}
        )
        return
    await send({"type": "websocket.accept", "subprotocol": PROTOCOL})
    running: dict[str, asyncio.Task[None]] = {}
    sending = asyncio.Lock()

    async def message(payload: dict[str, Any]) -> None:
        async with sending:
            await asyncio.wait_for(
                send({"type": "websocket.send", "text": orjson.dumps(payload).decode()}), SEND_TIMEOUT_S
            )

    async def close(code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await send({"type": "websocket.close", "code": code, "reason": reason})

    try:
        first = await asyncio.wait_for(_next_message(receive), INIT_TIMEOUT_S)
    except TimeoutError:
        await close(4408, "Connection initialisation timeout")
        return
    if first is None:
        return
    if first.get("type") != "connection_init":
        await close(4401, "Unauthorized: send connection_init first")
        return
    headers = {bytes(k).lower(): bytes(v) for k, v in scope.get("headers", ())}
    given = first.get("payload")
    init: dict[str, Any] = given if isinstance(given, dict) else {}
    if isinstance(init.get("Authorization"), str):
        headers[b"authorization"] = init["Authorization"].encode("latin-1", "replace")
    client = scope.get("client")
    admitted = await access.admit(client[0] if client else "unknown", presented_key(headers), True)
    if isinstance(admitted, Rejection):
        await close(4403, f"Forbidden: {admitted.message}"[:120])
        return
    await message({"type": "connection_ack"})

    async def run(op_id: str, payload: dict[str, Any]) -> None:
        query, name, variables = payload.get("query"), payload.get("operationName"), payload.get("variables")
        extensions = payload.get("extensions") if isinstance(payload.get("extensions"), dict) else None
        persisted = query is None and extensions is not None and "persistedQuery" in extensions
        if not (isinstance(query, str) or persisted) or not isinstance(variables or {}, dict):
            await message(
                {
                    "id": op_id,
                    "type": "error",
                    "payload": [
                        {
                            "message": "subscribe needs a query string and object variables",
                            "extensions": {"code": ErrorCode.BAD_REQUEST},
                        }
                    ],
                }
            )
            return
        stream = await engine.subscribe(
            query,
            name if isinstance(name, str) else None,
            variables,
            read=read,
            feed=feed,
            extensions=extensions,
        )
        if isinstance(stream, Result):
            await message({"id": op_id, "type": "error", "payload": stream.payload.get("errors", [])})
            return
        try:
            async for result in stream:
                await message({"id": op_id, "type": "next", "payload": result})
        except (TimeoutError, OSError):
            log.info("dropped a subscriber that stopped reading")
            await close(1008, "Too slow: the subscriber stopped reading")
        except asyncio.CancelledError:
            raise
        except Exception:  # the socket went away mid-send, or a bug: this subscription ends
            log.debug("subscription %s ended", op_id, exc_info=True)
        finally:
            with contextlib.suppress(Exception):
                await stream.aclose()

    try:
        while (received := await _next_message(receive)) is not None:
            kind, op_id = received.get("type"), received.get("id")
            if kind == "ping":
                await message({"type": "pong"})
            elif kind == "pong":
                continue
            elif kind == "subscribe" and isinstance(op_id, str) and isinstance(received.get("payload"), dict):
                if op_id in running and not running[op_id].done():
                    await close(4409, f"Subscriber for {op_id} already exists"[:120])
                    return
                if sum(not t.done() for t in running.values()) >= MAX_SUBSCRIPTIONS:
                    await message(
                        {
                            "id": op_id,
                            "type": "error",
                            "payload": [
                                {
                                    "message": f"At most {MAX_SUBSCRIPTIONS} subscriptions per connection.",
                                    "extensions": {"code": ErrorCode.QUERY_TOO_COMPLEX},
                                }
                            ],
                        }
                    )
                    continue
                running[op_id] = asyncio.create_task(run(op_id, received["payload"]))
            elif kind == "complete" and isinstance(op_id, str):
                if (task := running.pop(op_id, None)) is not None:
                    task.cancel()
            else:
                await close(4400, "Invalid message")
                return
    finally:
        for task in running.values():
            task.cancel()


async def _next_message(receive: Receive) -> dict[str, Any] | None:
    """The next JSON message, or None once the socket is closed."""
    while True:
        event = await receive()
        if event["type"] == "websocket.disconnect":
            return None
        if event["type"] != "websocket.receive":
            continue
        text = event.get("text") or (event.get("bytes") or b"").decode("utf-8", "replace")
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            return {"type": None}
        return value if isinstance(value, dict) else {"type": None}
