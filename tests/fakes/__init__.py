"""Test doubles that wrap real components instead of mocking them."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings


class EmbeddingFailure(RuntimeError):
    """Raised by :class:`CountingEmbeddings` when told to fail (a crash mid-ingest)."""


class CountingEmbeddings(Embeddings):
    """Delegates to a real model, counts the passages it embeds, and can fail on demand."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.documents = 0
        self.queries = 0
        self.fail_after: int | None = None  # raise once this many passages were embedded

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.fail_after is not None and self.documents + len(texts) > self.fail_after:
            raise EmbeddingFailure("injected failure in the middle of an ingest")
        self.documents += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries += 1
        return self.inner.embed_query(text)
