"""Claims in the database, so that several bot processes (replicas behind a load balancer) never
do the same thing twice: handle an update, send a deadline reminder, announce an opening.

Each claim is one atomic statement whose row count says who won; the loser backs off.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .db import Database, ProcessedUpdate, Subscription, utcnow

UPDATE_MEMORY = dt.timedelta(days=1)  # Telegram stops redelivering an update well before that


def claim_update(database: Database, update_id: int) -> bool:
    """Take a Telegram update for this process; False: another process (or an earlier delivery
    to this one) already took it."""
    with database.on_every_message(), database.session() as session, session.begin():
        dialect = session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
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


def _reminded(before: str, thresholds: set[int]) -> str:
    sent = {int(x) for x in before.split(",") if x} | thresholds
    return ",".join(str(t) for t in sorted(sent, reverse=True))


def claim_reminder(database: Database, subscription: Subscription, thresholds: set[int]) -> bool:
    """Mark a reminder sent before sending it, if nobody did since ``subscription`` was read
    (compare-and-set on the thresholds reminded); False: another process sends it."""
    with database.session() as session, session.begin():
        result = session.execute(
            update(Subscription)
            .where(
                Subscription.id == subscription.id, Subscription.reminded == subscription.reminded
            )
            .values(reminded=_reminded(subscription.reminded, thresholds))
        )
        return int(result.rowcount) == 1  # type: ignore[attr-defined]


def release_reminder(database: Database, subscription: Subscription, thresholds: set[int]) -> None:
    """The claimed reminder could not be sent: it is due again at the next run."""
    with database.session() as session, session.begin():
        session.execute(
            update(Subscription)
            .where(
                Subscription.id == subscription.id,
                Subscription.reminded == _reminded(subscription.reminded, thresholds),
            )
            .values(reminded=subscription.reminded)
        )


def take_subscription(database: Database, subscription_id: int) -> bool:
    """Remove a subscription whose last message is about to go out; False: another process
    removed it (and sends that message)."""
    with database.session() as session, session.begin():
        result = session.execute(delete(Subscription).where(Subscription.id == subscription_id))
        return int(result.rowcount) == 1  # type: ignore[attr-defined]
