"""Answer cards: curated answers in four languages, each backed by quoted passages.

Network staff keep them in ``knowledge/answers/*.yaml`` (a list of cards per file). A card has
several phrasings of one question, an answer in French, English, Ukrainian and Polish, and the
exact passages that back it. A card is only used when it checks out:

- every passage stands, word for word (case, accents and spacing aside), in the cited file and
  page of ``knowledge/``;
- every figure, e-mail, phone and link of each translation stands in those passages
  (:mod:`bot.grounding`).

A bad card is reported by file, card and field; the others still load.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .grounding import unsupported
from .text import collapse_spaces, fold

ANSWERS_FOLDER = "answers"
CARDS_FILE = "cards.json"
LANGUAGES = ("fr", "en", "uk", "pl")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "«": '"', "»": '"', "“": '"', "”": '"'})


class CardSource(BaseModel):
    """Where a card's facts come from: a knowledge file (and page) and the passage quoted."""

    model_config = ConfigDict(extra="forbid")

    file: str = Field(min_length=1)
    page: int | None = Field(default=None, ge=1)
    passage: str = Field(min_length=3)


class Card(BaseModel):
    """One curated answer."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,60}$")
    questions: list[str] = Field(min_length=1)
    answer: dict[str, str]
    sources: list[CardSource] = Field(min_length=1)
    related: list[str] = Field(default_factory=list)
    checked: dt.date

    @field_validator("questions")
    @classmethod
    def _questions(cls, value: list[str]) -> list[str]:
        cleaned = [q.strip() for q in value if q and q.strip()]
        if not cleaned:
            raise ValueError("at least one non-empty question is needed")
        return cleaned

    @field_validator("answer")
    @classmethod
    def _answer(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [lang for lang in LANGUAGES if not (value.get(lang) or "").strip()]
        if missing:
            raise ValueError(f"missing translation: {', '.join(missing)}")
        extra = sorted(set(value) - set(LANGUAGES))
        if extra:
            raise ValueError(f"unknown language: {', '.join(extra)}")
        return {lang: collapse_spaces(value[lang]).strip() for lang in LANGUAGES}

    def text(self, lang: str) -> str:
        """The answer in ``lang`` (French for a language the cards do not speak)."""
        return self.answer.get(lang) or self.answer["fr"]


@dataclass
class CardSet:
    """The cards that passed every check, and what was wrong with the others."""

    cards: dict[str, Card] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """The cards as saved (JSON-ready), in id order."""
        return [self.cards[c].model_dump(mode="json") for c in sorted(self.cards)]

    def save(self, folder: Path) -> None:
        temporary = folder / f"{CARDS_FILE}.tmp"
        text = json.dumps(self.records(), ensure_ascii=False, indent=1)
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(folder / CARDS_FILE)

    @classmethod
    def load(cls, folder: Path) -> CardSet:
        """The cards saved with an index generation (none for an older generation)."""
        path = folder / CARDS_FILE
        if not path.exists():
            return cls()
        records = json.loads(path.read_text(encoding="utf-8"))
        return cls({r["id"]: Card.model_validate(r) for r in records})


def _normalize(text: str) -> str:
    return " ".join(fold(text.translate(_QUOTES)).split())


class SourceTexts:
    """The text of knowledge files as the index reads it (PDF pages through pypdf), cached."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[tuple[str, int | None], str | None] = {}

    def get(self, relative: str, page: int | None) -> str | None:
        """Normalised text of a file (or one PDF page); ``None`` if it cannot be read."""
        key = (relative, page)
        if key not in self._cache:
            self._cache[key] = self._read(relative, page)
        return self._cache[key]

    def _read(self, relative: str, page: int | None) -> str | None:
        from .index.sources import SkippedFile, load_source  # the loaders import this module

        path = (self.root / relative).resolve()
        root = self.root.resolve()
        if root not in path.parents or not path.is_file():
            return None
        if path.suffix.lower() == ".pdf":
            try:
                sections = load_source(self.root, relative).sections
            except SkippedFile:
                return None
            texts = [f"{s.section}\n{s.text}" for s in sections if page is None or s.page == page]
            return _normalize("\n".join(texts)) if texts else None
        try:
            return _normalize(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return None


def _card_label(item: Any, n: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"card {item['id']}"
    return f"card #{n}"


def _validation_problems(prefix: str, exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "card"
        out.append(f"{prefix}: {where}: {error['msg']}")
    return out


def check_card(card: Card, texts: SourceTexts) -> list[str]:
    """What is wrong with a structurally valid card (empty list: it may be used)."""
    problems = []
    passages = []
    for n, source in enumerate(card.sources):
        text = texts.get(source.file, source.page)
        where = source.file + (f" p. {source.page}" if source.page else "")
        if text is None:
            problems.append(f"sources.{n}: {where} does not exist or cannot be read")
        elif _normalize(source.passage) not in text:
            problems.append(f"sources.{n}: passage not found in {where}: {source.passage[:60]!r}")
        passages.append(source.passage)
    for lang in LANGUAGES:
        missing = unsupported(card.answer[lang], passages)
        if missing:
            problems.append(f"answer.{lang}: not in the cited passages: {', '.join(missing)}")
    return problems


def read_card_file(path: Path) -> tuple[list[Card], list[str]]:
    """The structurally valid cards of one file, and the problems of the others."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [], [f"cannot read the file: {exc}"]
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], ["the file must hold a list of cards"]
    cards, problems = [], []
    for n, item in enumerate(raw, start=1):
        try:
            cards.append(Card.model_validate(item))
        except ValidationError as exc:
            problems.extend(_validation_problems(_card_label(item, n), exc))
    return cards, problems


def card_files(knowledge_dir: Path) -> list[Path]:
    folder = knowledge_dir / ANSWERS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".yaml", ".yml"))


def load_cards(knowledge_dir: Path) -> CardSet:
    """Every card of ``knowledge/answers/`` that passes the checks, with the problems found."""
    result = CardSet()
    texts = SourceTexts(knowledge_dir)
    for path in card_files(knowledge_dir):
        relative = path.relative_to(knowledge_dir).as_posix()
        cards, problems = read_card_file(path)
        result.problems.extend(f"{relative}: {p}" for p in problems)
        for card in cards:
            label = f"{relative}: card {card.id}"
            if card.id in result.cards:
                result.problems.append(f"{label}: id: already used by another card")
                continue
            found = check_card(card, texts)
            if found:
                result.problems.extend(f"{label}: {p}" for p in found)
                continue
            result.cards[card.id] = card
    for card in result.cards.values():
        unknown = [r for r in card.related if r not in result.cards]
        if unknown:
            result.problems.append(f"card {card.id}: related: unknown card {', '.join(unknown)}")
            card.related = [r for r in card.related if r in result.cards]
    return result
