"""Reaching a person: where are you → consent → name, role, authority, contact → question →
summary → dossier. Nothing personal is kept before consent; refusing leaves the bot usable;
nothing personal is asked in a group."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from ..handoffs import Handoffs, Request
from ..referents import Directory
from ..routing import Router
from ..text import sanitize_question
from .dialogue import Dialogue
from .dossiers import contact_line
from .events import Contact, Event, Tap, Text, Who
from .replies import Button, Reply, Step, escape
from .store import State
from .texts import months, text

NAME = "handoff"
TAPS = ("net:", "consent:", "confirm:")  # the buttons of this flow
HUMAN = re.compile(  # a plain request for a person, not a question that mentions one
    r"\b(parler|échanger|discuter|contacter|joindre|appeler|mis en relation)\b.{0,30}"
    r"\b(humain|personne|conseill\w*|référent|referent|quelqu'un|agent)"
    r"|\b(talk|speak|chat)\b.{0,20}\b(human|person|someone|referent|advis[eo]r)"
    r"|зв'язатися з (людиною|референтом)|porozmawiać z (człowiekiem|osobą)",
    re.IGNORECASE,
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")
PHONE = re.compile(r"^\+?[\d\s().-]{8,20}$")
NEXT = {"name": ("role", "ask_role"), "role": ("authority", "ask_authority")}  # step → next
FIELD_CHARS = 200
QUESTION_CHARS = 1500


class HandoffFlow:
    """Steps: ``where`` → ``consent`` → ``name`` → ``role`` → ``authority`` → ``contact`` →
    ``question`` → ``confirm``; the dossier is created on confirmation."""

    name = NAME
    taps: tuple[str, ...] = TAPS

    def __init__(
        self,
        dialogue: Dialogue,
        directory: Directory,
        router: Router,
        handoffs: Handoffs,
        retention_days: int,
        recent: Callable[[int], list[str]],
    ) -> None:
        self.dialogue = dialogue
        self.directory = directory
        self.router = router
        self.handoffs = handoffs
        self.retention_months = months(retention_days)
        self.recent = recent  # the chat's last exchanges, carried by the dossier

    def begin(self, who: Who, state: State) -> Step:
        """Ask where the person is (in private), or offer to continue privately (in a group)."""
        state.flow, state.step, state.draft = "", "", {}
        lang = who.lang
        if not who.private:
            url = f"https://t.me/{who.bot_username}?start=referent"
            button = Button(text(lang, "button_private"), url=url)
            return Step([Reply(text(lang, "handoff_in_group"), [[button]])])
        state.flow, state.step = NAME, "where"
        buttons = [[Button(n.name, f"net:{n.id}")] for n in self.directory.networks]
        buttons.append([Button(text(lang, "other_region"), "net:other")])
        return Step([Reply(text(lang, "handoff_where"), buttons)])

    def on(self, who: Who, state: State, event: Event) -> Step | None:
        """One event at the current step; ``None`` when it is not this flow's to answer."""
        step = state.step
        if step == "where":
            return self._where(who, state, event)
        if step == "consent":
            return self._consent(who, state, event)
        if step in ("name", "role", "authority") and isinstance(event, Text):
            return self._field(who, state, event.text)
        if step == "contact" and isinstance(event, Text | Contact):
            return self._contact(who, state, event)
        if step == "question" and isinstance(event, Text):
            return self._question(who, state, event.text)
        if step == "confirm":
            return self._confirm(who, state, event)
        return None

    def _where(self, who: Who, state: State, event: Event) -> Step | None:
        lang = who.lang
        if isinstance(event, Tap) and event.data.startswith("net:"):
            network = self.directory.by_id(event.data.partition(":")[2])
            if network is None:
                return self._outside(who, state, text(lang, "other_region"))
            return self._ask_consent(who, state, network.id)
        if not isinstance(event, Text):
            return None
        route = self.router.route(event.text)
        if route is None:
            return Step([Reply(text(lang, "handoff_unknown"))])
        if route.ambiguous:
            names = ", ".join(f"{p.name} ({p.kind})" for p in route.candidates[:4])
            return Step([Reply(text(lang, "handoff_ambiguous", names=escape(names)))])
        if route.network is None:
            return self._outside(who, state, route.matched)
        return self._ask_consent(who, state, route.network.id)

    def _outside(self, who: Who, state: State, where: str) -> Step:
        state.flow = ""
        intro = text(who.lang, "handoff_outside", where=escape(where))
        contacts = self.dialogue.referents(who.lang)
        return Step([Reply(f"{intro}\n\n{contacts.html}")])

    def _ask_consent(self, who: Who, state: State, network_id: str) -> Step:
        network = self.directory.by_id(network_id)
        assert network is not None
        state.draft = {"network": network_id}
        state.step = "consent"
        lang = who.lang
        buttons = [
            [
                Button(text(lang, "consent_yes"), "consent:yes"),
                Button(text(lang, "consent_no"), "consent:no"),
            ]
        ]
        page = text(
            lang, "handoff_consent", network=escape(network.name), months=self.retention_months
        )
        return Step([Reply(page, buttons)])

    def _consent(self, who: Who, state: State, event: Event) -> Step | None:
        if isinstance(event, Tap) and event.data == "consent:yes":
            state.step = "name"
            return Step([Reply(text(who.lang, "ask_name"))])
        if isinstance(event, Tap) and event.data == "consent:no":
            state.flow = ""
            return Step([Reply(text(who.lang, "handoff_refused"))])
        if isinstance(event, Text):  # no consent given: the message is a question
            state.flow = ""
        return None

    def _field(self, who: Who, state: State, typed: str) -> Step:
        value = _typed(typed, FIELD_CHARS)
        if value is None:
            return Step([Reply(text(who.lang, "invalid_text"))])
        state.draft[state.step] = value
        if state.step in NEXT:
            state.step, ask = NEXT[state.step]
            return Step([Reply(text(who.lang, ask))])
        state.step = "contact"
        label = text(who.lang, "share_phone")
        return Step([Reply(text(who.lang, "ask_contact"), ask_contact=label)])

    def _contact(self, who: Who, state: State, event: Text | Contact) -> Step:
        if isinstance(event, Contact):
            state.draft["phone"] = event.phone
        else:
            value = event.text.strip()
            if EMAIL.match(value):
                state.draft["email"] = value
            elif PHONE.match(value):
                state.draft["phone"] = value
            else:
                return Step([Reply(text(who.lang, "invalid_contact"))])
        state.step = "question"
        return Step([Reply(text(who.lang, "ask_handoff_question"), clear_keyboard=True)])

    def _question(self, who: Who, state: State, typed: str) -> Step:
        question = _typed(typed, QUESTION_CHARS)
        if question is None:
            return Step([Reply(text(who.lang, "invalid_text"))])
        state.draft["question"] = question
        state.draft["key"] = f"{who.chat_id}:{uuid.uuid4().hex}"  # one dossier per summary
        state.step = "confirm"
        return Step([self._summary(who, state)])

    def _summary(self, who: Who, state: State) -> Reply:
        draft, lang = state.draft, who.lang
        network = self.directory.by_id(draft.get("network", ""))
        contact = contact_line(draft.get("email", ""), draft.get("phone", ""))
        summary = text(
            lang,
            "handoff_summary",
            network=escape(network.name if network else ""),
            name=escape(draft.get("name", "")),
            role=escape(draft.get("role", "")),
            authority=escape(draft.get("authority", "")),
            contact=escape(contact),
            question=escape(draft.get("question", "")),
        )
        buttons = [
            [
                Button(text(lang, "confirm_yes"), "confirm:yes"),
                Button(text(lang, "confirm_no"), "confirm:no"),
            ]
        ]
        return Reply(summary, buttons)

    def _confirm(self, who: Who, state: State, event: Event) -> Step | None:
        if isinstance(event, Text):  # the summary again: what was typed is not lost
            return Step([self._summary(who, state)])
        if not isinstance(event, Tap) or not event.data.startswith("confirm:"):
            return None
        state.flow = ""
        draft, lang = state.draft, who.lang
        network = self.directory.by_id(draft.get("network", ""))
        if event.data != "confirm:yes" or network is None or "question" not in draft:
            return Step([Reply(text(lang, "cancelled"))])
        request = Request(
            network_id=network.id,
            user_chat_id=who.chat_id,
            language=lang,
            name=draft.get("name", ""),
            role=draft.get("role", ""),
            authority=draft.get("authority", ""),
            email=draft.get("email", ""),
            phone=draft.get("phone", ""),
            question=draft["question"],
            context=self.recent(who.chat_id),
        )
        handoff, _ = self.handoffs.create(draft["key"], request)
        waiting = self.handoffs.referent_chat(network.id) is None
        page = "handoff_waiting" if waiting else "handoff_created"
        values = {"id": handoff.id, "network": escape(network.name), "email": network.email}
        return Step([Reply(text(lang, page, **values))], outbox=True)


def _typed(raw: str, limit: int) -> str | None:
    """The message's text, cleaned; ``None`` when it is too short to be an answer."""
    value, _ = sanitize_question(raw, limit)
    return value if len(value) >= 2 else None
