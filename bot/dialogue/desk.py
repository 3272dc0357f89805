"""The dossier desk: referents join their network's chat, take and close dossiers, answer the
person, list the open dossiers; admins see statistics and the dossiers still waiting; anyone
erases what is kept about them with /forget. Plain calls returning :class:`Step`s."""

from __future__ import annotations

from collections.abc import Callable

from ..catalogue import DEFAULT
from ..config import Settings
from ..db import Database, Handoff
from ..handoffs import Erasure, Handoffs
from ..referents import Directory
from .dossiers import contact_line, state_name
from .events import Who
from .replies import Button, Reply, Step, escape
from .store import FlowStore
from .texts import months, referent_text, text


class Desk:
    """Referent-side and privacy commands over the hand-off service."""

    def __init__(
        self,
        handoffs: Handoffs,
        directory: Directory,
        database: Database,
        store: FlowStore,
        settings: Settings,
        erase: Callable[[int], Erasure],
    ) -> None:
        self.handoffs = handoffs
        self.directory = directory
        self.database = database
        self.store = store
        self.settings = settings
        self.erase = erase  # everything kept about a chat outside the flows

    def _lang(self, who: Who) -> str:
        """A referent's language: the one chosen with /lang, else French (the networks')."""
        return self.store.language(who.user_id) or DEFAULT

    def _say(self, who: Who, key: str, **values: object) -> str:
        return referent_text(key, self._lang(who), **values)

    def join(self, who: Who, code: str) -> Step:
        """/referent_join CODE: this chat receives the network's dossiers."""
        network = self.handoffs.join(who.chat_id, code)
        if network is not None:
            answer = self._say(who, "join_ok", network=network.name)
        elif self.handoffs.join_limited(who.chat_id):
            answer = self._say(who, "join_limited")
        else:
            answer = self._say(who, "join_bad")
        return Step([Reply(escape(answer))], outbox=True)

    def act(self, who: Who, data: str) -> Step:
        """✋ / ✅ under a dossier: only a referent of the dossier's network may."""
        _, action, handoff_id = data.split(":")
        ok, state = self.handoffs.act(who.chat_id, int(handoff_id), action, who.name)
        if state == "unknown":
            return Step(toast=self._say(who, "button_stale"))
        if state == "denied":
            return Step(toast=self._say(who, "denied"), alert=True)
        key = "state_changed" if ok else "unchanged"
        words = state_name(state, self._lang(who))
        return Step(toast=self._say(who, key, id=handoff_id, state=words), outbox=True)

    def relay(self, who: Who, replied_message_id: int, message: str) -> Step | None:
        """A reply to a message of a dossier's thread: a referent's goes to the person, the
        person's to the referent chat (until the dossier is closed); ``None`` when the replied
        message belongs to no dossier."""
        if self.handoffs.relay(who.chat_id, replied_message_id, message):
            return Step([Reply(escape(self._say(who, "relayed")))], outbox=True)
        thread = self.handoffs.relay_from_user(who.chat_id, replied_message_id, message)
        if thread.outcome == "none":
            return None  # a reply to an answer: a question for the assistant
        page = text(who.lang, f"thread_{thread.outcome}", id=thread.handoff_id)
        return Step([Reply(page)], outbox=True)

    def dossiers(self, who: Who) -> Step:
        """/dossiers: the open dossiers of this chat's network (the waiting ones for admins)."""
        found = self.handoffs.open_dossiers(who.chat_id)
        if found is None and who.user_id in self.settings.admin_ids:
            return self._waiting(who)
        if found is None:
            return Step([Reply(escape(self._say(who, "not_referent")))])
        network_id = self.handoffs.network_of(who.chat_id) or ""
        network = self.directory.by_id(network_id)
        name = network.name if network else network_id
        if not found:
            return Step([Reply(escape(self._say(who, "dossiers_none", network=name)))])
        lines = [self._say(who, "dossiers_title", network=escape(name))]
        buttons = []
        for h in found:
            state = state_name(h.state, self._lang(who))
            lines.append(self._line(who, "dossier_line", h, 120, state=state))
            buttons.append(
                [Button(f"✋ {h.id}", f"ho:take:{h.id}"), Button(f"✅ {h.id}", f"ho:close:{h.id}")]
            )
        return Step([Reply("\n".join(lines), buttons)])

    def _waiting(self, who: Who) -> Step:
        """The dossiers that no referent chat received yet, with their contact."""
        found = self.handoffs.waiting(who.chat_id)
        if not found:
            return Step([Reply(escape(self._say(who, "waiting_none")))])
        lines = [self._say(who, "waiting_title")]
        for h in found:
            network = self.directory.by_id(h.network_id)
            name = network.name if network else h.network_id
            lines.append(self._line(who, "waiting_line", h, 300, network=name))
        return Step([Reply("\n".join(lines))])

    def _line(self, who: Who, key: str, h: Handoff, chars: int, **values: object) -> str:
        """One dossier in a list: who, their contact, the start of the question."""
        line = self._say(
            who,
            key,
            id=h.id,
            name=h.name,
            role=h.role,
            authority=h.authority,
            contact=_contact(h),
            question=h.question[:chars],
            **values,
        )
        return escape(line)

    def forget(self, who: Who) -> Step:
        """/forget: erase everything kept about this person, and say what was erased."""
        lang = who.lang
        erasure = self.erase(who.chat_id)
        erasure.flows = self.store.forget(who.user_id)
        self.store.forget_language(who.user_id)
        kept = months(self.settings.feedback_retention_days)
        page = text(lang, "forgotten", months=kept, **erasure.model_dump())
        return Step([Reply(page, clear_keyboard=who.private)], outbox=True)

    def stats(self, who: Who) -> Step:
        """/stats, for admins: questions, abstentions, feedback, dossiers by network and state."""
        if who.user_id not in self.settings.admin_ids:
            return Step([Reply(escape(self._say(who, "admin_only")))])
        counters = self.database.counters()
        votes = self.database.feedback_counts()
        lang = self._lang(who)
        by_network = "; ".join(
            f"{network}: "
            + ", ".join(f"{state_name(state, lang)} {n}" for state, n in sorted(states.items()))
            for network, states in sorted(self.handoffs.stats().items())
        )
        page = self._say(
            who,
            "stats",
            questions=counters.get("questions", 0),
            abstentions=counters.get("abstentions", 0),
            up=votes.get(1, 0),
            down=votes.get(-1, 0),
            handoffs=escape(by_network or "0"),
        )
        generated = counters.get("answers_generated", 0)
        fallbacks = counters.get("answers_fallback", 0)
        if generated or fallbacks:
            page += "\n" + self._say(
                who, "stats_generation", generated=generated, fallbacks=fallbacks
            )
        return Step([Reply(page)])


def _contact(handoff: Handoff) -> str:
    return contact_line(handoff.email, handoff.phone) or "—"
