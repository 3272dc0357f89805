"""Funding suggestions for a project: programmes (with their editions) and calls of their own,
filtered on what the records say, ranked with the hybrid retriever restricted to calls, kept
when close enough, each with its next step and a line on why it fits."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal
from urllib.parse import quote_plus

from pydantic import BaseModel, Field

from .assistant import Assistant
from .calls import Authority, Call, load_calls
from .errors import KnowledgeError
from .index.lexical import tokenize
from .index.manifest import outside_reason
from .programmes import PROGRAMMES_FILE, Programme, load_programme_folder, month_name, standing
from .retrieval import Mode
from .text import split_sentences

log = logging.getLogger(__name__)
POOL = 60
RELEVANCE_FLOOR = 0.80  # a card is shown when the project is this close to it (cosine)…
RELEVANCE_MARGIN = 0.03  # …and not far below the best card
CardStatus = Literal["open", "forthcoming", "expected", "permanent", "ended"]
PORTAL_SEARCH = (
    "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/"
    "calls-for-proposals?keywords={words}"
)
AIDES_TERRITOIRES_SEARCH = "https://aides-territoires.beta.gouv.fr/aides/?keyword={words}"
WHY_LABEL = {
    "fr": "En commun avec votre projet",
    "en": "In common with your project",
    "uk": "Спільне з вашим проєктом",
}


class Profile(BaseModel):
    """What staff say about their project; every structured field is optional."""

    description: str = Field(min_length=1)
    authority: Authority | None = None
    country: str | None = None  # the applicant's country (ISO code)
    partner_country: str | None = None
    themes: list[str] = Field(default_factory=list)


class Suggestion(BaseModel):
    """A programme (or a call of its own) that fits, with its next step, in one language."""

    id: str  # the open or forthcoming edition, else the programme (or the call itself)
    programme_id: str | None = None
    title: str
    programme: str
    status: CardStatus
    deadline: dt.date | None = None
    days_left: int | None = None
    opens: dt.date | None = None  # forthcoming: the opening day
    expected: str = ""  # expected: the month the next edition should open ("avril 2027")
    rhythm: str = ""  # the programme's usual rhythm, in the card's language
    amounts: str = ""
    cofinancing_rate: str = ""
    url: str
    checked: dt.date
    score: float
    relevance: float = 0.0  # cosine similarity of the project to the record
    why: str
    check_partner: bool = False  # the partner country is not listed: check eligibility
    lang: str = "fr"  # the language of every text of the card
    origin: str = "curated"  # where the record comes from (curated, portal, aides-territoires)

    @property
    def has_next_step(self) -> bool:
        """Open, forthcoming, expected (with its month) or always open."""
        return self.status in ("open", "forthcoming", "permanent") or (
            self.status == "expected" and bool(self.expected)
        )

    @property
    def follow(self) -> str:
        """What 🔔 does: deadline reminders, or news when the next edition opens."""
        return "deadline" if self.status == "open" and self.deadline else "next"


class Proposal(BaseModel):
    """What the funding screen shows: the suggestions above the floor, or the closest ones."""

    suggestions: list[Suggestion]
    closest: list[Suggestion] = Field(default_factory=list)  # when nothing fits well
    links: dict[str, str] = Field(default_factory=dict)  # searches for the profile

    @property
    def live(self) -> int:
        """How many suggestions are open or forthcoming."""
        return sum(s.status in ("open", "forthcoming") for s in self.suggestions)


def load_call_folder(folder: Path) -> dict[str, Call]:
    """Every call of every file in ``knowledge/calls/`` (the programmes file aside).

    Bad records, bad files (not a list, an impossible date…) and links are reported and left
    out: a broken file never stops the bot.
    """
    calls: dict[str, Call] = {}
    for path in sorted(folder.glob("*.y*ml")):
        if path.name == PROGRAMMES_FILE:
            continue
        reason = outside_reason(folder, path)
        if reason:
            log.warning("Calls file %s skipped: %s", path.name, reason)
            continue
        try:
            loaded = load_calls(path)
        except KnowledgeError as exc:
            log.warning("Calls file skipped: %s", exc)
            continue
        for problem in loaded.problems:
            log.warning("Calls file: %s", problem)
        calls.update((c.id, c) for c in loaded.calls)
    return calls


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def card_language(lang: str) -> str:
    """Records are written in French and English: other languages get English cards."""
    return "fr" if lang == "fr" else "en"


class Matcher:
    """Suggests programmes and calls from the records and the index; ``clock`` is injectable."""

    def __init__(
        self,
        assistant: Assistant,
        calls: dict[str, Call],
        clock: Callable[[], dt.datetime] = utc_now,
        programmes: dict[str, Programme] | None = None,
    ) -> None:
        self.assistant = assistant
        self.calls = calls
        self.clock = clock
        if programmes is None:
            programmes = load_programme_folder(assistant.settings.knowledge_dir / "calls")
        self.programmes = programmes

    def editions(self) -> dict[str, list[Call]]:
        """The calls of each programme."""
        out: dict[str, list[Call]] = {pid: [] for pid in self.programmes}
        for call in self.calls.values():
            if call.programme_id in out:
                out[call.programme_id].append(call)
        return out

    def unit_of(self, record_id: str) -> str | None:
        """The programme a record belongs to, or the call itself when it has none."""
        if record_id in self.programmes:
            return record_id
        call = self.calls.get(record_id)
        if call is None:
            return None
        return call.programme_id if call.programme_id in self.programmes else call.id

    def suggest(
        self, profile: Profile, k: int = 5, mode: Mode = "hybrid", lang: str = "fr"
    ) -> list[Suggestion]:
        """The best ``k`` suggestions above the relevance floor, best first."""
        return self.propose(profile, k=k, mode=mode, lang=lang).suggestions

    def propose(
        self, profile: Profile, k: int = 9, mode: Mode = "hybrid", lang: str = "fr"
    ) -> Proposal:
        """Suggestions with a next step, above a per-card floor; else the closest ones."""
        now = self.clock()
        lang = card_language(lang)
        query = " ".join([profile.description, *profile.themes])
        with self.assistant.lease() as answerer:  # an index swap waits for this search
            evidence = answerer.evidence(query, kind="call", mode=mode, k=POOL)
        editions = self.editions()
        ranked: list[Suggestion] = []
        seen: set[str] = set()
        for hit in evidence.hits:  # one embedding and one search for every decision
            unit = self.unit_of(hit.chunk.id.split(":")[1])
            if unit is None or unit in seen:
                continue
            seen.add(unit)
            relevance = evidence.relevance.get(hit.chunk.id, 0.0)
            suggestion = self._unit(unit, profile, editions, now, query, lang, hit.score)
            if suggestion is not None and suggestion.has_next_step:
                ranked.append(suggestion.model_copy(update={"relevance": round(relevance, 4)}))
        ranked.sort(key=lambda s: -s.score)
        best = max((s.relevance for s in ranked), default=0.0)
        floor = max(RELEVANCE_FLOOR, best - RELEVANCE_MARGIN)
        weak = evidence.weak(
            self.assistant.settings.match_margin, self.assistant.settings.abstain_floor
        )
        fitting = [] if weak else [s for s in ranked if s.relevance >= floor][:k]
        closest = [] if fitting else ranked[:3]
        return Proposal(suggestions=fitting, closest=closest, links=search_links(profile))

    def describe(self, record_id: str, query: str, lang: str = "fr") -> Suggestion | None:
        """A card's worth of facts about a programme or call (for reminders and news)."""
        unit = self.unit_of(record_id)
        if unit is None:
            return None
        now = self.clock()
        return self._unit(
            unit,
            Profile(description=query or "?"),
            self.editions(),
            now,
            query,
            card_language(lang),
            0.0,
            filter_profile=False,
        )

    def _unit(
        self,
        unit: str,
        profile: Profile,
        editions: dict[str, list[Call]],
        now: dt.datetime,
        query: str,
        lang: str,
        score: float,
        filter_profile: bool = True,
    ) -> Suggestion | None:
        programme = self.programmes.get(unit)
        if programme is None:
            return self._call(self.calls[unit], profile, now, query, lang, score, filter_profile)
        if filter_profile and (
            (
                profile.authority
                and programme.applicants
                and profile.authority not in programme.applicants
            )
            or not programme.applicant_from(profile.country)
        ):
            return None
        here = standing(programme, editions.get(unit, []), now)
        edition = here.edition
        deadline = edition.next_deadline(now) if edition else None
        return Suggestion(
            id=edition.id if edition else programme.id,
            programme_id=programme.id,
            title=programme.name.get(lang),
            programme=programme.funder.get(lang),
            status=here.status,
            deadline=deadline.date if deadline else None,
            days_left=edition.days_left(now) if edition else None,
            opens=edition.opens if edition and here.status == "forthcoming" else None,
            expected=month_name(here.expected, lang) if here.expected else "",
            rhythm=programme.rhythm_note.get(lang),
            amounts=programme.amounts.get(lang) if programme.amounts else "",
            cofinancing_rate=(
                programme.cofinancing_rate.get(lang) if programme.cofinancing_rate else ""
            ),
            url=edition.link if edition and edition.url else str(programme.url),
            checked=max([programme.checked, *([edition.checked] if edition else [])]),
            score=round(score, 5),
            why=why_it_fits(programme.themes, programme.summary.get(lang), query, lang),
            check_partner=not programme.lists_partner(profile.partner_country),
            lang=lang,
        )

    def _call(
        self,
        call: Call,
        profile: Profile,
        now: dt.datetime,
        query: str,
        lang: str,
        score: float,
        filter_profile: bool,
    ) -> Suggestion | None:
        """A call without a programme record (a portal or Aides-territoires record)."""
        if filter_profile and not call.accepts(profile.authority, None):
            return None
        status = call.status(now)
        deadline = call.next_deadline(now)
        partner = profile.partner_country
        return Suggestion(
            id=call.id,
            title=call.title,
            programme=call.programme,
            status="ended" if status == "closed" else status,
            deadline=deadline.date if deadline else None,
            days_left=call.days_left(now),
            opens=call.opens if status == "forthcoming" else None,
            amounts=call.amounts if _speaks(call, lang) else "",
            cofinancing_rate=call.cofinancing_rate if _speaks(call, lang) else "",
            url=call.link,
            checked=call.checked,
            score=round(score, 5),
            why=why_it_fits(call.themes, _summary_in(call, lang), query, lang),
            check_partner=bool(partner and not call.accepts(None, partner)),
            lang=lang,
            origin=call.origin,
        )


SOURCE_LANGUAGE = {"portal": "en", "aides-territoires": "fr"}


def _speaks(call: Call, lang: str) -> bool:
    """Whether the record's texts are in the card's language (the portal writes English,
    Aides-territoires French): a card never mixes two languages."""
    return SOURCE_LANGUAGE.get(call.origin, lang) == lang


def _summary_in(call: Call, lang: str) -> str:
    return call.summary if _speaks(call, lang) else ""


def search_links(profile: Profile) -> dict[str, str]:
    """The EU portal's and Aides-territoires' searches for the project's main words."""
    words = [w for w in re.findall(r"\w+", profile.description) if len(w) > 4][:4]
    query = quote_plus(" ".join(words))
    return {
        "portal": PORTAL_SEARCH.format(words=query),
        "aides_territoires": AIDES_TERRITOIRES_SEARCH.format(words=query),
    }


def why_it_fits(themes: list[str], summary: str, query: str, lang: str = "fr") -> str:
    """The record's themes that share words with the project, then its first sentence."""
    wanted = set(tokenize(query))
    shared = [theme for theme in themes if wanted & set(tokenize(theme))]
    sentences = split_sentences(summary) or [summary]
    first = sentences[0] if len(sentences[0]) <= 220 else sentences[0][:217].rsplit(" ", 1)[0] + "…"
    if shared:
        colon = " :" if lang == "fr" else ":"
        label = WHY_LABEL.get(lang, WHY_LABEL["en"])
        return f"{label}{colon} {', '.join(shared[:4])}. {first}".strip()
    return first
