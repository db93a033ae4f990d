"""Requests per minute per caller, as token buckets kept in the process.

Each caller (an API key's id, or a client IP without a key) has a bucket that holds up to a
minute's worth of requests and refills continuously. The buckets live in one worker process:
with API_WORKERS=N a caller may get up to N times the limit.
"""

import math
import time
from collections.abc import Callable

MAX_BUCKETS = 50_000  # callers remembered per process; idle (full) buckets are dropped first


class RateLimit:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.per_second = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # caller -> (tokens, when counted)

    def take(self, caller: str) -> int:
        """0 when the request may go ahead, else the seconds until it may (for Retry-After)."""
        if self.per_minute <= 0:
            return 0
        now = self.clock()
        tokens, then = self._buckets.get(caller, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - then) * self.per_second)
        if tokens >= 1.0:
            self._remember(caller, tokens - 1.0, now)
            return 0
        self._remember(caller, tokens, now)
        return max(1, math.ceil((1.0 - tokens) / self.per_second))

    def waiting(self, caller: str) -> int:
        """Like `take`, but takes nothing: the seconds until the caller may go again, or 0."""
        if self.per_minute <= 0:
            return 0
        now = self.clock()
        tokens, then = self._buckets.get(caller, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - then) * self.per_second)
        return 0 if tokens >= 1.0 else max(1, math.ceil((1.0 - tokens) / self.per_second))

    def _remember(self, caller: str, tokens: float, now: float) -> None:
        if caller not in self._buckets and len(self._buckets) >= MAX_BUCKETS:
            # A bucket untouched for a minute is full again: forgetting it changes nothing.
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60.0}
            if len(self._buckets) >= MAX_BUCKETS:
                self._buckets.clear()
        self._buckets[caller] = (tokens, now)
