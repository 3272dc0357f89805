"""The conversation, independent of any transport: what to reply to a command, a question or a
tapped button. Telegram (``bot.telegram``) and the terminal (``inspire-bot chat``) both use it."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from ..answering import Answer
from ..assistant import Assistant
from ..calls import Call, load_calls
from ..db import Database
from ..language import detect_language
from ..referents import Directory
from .replies import Button, Reply, escape, link
from .texts import LANGUAGE_NAMES, UI_LANGUAGES, text

RECENT_ANSWERS = 5000
FUNDING_RESULTS = 3
FUNDING = "funding"  # the mode in which the next text is a project description


@dataclass
class Outcome:
    """What tapping a button does: a reply to send, a short toast, a new language or mode."""

    reply: Reply | None = None
    toast: str = ""
    language: str | None = None
    mode: str | None = None


class Dialogue:
    """Builds replies; keeps only the recent answers, so that their buttons keep working."""

    def __init__(
        self,
        assistant: Assistant,
        directory: Directory,
        database: Database,
        retention_days: int = 365,
    ) -> None:
        self.assistant = assistant
        self.retention_months = max(1, round(retention_days / 30.44))
        self.directory = directory
        self.database = database
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._calls: dict[str, Call] = {}

    def load_calls(self, folder: Path) -> None:
        """Read the call records (for deadlines and links on funding suggestions)."""
        for path in sorted(folder.glob("*.y*ml")):
            self._calls.update((c.id, c) for c in load_calls(path).calls)

    # --- menus and static pages -----------------------------------------------------------

    def start(self, lang: str, payload: str = "") -> list[Reply]:
        """The welcome, or the page a deep link (``?start=calls``) points to."""
        pages = {"calls": self.funding_prompt, "referent": self.referents, "about": self.about}
        if payload in pages:
            return [pages[payload](lang)]
        return [Reply(text(lang, "welcome"), self.menu_buttons(lang))]

    def menu_buttons(self, lang: str) -> list[list[Button]]:
        return [
            [Button(text(lang, "menu_ask"), "menu:ask")],
            [Button(text(lang, "menu_funding"), f"menu:{FUNDING}")],
            [Button(text(lang, "menu_referent"), "menu:referent")],
            [Button(text(lang, "menu_about"), "menu:about")],
        ]

    def help(self, lang: str) -> Reply:
        return Reply(text(lang, "help"), self.menu_buttons(lang))

    def privacy(self, lang: str) -> Reply:
        return Reply(text(lang, "privacy", months=self.retention_months))

    def about(self, lang: str) -> Reply:
        return Reply(text(lang, "about"))

    def ask_prompt(self, lang: str) -> Reply:
        return Reply(text(lang, "ask_prompt"))

    def funding_prompt(self, lang: str) -> Reply:
        return Reply(text(lang, "funding_prompt"))

    def language_choice(self, lang: str) -> Reply:
        buttons = [[Button(LANGUAGE_NAMES[code], f"lang:{code}")] for code in UI_LANGUAGES]
        return Reply(text(lang, "lang_prompt"), buttons)

    def referents(self, lang: str) -> Reply:
        """The three networks' public contacts (the hand-off itself comes with its own issue)."""
        lines = [text(lang, "referents")]
        for network in self.directory.networks:
            lines.append(
                f"• <b>{escape(network.name)}</b> ({escape(network.region_name)}) — "
                f"{escape(network.contact)}, {link('mailto:' + network.email, network.email)}, "
                f"{link(str(network.website), str(network.website.host))}"
            )
        national = self.directory.national
        lines.append(text(lang, "national", link=link(str(national.website), national.name)))
        return Reply("\n".join(lines))

    # --- questions --------------------------------------------------------------------------

    def ask(self, question: str, lang: str) -> Reply:
        """Answer a question; the reply carries Sources, feedback and referent buttons."""
        answer = self.assistant.answer(question, detect_language(question, default=lang))
        key = self._remember(answer)
        body = escape(answer.answer)
        if answer.abstained and answer.error is None:
            return Reply(body, [[Button(text(lang, "button_referent"), "menu:referent")]])
        if answer.abstained:
            return Reply(body)
        buttons = [
            [
                Button(text(lang, "button_sources"), f"src:{key}"),
                Button("👍", f"fb:{key}:up"),
                Button("👎", f"fb:{key}:down"),
            ],
            [Button(text(lang, "button_referent"), "menu:referent")],
        ]
        return Reply(body, buttons)

    def sources(self, key: str, lang: str) -> Reply:
        """The numbered sources of a recent answer, with page and link."""
        answer = self._answers.get(key)
        if answer is None:
            return Reply(text(lang, "sources_gone"))
        lines = [text(lang, "sources_title")]
        for source in answer.sources:
            where = f", {text(lang, 'page')} {source.page}" if source.page else ""
            title = escape(source.title)
            if source.url:
                title = link(source.url, source.title)
            lines.append(f"[{source.n}] {title} — <i>{escape(source.path)}{where}</i>")
        return Reply("\n".join(lines))

    def feedback(self, key: str, up: bool, lang: str) -> str:
        """Store a vote on a recent answer (no user identifier); returns the thank-you text."""
        answer = self._answers.get(key)
        if answer is not None:
            self.database.record_feedback(
                key,
                answer.language,
                answer.question,
                answer.answer,
                [f"{s.path}:{s.page or 0}" for s in answer.sources],
                answer.abstained,
                1 if up else -1,
            )
        return text(lang, "feedback_thanks")

    def funding(self, description: str, lang: str) -> Reply:
        """Calls of the curated base that come closest to a project description."""
        check = self.assistant.answer(description, lang, kind="call")
        if check.abstained:
            return Reply(
                text(lang, "funding_none"),
                [[Button(text(lang, "button_referent"), "menu:referent")]],
            )
        seen: list[str] = []
        for hit in self.assistant.search(description, kind="call", k=10):
            call_id = hit.chunk.id.split(":")[1]
            if call_id not in seen:
                seen.append(call_id)
        lines = [text(lang, "funding_intro")]
        for call_id in seen[:FUNDING_RESULTS]:
            call = self._calls.get(call_id)
            if call is None:
                continue
            deadlines = ", ".join(d.date.isoformat() for d in call.deadlines) or "—"
            lines.append(
                f"• <b>{escape(call.title)}</b> — {escape(call.programme)}\n"
                f"  {text(lang, 'deadline')} : {deadlines} · {link(call.link, call.link)}"
            )
        return Reply("\n".join(lines), [[Button(text(lang, "button_referent"), "menu:referent")]])

    def press(self, data: str, lang: str) -> Outcome:
        """The effect of an inline button (its callback data)."""
        action, _, rest = data.partition(":")
        if action == "fb":
            key, _, vote = rest.partition(":")
            return Outcome(toast=self.feedback(key, vote == "up", lang))
        if action == "lang" and rest in UI_LANGUAGES:
            return Outcome(reply=Reply(text(rest, "lang_set")), language=rest)
        if action == "src":
            return Outcome(reply=self.sources(rest, lang))
        pages = {
            "ask": self.ask_prompt,
            FUNDING: self.funding_prompt,
            "referent": self.referents,
            "about": self.about,
        }
        if action == "menu" and rest in pages:
            return Outcome(reply=pages[rest](lang), mode=FUNDING if rest == FUNDING else None)
        return Outcome()

    def _remember(self, answer: Answer) -> str:
        key = secrets.token_urlsafe(8)
        self._answers[key] = answer
        while len(self._answers) > RECENT_ANSWERS:
            self._answers.popitem(last=False)
        return key
