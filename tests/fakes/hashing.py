"""A toy embedder for tests about logic, not quality: a deterministic unit vector per text."""

from __future__ import annotations

import hashlib

import numpy as np
from langchain_core.embeddings import Embeddings

DIM = 64


class HashingEmbeddings(Embeddings):
    """Fast and offline; similar texts are not close (use the real model for quality)."""

    def _vector(self, text: str) -> list[float]:
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        vector = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
        return [float(x) for x in vector / np.linalg.norm(vector)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)
