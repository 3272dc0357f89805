"""Prometheus metrics of the bot, and the Telegram conflict record shown by ``/healthz``.

No transport here: the front end calls the small functions below, and the web server renders
:func:`exposition`. Labels hold kinds and modes only, never a chat, a user or a text.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
UPDATES = Counter(
    "inspire_updates",
    "Telegram updates received, by outcome (handled, or duplicate: already taken by this or "
    "another replica)",
    ["outcome"],
    registry=REGISTRY,
)
ANSWERS = Counter(
    "inspire_answers",
    "Replies to free-text questions, by path (card, extractive, abstain, calls, contact, "
    "smalltalk) and mode (extractive, generated, fallback; none without an answer)",
    ["path", "mode"],
    registry=REGISTRY,
)
ABSTENTIONS = Counter(
    "inspire_abstentions", "Questions the assistant declined to answer", registry=REGISTRY
)
LATENCY = Histogram(
    "inspire_answer_seconds",
    "Time to build the reply to a free-text question (sending not included)",
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0),
    registry=REGISTRY,
)
TELEGRAM_ERRORS = Counter(
    "inspire_telegram_errors",
    "Errors returned by the Telegram Bot API, by kind",
    ["kind"],
    registry=REGISTRY,
)
CONFLICT_LOG_INTERVAL = 60.0  # seconds: a 409 repeats at every poll; it is logged once a minute
CONFLICT_WINDOW = 300.0  # seconds: a conflict this recent makes /healthz unhealthy


def update_received(duplicate: bool) -> None:
    UPDATES.labels("duplicate" if duplicate else "handled").inc()


def answered(path: str, mode: str | None, abstained: bool, seconds: float) -> None:
    """One free-text question answered (or declined) in ``seconds``."""
    ANSWERS.labels(path, mode or "none").inc()
    if abstained:
        ABSTENTIONS.inc()
    LATENCY.observe(seconds)


def telegram_error(kind: str) -> None:
    TELEGRAM_ERRORS.labels(kind).inc()


class Conflicts:
    """Telegram's 409 Conflict: another process polls with the same token (or deleted the
    webhook to poll). Logged loudly, at most once a minute, and shown by ``/healthz``."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.last: float | None = None  # wall-clock time of the latest conflict
        self.count = 0
        self._logged = -math.inf

    def note(self, description: str) -> None:
        now = self.clock()
        self.last = now
        self.count += 1
        if now - self._logged >= CONFLICT_LOG_INTERVAL:
            self._logged = now
            log.error(
                "TELEGRAM CONFLICT (409): another bot process uses this token (%s). Only one "
                "process may poll; replicas must use --webhook. %d conflict(s) so far.",
                description,
                self.count,
            )

    def recent(self) -> bool:
        return self.last is not None and self.clock() - self.last < CONFLICT_WINDOW

    def summary(self) -> dict[str, object]:
        ago = None if self.last is None else round(self.clock() - self.last, 1)
        return {"count": self.count, "seconds_ago": ago, "recent": self.recent()}


def by_state(per_network: dict[str, dict[str, int]]) -> dict[str, int]:
    """Dossiers by network and state → by state."""
    total: dict[str, int] = {}
    for states in per_network.values():
        for state, count in states.items():
            total[state] = total.get(state, 0) + count
    return total


class HandoffStates(Collector):
    """Dossiers by state, read from the database at scrape time (nothing to keep in step)."""

    def __init__(self, counts: Callable[[], dict[str, int]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "inspire_handoffs", "Hand-off dossiers in the database, by state", labels=["state"]
        )
        try:
            counts = self.counts()
        except Exception as exc:  # the database is down: the other metrics still go out
            log.warning("Hand-off counts not read for /metrics: %s", type(exc).__name__)
            return
        for state, count in sorted(counts.items()):
            gauge.add_metric([state], count)
        yield gauge


class _Together(Collector):
    def __init__(self, collectors: Iterable[Collector]) -> None:
        self.collectors = list(collectors)

    def collect(self) -> Iterator[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def exposition(*extra: Collector) -> bytes:
    """The metrics in Prometheus' text format (the process-wide ones, then ``extra``)."""
    return generate_latest(_Together([REGISTRY, *extra]))
