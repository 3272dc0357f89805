"""Funding-call suggestions for a project: filter on what the records say, rank with the hybrid
retriever restricted to calls, and say in a line why each call fits."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from .assistant import Assistant
from .calls import Authority, Call, Status, load_calls
from .errors import KnowledgeError
from .index.lexical import tokenize
from .index.manifest import outside_reason
from .retrieval import Mode
from .text import split_sentences

log = logging.getLogger(__name__)
CLOSED_PENALTY = 0.85  # a closed call expected again ranks a little below an open one
POOL = 60
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
    """A call that fits, with what is needed to decide."""

    id: str
    title: str
    programme: str
    status: Status
    deadline: dt.date | None
    days_left: int | None
    expected: str = ""  # for a closed call that recurs: the usual next edition (an expectation)
    amounts: str = ""
    cofinancing_rate: str = ""
    url: str
    checked: dt.date
    score: float
    why: str


def load_call_folder(folder: Path) -> dict[str, Call]:
    """Every call of every file in ``knowledge/calls/``.

    Bad records, bad files (not a list, an impossible date…) and links are reported and left
    out: a broken file never stops the bot.
    """
    calls: dict[str, Call] = {}
    for path in sorted(folder.glob("*.y*ml")):
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


class Matcher:
    """Suggests calls from the records and the index; ``clock`` is injectable for tests."""

    def __init__(
        self,
        assistant: Assistant,
        calls: dict[str, Call],
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.assistant = assistant
        self.calls = calls
        self.clock = clock

    def eligible(self, profile: Profile, now: dt.datetime) -> dict[str, Call]:
        """Calls the profile may apply to, open, forthcoming or expected again."""
        out = {}
        for call in self.calls.values():
            if not call.accepts(profile.authority, profile.partner_country):
                continue
            if profile.country and not call.accepts(None, profile.country):
                continue
            if call.status(now) == "closed" and not call.recurrence:
                continue
            out[call.id] = call
        return out

    def suggest(
        self, profile: Profile, k: int = 5, mode: Mode = "hybrid", lang: str = "fr"
    ) -> list[Suggestion]:
        """The best ``k`` calls for the profile, best first (empty when nothing is relevant)."""
        now = self.clock()
        query = " ".join([profile.description, *profile.themes])
        settings = self.assistant.settings
        evidence = self.assistant.answerer.evidence(query, kind="call", mode=mode, k=POOL)
        if evidence.weak(settings.match_margin, settings.abstain_floor):
            return []
        candidates = self.eligible(profile, now)
        ranked: dict[str, float] = {}
        for hit in evidence.hits:  # one embedding and one search for both decisions
            call_id = hit.chunk.id.split(":")[1]
            if call_id in candidates and call_id not in ranked:
                ranked[call_id] = hit.score
        suggestions = [
            self._suggestion(candidates[cid], score, now, query, lang)
            for cid, score in ranked.items()
        ]
        suggestions.sort(key=lambda s: -s.score)
        return _one_per_edition_family(suggestions, self.calls)[:k]

    def describe(self, call: Call, query: str, lang: str = "fr") -> Suggestion:
        """A card's worth of facts about one call (for reminders)."""
        return self._suggestion(call, 0.0, self.clock(), query, lang)

    def _suggestion(
        self, call: Call, score: float, now: dt.datetime, query: str, lang: str
    ) -> Suggestion:
        status = call.status(now)
        deadline = call.next_deadline(now)
        if status == "closed":
            score *= CLOSED_PENALTY
        return Suggestion(
            id=call.id,
            title=call.title,
            programme=call.programme,
            status=status,
            deadline=deadline.date if deadline else None,
            days_left=call.days_left(now),
            expected=call.recurrence if status == "closed" else "",
            amounts=call.amounts,
            cofinancing_rate=call.cofinancing_rate,
            url=call.link,
            checked=call.checked,
            score=round(score, 5),
            why=why_it_fits(call, query, lang),
        )


def _family(call: Call) -> tuple[str, str]:
    """Editions of one recurring call share a family: same programme, title without the year."""
    return call.programme.split(" – ")[0], re.sub(r"\b(19|20)\d\d\b", "", call.title).strip()


def _one_per_edition_family(
    suggestions: list[Suggestion], calls: dict[str, Call]
) -> list[Suggestion]:
    """Keep one edition per family: an open one if any, else the latest, at the best score."""
    groups: dict[tuple[str, str], list[Suggestion]] = {}
    for suggestion in suggestions:
        groups.setdefault(_family(calls[suggestion.id]), []).append(suggestion)
    kept = []
    for group in groups.values():
        best_score = group[0].score
        chosen = max(
            group,
            key=lambda s: (
                s.status != "closed",
                calls[s.id].checked,
                max((d.date for d in calls[s.id].deadlines), default=dt.date.min),
            ),
        )
        kept.append(chosen.model_copy(update={"score": best_score}))
    kept.sort(key=lambda s: -s.score)
    return kept


def why_it_fits(call: Call, query: str, lang: str = "fr") -> str:
    """The call's themes that share words with the project, then its first sentence."""
    wanted = set(tokenize(query))
    shared = [theme for theme in call.themes if wanted & set(tokenize(theme))]
    sentences = split_sentences(call.summary) or [call.summary]
    first = sentences[0] if len(sentences[0]) <= 220 else sentences[0][:217].rsplit(" ", 1)[0] + "…"
    if shared:
        colon = " :" if lang == "fr" else ":"
        return f"{WHY_LABEL.get(lang, WHY_LABEL['en'])}{colon} {', '.join(shared[:4])}. {first}"
    return first
