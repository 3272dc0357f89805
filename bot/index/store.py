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
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from ..background import background_passages
from .chunking import Chunk, Sentence, sentences_of
from .lexical import LexicalIndex

CHUNKS_FILE = "chunks.jsonl"
BACKGROUND_FILE = "background.npy"
CHROMA_DIR = "chroma"
BM25_DIR = "bm25"
BATCH = 32


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


def read_chunks(generation: Path) -> dict[str, Chunk]:
    path = generation / CHUNKS_FILE
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        chunks = (Chunk.from_record(json.loads(line)) for line in handle if line.strip())
        return {chunk.id: chunk for chunk in chunks}


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
        sentences = [(chunk, s) for chunk in chunks for s in sentences_of(chunk)]
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

    def dense(
        self, vector: list[float], k: int, kind: str | None = None
    ) -> list[tuple[str, float]]:
        """Chunk ids with their cosine similarity to ``vector``, best first."""
        if not self.chunks:
            return []
        found = self._chunks_store.similarity_search_by_vector_with_relevance_scores(
            vector, k=min(k, len(self.chunks)), filter={"kind": kind} if kind else None
        )
        return [(str(doc.id), 1.0 - float(distance)) for doc, distance in found]

    def lexical(self, query: str, k: int, kind: str | None = None) -> list[tuple[str, float]]:
        """Chunk ids with their BM25 score for ``query``, best first."""
        if kind is not None and kind not in self._masks:
            return []
        return self._lexical.search(query, k, self._masks.get(kind) if kind else None)

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
        return float((self._background @ vector).max()) if len(self._background) else 0.0

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
