"""Helpers for tests that wait on another process or task, and read its /metrics page."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from prometheus_client.parser import text_string_to_metric_families


async def eventually(check: Callable[[], object], what: str, seconds: float = 30) -> None:
    """Wait until ``check()`` (sync or async) is true; fail naming ``what`` after ``seconds``."""
    for _ in range(int(seconds / 0.05)):
        outcome = check()
        if asyncio.iscoroutine(outcome):
            outcome = await outcome
        if outcome:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics page: (name, sorted labels) -> value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
