"""The project's database (SQLAlchemy 2; SQLite in the data folder unless a URL is configured).

What it keeps, and nothing more: feedback on answers (without any user identifier), a hashed
fingerprint of the chats that blocked the bot, and the deadline alerts users asked for (their
chat, the call, and the project description they typed — stored because they tapped "remind me"),
and which new calls a chat (hashed) was told of, so that it is told once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

log = logging.getLogger(__name__)
STATISTICS_BACKLOG = 1000
PAUSE_SECONDS = 10  # after a failure, the work done on every message fails at once this long


class DatabaseUnavailable(SQLAlchemyError):
    """The database failed lately; the work done on every message does not wait for it again."""


class Base(DeclarativeBase):
    pass


def utcnow() -> dt.datetime:
    """Naive UTC, the same on every database backend."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def naive_utc(moment: dt.datetime) -> dt.datetime:
    """A moment as stored: naive UTC (an aware moment is converted first)."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


class Feedback(Base):
    """A 👍/👎 on an answer: the question, the answer and its sources; no user identifier."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    language: Mapped[str] = mapped_column(String(8))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    sources: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of "path:page"
    abstained: Mapped[bool] = mapped_column(Boolean)
    vote: Mapped[int] = mapped_column(Integer)  # +1 or -1
    answer_key: Mapped[str] = mapped_column(String(32), unique=True)


class AnswerSources(Base):
    """The sources of an answer, under the key its buttons carry (no user id, no question), so
    that Sources and 👍/👎 keep working after a restart; deleted with the feedback."""

    __tablename__ = "answer_sources"

    answer_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    language: Mapped[str] = mapped_column(String(8))
    sources: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{n, title, path, page, url}]
    abstained: Mapped[bool] = mapped_column(Boolean, default=False)


class InactiveChat(Base):
    """A chat that blocked the bot, known only by a hash of its id."""

    __tablename__ = "inactive_chats"

    chat_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    since: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Subscription(Base):
    """A user asked to be reminded of a call's deadline (and told of new matching calls)."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("chat_id", "call_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    call_id: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="fr")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reminded: Mapped[str] = mapped_column(String(32), default="")  # thresholds sent: "30,7"

    def sent(self) -> set[int]:
        return {int(x) for x in self.reminded.split(",") if x}

    def reminded_with(self, thresholds: set[int]) -> str:
        """``reminded`` once ``thresholds`` are sent too (the one spelling claims compare)."""
        return ",".join(str(t) for t in sorted(self.sent() | thresholds, reverse=True))


class Handoff(Base):
    """A user's request to reach a person of a regional network (stored with their consent)."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_key: Mapped[str] = mapped_column(String(64), unique=True)  # one per confirmation
    network_id: Mapped[str] = mapped_column(String(32), index=True)
    state: Mapped[str] = mapped_column(String(16), default="new")  # new delivered taken closed
    user_chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    language: Mapped[str] = mapped_column(String(8), default="fr")
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    authority: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    question: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")  # recent questions, answers, calls
    referent_chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    referent_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # who took and closed it, when: lines shown under the dossier in the referent chat
    history: Mapped[str | None] = mapped_column(Text, nullable=True, default="")
    consent_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Outbox(Base):
    """A message to send, committed together with what it is about, sent (and retried) later."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)
    purpose: Mapped[str] = mapped_column(String(16))  # dossier | delivered | taken | reply | closed
    chat_id: Mapped[int] = mapped_column(BigInteger)
    html: Mapped[str] = mapped_column(Text)
    buttons: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[label, data], …]
    # set: edit this message (a dossier taken, closed or erased) instead of sending a new one
    edit_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # once sent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    failed: Mapped[bool] = mapped_column(Boolean, default=False)
    # a sender claimed it (state "sending") until then; an expired claim means it died mid-send
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ReferentChat(Base):
    """A Telegram chat registered (with the network's join code) as a network's referent."""

    __tablename__ = "referent_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    network_id: Mapped[str] = mapped_column(String(32), index=True)
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Audit(Base):
    """Every access of a referent to a dossier (and every refusal)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor_chat_id: Mapped[int] = mapped_column(BigInteger)
    network_id: Mapped[str] = mapped_column(String(32))
    handoff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(32))


class Counter(Base):
    """Daily usage counts (no personal data): questions, abstentions."""

    __tablename__ = "counters"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class FlowState(Base):
    """Where a person stands in a chat: the flow in progress (funding, hand-off), its step and
    what they typed so far, written at every step. The draft of a hand-off holds personal data
    given with consent; it is erased when the flow ends, times out, or on /forget."""

    __tablename__ = "flow_states"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow: Mapped[str] = mapped_column(String(16), default="")  # "" when no flow runs
    step: Mapped[str] = mapped_column(String(16), default="")
    draft: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    # the last project described in the funding flow: the description kept with an alert
    project: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class UserSettings(Base):
    """A person's interface language, when they chose one with /lang."""

    __tablename__ = "user_settings"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    language: Mapped[str] = mapped_column(String(8))


class ProcessedUpdate(Base):
    """A Telegram update already taken by a bot process: several replicas behind a load balancer
    (or Telegram delivering twice) never handle one update twice. Kept for a day."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class NewCallNotice(Base):
    """A new call a chat is told of (the chat known only by a hash of its id): claimed before
    the notice is sent, so that several replicas refreshing the portal tell it once."""

    __tablename__ = "new_call_notices"

    chat_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    call_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


def _timeouts(url: str, seconds: float) -> dict[str, Any]:
    """Engine options so that a stopped or frozen database fails fast instead of hanging."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        options["connect_args"] = {"timeout": seconds}  # waiting for a lock
    elif backend == "postgresql":
        milliseconds = int(seconds * 1000)
        options["pool_timeout"] = seconds
        options["connect_args"] = {
            "connect_timeout": max(1, int(seconds)),
            "options": f"-c statement_timeout={milliseconds} -c lock_timeout={milliseconds}",
        }
    return options


def upsert_insert(dialect: str) -> Any:
    """The ``INSERT`` of ``dialect`` that knows ``ON CONFLICT`` (PostgreSQL's, else SQLite's)."""
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def _increment(dialect: str, day: dt.date, name: str) -> Any:
    """One statement adding 1 to a counter, creating it if needed (no read-then-insert race)."""
    return (
        upsert_insert(dialect)(Counter)
        .values(day=day, name=name, value=1)
        .on_conflict_do_update(index_elements=["day", "name"], set_={"value": Counter.value + 1})
    )


def chat_hash(chat_id: int) -> str:
    return hashlib.sha256(f"inspire-bot:{chat_id}".encode()).hexdigest()


class Database:
    """Owns the engine; ``initialize()`` migrates the schema, ``shutdown()`` releases it."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.url = url
        self._engine = create_engine(url, **_timeouts(url, timeout))
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        self._statistics = ThreadPoolExecutor(1, thread_name_prefix="statistics")
        # statistics writes waiting (from many threads); beyond the backlog they are dropped
        self._backlog = threading.BoundedSemaphore(STATISTICS_BACKLOG)
        self._paused_until = 0.0  # monotonic time (see on_every_message)

    def initialize(self) -> None:
        """Migrate the schema to the latest revision (a database that the ``create_all`` of
        earlier versions made is adopted: see ``bot/migrations``)."""
        from .migrations import upgrade

        upgrade(self._engine)

    def revision(self) -> str | None:
        """The migration the schema is at (None before the first ``initialize()``)."""
        from .migrations import current

        return current(self._engine)

    def shutdown(self) -> None:
        self._statistics.shutdown(wait=True, cancel_futures=True)
        self._engine.dispose()

    def session(self) -> Session:
        return self._sessions()

    def reachable(self) -> bool:
        """Does the database answer a trivial query (within its time-outs)?"""
        try:
            with self.session() as session:
                session.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    @contextlib.contextmanager
    def on_every_message(self) -> Iterator[None]:
        """Around the database work done for every message (flow state, chosen language, the
        update claim): while the database is known to fail, it fails at once rather than after
        the whole timeout, message after message; one failure pauses it ``PAUSE_SECONDS``."""
        if time.monotonic() < self._paused_until:
            raise DatabaseUnavailable("the database failed lately")
        try:
            yield
        except SQLAlchemyError:
            self._paused_until = time.monotonic() + PAUSE_SECONDS
            raise

    def record_feedback(
        self,
        answer_key: str,
        language: str,
        question: str,
        answer: str,
        sources: Sequence[str],
        abstained: bool,
        vote: int,
    ) -> None:
        """Store a vote on an answer; voting again on the same answer replaces the vote."""
        with self.session() as session, session.begin():
            row = session.scalar(select(Feedback).where(Feedback.answer_key == answer_key))
            if row is None:
                row = Feedback(
                    answer_key=answer_key,
                    language=language,
                    question=question,
                    answer=answer,
                    sources=json.dumps(list(sources)),
                    abstained=abstained,
                    vote=vote,
                )
                session.add(row)
            row.vote = vote

    def remember_sources(
        self, answer_key: str, language: str, sources: list[dict[str, object]], abstained: bool
    ) -> None:
        """Keep an answer's sources under its button key (for after a restart), in the
        background and best effort, like the statistics: the answer never waits for it."""
        row = AnswerSources(
            answer_key=answer_key,
            language=language,
            sources=json.dumps(sources, ensure_ascii=False),
            abstained=abstained,
        )
        self._background("answer sources", lambda session: session.merge(row))

    def stored_sources(self, answer_key: str) -> AnswerSources | None:
        """The sources kept for an answer key, if any."""
        self._settle()
        with self.session() as session:
            return session.get(AnswerSources, answer_key)

    def disliked_questions(self, limit: int = 500) -> list[tuple[str, str]]:
        """The questions of the most recent 👎 votes, with their language (no user id)."""
        with self.session() as session:
            rows = session.execute(
                select(Feedback.question, Feedback.language)
                .where(Feedback.vote < 0, Feedback.question != "")
                .order_by(Feedback.created_at.desc())
                .limit(limit)
            )
            return [(str(q), str(lang)) for q, lang in rows]

    def feedback_counts(self) -> dict[int, int]:
        """Votes by value: ``{1: n_up, -1: n_down}``."""
        with self.session() as session:
            rows = session.execute(select(Feedback.vote, func.count()).group_by(Feedback.vote))
            return {int(vote): int(count) for vote, count in rows}

    def purge_feedback(self, older_than: dt.datetime) -> int:
        """Delete the feedback recorded before ``older_than`` (naive UTC); returns the count."""
        with self.session() as session, session.begin():
            rows = session.scalars(select(Feedback).where(Feedback.created_at < older_than)).all()
            for row in rows:
                session.delete(row)
            session.execute(delete(AnswerSources).where(AnswerSources.created_at < older_than))
            return len(rows)

    def inactive_chats(self) -> set[str]:
        """The hashes of the chats that blocked the bot."""
        with self.session() as session:
            return set(session.scalars(select(InactiveChat.chat_hash)))

    # --- deadline alerts ---------------------------------------------------------------------

    def subscribe(self, chat_id: int, call_id: str, description: str, language: str) -> bool:
        """Follow a call; returns False when the chat already followed it (description updated)."""
        with self.session() as session, session.begin():
            row = session.scalar(
                select(Subscription).where(
                    Subscription.chat_id == chat_id, Subscription.call_id == call_id
                )
            )
            if row is not None:
                row.description = description or row.description
                return False
            session.add(
                Subscription(
                    chat_id=chat_id, call_id=call_id, description=description, language=language
                )
            )
            return True

    def subscriptions(self, chat_id: int | None = None) -> list[Subscription]:
        """One chat's subscriptions, or everybody's."""
        query = select(Subscription).order_by(Subscription.id)
        if chat_id is not None:
            query = query.where(Subscription.chat_id == chat_id)
        with self.session() as session:
            return list(session.scalars(query))

    def unsubscribe(self, subscription_id: int, chat_id: int) -> bool:
        """Remove one of a chat's subscriptions (another chat's is left alone)."""
        with self.session() as session, session.begin():
            row = session.get(Subscription, subscription_id)
            if row is None or row.chat_id != chat_id:
                return False
            session.delete(row)
            return True

    def unsubscribe_chat(self, chat_id: int) -> int:
        """Remove every subscription of a chat (it blocked the bot)."""
        with self.session() as session, session.begin():
            rows = session.scalars(
                select(Subscription).where(Subscription.chat_id == chat_id)
            ).all()
            for row in rows:
                session.delete(row)
            return len(rows)

    def mark_reminded(self, subscription_id: int, thresholds: set[int]) -> None:
        with self.session() as session, session.begin():
            row = session.get(Subscription, subscription_id)
            if row is not None:
                row.reminded = row.reminded_with(thresholds)

    def count(self, name: str, day: dt.date | None = None) -> None:
        """Add one to a daily counter, in the background: statistics never delay nor fail an
        answer (a failure is logged; with the database down the counts are lost)."""
        statement = _increment(self._engine.dialect.name, day or utcnow().date(), name)
        self._background(name, lambda session: session.execute(statement))

    def _background(self, what: str, write: Callable[[Session], object]) -> None:
        """Run a write nobody waits for in the statistics thread; failures are logged."""
        if not self._backlog.acquire(blocking=False):
            return
        try:
            self._statistics.submit(self._write, what, write)
        except RuntimeError:  # shut down
            self._backlog.release()

    def _write(self, what: str, write: Callable[[Session], object]) -> None:
        try:
            with self.session() as session, session.begin():
                write(session)
        except SQLAlchemyError as exc:
            log.warning("Not recorded (%s): %s", what, type(exc).__name__)
        finally:
            self._backlog.release()

    def _settle(self) -> None:
        """Wait (a little) for the background writes queued so far."""
        with contextlib.suppress(Exception):
            self._statistics.submit(lambda: None).result(timeout=10)

    def counters(self) -> dict[str, int]:
        """All-time totals of the daily counters (the writes queued before are waited for)."""
        self._settle()
        with self.session() as session:
            rows = session.execute(
                select(Counter.name, func.sum(Counter.value)).group_by(Counter.name)
            )
            return {str(name): int(total or 0) for name, total in rows}

    def set_chat_active(self, chat_id: int, active: bool) -> None:
        key = chat_hash(chat_id)
        with self.session() as session, session.begin():
            row = session.get(InactiveChat, key)
            if active and row is not None:
                session.delete(row)
            elif not active and row is None:
                session.add(InactiveChat(chat_hash=key))

    def is_chat_active(self, chat_id: int) -> bool:
        with self.session() as session:
            return session.get(InactiveChat, chat_hash(chat_id)) is None
