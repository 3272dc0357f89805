"""Answer quality measured as users meet it: each gold message goes through the whole
conversation (intent, follow-up context, cards, extractive answers), and a plain dense top-4
retriever runs beside it on the same messages as a baseline.

Figures per language and split: correct, hit@1/3 of the expected page, abstention precision and
recall, share of answers in the user's language, and which path answered.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .assistant import Assistant
from .db import Database
from .dialogue.dialogue import Dialogue
from .dialogue.replies import to_plain
from .errors import InspireError
from .index.chunking import Chunk
from .matching import Matcher, load_call_folder
from .referents import load_directory
from .retrieval import Mode
from .text import fold

Intent = Literal["question", "contact", "funding", "smalltalk", "off_topic", "injection"]
Split = Literal["dev", "test"]
RANK_DEPTH = 10
BASELINE_K = 4
PATH_OF_INTENT = {"contact": "contact", "funding": "calls", "smalltalk": "smalltalk"}


class GoldItem(BaseModel):
    """One user message and what a right reply to it contains."""

    model_config = ConfigDict(extra="forbid")

    q: str
    lang: str = "fr"
    split: Split = "dev"
    intent: Intent = "question"
    context: str | None = None  # the message asked just before (follow-ups)
    source: str | None = None
    page: int | None = None
    call: str | None = None
    facts: list[str] = []
    network: str | None = None

    @property
    def abstain(self) -> bool:
        return self.intent in ("off_topic", "injection")

    def matches(self, chunk: Chunk) -> bool:
        if self.source is None or chunk.source != self.source:
            return False
        if self.page is not None and chunk.page != self.page:
            return False
        return self.call is None or chunk.id.split(":")[1] == self.call

    def has_fact(self, text: str) -> bool:
        """Any of the facts in ``text`` (no facts: any non-empty text); case, accents, spacing
        and the space before ``%`` do not matter, nor the endings of inflected words
        ("w październiku 2022" has "październik 2022", "wojnę w Ukrainie" "wojna w Ukrainie")."""
        if not self.facts:
            return True
        folded = _squash(text)
        words = _WORDS.findall(folded)
        return any(_squash(f) in folded or _inflected(f, words) for f in self.facts)


_WORDS = re.compile(r"\d+(?:[.,\s]\d{3})*%?|[^\W\d_]+")


def _squash(text: str) -> str:
    return re.sub(r"\s+%", "%", " ".join(fold(text).split()))


def _inflected(fact: str, words: list[str]) -> bool:
    """``fact``'s words in a row in ``words``, each the same word or the same word with another
    ending: a long common beginning (all but two letters of the shorter, at least four)."""
    wanted = _WORDS.findall(_squash(fact))
    if not wanted:
        return False
    return any(
        all(_same_word(w, words[start + i]) for i, w in enumerate(wanted))
        for start in range(len(words) - len(wanted) + 1)
    )


def _same_word(wanted: str, word: str) -> bool:
    if wanted == word:
        return True
    if wanted[0].isdigit() or len(wanted) < 4 or len(word) < 4:
        return False
    common = next(
        (i for i, (a, b) in enumerate(zip(wanted, word, strict=False)) if a != b),
        min(len(wanted), len(word)),
    )
    return common >= max(4, min(len(wanted), len(word)) - 2)


def load_gold(path: Path) -> list[GoldItem]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return [GoldItem.model_validate(item) for item in raw]
    except (OSError, yaml.YAMLError, ValidationError, TypeError) as exc:
        raise InspireError(f"cannot read the gold set {path}: {exc}") from exc


@dataclass
class Outcome:
    """How one gold message went, through the product and through the baseline."""

    item: GoldItem
    path: str
    correct: bool
    abstained: bool
    in_language: bool
    rank: int | None
    baseline_correct: bool
    reply: str = ""
    mode: str = ""  # extractive | generated | fallback (answers only)


@dataclass
class Table:
    """Aggregated outcomes of one group (a language, or all)."""

    name: str
    n: int = 0
    correct: float = 0.0
    hit_at_1: float = 0.0
    hit_at_3: float = 0.0
    abstain_precision: float = 1.0
    abstain_recall: float = 1.0
    in_language: float = 1.0
    baseline: float = 0.0
    paths: dict[str, int] = field(default_factory=dict)
    modes: dict[str, int] = field(default_factory=dict)


def summarize(name: str, outcomes: list[Outcome]) -> Table:
    n = len(outcomes)
    if not n:
        return Table(name)
    ranked = [o for o in outcomes if o.item.intent == "question" and o.item.source]
    abstained = [o for o in outcomes if o.abstained]
    off_topic = [o for o in outcomes if o.item.abstain]
    answered = [o for o in outcomes if o.item.intent == "question" and not o.abstained]
    return Table(
        name=name,
        n=n,
        correct=sum(o.correct for o in outcomes) / n,
        hit_at_1=_share(o.rank == 1 for o in ranked),
        hit_at_3=_share(o.rank is not None and o.rank <= 3 for o in ranked),
        abstain_precision=_share((o.item.abstain for o in abstained), 1.0),
        abstain_recall=_share((o.abstained for o in off_topic), 1.0),
        in_language=_share((o.in_language for o in answered), 1.0),
        baseline=sum(o.baseline_correct for o in outcomes) / n,
        paths=dict(Counter(o.path for o in outcomes)),
        modes=dict(Counter(o.mode for o in outcomes if o.mode)),
    )


def _share(values: Iterable[bool], empty: float = 0.0) -> float:
    items = list(values)
    return sum(items) / len(items) if items else empty


class Evaluator:
    """Runs gold messages through a real :class:`Dialogue` (SQLite in a temporary folder)."""

    def __init__(self, assistant: Assistant, mode: Mode = "hybrid") -> None:
        settings = assistant.settings
        self.assistant = assistant
        self.mode = mode
        self._folder = tempfile.TemporaryDirectory(prefix="inspire-eval-")
        self.database = Database(f"sqlite:///{Path(self._folder.name) / 'eval.db'}")
        self.database.initialize()
        directory = load_directory(settings.referents_path)
        matcher = Matcher(assistant, load_call_folder(settings.knowledge_dir / "calls"))
        self.directory = directory
        self.dialogue = Dialogue(assistant, directory, self.database, matcher)
        self._chats = itertools.count(1)

    def close(self) -> None:
        self.database.shutdown()
        self._folder.cleanup()

    def run(self, items: list[GoldItem]) -> list[Outcome]:
        """Each message in a chat of its own, never used before (no context leaks between
        messages, nor between runs of the same evaluator)."""
        return [self.one(next(self._chats), item) for item in items]

    def one(self, chat_id: int, item: GoldItem) -> Outcome:
        if item.context:
            self.dialogue.respond(item.context, item.lang, chat_id)
        response = self.dialogue.respond(item.q, item.lang, chat_id)
        reply = "\n".join(to_plain(r.html) for r in response.replies)
        answer = response.answer
        abstained = response.path == "abstain"
        if item.abstain:
            correct = abstained
        elif item.intent == "question":  # the fact reached the user, whichever path gave it
            # (for a question the brochure cannot answer, the facts are referral words: an honest
            # "I don't know, ask your network's referent" is then the right reply)
            correct = item.has_fact(reply) and (not abstained or item.source is None)
        else:
            correct = response.path == PATH_OF_INTENT[item.intent]
            if correct and item.intent == "contact" and item.network:
                network = self.directory.by_id(item.network)
                correct = network is not None and network.name in reply
        # in the reader's language: a card or a routing page (contact, calls) that speaks it,
        # not a French quote introduced in it
        in_language = item.lang == "fr" or (
            response.language == item.lang and (answer is None or answer.path == "card")
        )
        rank = self._rank(item) if item.intent == "question" and item.source else None
        return Outcome(
            item=item,
            path=response.path,
            correct=correct,
            abstained=abstained,
            in_language=in_language,
            rank=rank,
            baseline_correct=self._baseline(item),
            reply=reply,
            mode=answer.mode if answer is not None else "",
        )

    def _query(self, item: GoldItem) -> str:
        return f"{item.context} {item.q}" if item.context else item.q

    def _rank(self, item: GoldItem) -> int | None:
        hits = self.assistant.search(self._query(item), k=RANK_DEPTH, mode=self.mode)
        return next((i for i, hit in enumerate(hits, 1) if item.matches(hit.chunk)), None)

    def _baseline(self, item: GoldItem) -> bool:
        """A plain retriever: the top-4 chunks by dense similarity, shown as they are."""
        if item.abstain or item.intent != "question":
            return False  # it always shows chunks: never abstains, never routes
        hits = self.assistant.search(item.q, k=BASELINE_K, mode="dense")
        return item.has_fact("\n".join(hit.chunk.text for hit in hits))


def tables(outcomes: list[Outcome]) -> list[Table]:
    """One table per language, then all languages together."""
    languages = sorted({o.item.lang for o in outcomes}, key=["fr", "en", "uk", "pl"].index)
    rows = [summarize(lang, [o for o in outcomes if o.item.lang == lang]) for lang in languages]
    return [*rows, summarize("all", outcomes)]


def format_tables(split: str, rows: list[Table]) -> str:
    header = f"{split:<5} {'n':>4}  correct  hit@1  hit@3  abst-P  abst-R  in-lang  baseline  paths"
    lines = [header, "-" * len(header)]
    for r in rows:
        paths = ", ".join(f"{k} {v}" for k, v in sorted(r.paths.items()))
        if set(r.modes) - {"extractive"}:  # a language model was configured
            paths += " | " + ", ".join(f"{k} {v}" for k, v in sorted(r.modes.items()))
        lines.append(
            f"{r.name:<5} {r.n:>4}  {r.correct:>7.3f}  {r.hit_at_1:.3f}  {r.hit_at_3:.3f}  "
            f"{r.abstain_precision:>6.3f}  {r.abstain_recall:>6.3f}  {r.in_language:>7.3f}  "
            f"{r.baseline:>8.3f}  {paths}"
        )
    return "\n".join(lines)
