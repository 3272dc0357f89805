"""The project's database (SQLAlchemy 2; SQLite in the data folder unless a URL is configured).

What it keeps, and nothing more: feedback on answers (without any user identifier) and a hashed
fingerprint of the chats that blocked the bot, so that nothing more is sent to them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence

from sqlalchemy import Boolean, DateTime, Integer, String, Text, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


class Base(DeclarativeBase):
    pass


def utcnow() -> dt.datetime:
    """Naive UTC, the same on every database backend."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


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


class InactiveChat(Base):
    """A chat that blocked the bot, known only by a hash of its id."""

    __tablename__ = "inactive_chats"

    chat_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    since: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def chat_hash(chat_id: int) -> str:
    return hashlib.sha256(f"inspire-bot:{chat_id}".encode()).hexdigest()


class Database:
    """Owns the engine; ``initialize()`` creates the schema, ``shutdown()`` releases it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = create_engine(url)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)

    def initialize(self) -> None:
        Base.metadata.create_all(self._engine)

    def shutdown(self) -> None:
        self._engine.dispose()

    def session(self) -> Session:
        return self._sessions()

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
            return len(rows)

    def inactive_chats(self) -> set[str]:
        """The hashes of the chats that blocked the bot."""
        with self.session() as session:
            return set(session.scalars(select(InactiveChat.chat_hash)))

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
