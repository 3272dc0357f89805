"""One index generation: Chroma (dense, cosine) + BM25 (lexical) + the chunk records.

Files of a generation::

    chroma/         Chroma PersistentClient: collections "chunks" and "sentences"
    bm25/           the BM25 index and the chunk ids in its order
    chunks.jsonl    one chunk record per line (text and citation metadata)
    background.npy  embeddings of off-topic passages (see :mod:`bot.background`)
    manifest.json   written last: a generation without it is incomplete
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from ..background import background_passages
from ..cards import CardSet
from .chunking import Chunk, Sentence, sentences_of
from .lexical import LexicalIndex
from .sources import CARD, CARD_ANSWER

CHUNKS_FILE = "chunks.jsonl"
BACKGROUND_FILE = "background.npy"
CHROMA_DIR = "chroma"
BM25_DIR = "bm25"
BATCH = 32
Kinds = str | Sequence[str] | None  # one kind, several, or None: every kind but answer cards


def _client(generation: Path) -> Any:  # chromadb.Client (its ClientAPI type lacks close())
    # Telemetry off: the assistant makes no network call it does not need.
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    return chromadb.PersistentClient(path=str(generation / CHROMA_DIR), settings=settings)


def _collections(client: Any, embeddings: Embeddings) -> tuple[Chroma, Chroma]:
    def open_collection(name: str) -> Chroma:
        return Chroma(
            collection_name=name,
            embedding_function=embeddings,
            client=client,
            collection_configuration={"hnsw": {"space": "cosine"}},
        )

    return open_collection("chunks"), open_collection("sentences")


def cosines(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Each row's dot product with ``vector`` (unit vectors: their cosine), without BLAS.

    A BLAS matrix product would start the library's worker threads, which keep spinning after
    the call and slow the embedding model down on a small machine (three times, measured)."""
    return np.einsum("ij,j->i", matrix, np.asarray(vector, dtype=matrix.dtype), optimize=False)


def embed_queries(embeddings: Embeddings, texts: list[str]) -> list[list[float]]:
    """Texts embedded as queries: in one batch where the model can, else one by one."""
    batch = getattr(embeddings, "embed_queries", None)
    if batch is not None:
        return list(batch(texts))
    return [embeddings.embed_query(text) for text in texts]


def read_chunks(generation: Path) -> dict[str, Chunk]:
    path = generation / CHUNKS_FILE
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        chunks = (Chunk.from_record(json.loads(line)) for line in handle if line.strip())
        return {chunk.id: chunk for chunk in chunks}


@dataclass
class CardScores:
    """How close a question is to one answer card (see :meth:`KnowledgeIndex.card_scores`)."""

    phrasing: float = -1.0
    answer: float = -1.0
    bm25: float = 0.0


class IndexWriter:
    """Applies changes to a generation being built (a copy of the live one, or empty)."""

    def __init__(self, generation: Path, embeddings: Embeddings) -> None:
        self.generation = generation
        self._embeddings = embeddings
        self._client = _client(generation)
        self._chunks_store, self._sentences_store = _collections(self._client, embeddings)
        self.chunks = read_chunks(generation)

    def remove_sources(self, sources: Iterable[str]) -> None:
        for source in sources:
            gone = [cid for cid, chunk in self.chunks.items() if chunk.source == source]
            if not gone:
                continue
            self._chunks_store.delete(ids=gone)
            self._sentences_store.delete(where={"source": source})
            for cid in gone:
                del self.chunks[cid]

    def add(self, chunks: Sequence[Chunk], progress: bool = False) -> None:
        """Embed and store chunks and their sentences, in batches, with a progress bar."""
        cards = [c for c in chunks if c.kind == CARD]
        chunks = [c for c in chunks if c.kind != CARD]
        sentences = [(chunk, s) for chunk in chunks for s in sentences_of(chunk)]
        self._add_phrasings(cards)
        total = len(chunks) + len(sentences)
        with tqdm(
            total=total, desc="Embedding", unit="text", disable=not progress or total == 0
        ) as bar:
            for start in range(0, len(chunks), BATCH):
                batch = chunks[start : start + BATCH]
                self._chunks_store.add_texts(
                    [c.indexed_text for c in batch],
                    metadatas=[c.metadata() for c in batch],
                    ids=[c.id for c in batch],
                )
                bar.update(len(batch))
            for start in range(0, len(sentences), BATCH):
                pairs = sentences[start : start + BATCH]
                self._sentences_store.add_texts(
                    [s.text for _, s in pairs],
                    metadatas=[_sentence_metadata(c, s) for c, s in pairs],
                    ids=[s.id for _, s in pairs],
                )
                bar.update(len(pairs))
        self.chunks.update((c.id, c) for c in chunks)

    def _add_phrasings(self, cards: Sequence[Chunk]) -> None:
        """Card chunks, without sentences: phrasings are questions, embedded as queries
        (question-to-question matching is symmetric); answers are embedded as passages."""
        for start in range(0, len(cards), BATCH):
            batch = cards[start : start + BATCH]
            answers = [i for i, c in enumerate(batch) if c.section.startswith(CARD_ANSWER)]
            questions = [i for i in range(len(batch)) if i not in answers]
            vectors: list[list[float]] = [[] for _ in batch]
            found = embed_queries(self._embeddings, [batch[i].text for i in questions])
            for i, vector in zip(questions, found, strict=True):
                vectors[i] = vector
            if answers:
                found = self._embeddings.embed_documents([batch[i].text for i in answers])
                for i, vector in zip(answers, found, strict=True):
                    vectors[i] = vector
            self._chunks_store._collection.upsert(
                ids=[c.id for c in batch],
                embeddings=vectors,  # type: ignore[arg-type]
                metadatas=[c.metadata() for c in batch],
                documents=[c.text for c in batch],
            )
        self.chunks.update((c.id, c) for c in cards)

    def finish(self) -> None:
        """Write chunk records, BM25 and background; the caller writes the manifest after."""
        background = self.generation / BACKGROUND_FILE
        if not background.exists():
            vectors = self._embeddings.embed_documents(list(background_passages()))
            np.save(background, np.asarray(vectors, dtype=np.float32))
        ordered = sorted(self.chunks.values(), key=lambda c: c.id)
        with (self.generation / CHUNKS_FILE).open("w", encoding="utf-8") as handle:
            for chunk in ordered:
                handle.write(json.dumps(chunk.to_record(), ensure_ascii=False) + "\n")
        lexical = LexicalIndex.build([c.id for c in ordered], [c.indexed_text for c in ordered])
        folder = self.generation / BM25_DIR
        folder.mkdir(exist_ok=True)
        lexical.save(folder)
        self.close()

    def close(self) -> None:
        self._client.close()


def _sentence_metadata(chunk: Chunk, sentence: Sentence) -> dict[str, Any]:
    return {
        "chunk_id": chunk.id,
        "source": chunk.source,
        "kind": chunk.kind,
        "position": sentence.position,
    }


class KnowledgeIndex:
    """Read side of a generation: dense and lexical search, chunk and sentence look-ups."""

    def __init__(self, generation: Path, embeddings: Embeddings) -> None:
        self.generation = generation
        self._client = _client(generation)
        self._chunks_store, self._sentences_store = _collections(self._client, embeddings)
        self.chunks = read_chunks(generation)
        self._lexical = LexicalIndex.load(generation / BM25_DIR)
        self._background = np.load(generation / BACKGROUND_FILE)
        kinds = np.array([self.chunks[cid].kind for cid in self._lexical.ids])
        self._masks = {kind: (kinds == kind).astype(np.float32) for kind in set(kinds.tolist())}
        self.cards = CardSet.load(generation).cards
        # the title of each indexed file, for citations that name a file (answer cards)
        self.titles = {c.source: c.title for c in self.chunks.values() if c.kind != CARD}
        # card chunks (card id, is an answer) with their vectors, loaded on the first search
        self._card_rows: list[tuple[str, bool]] | None = None
        self._card_lock = threading.Lock()
        self._card_matrix = np.zeros((0, 0), dtype=np.float32)
        self._card_lexical: LexicalIndex | None = None

    def kinds(self, kind: Kinds = None) -> list[str]:
        """The kinds a search covers: the given ones, or every kind but answer cards."""
        if kind is None:
            return sorted(k for k in self._masks if k != CARD)
        return [kind] if isinstance(kind, str) else list(kind)

    def dense(self, vector: list[float], k: int, kind: Kinds = None) -> list[tuple[str, float]]:
        """Chunk ids with their cosine similarity to ``vector``, best first."""
        kinds = [x for x in self.kinds(kind) if x in self._masks]
        if not self.chunks or not kinds:
            return []
        where = {"kind": kinds[0]} if len(kinds) == 1 else {"kind": {"$in": kinds}}
        found = self._chunks_store.similarity_search_by_vector_with_relevance_scores(
            vector,
            k=min(k, len(self.chunks)),
            filter=where,  # type: ignore[arg-type]
        )
        return [(str(doc.id), 1.0 - float(distance)) for doc, distance in found]

    def lexical(self, query: str, k: int, kind: Kinds = None) -> list[tuple[str, float]]:
        """Chunk ids with their BM25 score for ``query``, best first."""
        masks = [self._masks[x] for x in self.kinds(kind) if x in self._masks]
        if not masks:
            return []
        mask = masks[0] if len(masks) == 1 else np.clip(np.sum(masks, axis=0), 0.0, 1.0)
        return self._lexical.search(query, k, mask if len(masks) < len(self._masks) else None)

    def card_scores(self, query: str, vector: np.ndarray) -> dict[str, CardScores]:
        """For every answer card: the cosine similarity of the query to its closest phrasing
        and to its closest answer translation (exact, in memory), and its BM25 score over all
        its phrasings and answers (0 when it shares no word with the query)."""
        with self._card_lock:  # the first questions may come from several threads at once
            if self._card_rows is None:
                self._load_cards(len(vector))
            rows, matrix, lexical = self._card_rows or [], self._card_matrix, self._card_lexical
        scores: dict[str, CardScores] = {}
        similarities = cosines(matrix, vector).tolist()
        for (card_id, is_answer), similarity in zip(rows, similarities, strict=True):
            entry = scores.setdefault(card_id, CardScores())
            if is_answer:
                entry.answer = max(entry.answer, similarity)
            else:
                entry.phrasing = max(entry.phrasing, similarity)
        if lexical is not None:
            for card_id, bm25 in lexical.search(query, len(scores)):
                if card_id in scores:
                    scores[card_id].bm25 = bm25
        return scores

    def _load_cards(self, dim: int) -> None:
        ids = sorted(cid for cid, c in self.chunks.items() if c.kind == CARD)
        vectors = self.chunk_vectors(ids)
        ids = [cid for cid in ids if cid in vectors]
        self._card_rows = [
            (self.chunks[cid].title, self.chunks[cid].section.startswith(CARD_ANSWER))
            for cid in ids
        ]
        self._card_matrix = (
            np.stack([vectors[cid] for cid in ids]) if ids else np.zeros((0, dim), np.float32)
        )
        texts: dict[str, list[str]] = {}
        for cid in ids:
            texts.setdefault(self.chunks[cid].title, []).append(self.chunks[cid].text)
        if texts:
            names = sorted(texts)
            self._card_lexical = LexicalIndex.build(names, [" ".join(texts[n]) for n in names])

    def chunk_vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored embeddings of the given chunks."""
        if not chunk_ids:
            return {}
        got = self._chunks_store.get(ids=list(chunk_ids), include=["embeddings"])
        return {
            cid: np.asarray(vector, dtype=np.float32)
            for cid, vector in zip(got["ids"], got["embeddings"], strict=True)
        }

    def background_similarity(self, vector: np.ndarray) -> float:
        """How close a query is to the closest off-topic passage (cosine)."""
        return float(cosines(self._background, vector).max()) if len(self._background) else 0.0

    def sentences(self, chunk_ids: Sequence[str]) -> list[tuple[Sentence, np.ndarray]]:
        """The sentences of the given chunks with their embeddings."""
        if not chunk_ids:
            return []
        got = self._sentences_store.get(
            where={"chunk_id": {"$in": list(chunk_ids)}},  # type: ignore[dict-item]
            include=["documents", "metadatas", "embeddings"],
        )
        out = []
        for sid, text, meta, vector in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        ):
            sentence = Sentence(sid, str(meta["chunk_id"]), int(meta["position"]), text)
            out.append((sentence, np.asarray(vector, dtype=np.float32)))
        return out

    def close(self) -> None:
        self._client.close()
