"""Rate limits, in memory (they reset when the bot restarts): per key, and for the whole bot."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Hashable

from cachetools import TTLCache

MAX_KEYS = 100_000  # users followed at once; the least recently seen are forgotten first


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds for each key.

    Memory stays bounded: a key quiet for a whole window is forgotten, and at most ``max_keys``
    are kept.
    """

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: TTLCache[Hashable, deque[float]] = TTLCache(max_keys, window, timer=clock)
        self._noticed: TTLCache[Hashable, float] = TTLCache(max_keys, window, timer=clock)

    def hit(self, key: Hashable) -> float:
        """Count one event for ``key``; 0 if allowed, else the seconds to wait (not counted)."""
        now = self._clock()
        events = self._events.get(key)
        if events is None:
            events = deque()
        while events and now - events[0] >= self.window:
            events.popleft()
        self._events[key] = events  # (re)starts the key's time to live
        if len(events) >= self.limit:
            return self.window - (now - events[0])
        events.append(now)
        return 0.0

    def first_refusal(self, key: Hashable) -> bool:
        """True once per window for a refused key: tell the user to slow down only once."""
        events = self._events.get(key)
        started = events[0] if events else self._clock()
        if self._noticed.get(key) == started:
            return False
        self._noticed[key] = started
        return True

    def __len__(self) -> int:
        return len(self._events)


class SlidingWindow:
    """At most ``rate`` acquisitions in any ``period`` seconds (at least 1), for asyncio callers
    (FIFO)."""

    def __init__(self, rate: float, period: float = 1.0) -> None:
        self.capacity = max(1, int(rate))  # per period (a second, or a little more)
        self.period = period
        self._times: deque[float] = deque()
        self._lock = asyncio.Lock()

    def try_acquire(self) -> bool:
        """Take a slot only if one is free now (for calls that may simply be skipped)."""
        if self._lock.locked():
            return False
        now = time.monotonic()
        while self._times and now - self._times[0] >= self.period:
            self._times.popleft()
        if len(self._times) >= self.capacity:
            return False
        self._times.append(now)
        return True

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._times and now - self._times[0] >= self.period:
                    self._times.popleft()
                if len(self._times) < self.capacity:
                    self._times.append(now)
                    return
                await asyncio.sleep(self.period - (now - self._times[0]) + 0.001)
