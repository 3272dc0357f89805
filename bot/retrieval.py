"""Hybrid retrieval: dense (Chroma) and lexical (BM25) results fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from langchain_core.embeddings import Embeddings

from .index.chunking import Chunk
from .index.store import Kinds, KnowledgeIndex

Mode = Literal["hybrid", "dense", "bm25"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the scores it came with."""

    chunk: Chunk
    score: float
    similarity: float | None  # cosine similarity, when the dense retriever found it
    bm25: float | None


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = 60
) -> list[tuple[str, float]]:
    """Fuse rankings of ids: each id scores ``sum(1 / (k + rank))`` over the lists it is in."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


class Retriever:
    """Searches one :class:`KnowledgeIndex` in one of three modes (hybrid by default)."""

    def __init__(self, index: KnowledgeIndex, embeddings: Embeddings, k: int = 6, rrf_k: int = 60):
        self.index = index
        self.embeddings = embeddings
        self.k = k
        self.rrf_k = rrf_k

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        kind: Kinds = None,
        mode: Mode = "hybrid",
        vector: list[float] | None = None,
    ) -> list[Hit]:
        """The best ``k`` chunks for ``query``, of the given kind(s) (default: all but cards)."""
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; valid modes: {', '.join(MODES)}")
        k = k or self.k
        pool = max(3 * k, 20)
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        if mode != "bm25":
            if vector is None:
                vector = self.embeddings.embed_query(query)
            dense = self.index.dense(vector, pool, kind)
        if mode != "dense":
            lexical = self.index.lexical(query, pool, kind)
        similarity = dict(dense)
        bm25 = dict(lexical)
        fused = reciprocal_rank_fusion(
            [[cid for cid, _ in dense], [cid for cid, _ in lexical]], self.rrf_k
        )
        return [
            Hit(self.index.chunks[cid], score, similarity.get(cid), bm25.get(cid))
            for cid, score in fused[:k]
            if cid in self.index.chunks
        ]
