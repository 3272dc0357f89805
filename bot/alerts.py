"""Deadline reminders: which followed calls are due a reminder today (30, 7 and 1 days before)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .calls import Call
from .db import Subscription

THRESHOLDS = (1, 7, 30)  # days before a deadline


@dataclass(frozen=True)
class Due:
    """A reminder to send now; ``covers`` are the thresholds it stands for (catch-up included)."""

    subscription: Subscription
    call: Call
    days_left: int
    covers: frozenset[int]


def due_reminders(
    subscriptions: list[Subscription], calls: dict[str, Call], now: dt.datetime
) -> list[Due]:
    """One reminder per subscription whose next deadline crossed a threshold not yet reminded.

    A day the job did not run is caught up: a call 5 days away that never had its 7-day
    reminder gets it now (and the 30-day one is not sent late on top of it).
    """
    due = []
    for subscription in subscriptions:
        call = calls.get(subscription.call_id)
        days = call.days_left(now) if call else None
        if call is None or days is None:
            continue
        crossed = frozenset(t for t in THRESHOLDS if days <= t)
        if crossed and not crossed <= subscription.sent():
            due.append(Due(subscription, call, days, crossed))
    return due
