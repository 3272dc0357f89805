"""Funding calls: the record model and the loader of the curated files in ``knowledge/calls/``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from .errors import KnowledgeError


class Deadline(BaseModel):
    """One submission deadline; ``note`` keeps the time, the stage or a caveat."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    note: str = ""


class Call(BaseModel):
    """A funding call or programme, as the network staff curate it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    programme: str = Field(min_length=2)
    title: str = Field(min_length=2)
    call_identifier: str | None = None
    summary: str = Field(min_length=20)
    themes: list[str] = Field(default_factory=list)
    eligible_applicants: str = ""
    eligible_countries: str = ""
    amounts: str = ""
    cofinancing_rate: str = ""
    deadlines: list[Deadline] = Field(default_factory=list)
    status_note: str = ""
    url: HttpUrl | None = None
    sources: list[HttpUrl] = Field(min_length=1)
    checked: dt.date

    @property
    def link(self) -> str:
        """The page to send people to: the call's own URL, else its first source."""
        return str(self.url or self.sources[0])


class CallsFile(BaseModel):
    """What :func:`load_calls` read from one file: the valid calls and one line per bad record."""

    calls: list[Call]
    problems: list[str]


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "(record)"
        parts.append(f"field '{field}': {item['msg']}")
    return "; ".join(parts)


def load_calls(path: Path) -> CallsFile:
    """Read a YAML list of calls. Bad records are reported by file and field, not raised.

    Raises :class:`KnowledgeError` only when the file as a whole cannot be read as a list.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read the calls file ({exc})") from exc
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise KnowledgeError(f"{path}: expected a list of call records, found {type(raw).__name__}")
    calls: list[Call] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, record in enumerate(raw, start=1):
        label = f"record {number}"
        if isinstance(record, dict) and record.get("id"):
            label += f" (id '{record['id']}')"
        try:
            call = Call.model_validate(record)
        except ValidationError as exc:
            problems.append(f"{path}: {label}: {_describe(exc)}")
            continue
        if call.id in seen:
            problems.append(f"{path}: {label}: field 'id': duplicate id '{call.id}'")
            continue
        seen.add(call.id)
        calls.append(call)
    return CallsFile(calls=calls, problems=problems)
