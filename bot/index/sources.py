"""Load step: knowledge files → :class:`Section` objects (text with its citation metadata).

PDFs are read page by page with pypdf, Markdown and text files by heading, call files record by
record. A file that cannot be read raises :class:`SkippedFile` with a reason a person understands.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from langchain_text_splitters import MarkdownHeaderTextSplitter
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ..calls import Call, load_calls
from ..cards import ANSWERS_FOLDER, read_card_file
from ..errors import KnowledgeError
from ..programmes import PROGRAMMES_FILE, load_programmes, programme_text
from ..text import collapse_spaces, is_heading, repair_pdf_text

PROGRAMME = "programme"
CALL = "call"
DOCUMENT_SUFFIXES = {".pdf", ".md", ".markdown", ".txt"}
CALL_SUFFIXES = {".yaml", ".yml"}
CALLS_FOLDER = "calls"
CARD = "card"
CARD_ANSWER = "answer:"  # the section of a card chunk that holds an answer, not a phrasing


class SkippedFile(Exception):
    """This file gives nothing to index; the message says why."""


@dataclass(frozen=True)
class Section:
    """A piece of a source with one heading, before it is cut into chunks."""

    source: str  # path relative to the knowledge folder, with forward slashes
    key: str  # the "page" part of chunk ids: a page number, or a call id
    text: str
    title: str
    section: str
    page: int  # 1-based page number; 0 when the format has no pages
    url: str
    kind: str
    checked: str  # ISO date the facts were checked (calls) or the file last changed


@dataclass(frozen=True)
class Loaded:
    """What one file gave: its sections, and the problems met on the way (bad records)."""

    sections: list[Section]
    problems: list[str]


def is_indexable(relative: str) -> bool:
    """Documents are indexed anywhere in knowledge/; YAML only as call files under calls/ and
    answer cards under answers/."""
    path = Path(relative)
    if any(part.startswith(".") for part in path.parts):
        return False
    suffix = path.suffix.lower()
    if suffix in CALL_SUFFIXES:
        return path.parts[0] in (CALLS_FOLDER, ANSWERS_FOLDER)
    return suffix in DOCUMENT_SUFFIXES


def load_source(root: Path, relative: str) -> Loaded:
    """Read one knowledge file into sections; raises :class:`SkippedFile` when it has none."""
    path = root / relative
    kind = CALL if Path(relative).parts[0] == CALLS_FOLDER else PROGRAMME
    checked = dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    suffix = path.suffix.lower()
    if suffix in CALL_SUFFIXES and Path(relative).parts[0] == ANSWERS_FOLDER:
        return _load_card_phrasings(path, relative)
    if suffix in CALL_SUFFIXES:
        return _load_calls(path, relative)
    if suffix == ".pdf":
        sections = _load_pdf(path, relative, kind, checked)
    else:
        sections = _load_markdown(path, relative, kind, checked)
    if not sections:
        raise SkippedFile("no text could be extracted (empty or scanned document?)")
    return Loaded(sections=sections, problems=[])


def _load_pdf(path: Path, relative: str, kind: str, checked: str) -> list[Section]:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are reported once, below
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(path)
            if reader.is_encrypted and not reader.decrypt(""):
                raise SkippedFile("the PDF is encrypted with a password")
            metadata = reader.metadata
            title = str(metadata.get("/Title") or "").strip() if metadata else ""
            title = title or _title_from(path)
            pages = [page.extract_text() or "" for page in reader.pages]
    except SkippedFile:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SkippedFile(
            f"the PDF is damaged or unreadable ({type(exc).__name__}: {exc})"
        ) from exc
    sections: list[Section] = []
    for number, raw in enumerate(pages, start=1):
        for heading, body in _split_at_headings(repair_pdf_text(raw)):
            sections.append(
                Section(relative, str(number), body, title, heading, number, "", kind, checked)
            )
    return sections


def _split_at_headings(text: str) -> list[tuple[str, str]]:
    """Cut a page into (heading path, body) pairs: ``TOP HEADING › SUB HEADING``.

    The page's first heading leads the path; a heading wrapped over two lines is joined.
    """
    pieces: list[tuple[str, str]] = []
    top = sub = ""
    body: list[str] = []
    in_heading = False

    def flush() -> None:
        if any(body):
            pieces.append((" › ".join(h for h in (top, sub) if h), "\n".join(body).strip()))
        body.clear()

    for line in text.split("\n"):
        if line and is_heading(line):
            if in_heading and sub:
                sub = f"{sub} {line}"
            elif in_heading:
                top = f"{top} {line}"
            else:
                flush()
                sub, top = (line, top) if top else ("", line)
            in_heading = True
        else:
            in_heading = False
            body.append(line)
    flush()
    return pieces


def _load_markdown(path: Path, relative: str, kind: str, checked: str) -> list[Section]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SkippedFile(f"the file is not UTF-8 text (byte {exc.start})") from exc
    title = _title_from(path)
    splitter = MarkdownHeaderTextSplitter(
        headers_to_split_on=[("#", "h1"), ("##", "h2"), ("###", "h3")], strip_headers=True
    )
    sections = []
    for doc in splitter.split_text(collapse_spaces(text)):
        headings = [doc.metadata[h] for h in ("h1", "h2", "h3") if h in doc.metadata]
        body = re.sub(r"\n{3,}", "\n\n", doc.page_content).strip()
        if body:
            heading = " › ".join(headings)
            sections.append(Section(relative, "0", body, title, heading, 0, "", kind, checked))
    return sections


def _load_calls(path: Path, relative: str) -> Loaded:
    if path.name == PROGRAMMES_FILE:
        return _load_programmes(path, relative)
    try:
        result = load_calls(path)
    except KnowledgeError as exc:
        raise SkippedFile(str(exc).removeprefix(f"{path}: ")) from exc
    sections = [
        Section(
            relative,
            call.id,
            call_text(call),
            call.title,
            call_heading(call),
            0,
            call.link,
            CALL,
            call.checked.isoformat(),
        )
        for call in result.calls
    ]
    problems = [p.replace(str(path), relative, 1) for p in result.problems]
    return Loaded(sections=sections, problems=problems)


def _load_card_phrasings(path: Path, relative: str) -> Loaded:
    """One section per phrasing of each card and one per translation of its answer (section
    ``answer:<lang>``): both are matched against questions. The cards themselves are checked
    and kept apart (see :func:`bot.cards.load_cards`)."""
    cards, _ = read_card_file(path)  # problems are reported by the card check of the ingest
    sections = []
    for card in cards:
        checked = card.checked.isoformat()
        for question in card.questions:
            sections.append(Section(relative, card.id, question, card.id, "", 0, "", CARD, checked))
        for lang, answer in card.answer.items():
            label = f"{CARD_ANSWER}{lang}"
            sections.append(
                Section(relative, card.id, answer, card.id, label, 0, "", CARD, checked)
            )
    if not sections:
        raise SkippedFile("no valid answer card")
    return Loaded(sections=sections, problems=[])


def _load_programmes(path: Path, relative: str) -> Loaded:
    """One section per programme record (what it funds, who, rhythm), indexed as a call."""
    try:
        result = load_programmes(path)
    except KnowledgeError as exc:
        raise SkippedFile(str(exc).removeprefix(f"{path}: ")) from exc
    sections = [
        Section(
            relative,
            programme.id,
            programme_text(programme),
            programme.name.fr,
            f"{programme.name.fr} — {programme.name.en} — {programme.funder.en}",
            0,
            str(programme.url),
            CALL,
            programme.checked.isoformat(),
        )
        for programme in result.programmes
    ]
    problems = [p.replace(str(path), relative, 1) for p in result.problems]
    return Loaded(sections=sections, problems=problems)


def call_heading(call: Call) -> str:
    """The heading of a call: title, identifier and programme (searched, never quoted)."""
    identifier = f" ({call.call_identifier})" if call.call_identifier else ""
    return f"{call.title}{identifier} — {call.programme}"


def call_text(call: Call) -> str:
    """The text indexed for a call: one fact per line, labelled in French (the users' language)."""
    deadlines = "; ".join(
        d.date.isoformat() + (f" ({d.note})" if d.note else "") for d in call.deadlines
    )
    lines = [
        call.summary,
        f"Thèmes : {', '.join(call.themes)}." if call.themes else "",
        f"Bénéficiaires éligibles de {call.title} : {call.eligible_applicants}"
        if call.eligible_applicants
        else "",
        f"Pays éligibles de {call.title} : {call.eligible_countries}"
        if call.eligible_countries
        else "",
        f"Montants de {call.title} : {call.amounts}" if call.amounts else "",
        f"Taux de cofinancement de {call.title} : {call.cofinancing_rate}"
        if call.cofinancing_rate
        else "",
        f"Dates limites de {call.title} : {deadlines}." if deadlines else "",
        f"Statut selon les sources (vérifié le {call.checked.isoformat()}) : {call.status_note}"
        if call.status_note
        else "",
    ]
    return "\n".join(line for line in lines if line)


def _title_from(path: Path) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
