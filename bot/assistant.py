"""The answering service: owns the embeddings, the live index and the answerer.

Front ends (command line, Telegram) create one :class:`Assistant`, call :meth:`initialize` once,
then :meth:`answer` as often as they like, and :meth:`shutdown` at the end.
"""

from __future__ import annotations

import logging

from langchain_core.embeddings import Embeddings

from .answering import Answer, Answerer
from .config import Settings
from .embeddings import make_embeddings
from .errors import IndexMissingError
from .index.builder import IngestReport, ingest
from .index.generations import current_generation
from .index.manifest import Manifest, is_stale
from .index.store import KnowledgeIndex
from .retrieval import Hit, Mode, Retriever

log = logging.getLogger(__name__)


class Assistant:
    """Question answering over the knowledge index, ready for any front end."""

    def __init__(self, settings: Settings, embeddings: Embeddings | None = None) -> None:
        self.settings = settings
        self._embeddings = embeddings
        self._index: KnowledgeIndex | None = None
        self._answerer: Answerer | None = None
        self.stale = False  # knowledge/ changed since the live index was built

    @property
    def embeddings(self) -> Embeddings:
        if self._embeddings is None:
            self._embeddings = make_embeddings(self.settings)
        return self._embeddings

    def initialize(self, progress: bool = False) -> None:
        """Open the live index, building it first if there is none."""
        generation = current_generation(self.settings.index_dir)
        if generation is None:
            log.info("No index yet: building it from %s", self.settings.knowledge_dir)
            self.ingest(progress=progress)
            return
        self._open()

    def ingest(self, rebuild: bool = False, progress: bool = False) -> IngestReport:
        """Refresh the index from knowledge/ and switch to the new generation."""
        report = ingest(self.settings, self.embeddings, rebuild=rebuild, progress=progress)
        self._open()
        return report

    def _open(self) -> None:
        generation = current_generation(self.settings.index_dir)
        if generation is None:
            raise IndexMissingError(
                f"no index in {self.settings.index_dir}; run `inspire-bot ingest` first"
            )
        if self._index is not None and self._index.generation == generation:
            return
        previous = self._index
        self._index = KnowledgeIndex(generation, self.embeddings)
        retriever = Retriever(
            self._index, self.embeddings, self.settings.retrieval_k, self.settings.rrf_k
        )
        self._answerer = Answerer(retriever, self.settings)
        if previous is not None:
            previous.close()
        manifest = Manifest.load(generation)
        self.stale = manifest is not None and is_stale(self.settings.knowledge_dir, manifest)

    @property
    def answerer(self) -> Answerer:
        if self._answerer is None:
            raise IndexMissingError("the assistant is not initialized: call initialize() first")
        return self._answerer

    def answer(
        self,
        question: str,
        lang: str | None = None,
        *,
        mode: Mode = "hybrid",
        kind: str | None = None,
    ) -> Answer:
        """Answer one question (see :meth:`Answerer.answer`)."""
        return self.answerer.answer(question, lang, mode=mode, kind=kind)

    def search(
        self, query: str, *, kind: str | None = None, k: int | None = None, mode: Mode = "hybrid"
    ) -> list[Hit]:
        """The best chunks for ``query``."""
        return self.answerer.retriever.search(query, kind=kind, k=k, mode=mode)

    def shutdown(self) -> None:
        if self._index is not None:
            self._index.close()
        self._index = None
        self._answerer = None
