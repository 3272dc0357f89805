"""Alerts: which followed calls are due a deadline reminder today (30, 7 and 1 days before), and
which followed programmes have just opened their next edition."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .calls import Call
from .db import Subscription
from .matching import Matcher, Suggestion

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


NEXT = "next:"  # subscriptions to the next edition of a programme (see the dialogue)


def due_openings(subscriptions: list[Subscription], matcher: Matcher) -> list[Opened]:
    """Followers of a programme's next edition whose programme now has an open edition."""
    opened = []
    for subscription in subscriptions:
        if not subscription.call_id.startswith(NEXT):
            continue
        record = subscription.call_id.removeprefix(NEXT)
        found = matcher.describe(record, subscription.description, subscription.language)
        if found is not None and found.status == "open":
            opened.append(Opened(subscription, found))
    return opened


@dataclass(frozen=True)
class Opened:
    """News to send: the edition a follower waited for is open (the subscription then ends)."""

    subscription: Subscription
    suggestion: Suggestion
