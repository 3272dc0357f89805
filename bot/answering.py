"""Grounded answers: the few sentences of the knowledge that answer a question, cited — or "I don't
know".

The default answerer is extractive: it quotes sentences word for word, so every figure in an
answer stands in a cited passage. Retrieved text is only ever quoted, never followed as an
instruction.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from .cards import Card
from .config import Settings
from .documents import DocumentInfo
from .generation import Generator, Numbered
from .grounding import on_domains
from .index.chunking import Chunk, Sentence, sentences_of
from .index.lexical import tokenize
from .index.sources import CARD, PROGRAMME
from .index.store import Kinds, cosines
from .intent import strip_greeting
from .language import detect_language, normalize_language
from .messages import message, plural
from .retrieval import Hit, Mode, Retriever
from .text import expand_texting, focus_question, fold, sanitize_question

AnswerPath = Literal["card", "extractive", "abstain"]
AnswerMode = Literal["extractive", "generated", "fallback"]
GENERATION_PASSAGES = 4  # retrieved chunks given to the language model
MAX_ANSWER_CHARS = 900
RELATIVE_MARGIN = 0.03  # sentences this close to the best one are worth quoting too
SENTENCE_WEIGHT = 0.45  # a sentence's own similarity vs. its chunk's
OVERLAP_WEIGHT = 0.08  # share of the question's (stemmed) words found in the sentence
CHUNK_MARGIN = 0.04  # quote only chunks about as relevant as the best one
LIST_ITEMS = 6  # items quoted after a sentence that ends with a colon
FIELD_BONUS = 0.02
DEFINITION_BONUS = 0.06
ANSWER_WEIGHT = 0.5  # card matching: weight of the answer translations beside the phrasings
BM25_WEIGHT = 0.1  # … and of the words in common (BM25, relative to the best card)
BM25_DAMPING = 3.0
# Questions about calls, money or deadlines also search the call records.
_CALL_CUES = re.compile(
    fold(
        r"appel|call|deadline|date limite|echeance|subvention|grant|erasmus|cerv|interreg|"
        r"creative europe|europe creative|horizon|life\b|urbact|jumelage|twinning|montant|amount|"
        r"budget|financement europ|fonds europ|eu fund|фінансуван|грант|конкурс|dotacj|grant|"
        r"nabór|nabor|fundusz"
    )
)
# A question that names another funding scheme (and not INSPIRE) is about that scheme: the answer
# cards, all about INSPIRE, stay out of it ("What is the co-financing rate of Interreg NEXT?").
_OTHER_SCHEME = re.compile(
    fold(
        r"\b(erasmus|cerv|interreg|creative europe|europe creative|europa kreatywna|"
        r"креативна європа|horizon europe|horizon 2020|life programme|programme life|urbact|"
        r"ukraine facility|facilite pour l.ukraine|european city facility|citizens, equality|"
        r"ucpm|kapp|protection civile|civil protection|ochrony ludnosci|цивільного захисту|"
        r"еразмус|інтеррег)\b"
    )
)
# The programme itself named beside another scheme ("le programme prévoit-il un appui pour
# chercher des fonds Interreg, CERV… ?"): its cards still answer.
# (kept out of fold(), which would lower-case \W into \w)
_NOT_ANOTHER = (
    r"(?!\W{1,3}(ue |eu |de l'ue )?\W*(erasmus|cerv|interreg|creative|europe|europa|horizon|life|"
    r"urbact|citizens|еразмус|інтеррег)\b)"
)
_THIS_PROGRAMME = re.compile(
    fold(
        r"\b((ce|le|du|au|this|the|your|votre|czy|ten) programm?e?|program(u|ie)|"
        r"(цю|ця|цієї|цій) програм\w*)\b"
    )
    + _NOT_ANOTHER
    + fold(
        r"|\binspire\b|"
        # help to look for money: the programme's consultancy on European funds
        r"\b(help|aide|appui|accompagnement|pomoc|pomaga|wsparci|допомог|підтримк)\w* (\w+ ){0,3}"
        r"(find|finding|look|looking|chercher|trouver|szuka|znalez|знайти|пошук)\w* (\w+ ){0,3}"
        r"(fonds|funds|funding|financ|grants?|dotac|fundusz|środk|фінанс|кошт|money|argent|pieni)"
    )
)
# Never quoted as an answer: instructions, requests for money or secrets (a planted sentence).
_INSTRUCTION = re.compile(
    fold(
        r"\b(envoye[zr]|transmette[zr]|virement|iban|mot de passe|password|token|jeton|"
        r"ignore[zr]?|oubliez|disregard|send|transfer|wire|bank details|click|cliquez|"
        r"instructions?|system prompt|api key|cle api)\b"
    )
)
_DANGLING = re.compile(
    r"(\s(et|ou|and|or|de|des|du|à|a|of|the|la|le|les|pour|with|avec)|[,;(])$", re.I
)
_LINK = re.compile(r"(?:https?://|www\.)([^\s/<>\"')]+)|[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", re.I)
_DEFINITION = re.compile(
    r"(?:c'?est quoi|qu'?est[- ]ce qu[e']|que (?:veut dire|signifie)|what(?:'s| is| are| does)|"
    r"що таке|що означає|co to (?:jest|są)|czym jest|co oznacza)\s+"
    r"(?:(?:un|une|le|la|les|l'|the|a|an)\s+)?"
    r"[«\"']?([\w'-]{2,40})",
    re.IGNORECASE,
)
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
    path: AnswerPath = "extractive"
    # how the text was written: quoted (cards and extractive answers), generated by the language
    # model, or quoted because the model failed or its answer did not pass the checks
    mode: AnswerMode = "extractive"
    card: str | None = None  # the answer card used, if any
    related: list[str] = Field(default_factory=list)  # ids of cards to offer next


def abstention(question: str, language: str, error: str | None = None) -> Answer:
    """The honest "I don't know" (its reply offers the network's referent), or the message of
    an ``error`` (a catalogue id: ``empty_question``) when there was nothing to answer."""
    return Answer(
        question=question,
        answer=message(language, error or "abstain"),
        language=language,
        abstained=True,
        error=error,
        path="abstain",
    )


@dataclass(frozen=True)
class CardMatch:
    """The closest answer card to a question, and how clearly it wins."""

    card: Card
    score: float  # the card's fused score (see Answerer.match_card)
    second: float  # the same for the next best card
    over_background: float  # its closest phrasing's lead over the closest off-topic passage
    sibling: bool = False  # the next best card is one of its related cards (shown as buttons)

    def decisive(self, settings: Settings) -> bool:
        """Near the floor and clear of the background, and ahead of the next card, unless the
        two are related cards (the other one is then offered as a button)."""
        return (
            self.score >= settings.card_floor
            and (self.sibling or self.score - self.second >= settings.card_margin)
            and self.over_background >= settings.card_background_margin
        )


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

    def __init__(
        self,
        retriever: Retriever,
        settings: Settings,
        documents: dict[str, DocumentInfo] | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.retriever = retriever
        self.settings = settings
        self.documents = documents or {}
        self.generator = generator

    def answer(
        self,
        question: str,
        lang: str | None = None,
        *,
        mode: Mode = "hybrid",
        kind: str | None = None,
        context: str | None = None,
        besides: str | None = None,
    ) -> Answer:
        """Answer ``question`` in ``lang`` (detected from the question when not given).

        A matching answer card answers first; otherwise the best sentences of the documents are
        quoted. ``context`` is the previous question of the conversation, for follow-ups;
        ``besides`` a card the reader already has and asks for another than ("and the other?").
        """
        started = time.perf_counter()
        clean, _ = sanitize_question(question, len(question) + 1)
        focused = strip_greeting(focus_question(clean, self.settings.question_max_chars))
        text, truncated = sanitize_question(focused, self.settings.question_max_chars)
        language = normalize_language(lang) or detect_language(text)
        if not text:
            return abstention(text, language, error="empty_question")
        asked = expand_texting(text) if language == "fr" else text  # what matching reads
        query = f"{context} {asked}" if context else asked
        vector = self.retriever.embeddings.embed_query(query)
        match = best = None
        folded = fold(asked)
        cards = kind is None and not (
            _OTHER_SCHEME.search(folded) and not _THIS_PROGRAMME.search(folded)
        )
        if context and cards:  # a follow-up that stands on its own ("combien ça coûte ?")
            match = self.match_card(asked, self.retriever.embeddings.embed_query(asked), besides)
        if match is None and cards:
            best = self.best_card(query, vector, besides)
            match = best if best is not None and best.decisive(self.settings) else None
        if match is not None:
            answer = self._card_answer(text, language, match)
        else:
            answer = self._extractive(text, query, vector, language, kind, mode, context)
            answer = self._rescue(answer, best, language) or answer
        answer.truncated = truncated
        if truncated:
            note = plural(language, "truncated", self.settings.question_max_chars)
            answer.answer = f"{answer.answer}\n\n{note}"
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        return answer

    def _extractive(
        self,
        text: str,
        query: str,
        vector: list[float],
        language: str,
        kind: str | None,
        mode: Mode,
        context: str | None = None,
    ) -> Answer:
        """The best sentences of the documents, quoted and cited — or "I don't know"; with a
        language model configured, its checked answer from the same passages instead.

        Programme questions search the programme documents; call records come in only when the
        question is about calls, money or deadlines (or the documents have nothing)."""
        kinds: Kinds = (
            kind if kind is not None else (None if _CALL_CUES.search(fold(query)) else PROGRAMME)
        )
        evidence = self.evidence(query, kind=kinds, mode=mode, vector=vector)
        weak = evidence.weak(self.settings.abstain_margin, self.settings.abstain_floor)
        if weak and kind is None and kinds == PROGRAMME:
            evidence = self.evidence(query, kind=None, mode=mode, vector=vector)
            weak = evidence.weak(self.settings.abstain_margin, self.settings.abstain_floor)
        hits, qvec, relevance = evidence.hits, evidence.query, evidence.relevance
        scored = [] if weak else self._score_sentences(query, qvec, hits, relevance)
        if scored:
            answer = self._compose(text, language, self._select(scored, relevance), hits)
            if self.generator is not None:
                answer = self._generate(answer, language, hits, context) or answer
        else:  # weak evidence, or passages with nothing quotable
            answer = abstention(text, language)
        answer.evidence = round(evidence.margin, 4)
        return answer

    def _generate(
        self, extractive: Answer, language: str, hits: list[Hit], context: str | None
    ) -> Answer | None:
        """The model's answer from the retrieved passages (quotable sentences only), checked;
        the extractive answer marked ``fallback`` when the model fails or the check does."""
        assert self.generator is not None
        given: list[tuple[Numbered, Chunk]] = []
        sources: list[Source] = []
        for chunk in (h.chunk for h in hits[:GENERATION_PASSAGES]):
            sentences = [s.text for s in sentences_of(chunk) if self.quotable(s.text)]
            if not sentences:
                continue
            source = _source(len(sources) + 1, chunk, 0.0)
            self._describe(source, language)
            sources.append(source)
            numbered = Numbered(source.n, source.title, source.page, " ".join(sentences))
            given.append((numbered, chunk))
        if not given:
            return None
        text = self.generator.write(extractive.question, language, [n for n, _ in given], context)
        if text is None:
            extractive.mode = "fallback"
            return extractive
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
        return Answer(
            question=extractive.question,
            answer=text,
            language=language,
            abstained=False,
            sources=[s for s in sources if s.n in cited],
            passages=[Passage(n=n.n, chunk_id=c.id, text=n.text) for n, c in given if n.n in cited],
            evidence=extractive.evidence,
            mode="generated",
        )

    def match_card(
        self, query: str, vector: list[float], besides: str | None = None
    ) -> CardMatch | None:
        """The answer card that clearly answers ``query``, if one does (see :meth:`best_card`)."""
        match = self.best_card(query, vector, besides)
        return match if match is not None and match.decisive(self.settings) else None

    def best_card(
        self, query: str, vector: list[float], besides: str | None = None
    ) -> CardMatch | None:
        """The closest answer card to ``query``, with how clearly it wins.

        Each card scores its closest phrasing (cosine), plus half its closest answer translation
        (which carries the user's language), plus a tenth of its BM25 score relative to the best
        card's. The best card answers when its score reaches ``card_floor``, leads the next card
        by ``card_margin`` and its phrasing beats the off-topic background by
        ``card_background_margin`` (all calibrated on the dev half of the gold set); when the
        documents give no answer either, a best card above ``card_rescue_floor`` that beats the
        background by ``card_rescue_background_margin`` answers rather than a refusal."""
        index = self.retriever.index
        if not index.cards:
            return None
        qvec = np.asarray(vector, dtype=np.float32)
        scores = {
            c: s
            for c, s in index.card_scores(query, qvec).items()
            if c in index.cards and c != besides
        }
        if not scores:
            return None
        top_bm25 = max(s.bm25 for s in scores.values())
        fused = {
            card_id: s.phrasing
            + ANSWER_WEIGHT * s.answer
            + BM25_WEIGHT * (s.bm25 / (top_bm25 + BM25_DAMPING) if top_bm25 else 0.0)
            for card_id, s in scores.items()
        }
        ranked = sorted(fused.items(), key=lambda pair: -pair[1])
        card_id, score = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        background = index.background_similarity(qvec)
        card = index.cards[card_id]
        runner_up = index.cards.get(ranked[1][0]) if len(ranked) > 1 else None
        sibling = runner_up is not None and runner_up.id in card.related  # offered as a button
        return CardMatch(card, score, second, scores[card_id].phrasing - background, sibling)

    def _rescue(self, answer: Answer, best: CardMatch | None, language: str) -> Answer | None:
        """The closest card (``best``, not decisive), when it is near enough and the documents
        have no answer (or, for a reader of another language, only French quotes)."""
        floor = self.settings.card_rescue_floor
        foreign = language != "fr" and self.settings.card_rescue_foreign
        if best is None or floor <= 0 or answer.error is not None:
            return None
        if not (answer.abstained or foreign) or best.score < floor:
            return None
        if best.over_background < self.settings.card_rescue_background_margin:
            return None
        return self._card_answer(answer.question, language, best)

    def card_label(self, card_id: str, lang: str) -> str | None:
        """A card's question in ``lang`` (its first phrasing in that language, else the first)."""
        card = self.retriever.index.cards.get(card_id)
        if card is None:
            return None
        same = [q for q in card.questions if detect_language(q, default="") == lang]
        return (same or card.questions)[0]

    def card_answer(self, card_id: str, lang: str) -> Answer | None:
        """The answer of one card (a "related" button), or ``None`` if it is gone."""
        card = self.retriever.index.cards.get(card_id)
        if card is None:
            return None
        label = self.card_label(card_id, lang) or card.id
        return self._card_answer(label, lang, CardMatch(card, 2.0, 0.0, 1.0))

    def _card_answer(self, question: str, language: str, match: CardMatch) -> Answer:
        card = match.card
        sources: dict[tuple[str, int], Source] = {}
        passages = []
        for cited in card.sources:
            key = (cited.file, cited.page or 0)
            if key not in sources:
                sources[key] = Source(
                    n=len(sources) + 1,
                    title=self._title_of(cited.file),
                    path=cited.file,
                    page=cited.page,
                    url=None,
                    kind=CARD,
                    score=round(match.score, 4),
                )
                self._describe(sources[key], language)
            passages.append(
                Passage(
                    n=sources[key].n, chunk_id=f"{cited.file}:{cited.page or 0}", text=cited.passage
                )
            )
        marks = "".join(f"[{s.n}]" for s in sources.values())
        return Answer(
            question=question,
            answer=f"{card.text(language)} {marks}",
            language=language,
            abstained=False,
            sources=list(sources.values()),
            passages=passages,
            evidence=round(match.over_background, 4),
            path="card",
            card=card.id,
            related=list(card.related),
        )

    def _title_of(self, source: str) -> str:
        """The title the index gives a source file (its file name when it has no chunk)."""
        title = self.retriever.index.titles.get(source)
        return title or Path(source).stem.replace("-", " ").capitalize()

    def evidence(
        self,
        text: str,
        *,
        kind: Kinds = None,
        mode: Mode = "hybrid",
        k: int | None = None,
        vector: list[float] | None = None,
    ) -> Evidence:
        """Retrieve (``k`` chunks) for ``text`` and measure how much the knowledge is about it."""
        if vector is None:
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
        similarities = cosines(np.stack([v for _, v in pairs]), query)
        query_terms = set(tokenize(question))
        asked = _asked_fields(question)
        defined = _defined_term(question)
        scored = []
        for (sentence, _), similarity in zip(pairs, similarities.tolist(), strict=True):
            if not self.quotable(sentence.text):
                continue
            terms = set(tokenize(sentence.text))
            overlap = len(query_terms & terms) / len(query_terms) if query_terms else 0.0
            context = relevance.get(sentence.chunk_id, similarity)
            score = (
                SENTENCE_WEIGHT * similarity
                + (1 - SENTENCE_WEIGHT) * context
                + OVERLAP_WEIGHT * overlap
                + (FIELD_BONUS if sentence.text.startswith(asked) else 0.0)
                + (DEFINITION_BONUS if defined and _defines(sentence.text, defined) else 0.0)
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
                self._describe(source, language)
                sources[_source_key(chunk)] = source
            source.score = max(source.score, round(item.similarity, 4))
            passages.setdefault(chunk.id, Passage(n=source.n, chunk_id=chunk.id, text=chunk.text))
            lines.append(f"{item.sentence.text} [{source.n}]")
        body = "\n".join(lines)
        if language != "fr":
            body = f"{self._intro(language, chosen, chunks)}\n{body}"
        return Answer(
            question=question,
            answer=body,
            language=language,
            abstained=False,
            sources=list(sources.values()),
            passages=list(passages.values()),
        )

    def _describe(self, source: Source, language: str) -> None:
        """Public title and link of a cited file, from its sidecar (see :mod:`bot.documents`)."""
        info = self.documents.get(source.path)
        if info is not None:
            source.title = info.title_in(language, source.title)
            source.url = info.link(source.page) or source.url

    def _intro(self, language: str, chosen: list[_Scored], chunks: dict[str, Chunk]) -> str:
        """For a non-French reader: what the quoted French passage is about, in their language."""
        first = chunks[chosen[0].sentence.chunk_id]
        info = self.documents.get(first.source)
        topic = info.topic(first.page, language) if info else None
        if topic is None:
            return message(language, "intro")
        title = info.title_in(language, first.title) if info else first.title
        return message(language, "intro_topic", title=title, page=first.page, topic=topic)

    def quotable(self, sentence: str) -> bool:
        """A whole sentence, no instruction, and contacts only from allowed domains."""
        text = sentence.strip()
        if not text or text[0].islower() or _DANGLING.search(text):
            return False
        if _INSTRUCTION.search(fold(text)):
            return False
        allowed = self.settings.contact_domains
        return all(
            on_domains(match.group(1) or match.group(2) or "", allowed)
            for match in _LINK.finditer(text)
        )


def _defined_term(question: str) -> str | None:
    """``C'est quoi un RRMA ?`` → ``RRMA``: the term a definition question asks about."""
    match = _DEFINITION.search(question)
    return match.group(1).strip("'-") if match else None


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w).upper()


def _defines(sentence: str, term: str) -> bool:
    """Does the sentence define ``term``: spelled out (an acronym's words), or "term est…"?"""
    folded, key = fold(sentence), fold(term)
    if re.search(rf"\b{re.escape(key)}\b\s*(est|sont|:|\(|=|is|are|means)", folded):
        return True
    if re.search(rf"\(\s*{re.escape(key)}\s*\)", folded):
        return True
    if term.isupper() and 2 <= len(term) <= 8:
        words = re.findall(r"[A-ZÀ-Ý][\w]*", sentence.replace("-", " "))
        for start in range(len(words)):
            if _initials(words[start : start + len(term)]) == term:
                return True
    return False


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
