"""The answering service: owns the embeddings, the live index and the answerer.

Front ends (command line, Telegram) create one :class:`Assistant`, call :meth:`initialize` once,
then :meth:`answer` as often as they like, and :meth:`shutdown` at the end.

An ingest may switch the index while answers run in other threads: each answer holds a *lease* on
the generation it started with, and a replaced generation is closed when its last lease ends.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from langchain_core.embeddings import Embeddings

from .answering import Answer, Answerer
from .config import Settings
from .documents import load_documents
from .embeddings import make_embeddings
from .errors import IndexLockedError, IndexMissingError
from .generation import Generator, make_chat_model
from .index.builder import IngestReport, ingest
from .index.generations import current_generation, hold, ingest_lock, prune, release
from .index.manifest import Manifest, is_stale
from .index.store import KnowledgeIndex, drop_orphans
from .retrieval import Hit, Mode, Retriever

log = logging.getLogger(__name__)


class Assistant:
    """Question answering over the knowledge index, ready for any front end."""

    def __init__(self, settings: Settings, embeddings: Embeddings | None = None) -> None:
        self.settings = settings
        self._embeddings = embeddings
        self._index: KnowledgeIndex | None = None
        self._answerer: Answerer | None = None
        self._swap = threading.Lock()  # guards the three fields below and the lease counts
        self._holds: dict[KnowledgeIndex, int] = {}  # open generations: their reader lock
        self._leases: dict[KnowledgeIndex, int] = {}  # queries running on each open generation
        self.stale = False  # knowledge/ changed since the live index was built
        self._generator: Generator | bool | None = False  # False: not made yet

    @property
    def generator(self) -> Generator | None:
        """The language model's writer, when one is configured (``INSPIRE_LLM_PROVIDER``)."""
        if self._generator is False:
            model = make_chat_model(self.settings)
            self._generator = (
                None
                if model is None
                else Generator(model, self.settings.contact_domains, _log_generation_failure)
            )
        return self._generator if isinstance(self._generator, Generator) else None

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
        reading = hold(generation)
        try:
            index = KnowledgeIndex(generation, self.embeddings, self.settings)
        except BaseException:
            release(reading)
            raise
        k, rrf_k = self.settings.retrieval_k, self.settings.rrf_k
        retriever = Retriever(index, self.embeddings, k, rrf_k)
        documents = load_documents(self.settings.knowledge_dir)
        answerer = Answerer(retriever, self.settings, documents, self.generator)
        with self._swap:
            previous = self._index
            self._index, self._answerer = index, answerer
            self._holds[index] = reading
        if previous is not None:
            self._retire(previous)
        manifest = Manifest.load(generation)
        self.stale = manifest is not None and is_stale(self.settings.knowledge_dir, manifest)

    @contextmanager
    def lease(self) -> Iterator[Answerer]:
        """The current answerer; its generation stays open until the block ends."""
        with self._swap:
            answerer, index = self.answerer, self._index
            assert index is not None
            self._leases[index] = self._leases.get(index, 0) + 1
        try:
            yield answerer
        finally:
            with self._swap:
                self._leases[index] -= 1
                unused = self._leases[index] == 0 and index is not self._index
            if unused:
                self._retire(index)

    def _retire(self, index: KnowledgeIndex) -> None:
        """Close a replaced generation now, or when its last lease ends (see :meth:`lease`)."""
        with self._swap:
            if self._leases.get(index, 0) > 0 or index not in self._holds:
                return
            self._leases.pop(index, None)
            reading = self._holds.pop(index)
        index.close()
        release(reading)
        try:  # delete it now if no other process reads it; a running ingest will do it otherwise
            with ingest_lock(self.settings.index_dir):
                prune(self.settings.index_dir)
                drop_orphans(self.settings)
        except IndexLockedError:
            pass

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
        context: str | None = None,
        besides: str | None = None,
    ) -> Answer:
        """Answer one question (see :meth:`Answerer.answer`)."""
        with self.lease() as answerer:
            return answerer.answer(
                question, lang, mode=mode, kind=kind, context=context, besides=besides
            )

    def has_card(self, question: str) -> bool:
        """Does an answer card clearly answer ``question``?"""
        with self.lease() as answerer:
            vector = answerer.retriever.embeddings.embed_query(question)
            return answerer.match_card(question, vector) is not None

    def card_answer(self, card_id: str, lang: str) -> Answer | None:
        """The answer of one answer card, in ``lang``."""
        with self.lease() as answerer:
            return answerer.card_answer(card_id, lang)

    def card_label(self, card_id: str, lang: str) -> str | None:
        """A card's question in ``lang``, for a button."""
        with self.lease() as answerer:
            return answerer.card_label(card_id, lang)

    def search(
        self, query: str, *, kind: str | None = None, k: int | None = None, mode: Mode = "hybrid"
    ) -> list[Hit]:
        """The best chunks for ``query``."""
        with self.lease() as answerer:
            return answerer.retriever.search(query, kind=kind, k=k, mode=mode)

    def shutdown(self) -> None:
        with self._swap:
            index, self._index, self._answerer = self._index, None, None
        if index is not None:
            self._retire(index)  # closed at once, or when the last running answer ends


def _log_generation_failure(reason: str) -> None:
    """A generated answer was not used (the reason names no user data)."""
    log.warning("Generated answer not used, the quoted one is sent instead: %s", reason)
