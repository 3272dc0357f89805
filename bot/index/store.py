"""One index generation: Chroma (dense, cosine) + BM25 (lexical) + the chunk records.

Files of a generation::

    chroma/         Chroma PersistentClient: collections "chunks" and "sentences" (embedded mode)
    bm25/           the BM25 index and the chunk ids in its order
    chunks.jsonl    one chunk record per line (text and citation metadata)
    background.npy  embeddings of off-topic passages (see :mod:`bot.background`)
    manifest.json   written last: a generation without it is incomplete

With ``INSPIRE_CHROMA_URL`` the vectors live in a Chroma server instead, in collections named
after the generation (:func:`collection_names`); everything else stays in the generation's folder,
and the collections of a generation whose folder is gone are deleted (:func:`drop_orphans`).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from ..background import background_passages
from ..cards import CardSet
from ..config import Settings
from ..errors import IndexMissingError
from .chunking import Chunk, Sentence, sentences_of
from .lexical import LexicalIndex
from .sources import CARD, CARD_ANSWER

CHUNKS_FILE = "chunks.jsonl"
BACKGROUND_FILE = "background.npy"
CHROMA_DIR = "chroma"
BM25_DIR = "bm25"
BATCH = 32
COPY_PAGE = 500  # records per request when a server generation is copied
Kinds = str | Sequence[str] | None  # one kind, several, or None: every kind but answer cards
log = logging.getLogger(__name__)


COSINE: Any = {"hnsw": {"space": "cosine"}}  # every collection: cosine distance


def on_server(settings: Settings | None) -> bool:
    """Do the vectors live in a Chroma server (``INSPIRE_CHROMA_URL``)?"""
    return settings is not None and bool(settings.chroma_url)


def make_client(settings: Settings | None, generation: Path) -> Any:
    """The Chroma client holding ``generation``'s vectors: an embedded client on its folder, or
    a client of the Chroma server. Returns a chromadb.Client (its ClientAPI type lacks close())."""
    # Telemetry off: the assistant makes no network call it does not need.
    chroma = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings is None or not on_server(settings):
        return chromadb.PersistentClient(path=str(generation / CHROMA_DIR), settings=chroma)
    url = urlsplit(settings.chroma_url)
    ssl = url.scheme == "https"
    token = settings.chroma_token.get_secret_value()
    if token:
        chroma.chroma_client_auth_provider = "chromadb.auth.token_authn.TokenAuthClientProvider"
        chroma.chroma_client_auth_credentials = token
        chroma.chroma_auth_token_transport_header = settings.chroma_token_header
    return chromadb.HttpClient(
        host=url.hostname or "localhost",
        port=url.port or (443 if ssl else 8000),
        ssl=ssl,
        settings=chroma,
    )


def close_client(client: Any) -> None:
    """Close a Chroma client and, for a server's, its HTTP connections once its last user is gone
    (chromadb leaves them to the garbage collector, which warns about each)."""
    apis = [getattr(c, "_server", None) for c in (client, getattr(client, "_admin_client", None))]
    client.close()
    for api in apis:  # the client and its admin client, each with connections of its own
        session = getattr(api, "_session", None)
        if session is not None and not getattr(api, "_running", True):
            session.close()


def collection_names(settings: Settings | None, generation: Path) -> tuple[str, str]:
    """The chunk and sentence collections of a generation."""
    if not on_server(settings):
        return "chunks", "sentences"
    assert settings is not None
    base = f"{settings.chroma_prefix}-{generation.name}"
    return f"{base}-chunks", f"{base}-sentences"


def store_id(settings: Settings) -> str:
    """Where the vectors live, for the manifest: a generation built elsewhere is rebuilt."""
    if not on_server(settings):
        return ""  # embedded: the manifests written before server mode existed stay valid
    return f"|chroma:{settings.chroma_url.rstrip('/')}/{settings.chroma_prefix}"


def _collections(
    client: Any, embeddings: Embeddings, names: tuple[str, str], create: bool = True
) -> tuple[Chroma, Chroma]:
    def open_collection(name: str) -> Chroma:
        return Chroma(
            collection_name=name,
            embedding_function=embeddings,
            client=client,
            collection_configuration=COSINE,
            create_collection_if_not_exists=create,
        )

    chunks, sentences = names
    return open_collection(chunks), open_collection(sentences)


def copy_collections(settings: Settings, source: Path, target: Path) -> None:
    """Server mode: copy a generation's vectors into the collections of a new one (in embedded
    mode copying the folder copied them). The local server cannot fork a collection."""
    if not on_server(settings):
        return
    client = make_client(settings, target)
    try:
        pairs = zip(
            collection_names(settings, source), collection_names(settings, target), strict=True
        )
        for old_name, new_name in pairs:
            old = client.get_collection(old_name)
            new = client.get_or_create_collection(new_name, configuration=COSINE)
            offset = 0
            while True:
                page = old.get(
                    include=["embeddings", "documents", "metadatas"],
                    limit=COPY_PAGE,
                    offset=offset,
                )
                if not page["ids"]:
                    break
                new.add(
                    ids=page["ids"],
                    embeddings=page["embeddings"],
                    documents=page["documents"],
                    metadatas=page["metadatas"],
                )
                offset += len(page["ids"])
    finally:
        close_client(client)


def drop_orphans(settings: Settings) -> list[str]:
    """Server mode: delete this deployment's collections whose generation folder is gone (pruned,
    or a failed build). Call it under the ingest lock. Returns the names deleted; a server that
    cannot be reached is logged and left for the next call."""
    if not on_server(settings):
        return []
    pattern = re.compile(rf"{re.escape(settings.chroma_prefix)}-(.+)-(?:chunks|sentences)")
    dropped = []
    try:
        client = make_client(settings, settings.index_dir)
        try:
            for collection in client.list_collections():
                found = pattern.fullmatch(collection.name)
                if found and not (settings.index_dir / found.group(1)).is_dir():
                    client.delete_collection(collection.name)
                    dropped.append(collection.name)
        finally:
            close_client(client)
    except Exception:  # clean-up only: the next ingest tries again
        log.warning("Could not delete old index collections from the Chroma server", exc_info=True)
    return dropped


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

    def __init__(
        self, generation: Path, embeddings: Embeddings, settings: Settings | None = None
    ) -> None:
        self.generation = generation
        self._embeddings = embeddings
        self._client = make_client(settings, generation)
        names = collection_names(settings, generation)
        self._chunks_store, self._sentences_store = _collections(self._client, embeddings, names)
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
        close_client(self._client)


def _sentence_metadata(chunk: Chunk, sentence: Sentence) -> dict[str, Any]:
    return {
        "chunk_id": chunk.id,
        "source": chunk.source,
        "kind": chunk.kind,
        "position": sentence.position,
    }


class KnowledgeIndex:
    """Read side of a generation: dense and lexical search, chunk and sentence look-ups."""

    def __init__(
        self, generation: Path, embeddings: Embeddings, settings: Settings | None = None
    ) -> None:
        self.generation = generation
        self._client = make_client(settings, generation)
        names = collection_names(settings, generation)
        try:  # a server generation must exist: never read an empty stand-in
            stores = _collections(self._client, embeddings, names, create=not on_server(settings))
        except NotFoundError as exc:
            close_client(self._client)
            raise IndexMissingError(
                f"the Chroma server has no collections for {generation.name}: run "
                "`inspire-bot ingest` (the index was built for another vector store)"
            ) from exc
        except BaseException:
            close_client(self._client)
            raise
        self._chunks_store, self._sentences_store = stores
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
        close_client(self._client)
