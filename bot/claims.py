"""Claims in the database, so that several bot processes (replicas behind a load balancer) never
do the same thing twice: handle an update, send a deadline reminder, announce an opening, tell a
chat of a new call.

Each claim is one atomic statement whose row count says who won; the loser backs off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, update

from .db import (
    Database,
    NewCallNotice,
    ProcessedUpdate,
    Subscription,
    chat_hash,
    upsert_insert,
    utcnow,
)

UPDATE_MEMORY = dt.timedelta(days=1)  # Telegram stops redelivering an update well before that
# a call found new again after that (a snapshot that old, a call withdrawn and republished) is
# told again
NEWS_MEMORY = dt.timedelta(days=90)


def claim_update(database: Database, update_id: int) -> bool:
    """Take a Telegram update for this process; False: another process (or an earlier delivery
    to this one) already took it."""
    with database.on_every_message(), database.session() as session, session.begin():
        insert = upsert_insert(session.get_bind().dialect.name)
        statement = (
            insert(ProcessedUpdate)
            .values(update_id=update_id, at=utcnow())
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(ProcessedUpdate.update_id)  # (the row count is not told on PostgreSQL)
        )
        return session.execute(statement).scalar_one_or_none() is not None


def purge_updates(database: Database, now: dt.datetime | None = None) -> int:
    """Forget the updates taken more than a day ago; returns how many."""
    cutoff = (now or utcnow()) - UPDATE_MEMORY
    with database.session() as session, session.begin():
        result = session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.at < cutoff))
        return int(result.rowcount)  # type: ignore[attr-defined]


def claim_reminder(database: Database, subscription: Subscription, thresholds: set[int]) -> bool:
    """Mark a reminder sent before sending it, if nobody did since ``subscription`` was read
    (compare-and-set on the thresholds reminded); False: another process sends it."""
    with database.session() as session, session.begin():
        result = session.execute(
            update(Subscription)
            .where(
                Subscription.id == subscription.id, Subscription.reminded == subscription.reminded
            )
            .values(reminded=subscription.reminded_with(thresholds))
        )
        return int(result.rowcount) == 1  # type: ignore[attr-defined]


def release_reminder(database: Database, subscription: Subscription, thresholds: set[int]) -> None:
    """The claimed reminder could not be sent: it is due again at the next run."""
    with database.session() as session, session.begin():
        session.execute(
            update(Subscription)
            .where(
                Subscription.id == subscription.id,
                Subscription.reminded == subscription.reminded_with(thresholds),
            )
            .values(reminded=subscription.reminded)
        )


def take_subscription(database: Database, subscription_id: int) -> bool:
    """Remove a subscription whose last message is about to go out; False: another process
    removed it (and sends that message)."""
    with database.session() as session, session.begin():
        result = session.execute(delete(Subscription).where(Subscription.id == subscription_id))
        return int(result.rowcount) == 1  # type: ignore[attr-defined]


def claim_new_calls(database: Database, chat_id: int, call_ids: Sequence[str]) -> list[str]:
    """Take the news of new calls for a chat before telling it: the calls returned (in the
    order given) are this process's to announce; the others were taken by another replica, or
    announced before."""
    if not call_ids:
        return []
    key = chat_hash(chat_id)
    with database.session() as session, session.begin():
        insert = upsert_insert(session.get_bind().dialect.name)
        statement = (
            insert(NewCallNotice)
            .values([{"chat_hash": key, "call_id": c, "at": utcnow()} for c in call_ids])
            .on_conflict_do_nothing(index_elements=["chat_hash", "call_id"])
            .returning(NewCallNotice.call_id)  # the rows inserted: the ones this process won
        )
        won = set(session.execute(statement).scalars())
    return [c for c in call_ids if c in won]


def release_new_calls(database: Database, chat_id: int, call_ids: Sequence[str]) -> None:
    """The claimed news could not be sent: a replica that finds these calls new at its own
    refresh may tell them (this one will not: they are no longer new to it)."""
    if not call_ids:
        return
    with database.session() as session, session.begin():
        session.execute(
            delete(NewCallNotice).where(
                NewCallNotice.chat_hash == chat_hash(chat_id),
                NewCallNotice.call_id.in_(list(call_ids)),
            )
        )


def purge_new_calls(database: Database, now: dt.datetime | None = None) -> int:
    """Forget the news told more than ``NEWS_MEMORY`` ago; returns how many."""
    cutoff = (now or utcnow()) - NEWS_MEMORY
    with database.session() as session, session.begin():
        result = session.execute(delete(NewCallNotice).where(NewCallNotice.at < cutoff))
        return int(result.rowcount)  # type: ignore[attr-defined]
