"""Grounded answers: the few sentences of the knowledge that answer a question, cited — or "I don't
know".

The default answerer is extractive: it quotes sentences word for word, so every figure in an
answer stands in a cited passage. Retrieved text is only ever quoted, never followed as an
instruction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field

from .config import Settings
from .index.chunking import Chunk, Sentence
from .index.lexical import tokenize
from .language import detect_language, normalize_language
from .messages import message, plural
from .retrieval import Hit, Mode, Retriever
from .text import sanitize_question

MAX_ANSWER_CHARS = 900
RELATIVE_MARGIN = 0.03  # sentences this close to the best one are worth quoting too
SENTENCE_WEIGHT = 0.45  # a sentence's own similarity vs. its chunk's
OVERLAP_WEIGHT = 0.08  # share of the question's (stemmed) words found in the sentence
CHUNK_MARGIN = 0.04  # quote only chunks about as relevant as the best one
LIST_ITEMS = 6  # items quoted after a sentence that ends with a colon
FIELD_BONUS = 0.02
# Questions that ask for one field of a call record ("how much?", "until when?") favour the
# sentence carrying that field (see bot.index.sources.call_text for the labels).
FIELD_CUES: dict[str, tuple[str, ...]] = {
    "Montants": (
        "montant",
        "combien",
        "budget",
        "subvention",
        "how much",
        "amount",
        "grant",
        "скільки",
        "сума",
        "бюджет",
        "ile",
        "kwot",
        "budżet",
    ),
    "Taux de cofinancement": (
        "taux",
        "cofinanc",
        "co-financ",
        "pourcentage",
        "rate",
        "share",
        "співфінанс",
        "відсот",
        "współfinans",
        "procent",
    ),
    "Dates limites": (
        "date limite",
        "échéance",
        "quand",
        "jusqu",
        "deadline",
        "when",
        "until",
        "термін",
        "коли",
        "дедлайн",
        "termin",
        "kiedy",
    ),
    "Bénéficiaires éligibles": (
        "qui peut",
        "éligible",
        "candidat",
        "bénéficiaire",
        "who can",
        "eligible",
        "apply",
        "хто може",
        "kto może",
    ),
    "Pays éligibles": ("pays", "countries", "country", "країн", "kraj"),
}


class Source(BaseModel):
    """A numbered citation."""

    n: int
    title: str
    path: str
    page: int | None = None
    section: str = ""
    url: str | None = None
    kind: str
    score: float


class Passage(BaseModel):
    """A retrieved passage that the answer quotes, with the number of its source."""

    n: int
    chunk_id: str
    text: str


class Answer(BaseModel):
    """What the assistant says to one question."""

    question: str
    answer: str
    language: str
    abstained: bool
    sources: list[Source] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    truncated: bool = False
    error: str | None = None
    evidence: float = 0.0
    latency_ms: float = 0.0


@dataclass(slots=True)
class Evidence:
    """What retrieval found for a text, and how strongly the knowledge is about it."""

    hits: list[Hit]
    query: np.ndarray
    relevance: dict[str, float]  # cosine similarity of each hit to the text
    best: float  # the best of them
    margin: float  # best minus the closest off-topic background passage

    def weak(self, margin: float, floor: float) -> bool:
        return self.best < floor or self.margin < margin


@dataclass(slots=True)
class _Scored:
    sentence: Sentence
    similarity: float  # the sentence's own cosine similarity to the question
    score: float  # what ranks it: similarity, its chunk's relevance, words in common


class Answerer:
    """Turns a question into an :class:`Answer` using a :class:`Retriever`."""

    def __init__(self, retriever: Retriever, settings: Settings) -> None:
        self.retriever = retriever
        self.settings = settings

    def answer(
        self,
        question: str,
        lang: str | None = None,
        *,
        mode: Mode = "hybrid",
        kind: str | None = None,
    ) -> Answer:
        """Answer ``question`` in ``lang`` (detected from the question when not given)."""
        started = time.perf_counter()
        text, truncated = sanitize_question(question, self.settings.question_max_chars)
        language = normalize_language(lang) or detect_language(text)
        if not text:
            return Answer(
                question=text,
                answer=message(language, "empty_question"),
                language=language,
                abstained=True,
                error="empty_question",
            )
        evidence = self.evidence(text, kind=kind, mode=mode)
        hits, query, relevance = evidence.hits, evidence.query, evidence.relevance
        weak = evidence.weak(self.settings.abstain_margin, self.settings.abstain_floor)
        scored = [] if weak else self._score_sentences(text, query, hits, relevance)
        if scored:
            answer = self._compose(text, language, self._select(scored, relevance), hits)
        else:  # weak evidence, or passages with nothing quotable
            answer = Answer(
                question=text,
                answer=message(language, "abstain"),
                language=language,
                abstained=True,
            )
        answer.evidence = round(evidence.margin, 4)
        answer.truncated = truncated
        if truncated:
            note = plural(language, "truncated", self.settings.question_max_chars)
            answer.answer = f"{answer.answer}\n\n{note}"
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        return answer

    def evidence(
        self, text: str, *, kind: str | None = None, mode: Mode = "hybrid", k: int | None = None
    ) -> Evidence:
        """Retrieve (``k`` chunks) for ``text`` and measure how much the knowledge is about it."""
        vector = self.retriever.embeddings.embed_query(text)
        hits = self.retriever.search(text, k=k, kind=kind, mode=mode, vector=vector)
        query = np.asarray(vector, dtype=np.float32)
        relevance = self._chunk_similarities(query, hits)
        best = max(relevance.values(), default=0.0)
        margin = best - self.retriever.index.background_similarity(query)
        return Evidence(hits, query, relevance, best, margin)

    def _chunk_similarities(self, query: np.ndarray, hits: list[Hit]) -> dict[str, float]:
        """Cosine similarity of the question to each retrieved chunk (BM25-only hits too)."""
        known = {h.chunk.id: h.similarity for h in hits if h.similarity is not None}
        missing = [h.chunk.id for h in hits if h.similarity is None]
        for cid, vector in self.retriever.index.chunk_vectors(missing).items():
            known[cid] = float(vector @ query)
        return known

    def _score_sentences(
        self, question: str, query: np.ndarray, hits: list[Hit], relevance: dict[str, float]
    ) -> list[_Scored]:
        """Rank the retrieved chunks' sentences: their own similarity, their chunk's, and the
        question's words they contain."""
        pairs = self.retriever.index.sentences([hit.chunk.id for hit in hits])
        if not pairs:
            return []
        similarities = np.stack([v for _, v in pairs]) @ query
        query_terms = set(tokenize(question))
        asked = _asked_fields(question)
        scored = []
        for (sentence, _), similarity in zip(pairs, similarities.tolist(), strict=True):
            terms = set(tokenize(sentence.text))
            overlap = len(query_terms & terms) / len(query_terms) if query_terms else 0.0
            context = relevance.get(sentence.chunk_id, similarity)
            score = (
                SENTENCE_WEIGHT * similarity
                + (1 - SENTENCE_WEIGHT) * context
                + OVERLAP_WEIGHT * overlap
                + (FIELD_BONUS if sentence.text.startswith(asked) else 0.0)
            )
            scored.append(_Scored(sentence, similarity, score))
        scored.sort(key=lambda s: -s.score)
        return scored

    def _select(self, scored: list[_Scored], relevance: dict[str, float]) -> list[_Scored]:
        """The best sentence, plus close runners-up from the most relevant chunks, without
        repeats, within a length budget; a sentence that announces a list (``… :``) brings the
        list with it."""
        best = scored[0].score
        top_chunk = max(relevance.values(), default=0.0)
        chosen: list[_Scored] = []
        seen: set[str] = set()
        length = 0

        def take(item: _Scored) -> bool:
            nonlocal length
            key = item.sentence.text.casefold()
            if key in seen or (chosen and length + len(item.sentence.text) > MAX_ANSWER_CHARS):
                return False
            seen.add(key)
            chosen.append(item)
            length += len(item.sentence.text)
            return True

        by_chunk: dict[str, list[_Scored]] = {}
        for item in sorted(scored, key=lambda s: s.sentence.position):
            by_chunk.setdefault(item.sentence.chunk_id, []).append(item)
        for item in scored:
            if (
                len(chosen) >= self.settings.answer_max_sentences
                or item.score < best - RELATIVE_MARGIN
            ):
                break
            if relevance.get(item.sentence.chunk_id, 0.0) < top_chunk - CHUNK_MARGIN:
                continue
            if take(item) and item.sentence.text.endswith(":"):
                following = [
                    s
                    for s in by_chunk[item.sentence.chunk_id]
                    if s.sentence.position > item.sentence.position
                ]
                for extra in following[:LIST_ITEMS]:
                    take(extra)
        return chosen

    def _compose(
        self, question: str, language: str, chosen: list[_Scored], hits: list[Hit]
    ) -> Answer:
        chunks = {hit.chunk.id: hit.chunk for hit in hits}
        # Reading order: the chunk of the best sentence first, each chunk's sentences as written.
        first_seen: dict[str, int] = {}
        for item in chosen:
            first_seen.setdefault(item.sentence.chunk_id, len(first_seen))
        chosen = sorted(
            chosen, key=lambda s: (first_seen[s.sentence.chunk_id], s.sentence.position)
        )
        sources: dict[tuple[str, int, str], Source] = {}
        passages: dict[str, Passage] = {}
        lines = []
        for item in chosen:
            chunk = chunks[item.sentence.chunk_id]
            source = sources.get(_source_key(chunk))
            if source is None:
                source = _source(len(sources) + 1, chunk, item.similarity)
                sources[_source_key(chunk)] = source
            source.score = max(source.score, round(item.similarity, 4))
            passages.setdefault(chunk.id, Passage(n=source.n, chunk_id=chunk.id, text=chunk.text))
            lines.append(f"{item.sentence.text} [{source.n}]")
        body = "\n".join(lines)
        if language != "fr":
            body = f"{message(language, 'intro')}\n{body}"
        return Answer(
            question=question,
            answer=body,
            language=language,
            abstained=False,
            sources=list(sources.values()),
            passages=list(passages.values()),
        )


def _asked_fields(question: str) -> tuple[str, ...]:
    """The call-record labels whose cues appear in the question."""
    lowered = question.casefold()
    return tuple(label for label, cues in FIELD_CUES.items() if any(c in lowered for c in cues))


def _source_key(chunk: Chunk) -> tuple[str, int, str]:
    return (chunk.source, chunk.page, chunk.title)


def _source(n: int, chunk: Chunk, similarity: float) -> Source:
    return Source(
        n=n,
        title=chunk.title,
        path=chunk.source,
        page=chunk.page or None,
        section=chunk.section,
        url=chunk.url or None,
        kind=chunk.kind,
        score=round(similarity, 4),
    )
