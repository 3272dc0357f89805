"""Where each person stands in each chat, in the database: the flow in progress, its step and
the draft typed so far (written at every step, so a restart or another replica carries on), the
last project described, and the interface language a person chose."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cachetools import TTLCache
from sqlalchemy import delete, select, update

from ..db import Database, FlowState, UserSettings, naive_utc

LANGUAGE_CACHE = 10_000
LANGUAGE_SECONDS = 60  # another replica may have changed it: re-read after a minute


@dataclass
class State:
    """One person's state in one chat; ``flow`` is "" when none runs."""

    flow: str = ""
    step: str = ""
    draft: dict[str, Any] = field(default_factory=dict)
    project: str = ""
    expired: bool = False  # a flow was stored, but timed out: its draft is to be erased


class FlowStore:
    """Flow states and chosen languages, read and written through the database."""

    def __init__(
        self, database: Database, timeout: dt.timedelta, clock: Callable[[], dt.datetime]
    ) -> None:
        self.database = database
        self.timeout = timeout
        self.clock = clock
        self._languages: TTLCache[int, str] = TTLCache(LANGUAGE_CACHE, LANGUAGE_SECONDS)

    def _now(self) -> dt.datetime:
        return naive_utc(self.clock())

    def load(self, chat_id: int, user_id: int) -> State:
        """The state, with a flow silent for longer than the timeout already ended."""
        with self.database.on_every_message(), self.database.session() as session:
            row = session.get(FlowState, (chat_id, user_id))
            if row is None:
                return State()
            state = State(row.flow, row.step, json.loads(row.draft or "{}"), row.project)
        if state.flow and row.updated_at < self._now() - self.timeout:
            state.flow, state.step, state.draft, state.expired = "", "", {}, True
        return state

    def save(self, chat_id: int, user_id: int, state: State) -> None:
        """Write the state (an ended flow leaves no draft behind)."""
        draft = json.dumps(state.draft if state.flow else {}, ensure_ascii=False)
        with self.database.session() as session, session.begin():
            row = session.get(FlowState, (chat_id, user_id))
            if row is None:
                row = FlowState(chat_id=chat_id, user_id=user_id)
                session.add(row)
            row.flow, row.step, row.draft = state.flow, state.step if state.flow else "", draft
            row.project = state.project
            row.updated_at = self._now()

    def forget(self, user_id: int) -> int:
        """Erase this person's states, in every chat (never another member's in a group);
        returns how many flows were in progress."""
        cutoff = self._now() - self.timeout
        with self.database.session() as session, session.begin():
            running = session.scalars(
                select(FlowState).where(
                    FlowState.user_id == user_id,
                    FlowState.flow != "",
                    FlowState.updated_at >= cutoff,
                )
            ).all()
            session.execute(delete(FlowState).where(FlowState.user_id == user_id))
        return len(running)

    def purge(self, project_days: int) -> int:
        """Erase the drafts of abandoned flows (older than the timeout) and project descriptions
        older than ``project_days``; returns how many rows changed."""
        now = self._now()
        with self.database.session() as session, session.begin():
            drafts = session.execute(
                update(FlowState)
                .where(FlowState.flow != "", FlowState.updated_at < now - self.timeout)
                .values(flow="", step="", draft="{}")
            )
            old = session.execute(
                delete(FlowState).where(FlowState.updated_at < now - dt.timedelta(project_days))
            )
        return int(getattr(drafts, "rowcount", 0) or 0) + int(getattr(old, "rowcount", 0) or 0)

    def language(self, user_id: int) -> str | None:
        """The interface language this person chose with /lang, if any."""
        if user_id in self._languages:
            return self._languages[user_id] or None
        with self.database.on_every_message(), self.database.session() as session:
            row = session.get(UserSettings, user_id)
        self._languages[user_id] = row.language if row is not None else ""
        return row.language if row is not None else None

    def cached_language(self, user_id: int) -> str | None:
        """The chosen language if read lately (no database access: safe on an event loop)."""
        return self._languages.get(user_id) or None

    def set_language(self, user_id: int, lang: str) -> None:
        with self.database.session() as session, session.begin():
            row = session.get(UserSettings, user_id)
            if row is None:
                session.add(UserSettings(user_id=user_id, language=lang))
            else:
                row.language = lang
        self._languages[user_id] = lang

    def forget_language(self, user_id: int) -> None:
        with self.database.session() as session, session.begin():
            session.execute(delete(UserSettings).where(UserSettings.user_id == user_id))
        self._languages.pop(user_id, None)
