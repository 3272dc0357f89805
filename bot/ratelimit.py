"""A per-key sliding-window rate limiter (in memory: limits reset when the bot restarts)."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable, Hashable


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds for each key."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[Hashable, deque[float]] = defaultdict(deque)

    def hit(self, key: Hashable) -> float:
        """Count one event for ``key``; 0 if allowed, else the seconds to wait (not counted)."""
        now = self._clock()
        events = self._events[key]
        while events and now - events[0] >= self.window:
            events.popleft()
        if len(events) >= self.limit:
            return self.window - (now - events[0])
        events.append(now)
        return 0.0
