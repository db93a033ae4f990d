"""Delivering webhooks: each registered receiver gets every matching change, in `seq` order,
signed, at least once.

Every API process runs a `Dispatcher`. It takes the lease of the webhooks no live process holds
(`service.graph.webhooks.claim`), and delivers each from its own task, so a slow or dead receiver
only ever delays itself. A delivery is one POST of one change; a 2xx answer moves the webhook's
cursor past it, anything else (status, timeout, refused address) is logged and retried after
a doubling wait, and after WEBHOOK_MAX_ATTEMPTS the webhook is disabled until an admin enables
it again. Nothing is kept only in memory: a process that dies leaves its leases to expire, and
whoever takes them over resends from the cursor, which is why receivers de-duplicate by the
event id (the change's `seq`).

Each POST carries `Supplygraph-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<body>" under the webhook's secret>` (docs/webhooks.md shows a receiver that checks it).
"""

import asyncio
import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import secrets
import socket
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlunsplit

import httpx
import orjson
from neo4j import AsyncDriver

from service.api.engine import Engine
from service.api.streams import FeedHead, FeedPages
from service.api.targets import vet
from service.compiler.selection import Selection
from service.compiler.statement import Statement
from service.errors import ApiError
from service.graph import webhooks
from service.graph.reads import read_result
from service.graph.webhooks import Attempt, Claimed
from service.settings import Settings

log = logging.getLogger("supplygraph.webhooks")

PAGE = 20  # changes read per statement while catching up
USER_AGENT = "Supplygraph-Webhooks/1"


def _fields(*names: str) -> list[Selection]:
    return [Selection(name, name) for name in names]


_LINK = _fields("relationship", "id", "type")
# What a delivery says of a change: every field of `Change`.
CHANGE = [
    *_fields("seq", "entity", "type", "version", "action", "at", "keyId", "keyName", "reason", "fields"),
    *_fields("before", "after"),
    Selection("linksAdded", "linksAdded", {}, _LINK),
    Selection("linksRemoved", "linksRemoved", {}, _LINK),
]


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The Supplygraph-Signature header of a delivery."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def backoff(attempt: int, base: float, most: float) -> float:
    """Seconds to wait after failed attempt `attempt` (1, 2, ...): base, 2 base, 4 base, ..."""
    return float(min(most, base * 2 ** min(attempt - 1, 30)))


class Dispatcher:
    def __init__(self, driver: AsyncDriver, settings: Settings, engine: Engine, feed: FeedHead) -> None:
        self._driver, self._settings, self._feed = driver, settings, feed
        self._database = settings.neo4j_database
        self._engine = engine
        self._holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._lease = settings.webhook_lease_seconds
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # No proxies from the environment and no redirects: a delivery goes to the vetted
        # address of the registered URL and nowhere else.
        self._client = httpx.AsyncClient(trust_env=False, follow_redirects=False)

    async def run(self) -> None:
        """Claim webhooks and keep a delivery task for each, until cancelled."""
        every = min(self._lease / 3, 2.0)
        failing = False
        try:
            while True:
                try:
                    # Tasks of webhooks removed, disabled or taken over have ended: forget them.
                    self._tasks = {i: t for i, t in self._tasks.items() if not t.done()}
                    for claimed in await webhooks.claim(
                        self._driver, self._database, self._holder, self._lease
                    ):
                        task = self._tasks.get(claimed.id)
                        if task is None or task.done():
                            self._tasks[claimed.id] = asyncio.create_task(self._deliver(claimed))
                    failing = False
                except Exception as error:  # Neo4j away: the next round tries again
                    # Said once per outage, not every round.
                    (log.debug if failing else log.warning)("claiming webhooks failed: %r", error)
                    failing = True
                await asyncio.sleep(every)
        finally:
            for task in self._tasks.values():
                task.cancel()
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
            await self._client.aclose()
            try:
                await asyncio.wait_for(webhooks.release(self._driver, self._database, self._holder), 2)
            except Exception as error:  # others take over once the leases expire
                log.info("releasing webhook leases failed: %r", error)

    async def _read(self, statement: Statement) -> Any:
        return await read_result(
            self._driver, self._database, statement.text, statement.params, self._settings.neo4j_query_timeout
        )

    async def _renew(self, webhook_id: str) -> Claimed | None:
        return await webhooks.renew(self._driver, self._database, webhook_id, self._holder, self._lease)

    async def _deliver(self, state: Claimed) -> None:
        """Deliver one webhook's changes while this process holds its lease."""
        engine = self._engine
        pages = FeedPages(
            engine.api.queries["changes"], engine.filter_limits, self._read, json.loads(state.filter), CHANGE
        )
        renew_every = self._lease / 3
        current: Claimed | None = state
        failing = False
        while current is not None:
            try:
                current = await self._step(current, pages, renew_every)
                failing = False
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Neo4j away: keep the lease if possible, try again
                (log.debug if failing else log.warning)("webhook %s: %r", state.id, error)
                failing = True
                await asyncio.sleep(1.0)
                try:
                    current = await self._renew(state.id)
                except Exception:
                    current = state

    async def _step(self, state: Claimed, pages: FeedPages, renew_every: float) -> Claimed | None:
        """One round: wait for a due retry, or deliver what is pending, or wait for the feed."""
        if state.next_attempt_at is not None:
            due = (state.next_attempt_at - datetime.now(UTC)).total_seconds()
            if due > 0:
                await asyncio.sleep(min(due, renew_every))
                return await self._renew(state.id)
        head, pruned = await self._feed.position()
        if state.cursor < pruned:
            reason = (
                f"The feed no longer keeps the changes after seq {state.cursor} (pruned up to {pruned}); "
                "resync the receiver from an export, then register it again."
            )
            attempt = Attempt(state.cursor, state.attempts + 1, False, None, reason, 0.0, None, reason)
            await self._record(state, attempt)
            return None
        changes, _ = await pages.after(state.cursor, PAGE)
        if not changes:
            # Every change up to `head` committed before this page was read: none of them matches.
            if head > state.cursor and not await webhooks.pass_over(
                self._driver, self._database, state.id, self._holder, head
            ):
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._feed.wait_past(max(head, state.cursor)), renew_every)
            return await self._renew(state.id)
        for seq, change in changes:
            # Each attempt's record renews the lease and says whether to go on (None: the
            # webhook was disabled or removed, or another process holds it now).
            renewed = await self._attempt(state, seq, change)
            if renewed is None or renewed.attempts:
                return renewed
            state = renewed
        return state

    async def _record(self, state: Claimed, attempt: Attempt) -> Claimed | None:
        return await webhooks.record_attempt(
            self._driver, self._database, state.id, self._holder, attempt, self._lease
        )

    async def _attempt(self, state: Claimed, seq: int, change: dict[str, Any]) -> Claimed | None:
        """POST one change and log the attempt: the webhook as it is after it."""
        settings = self._settings
        body = orjson.dumps({"id": str(seq), "seq": seq, "webhook": state.id, "change": change})
        started = time.perf_counter()
        status: int | None = None
        try:
            status = await asyncio.wait_for(self._post(state, seq, body), settings.webhook_timeout_seconds)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except TimeoutError:
            error = f"no answer within {settings.webhook_timeout_seconds:g} s"
        except ApiError as refused:
            error = f"refused: {refused}"
        except httpx.HTTPError as failed:
            error = f"{type(failed).__name__}: {failed}" if str(failed) else type(failed).__name__
        ms = (time.perf_counter() - started) * 1000
        number = state.attempts + 1
        ok = error is None
        retry = None
        if not ok:
            retry = backoff(number, settings.webhook_retry_base_seconds, settings.webhook_retry_max_seconds)
        disable = None
        if not ok and number >= settings.webhook_max_attempts:
            disable, retry = f"{number} failed attempts at change {seq}; last: {error}", None
        return await self._record(state, Attempt(seq, number, ok, status, error, ms, retry, disable))

    async def _post(self, state: Claimed, seq: int, body: bytes) -> int:
        target = await vet(state.url, self._settings.webhook_allow_private)
        address = target.addresses[0]
        netloc = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
        url = urlunsplit(
            (target.url.scheme, f"{netloc}:{target.port}", target.url.path or "/", target.url.query, "")
        )
        timestamp = int(time.time())
        headers = {
            "Host": target.url.netloc,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Supplygraph-Event-Id": str(seq),
            "Supplygraph-Webhook": state.id,
            "Supplygraph-Signature": signature(state.secret, timestamp, body),
        }
        # Connect to the vetted address; TLS still checks the certificate against the host name.
        extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
        request = self._client.build_request(
            "POST", url, content=body, headers=headers, extensions=extensions
        )
        response = await self._client.send(request, stream=True)  # the receiver's body is never read
        await response.aclose()
        return response.status_code
