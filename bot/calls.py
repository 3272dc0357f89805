"""Funding calls: the record model, its status on a given day, and the loader of the call files
in ``knowledge/calls/`` (curated by hand, or snapshots of the EU portal)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal, Protocol, Self, TypeVar, get_args
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from .errors import KnowledgeError

Authority = Literal["commune", "intercommunalite", "departement", "region", "association"]
AUTHORITY_TYPES: tuple[str, ...] = get_args(Authority)
Status = Literal["open", "forthcoming", "closed"]
BRUSSELS = ZoneInfo("Europe/Brussels")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})")


class Deadline(BaseModel):
    """One submission deadline; ``note`` keeps the time ("17:00 Brussels"), a stage, a caveat."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    note: str = ""

    def moment(self) -> dt.datetime:
        """When it passes: the time in the note (Brussels time), else the end of that day."""
        match = _TIME.match(self.note)
        hour, minute = (int(match[1]), int(match[2])) if match else (23, 59)
        return dt.datetime.combine(self.date, dt.time(hour, minute), BRUSSELS)


class Call(BaseModel):
    """A funding call or programme, as the network staff curate it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    programme: str = Field(min_length=2)
    programme_id: str | None = None  # the programme record this call is an edition of
    title: str = Field(min_length=2)
    call_identifier: str | None = None
    summary: str = Field(min_length=20)
    themes: list[str] = Field(default_factory=list)
    eligible_applicants: str = ""
    eligible_countries: str = ""
    amounts: str = ""
    cofinancing_rate: str = ""
    deadlines: list[Deadline] = Field(default_factory=list)
    opens: dt.date | None = None
    rolling: bool = False  # open all year, no deadline
    recurrence: str = ""  # the usual rhythm of the next edition (an expectation, not a fact)
    applicants: list[Authority] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)  # ISO codes; "EU" = any member state
    status_note: str = ""
    url: HttpUrl | None = None
    sources: list[HttpUrl] = Field(min_length=1)
    checked: dt.date
    origin: Literal["curated", "portal", "aides-territoires"] = "curated"

    @property
    def link(self) -> str:
        """The page to send people to: the call's own URL, else its first source."""
        return str(self.url or self.sources[0])

    def next_deadline(self, now: dt.datetime) -> Deadline | None:
        """The first deadline still ahead at ``now``."""
        ahead = sorted((d for d in self.deadlines if d.moment() > now), key=Deadline.moment)
        return ahead[0] if ahead else None

    def status(self, now: dt.datetime) -> Status:
        """Derived from the dates, never taken from a source (sources say "open" too long)."""
        if self.next_deadline(now) is None and not self.rolling:
            return "closed"
        opening = dt.datetime.combine(self.opens, dt.time(0, 0), BRUSSELS) if self.opens else None
        return "forthcoming" if opening and now < opening else "open"

    def days_left(self, now: dt.datetime) -> int | None:
        """Whole days until the next deadline (0 on the day itself)."""
        deadline = self.next_deadline(now)
        if deadline is None:
            return None
        return (deadline.date - now.astimezone(BRUSSELS).date()).days

    def accepts(self, authority: str | None, partner_country: str | None) -> bool:
        """False only when the record says this applicant or partner country is not eligible."""
        if authority and self.applicants and authority not in self.applicants:
            return False
        if partner_country and self.countries:
            code = partner_country.upper()
            return code in self.countries or (code in EU_MEMBERS and "EU" in self.countries)
        return True


EU_MEMBERS = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)


class CallsFile(BaseModel):
    """What :func:`load_calls` read from one file: the valid calls and one line per bad record."""

    calls: list[Call]
    problems: list[str]


def describe_error(error: ValidationError) -> str:
    """One line naming each bad field of a record."""
    parts = []
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "(record)"
        parts.append(f"field '{field}': {item['msg']}")
    return "; ".join(parts)


class _Record(Protocol):
    id: str

    @classmethod
    def model_validate(cls, obj: Any) -> Self: ...


Record = TypeVar("Record", bound=_Record)


def read_records(
    path: Path, model: type[Record], what: str, items: str
) -> tuple[list[Record], list[str]]:
    """Read a YAML list of records with an ``id``: the valid ones, and one line per bad record
    (by file, record and field). Raises :class:`KnowledgeError` only when the file as a whole
    cannot be read as a list (``what`` names the file, ``items`` its records, in the message)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, TypeError) as exc:
        # ValueError: YAML reads 2025-13-45 as a date and fails on it, outside its own errors
        raise KnowledgeError(f"{path}: cannot read the {what} ({exc})") from exc
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise KnowledgeError(f"{path}: expected a list of {items}, found {type(raw).__name__}")
    records: list[Record] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, item in enumerate(raw, start=1):
        label = f"record {number}"
        if isinstance(item, dict) and item.get("id"):
            label += f" (id '{item['id']}')"
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            problems.append(f"{path}: {label}: {describe_error(exc)}")
            continue
        if record.id in seen:
            problems.append(f"{path}: {label}: field 'id': duplicate id '{record.id}'")
            continue
        seen.add(record.id)
        records.append(record)
    return records, problems


def load_calls(path: Path) -> CallsFile:
    """Read a YAML list of calls. Bad records are reported by file and field, not raised."""
    calls, problems = read_records(path, Call, "calls file", "call records")
    return CallsFile(calls=calls, problems=problems)
