"""The conversation, independent of any transport: what to reply to a command, a question or a
tapped button. Telegram (``bot.telegram``) and the terminal (``inspire-bot chat``) both use it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from ..alerts import NEXT, Due
from ..answering import Answer, abstention
from ..assistant import Assistant
from ..calls import AUTHORITY_TYPES
from ..db import Database
from ..intent import (
    GREETINGS,
    asks_for_another,
    asks_who_answers,
    classify,
    is_follow_up,
    stays_on_contact,
    words,
)
from ..language import detect_language
from ..matching import Matcher, Profile, Suggestion, card_language
from ..referents import Directory
from ..routing import Router
from .replies import Button, Document, Reply, escape, link, to_plain
from .texts import LANGUAGE_NAMES, UI_LANGUAGES, months, plural, referent_text, text

CONTACT = "@contact"  # in place of a card: the last message asked for a person
RECENT_ANSWERS = 5000
CARDS_PER_PAGE = 3
AIDES_TERRITOIRES = "https://aides-territoires.beta.gouv.fr"
FUNDING = "menu:funding"  # the button that starts the funding conversation
REFERENT = "menu:referent"  # the button that starts the hand-off to a referent


@dataclass
class Response:
    """What a free-text message got: which path answered it, the replies, and the answer."""

    path: str  # smalltalk | contact | calls | card | extractive | abstain
    replies: list[Reply]
    answer: Answer | None = None
    language: str = ""  # the language the replies speak (a French quote is the answer's own)


@dataclass
class Outcome:
    """What tapping a button does: a reply to send, a short toast, or a new language."""

    reply: Reply | None = None
    toast: str = ""
    language: str | None = None
    more: list[Reply] = field(default_factory=list)  # further replies after ``reply``


class Dialogue:
    """Builds replies; keeps only the recent answers, so that their buttons keep working."""

    def __init__(
        self,
        assistant: Assistant,
        directory: Directory,
        database: Database,
        matcher: Matcher,
        retention_days: int = 365,
        follow_up_minutes: float = 10.0,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        router: Router | None = None,
    ) -> None:
        self.assistant = assistant
        self.directory = directory
        self.database = database
        self.matcher = matcher
        self.router = router or Router(directory)
        self.clock = clock
        self.follow_up_minutes = follow_up_minutes
        self.retention_months = months(retention_days)
        self.handoff_retention_months = 12  # set from the settings by the services
        # the last question of each chat and the card that answered it, for follow-ups (bounded:
        # the oldest chats go first)
        self._recent: OrderedDict[int, tuple[str, dt.datetime, str | None]] = OrderedDict()
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._more: OrderedDict[str, list[Suggestion]] = OrderedDict()

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
            [Button(text(lang, "menu_funding"), FUNDING)],
            [Button(text(lang, "menu_referent"), REFERENT)],
            [Button(text(lang, "menu_about"), "menu:about")],
        ]

    def help(self, lang: str) -> Reply:
        return Reply(text(lang, "help"), self.menu_buttons(lang))

    def privacy(self, lang: str) -> Reply:
        """What is kept, for how long, how to erase it; dossiers just before /forget."""
        page = text(lang, "privacy", months=self.retention_months)
        dossiers = text(lang, "privacy_dossiers", months=self.handoff_retention_months)
        provider = self.assistant.settings.llm_provider.strip().lower()
        if provider != "none":  # questions do leave the bot then: say so
            dossiers += "\n" + text(lang, "privacy_llm", provider=escape(provider))
        at = page.find("• /forget")
        at = at if at >= 0 else len(page)
        return Reply(f"{page[:at].rstrip()}\n{dossiers}\n{page[at:]}".rstrip())

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

    def respond(self, message: str, lang: str, chat_id: int | None = None) -> Response:
        """Free text: small talk, a request for a person, funding for a project, or a question
        (a follow-up is read with the chat's previous question)."""
        last = self._last(chat_id)  # the chat's previous question and its card, while fresh
        context = last[0] if last is not None and is_follow_up(message) else None
        # a short follow-up ("a Ukraina?") says little about its language: the question it
        # follows decides when the message itself does not
        before = detect_language(context, default=lang) if context else lang
        lang = detect_language(message, default=before)
        intent = classify(message)
        if intent == "smalltalk":
            return Response("smalltalk", [self.smalltalk(message, lang)], language=lang)
        if intent == "injection":
            return Response("abstain", [Reply(text(lang, "injection_refusal"))], language=lang)
        if intent == "off_topic":  # the usual "I don't know", with its offer of a person
            refusal = abstention(message, lang)
            return Response("abstain", [self.answer_reply(refusal, lang)], refusal, lang)
        if intent == "contact":
            self._remember_question(chat_id, message, CONTACT)
            return Response("contact", [self.contact(message, lang)], language=lang)
        if last is not None and last[1] == CONTACT:  # "and for the Gironde?", "on est à Angers…"
            route = self.router.route(message)
            short = len(words(message)) <= 8
            if (route is not None and (context or short)) or (
                context and stays_on_contact(message)
            ):
                where = route is not None and route.network
                asked = message if where else f"{last[0]} {message}"
                self._remember_question(chat_id, asked, CONTACT)
                return Response("contact", [self.contact(asked, lang)], language=lang)
        if intent == "funding" and context is None:  # "on est aidés à quelle hauteur ?" follows
            profile = self.profile(message, None, None)
            refine = Reply(
                text(lang, "funding_refine"), [[Button(text(lang, "menu_funding"), FUNDING)]]
            )
            return Response("calls", [*self.suggestions(profile, lang), refine], language=lang)
        # the card the previous question got; "and the other level?" wants another one
        previous = last[1] if context and last is not None and last[1] != CONTACT else None
        besides = previous if asks_for_another(message) else None
        answer = self.assistant.answer(message, lang, context=context, besides=besides)
        if answer.abstained and context is not None and answer.error is None:
            # an elliptic follow-up the documents cannot answer on its own ("ile procent?"):
            # it is about the previous answer, which is given again
            again = self.assistant.card_answer(previous, lang) if previous else None
            answer = again or answer
        if not answer.abstained:
            self._remember_question(chat_id, context or message, answer.card)
        said = answer.language if answer.language in UI_LANGUAGES else lang
        return Response(answer.path, [self.answer_reply(answer, lang)], answer, said)

    def _remember_question(self, chat_id: int | None, question: str, card: str | None) -> None:
        """Keep the chat's last question (and the card that answered it) for follow-ups."""
        if chat_id is None:
            return
        self._recent[chat_id] = (question, self.clock(), card)
        self._recent.move_to_end(chat_id)
        while len(self._recent) > RECENT_ANSWERS:
            self._recent.popitem(last=False)

    def ask(self, question: str, lang: str, chat_id: int | None = None) -> Reply:
        """Answer a question; the first reply of :meth:`respond`."""
        return self.respond(question, lang, chat_id).replies[0]

    def answer_reply(self, answer: Answer, lang: str) -> Reply:
        """An answer with its Sources, 👍/👎, referent and related-card buttons."""
        lang = answer.language if answer.language in UI_LANGUAGES else lang
        self.database.count("questions")
        if answer.abstained:
            self.database.count("abstentions")
        if answer.mode != "extractive":  # "generated" or "fallback", for /stats
            self.database.count(f"answers_{answer.mode}")
        key = self._remember(answer)
        body = escape(answer.answer)
        if answer.abstained and answer.error is None:
            return Reply(body, [[_referent_button(lang)]])
        if answer.abstained:
            return Reply(body)
        buttons = [
            [
                Button(text(lang, "button_sources"), f"src:{key}"),
                Button("👍", f"fb:{key}:up"),
                Button("👎", f"fb:{key}:down"),
            ],
        ]
        for card_id in answer.related[:3]:
            label = self.assistant.card_label(card_id, lang)
            if label:
                buttons.append([Button(f"❓ {_short(label, 60)}", f"card:{card_id}")])
        buttons.append([_referent_button(lang)])
        return Reply(body, buttons)

    def card_reply(self, card_id: str, lang: str) -> Reply:
        """The answer card behind a "related" button."""
        answer = self.assistant.card_answer(card_id, lang)
        if answer is None:
            return Reply(text(lang, "sources_gone"))
        return self.answer_reply(answer, lang)

    def smalltalk(self, message: str, lang: str) -> Reply:
        """Thanks, greetings, "ok": a short friendly reply, never "I don't know"; "are you a
        robot?": what answers, and the way to a person."""
        if asks_who_answers(message):
            return Reply(text(lang, "smalltalk_who"), [[_referent_button(lang)]])
        hello = any(w in GREETINGS for w in words(message))
        return Reply(text(lang, "smalltalk_hello" if hello else "smalltalk_thanks"))

    def contact(self, message: str, lang: str) -> Reply:
        """A request for a person: the user's network when the message says where, else all."""
        handoff = [[Button(text(lang, "button_handoff"), REFERENT)]]
        route = self.router.route(message)
        network = route.network if route is not None and not route.ambiguous else None
        if network is None:
            page = self.referents(lang)
            return Reply(f"{page.html}\n\n{text(lang, 'contact_where')}", handoff)
        body = text(
            lang,
            "contact_network",
            network=escape(network.name),
            region=escape(network.region_name),
            contact=escape(network.contact),
            email=link("mailto:" + network.email, network.email),
            website=link(str(network.website), str(network.website.host)),
        )
        return Reply(body, handoff)

    def forget(self, chat_id: int) -> int:
        """Drop the chat's last question (kept in memory for follow-ups); 1 if there was one."""
        return 1 if self._recent.pop(chat_id, None) is not None else 0

    def _last(self, chat_id: int | None) -> tuple[str, str | None] | None:
        """The chat's previous question and the card that answered it (``CONTACT`` for a request
        for a person), while a follow-up may still refer to it."""
        if chat_id is None or chat_id not in self._recent:
            return None
        previous, when, card = self._recent[chat_id]
        fresh = (self.clock() - when).total_seconds() <= self.follow_up_minutes * 60
        return (previous, card) if fresh else None

    def exchange(self, question: str, reply: Reply) -> str:
        """One line for a hand-off dossier: the question, the answer and its sources."""
        key = next(
            (b.data[4:] for row in reply.buttons for b in row if b.data.startswith("src:")), ""
        )
        answer = self._answers.get(key)
        if answer is None:
            return referent_text("context_exchange", question=question, answer=to_plain(reply.html))
        page = referent_text("page")
        cited = "; ".join(
            f"[{s.n}] {s.title}" + (f" {page} {s.page}" if s.page else "") for s in answer.sources
        )
        summary = answer.answer.replace("\n", " ")
        line = referent_text("context_exchange", question=answer.question, answer=summary)
        return f"{line} " + referent_text("context_sources", sources=cited) if cited else line

    def sources(self, key: str, lang: str) -> Reply:
        """The numbered sources of an answer, with page and link (kept across restarts), in the
        answer's language while it is remembered; a short note once it is forgotten."""
        return self._sources_page(key, lang) or Reply(text(lang, "sources_gone"))

    def _sources_page(self, key: str, lang: str) -> Reply | None:
        found = self._sources_of(key)
        if found is None:
            return None
        answered = self._answers.get(key)
        if answered is not None and answered.language in UI_LANGUAGES:
            lang = answered.language
        lines = [text(lang, "sources_title")]
        pages: dict[str, list[str]] = {}  # cited files without a public address, by path
        titles: dict[str, str] = {}
        for source in found:
            page = source.get("page")
            where = f" — <i>{text(lang, 'page')} {page}</i>" if page else ""
            title = escape(str(source["title"]))
            if source.get("url"):
                title = link(str(source["url"]), str(source["title"]))
            elif str(source["path"]).lower().endswith(".pdf"):
                pages.setdefault(str(source["path"]), []).append(str(page or ""))
                titles[str(source["path"])] = str(source["title"])
            lines.append(f"[{source['n']}] {title}{where}")
        return Reply("\n".join(lines), documents=self._documents(pages, titles, lang))

    def _documents(
        self, pages: dict[str, list[str]], titles: dict[str, str], lang: str
    ) -> list[Document]:
        """The cited PDFs that have no public address, to send themselves (page named)."""
        root = self.assistant.settings.knowledge_dir.resolve()
        out = []
        for relative, numbers in pages.items():
            path = (root / relative).resolve()
            if root not in path.parents or not path.is_file():
                continue
            cited = ", ".join(n for n in dict.fromkeys(numbers) if n)
            caption = titles[relative] + (f" — {text(lang, 'page')} {cited}" if cited else "")
            out.append(Document(path, caption))
        return out

    def _sources_of(self, key: str) -> list[dict[str, Any]] | None:
        """An answer's sources: from memory, else as stored under its key; ``None``: unknown."""
        answer = self._answers.get(key)
        if answer is not None:
            return _source_records(answer)
        stored = self.database.stored_sources(key)
        return json.loads(stored.sources) if stored is not None else None

    def feedback(self, key: str, up: bool, lang: str) -> str | None:
        """Store a vote on an answer (no user identifier); the thank-you, or ``None`` when the
        answer is unknown. After a restart the vote is kept with the sources only."""
        answer = self._answers.get(key)
        vote = 1 if up else -1
        if answer is not None:
            self.database.record_feedback(
                key,
                answer.language,
                answer.question,
                answer.answer,
                [f"{s.path}:{s.page or 0}" for s in answer.sources],
                answer.abstained,
                vote,
            )
            return text(lang, "feedback_thanks")
        stored = self.database.stored_sources(key)
        if stored is None:
            return None
        cited = [f"{s['path']}:{s.get('page') or 0}" for s in json.loads(stored.sources)]
        self.database.record_feedback(key, stored.language, "", "", cited, stored.abstained, vote)
        return text(lang, "feedback_thanks")

    # --- funding calls ------------------------------------------------------------------------

    def authority_question(self, lang: str) -> Reply:
        rows = [[Button(text(lang, f"auth_{a}"), f"auth:{a}")] for a in AUTHORITY_TYPES]
        return Reply(
            text(lang, "authority_question"), [*rows, [Button(text(lang, "skip"), "auth:-")]]
        )

    def partner_question(self, lang: str) -> Reply:
        codes = ("UA", "MD", "PL", "RO", "EU")
        rows = [[Button(text(lang, f"partner_{c}"), f"partner:{c}")] for c in codes]
        return Reply(
            text(lang, "partner_question"), [*rows, [Button(text(lang, "skip"), "partner:-")]]
        )

    @staticmethod
    def profile(description: str, authority: str | None, partner: str | None) -> Profile:
        """The project from the conversation's answers: the ``auth:`` and ``partner:`` choices,
        where "-" skips and "EU" (any member state) filters nothing."""
        return Profile.model_validate(
            {
                "description": description or "?",
                "authority": authority if authority in AUTHORITY_TYPES else None,
                "partner_country": None if partner in (None, "-", "EU") else partner,
            }
        )

    def suggestions(self, profile: Profile, lang: str) -> list[Reply]:
        """The funding screen: a plain first line, then at most three cards and "more"."""
        proposal = self.matcher.propose(profile, lang=lang)
        links = proposal.links
        if not proposal.suggestions:
            head = text(
                lang,
                "cards_nothing_fits",
                portal=link(links["portal"], "Funding & Tenders"),
                aides=link(links["aides_territoires"], "Aides-territoires"),
            )
            cards = [self.card(s, lang) for s in proposal.closest]
            return [Reply(head, [[_referent_button(lang)]]), *cards]
        if proposal.live == 0:
            head = text(lang, "cards_none_open")
        elif proposal.live < min(3, len(proposal.suggestions)):
            head = text(lang, "cards_few_open", n=proposal.live)
        else:
            head = text(lang, "cards_intro")
        return [Reply(head), *self._page(proposal.suggestions, lang)]

    def more(self, key: str, lang: str) -> list[Reply]:
        """The next cards of a funding screen."""
        rest = self._more.pop(key, None)
        if not rest:
            return [Reply(text(lang, "more_gone"))]
        return self._page(rest, lang)

    def _page(self, found: list[Suggestion], lang: str) -> list[Reply]:
        cards = [self.card(s, lang) for s in found[:CARDS_PER_PAGE]]
        rest = found[CARDS_PER_PAGE:]
        if rest:
            key = secrets.token_urlsafe(8)
            self._more[key] = rest
            while len(self._more) > RECENT_ANSWERS:
                self._more.popitem(last=False)
            label = text(lang, "button_more", n=len(rest))
            last = cards[-1]
            cards[-1] = Reply(last.html, [*last.buttons, [Button(label, f"more:{key}")]])
        return cards

    def card(self, suggestion: Suggestion, lang: str) -> Reply:
        """A compact card in one language: status, next step, money, why, link, buttons."""
        s = suggestion
        lang = s.lang  # the records' language (French or English): labels follow it
        lines = [
            f"{text(lang, 'status_' + s.status)} · <b>{escape(s.title)}</b>",
            escape(s.programme),
        ]
        if s.status == "open" and s.deadline is not None and s.days_left is not None:
            days = _in_days(s.days_left, lang)
            lines.append(text(lang, "deadline_line", date=s.deadline.isoformat(), days=days))
        elif s.status == "forthcoming" and s.opens is not None:
            lines.append(text(lang, "opens_line", date=s.opens.isoformat()))
        elif s.status == "expected" and s.expected:
            lines.append(text(lang, "expected_month", month=s.expected))
        if s.rhythm and s.status in ("expected", "permanent"):
            lines.append(f"🔁 {escape(_short(s.rhythm))}")
        if s.amounts:
            lines.append(text(lang, "amount_line", text=escape(_short(s.amounts))))
        if s.cofinancing_rate:
            lines.append(text(lang, "rate_line", text=escape(_short(s.cofinancing_rate))))
        if s.check_partner:
            lines.append(text(lang, "check_partner"))
        if s.why:
            lines.append(f"💡 {escape(s.why)}")
        checked = text(lang, "checked_line", date=s.checked.isoformat())
        lines.append(f"🔗 {link(s.url, _host(s.url))} · {checked}")
        if s.origin == "aides-territoires":  # the Licence Ouverte asks for the credit
            site = link(AIDES_TERRITOIRES, "Aides-territoires")
            lines.append(text(lang, "credit_aides_territoires", link=site))
        row = [_referent_button(lang)]
        if s.status != "permanent":
            if s.follow == "deadline":
                bell = Button(text(lang, "button_remind"), f"rm:{call_token(s.id)}")
            else:
                target = s.programme_id or s.id
                bell = Button(text(lang, "button_remind_next"), f"nx:{call_token(target)}")
            row.insert(0, bell)
        return Reply("\n".join(lines), [row])

    def remind(self, chat_id: int, token: str, description: str, lang: str) -> str:
        """Follow a call's deadline from its card; returns the confirmation (or "already")."""
        call_id = self._call_for(token)
        if call_id is None:
            return text(lang, "remind_already")
        created = self.database.subscribe(chat_id, call_id, description, lang)
        return text(lang, "remind_ok" if created else "remind_already")

    def remind_next(self, chat_id: int, token: str, description: str, lang: str) -> str:
        """Be told when the next edition of a programme opens; the confirmation says so."""
        record = self._record_for(token)
        if record is None:
            return text(lang, "remind_already")
        created = self.database.subscribe(chat_id, NEXT + record, description, lang)
        return text(lang, "remind_next_ok" if created else "remind_already")

    def alerts(self, chat_id: int, lang: str) -> Reply:
        """The calls and programmes a chat follows, each with a remove button."""
        subscriptions = self.database.subscriptions(chat_id)
        if not subscriptions:
            return Reply(text(lang, "alerts_none"))
        now = self.matcher.clock()
        lines, buttons = [text(lang, "alerts_title")], []
        for n, sub in enumerate(subscriptions, 1):
            if sub.call_id.startswith(NEXT):
                record = sub.call_id.removeprefix(NEXT)
                programme = self.matcher.programmes.get(record)
                call = self.matcher.calls.get(record)
                title = programme.name.get(card_language(lang)) if programme else None
                title = title or (call.title if call else record)
                lines.append(f"{n}. {escape(title)} — {text(lang, 'alert_next')}")
            else:
                call = self.matcher.calls.get(sub.call_id)
                title = call.title if call else sub.call_id
                deadline = call.next_deadline(now) if call else None
                when = deadline.date.isoformat() if deadline else text(lang, "status_ended")
                lines.append(f"{n}. {escape(title)} — {when}")
            buttons.append([Button(f"{text(lang, 'button_remove')} {n}", f"unsub:{sub.id}")])
        return Reply("\n".join(lines), buttons)

    def unsubscribe(self, chat_id: int, subscription_id: str, lang: str) -> Reply | None:
        """Remove one of the chat's alerts; ``None`` when there is no such alert (any more)."""
        if subscription_id.isdigit() and self.database.unsubscribe(int(subscription_id), chat_id):
            return Reply(text(lang, "removed"))
        return None

    def reminder(self, due: Due, lang: str) -> Reply:
        """The reminder for a followed call, with its card."""
        when = _in_days(due.days_left, lang)
        header = text(lang, "reminder", title=escape(due.call.title), when=when)
        found = self.matcher.describe(due.call.id, due.subscription.description, lang)
        body = f"{header}\n\n{self.card(found, lang).html}" if found else header
        return Reply(body, [[_referent_button(lang)]])

    def opened(self, suggestion: Suggestion, lang: str) -> Reply:
        """News for a follower: the next edition of a programme is open."""
        header = text(lang, "next_opened", title=escape(suggestion.title))
        card = self.card(suggestion, lang)
        return Reply(f"{header}\n\n{card.html}", card.buttons)

    def new_calls(self, found: list[Suggestion], lang: str) -> list[Reply]:
        return [Reply(text(lang, "new_calls")), *(self.card(s, lang) for s in found)]

    def _record_for(self, token: str) -> str | None:
        records = [*self.matcher.programmes, *self.matcher.calls]
        return next((rid for rid in records if call_token(rid) == token), None)

    def _call_for(self, token: str) -> str | None:
        return next((cid for cid in self.matcher.calls if call_token(cid) == token), None)

    def press(self, data: str, lang: str, chat_id: int = 0, description: str = "") -> Outcome:
        """The effect of an inline button (its callback data) in a chat."""
        action, _, rest = data.partition(":")
        stale = Outcome(toast=text(lang, "button_stale"))
        if action == "rm":
            if self._call_for(rest) is None:
                return stale
            return Outcome(reply=Reply(self.remind(chat_id, rest, description, lang)))
        if action == "nx":
            if self._record_for(rest) is None:
                return stale
            return Outcome(reply=Reply(self.remind_next(chat_id, rest, description, lang)))
        if action == "more":
            first, *others = self.more(rest, lang)
            return Outcome(reply=first, more=others)
        if action == "unsub":
            removed = self.unsubscribe(chat_id, rest, lang)
            return Outcome(reply=removed) if removed is not None else stale
        if action == "fb":
            key, _, vote = rest.partition(":")
            thanks = self.feedback(key, vote == "up", lang)
            return Outcome(toast=thanks) if thanks is not None else stale
        if action == "lang" and rest in UI_LANGUAGES:
            return Outcome(reply=Reply(text(rest, "lang_set")), language=rest)
        if action == "src":
            page = self._sources_page(rest, lang)
            return stale if page is None else Outcome(reply=page)
        if action == "card":
            return Outcome(reply=self.card_reply(rest, lang))
        pages = {
            "ask": self.ask_prompt,
            "funding": self.funding_prompt,
            "referent": self.referents,
            "about": self.about,
        }
        if action == "menu" and rest in pages:
            return Outcome(reply=pages[rest](lang))
        return stale  # a button of a flow that ended, or of an older version of the bot

    def _remember(self, answer: Answer) -> str:
        key = secrets.token_urlsafe(8)
        self._answers[key] = answer
        if not answer.abstained:  # its buttons outlive a restart
            self.database.remember_sources(
                key, answer.language, _source_records(answer), answer.abstained
            )
        while len(self._answers) > RECENT_ANSWERS:
            self._answers.popitem(last=False)
        return key


def _source_records(answer: Answer) -> list[dict[str, Any]]:
    return [
        {"n": s.n, "title": s.title, "path": s.path, "page": s.page, "url": s.url}
        for s in answer.sources
    ]


def call_token(call_id: str) -> str:
    """A short, stable token for a call id (Telegram callback data is limited to 64 bytes)."""
    return hashlib.sha1(call_id.encode()).hexdigest()[:12]


def _referent_button(lang: str) -> Button:
    return Button(text(lang, "button_referent"), REFERENT)


def _in_days(days: int, lang: str) -> str:
    return text(lang, "today") if days == 0 else plural(lang, "days_left", days)


def _short(value: str, limit: int = 160) -> str:
    return value if len(value) <= limit else value[: limit - 1].rsplit(" ", 1)[0] + "…"


def _host(url: str) -> str:
    return urlparse(url).netloc.removeprefix("www.") or url
