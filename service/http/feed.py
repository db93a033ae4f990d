"""The feed's head as this process sees it: one poller for all of its subscribers.

Subscribers wait for the head to pass the last change they sent, then read the feed themselves
(each with its own filter). The poller asks Neo4j for the head a few times a second only while
someone waits, so an idle process costs Neo4j nothing, and a thousand subscribers cost one
query per interval, not a thousand."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
POLL_S = 0.1


class FeedClock:
    def __init__(self, read_head: Callable[[], Awaitable[tuple[int, int]]], interval: float = POLL_S) -> None:
        self._read_head = read_head
        self._interval = interval
        self._head = 0
        self._pruned = 0
        self._moved = asyncio.Event()
        self._waiting = 0
        self._poller: asyncio.Task[None] | None = None

    async def position(self) -> tuple[int, int]:
        """(head, pruned): the last committed seq, and the one up to which the feed keeps
        nothing (0: it keeps everything)."""
        self._head, self._pruned = await self._read_head()
        return self._head, self._pruned

    async def head(self) -> int:
        return (await self.position())[0]

    async def pruned(self) -> int:
        return (await self.position())[1]

    async def wait_past(self, seq: int) -> None:
        """Return once a change after `seq` has committed."""
        self._waiting += 1
        try:
            if self._poller is None or self._poller.done():
                self._poller = asyncio.create_task(self._poll())
            while self._head <= seq:
                moved = self._moved
                await moved.wait()
                if self._head < seq:  # the feed was reset (an emptied database): start over
                    return
        finally:
            self._waiting -= 1

    async def _poll(self) -> None:
        while self._waiting > 0:
            try:
                head, self._pruned = await self._read_head()
            except Exception as error:  # Neo4j away: keep the last head, try again
                log.debug("feed head: %r", error)
                head = self._head
            if head != self._head:
                self._head = head
                moved, self._moved = self._moved, asyncio.Event()
                moved.set()
            await asyncio.sleep(self._interval)
