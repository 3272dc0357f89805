"""Everything a front end needs, started and stopped together: the assistant (index and
model), the database, the referent directory and the dialogue built on them."""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from collections.abc import Callable

from cachetools import TTLCache
from langchain_core.embeddings import Embeddings

from . import claims
from .assistant import Assistant
from .calls import Call
from .config import Settings
from .db import Database, chat_hash, naive_utc
from .dialogue import Dialogue
from .dialogue.desk import Desk
from .dialogue.flows import Flows
from .dialogue.funding import FundingFlow
from .dialogue.handoff import HandoffFlow
from .dialogue.store import FlowStore
from .dialogue.texts import months
from .handoffs import Erasure, Handoffs
from .matching import Matcher, load_call_folder, utc_now
from .portal import refresh_calls
from .ratelimit import RateLimiter
from .referents import load_directory
from .routing import Router

RECENT_EXCHANGES = 5
RECENT_CHATS = 10_000  # chats whose last exchanges are kept in memory (least recent dropped)
RECENT_HOURS = 24
log = logging.getLogger(__name__)


class Services:
    """Owned by the application: ``initialize()`` at start-up, ``shutdown()`` at the end."""

    def __init__(
        self,
        settings: Settings,
        embeddings: Embeddings | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.assistant = Assistant(settings, embeddings)
        self.database = Database(settings.database, settings.database_timeout)
        self.limiter = RateLimiter(settings.rate_limit_per_minute, 60.0)
        self._dialogue: Dialogue | None = None
        self._blocked: set[str] = set()  # hashes of the chats that blocked the bot
        # Telegram file ids of the documents already uploaded, by (path, mtime)
        self.file_ids: dict[tuple[str, int], str] = {}
        # the last exchanges of each chat, in memory only: a hand-off dossier may carry them
        # bounded: the chats seen lately, each forgotten after RECENT_HOURS without a question
        self.recent: TTLCache[int, deque[str]] = TTLCache(RECENT_CHATS, RECENT_HOURS * 3600)

    @property
    def dialogue(self) -> Dialogue:
        if self._dialogue is None:
            raise RuntimeError("services not initialized: call initialize() first")
        return self._dialogue

    def initialize(self, progress: bool = False) -> None:
        """Load the referents, open the database and the index (building it if missing)."""
        directory = self.directory = load_directory(self.settings.referents_path)
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.database.initialize()
        self._blocked = self.database.inactive_chats()
        self.assistant.initialize(progress=progress)
        self.matcher = Matcher(self.assistant, self.load_calls(), clock=self.clock)
        self.router = Router(directory)
        self.handoffs = Handoffs(
            self.database,
            directory,
            {k: v.get_secret_value() for k, v in self.settings.referent_codes.items()},
            self.settings.referent_chats,
            self.settings.handoff_retention_days,
            self.clock,
        )
        self.handoffs.deliver_waiting()  # a chat configured since they were confirmed
        self._dialogue = Dialogue(
            self.assistant,
            directory,
            self.database,
            self.matcher,
            self.settings.feedback_retention_days,
            self.settings.follow_up_minutes,
            router=self.router,
        )
        retention = self.settings.handoff_retention_days
        self._dialogue.handoff_retention_months = months(retention)
        timeout = dt.timedelta(minutes=self.settings.flow_timeout_minutes)
        self.store = FlowStore(self.database, timeout, self.clock)
        self.flows = Flows(
            self.store,
            FundingFlow(self._dialogue, self.note),
            HandoffFlow(
                self._dialogue,
                directory,
                self.router,
                self.handoffs,
                retention,
                lambda chat_id: list(self.recent.get(chat_id, ())),
            ),
        )
        self.desk = Desk(
            self.handoffs, directory, self.database, self.store, self.settings, self.forget
        )

    def load_calls(self) -> dict[str, Call]:
        return load_call_folder(self.settings.knowledge_dir / "calls")

    def refresh_calls(self) -> None:
        """EU portal → snapshot → index → the matcher's calls (the old ones stay on failure)."""
        refresh = refresh_calls(self.settings, self.assistant)
        for problem in refresh.problems:
            log.warning("Portal refresh: %s", problem)
        self.matcher.calls = self.load_calls()

    def chat_blocked(self, chat_id: int) -> None:
        """The user blocked the bot: remember it (hashed) so nothing more is sent there."""
        self._blocked.add(chat_hash(chat_id))
        self.database.set_chat_active(chat_id, False)

    def was_blocked(self, chat_id: int) -> bool:
        """Cheap check, on every update: is this a chat that had blocked the bot?"""
        return chat_hash(chat_id) in self._blocked

    def chat_returned(self, chat_id: int) -> None:
        """The user writes again: forget that they had blocked the bot."""
        self._blocked.discard(chat_hash(chat_id))
        self.database.set_chat_active(chat_id, True)

    def purge_expired(self) -> int:
        """Delete feedback, abandoned flow drafts, the update ids taken a day ago and the news of
        calls told long ago, and anonymise dossiers past their retention; returns the count."""
        cutoff = naive_utc(self.clock()) - dt.timedelta(days=self.settings.feedback_retention_days)
        removed = 0
        purges = {"feedback": lambda: self.database.purge_feedback(cutoff)}
        purges["dossiers"] = self.handoffs.purge
        purges["flows"] = lambda: self.store.purge(self.settings.feedback_retention_days)
        purges["processed updates"] = lambda: claims.purge_updates(self.database)
        purges["new-call notices"] = lambda: claims.purge_new_calls(self.database)
        for name, purge in purges.items():
            try:  # one purge failing does not stop the others
                removed += purge()
            except Exception:
                log.exception("Retention purge of %s failed; going on", name)
        return removed

    def note(self, chat_id: int, exchange: str, limit: int = 600) -> None:
        """Remember an exchange of this chat, in memory only (a dossier may carry it)."""
        exchanges = self.recent.get(chat_id) or deque(maxlen=RECENT_EXCHANGES)
        exchanges.append(exchange if len(exchange) <= limit else exchange[: limit - 1] + "…")
        self.recent[chat_id] = exchanges

    def forget(self, chat_id: int) -> Erasure:
        """Erase what is kept about a user: dossiers anonymised, alerts and history removed."""
        erasure = self.handoffs.forget(chat_id)
        erasure.alerts = self.database.unsubscribe_chat(chat_id)
        erasure.exchanges = len(self.recent.pop(chat_id, ()))
        erasure.exchanges += self.dialogue.forget(chat_id)  # the question kept for follow-ups
        return erasure

    def shutdown(self) -> None:
        self.assistant.shutdown()
        self.database.shutdown()
