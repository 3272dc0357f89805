"""Funding programmes: the stable facts of a scheme (funder, who may apply, rhythm), linked to its
dated editions (the call records), and what the programme offers on a given day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from .calls import BRUSSELS, EU_MEMBERS, Authority, Call, read_records

PROGRAMMES_FILE = "programmes.yaml"  # in knowledge/calls/, beside the edition files
Rhythm = Literal["yearly", "biennial", "rolling", "permanent", "one-off", "irregular", "ended"]
ProgrammeStatus = Literal["open", "forthcoming", "expected", "permanent", "ended"]
NEXT_STEP_STATUSES = ("open", "forthcoming", "expected", "permanent")
MONTHS_FR = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)
MONTHS_EN = (
    "January February March April May June July August September October November December".split()
)


class Localized(BaseModel):
    """A text shown to users, in French and in English (one language per card)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    fr: str = Field(min_length=2)
    en: str = Field(min_length=2)

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class Programme(BaseModel):
    """A funding programme or mechanism, as the research notes describe it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    name: Localized
    funder: Localized
    summary: Localized  # what it funds
    who: str = ""  # who can apply (French)
    partners: str = ""  # partner countries (French)
    amounts: Localized | None = None
    cofinancing_rate: Localized | None = None
    rhythm: Rhythm
    opening_month: int | None = Field(default=None, ge=1, le=12)
    closing_month: int | None = Field(default=None, ge=1, le=12)
    rhythm_note: Localized
    themes: list[str] = Field(default_factory=list)
    applicants: list[Authority] = Field(default_factory=list)  # empty: unknown
    applicant_countries: list[str] = Field(default_factory=list)  # "EU" = any member state
    partner_countries: list[str] = Field(default_factory=list)  # "*" = any country
    url: HttpUrl
    sources: list[HttpUrl] = Field(min_length=1)
    checked: dt.date
    confidence: Literal["high", "medium", "low"] = "medium"

    @model_validator(mode="after")
    def _recurring_has_a_month(self) -> Programme:
        if self.rhythm in ("yearly", "biennial") and self.opening_month is None:
            raise ValueError("a yearly or biennial programme needs its usual opening_month")
        return self

    def applicant_from(self, country: str | None) -> bool:
        """False only when the programme says applicants from ``country`` cannot apply."""
        if not country or not self.applicant_countries:
            return True
        return _listed(country, self.applicant_countries)

    def lists_partner(self, country: str | None) -> bool:
        """True when the partner country is named; otherwise eligibility is to be checked."""
        return not country or _listed(country, self.partner_countries)


def _listed(country: str, countries: list[str]) -> bool:
    code = country.upper()
    return "*" in countries or code in countries or (code in EU_MEMBERS and "EU" in countries)


@dataclass(frozen=True)
class Standing:
    """What a programme offers at a moment, and its next step."""

    status: ProgrammeStatus
    edition: Call | None = None  # the open or forthcoming edition
    expected: dt.date | None = None  # first day of the month the next edition is expected


def standing(programme: Programme, editions: Iterable[Call], now: dt.datetime) -> Standing:
    """Derived from the editions' dates and the rhythm with ``now`` (never copied from a source)."""
    editions = list(editions)
    live = [(c, c.status(now)) for c in editions]
    open_ = [c for c, s in live if s == "open"]
    if open_:
        return Standing("open", min(open_, key=lambda c: _deadline_key(c, now)))
    coming = [c for c, s in live if s == "forthcoming" and c.opens]
    if coming:
        return Standing("forthcoming", min(coming, key=lambda c: c.opens or dt.date.max))
    if programme.rhythm in ("permanent", "rolling"):
        return Standing("permanent")
    if programme.rhythm in ("yearly", "biennial") and programme.opening_month:
        return Standing("expected", expected=_next_opening(programme, editions, now))
    return Standing("ended")


def _deadline_key(call: Call, now: dt.datetime) -> dt.date:
    deadline = call.next_deadline(now)
    return deadline.date if deadline else dt.date.max


def _next_opening(programme: Programme, editions: list[Call], now: dt.datetime) -> dt.date:
    """The usual opening month, from this month on, after the latest edition's cycle."""
    assert programme.opening_month is not None
    today = now.astimezone(BRUSSELS).date()
    this_month = today.replace(day=1)
    step = 2 if programme.rhythm == "biennial" else 1
    known = [c.opens for c in editions if c.opens]  # an edition of that cycle is already known
    year = today.year
    candidate = dt.date(year, programme.opening_month, 1)
    while candidate < this_month or any(abs((d - candidate).days) < 120 for d in known):
        year += step
        candidate = dt.date(year, programme.opening_month, 1)
    return candidate


def month_name(day: dt.date, lang: str) -> str:
    """ "avril 2027" / "April 2027"."""
    names = MONTHS_FR if lang == "fr" else MONTHS_EN
    return f"{names[day.month - 1]} {day.year}"


class ProgrammesFile(BaseModel):
    """What :func:`load_programmes` read: the valid programmes and one line per bad record."""

    programmes: list[Programme]
    problems: list[str]


def load_programmes(path: Path) -> ProgrammesFile:
    """Read the YAML list of programmes; bad records are reported by file and field."""
    programmes, problems = read_records(path, Programme, "programmes file", "programmes")
    return ProgrammesFile(programmes=programmes, problems=problems)


def load_programme_folder(folder: Path) -> dict[str, Programme]:
    path = folder / PROGRAMMES_FILE
    if not path.exists():
        return {}
    return {p.id: p for p in load_programmes(path).programmes}


def programme_text(programme: Programme) -> str:
    """The text indexed for a programme (both languages, so that both find it)."""
    lines = [
        programme.summary.fr,
        programme.summary.en,
        f"Thèmes : {', '.join(programme.themes)}." if programme.themes else "",
        f"Financeur : {programme.funder.fr}.",
        f"Qui peut candidater : {programme.who}" if programme.who else "",
        f"Pays partenaires : {programme.partners}" if programme.partners else "",
        f"Rythme : {programme.rhythm_note.fr}",
    ]
    return "\n".join(line for line in lines if line)
