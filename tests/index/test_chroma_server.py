"""The index against a real Chroma server (``INSPIRE_CHROMA_URL``): build, query, swap, clean-up.

`.ci/run` starts a throw-away server on 127.0.0.1 (scripts/chroma-for-tests.sh) and sets
INSPIRE_TEST_CHROMA_URL; without it these tests are skipped. Each test uses its own collection
prefix on the shared server and deletes what it leaves. The toy embedder keeps them fast.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import chromadb
import pytest
from pydantic import SecretStr

from bot.assistant import Assistant
from bot.config import Settings
from bot.errors import IndexMissingError
from bot.index.builder import ingest
from bot.index.generations import PREFIX, current_generation
from bot.index.manifest import Manifest
from bot.index.store import (
    CHROMA_DIR,
    KnowledgeIndex,
    close_client,
    collection_names,
    make_client,
)
from tests.corpus import MARKDOWN
from tests.fakes import CountingEmbeddings, EmbeddingFailure
from tests.fakes.hashing import HashingEmbeddings
from tests.fakes.loopback import LoopbackServer

CHROMA = os.environ.get("INSPIRE_TEST_CHROMA_URL", "")
pytestmark = pytest.mark.skipif(
    not CHROMA, reason="no Chroma server (set INSPIRE_TEST_CHROMA_URL; .ci/run does)"
)


def _server() -> chromadb.api.ClientAPI:
    return make_client(Settings(chroma_url=CHROMA, _env_file=None), Path())  # type: ignore[call-arg]


def _collections(prefix: str) -> set[str]:
    client = _server()
    try:
        return {c.name for c in client.list_collections() if c.name.startswith(prefix + "-")}
    finally:
        close_client(client)


@pytest.fixture
def on_server(settings: Settings) -> Iterator[Settings]:
    """The test corpus, indexed into the Chroma server under a prefix of its own."""
    prefix = f"t{uuid.uuid4().hex[:12]}"
    yield settings.model_copy(update={"chroma_url": CHROMA, "chroma_prefix": prefix})
    client = _server()
    try:
        for name in _collections(prefix):
            client.delete_collection(name)
    finally:
        close_client(client)


def _edit(settings: Settings, n: int) -> None:
    md = settings.knowledge_dir / "programme" / "exposition.md"
    md.write_text(MARKDOWN + f"\nÉdition numéro {n} de l'exposition.\n", encoding="utf-8")


def _names(settings: Settings, *generations) -> set[str]:
    return {name for g in generations for name in collection_names(settings, g)}


def test_build_query_swap_and_delete_old_collections(on_server: Settings) -> None:
    embeddings = CountingEmbeddings(HashingEmbeddings())
    assistant = Assistant(on_server, embeddings)
    assistant.initialize()
    first = current_generation(on_server.index_dir)
    assert first is not None and not (first / CHROMA_DIR).exists()  # the vectors are elsewhere
    assert _collections(on_server.chroma_prefix) == _names(on_server, first)
    assert assistant.search("réseau Horizon")

    passages = embeddings.documents
    _edit(on_server, 1)
    report = assistant.ingest()  # only the edited file is embedded again; the rest is copied
    second = current_generation(on_server.index_dir)
    assert second != first and report.updated == ["programme/exposition.md"]
    assert embeddings.documents - passages < passages / 2
    index = KnowledgeIndex(second, embeddings, on_server)
    try:
        manifest = Manifest.load(second)
        assert manifest is not None
        assert len(index.chunks) == sum(entry.chunks for entry in manifest.files.values())
        pdf = next(cid for cid, chunk in index.chunks.items() if chunk.source.endswith(".pdf"))
        vector = index.chunk_vectors([pdf])[pdf]  # carried over from the first generation
        assert index.dense(vector.tolist(), 1)[0][0] == pdf
    finally:
        index.close()

    _edit(on_server, 2)
    assistant.ingest()
    third = current_generation(on_server.index_dir)
    assistant.shutdown()
    assert not first.exists()  # pruned, and its collections with it
    assert _collections(on_server.chroma_prefix) == _names(on_server, second, third)


def test_a_failed_build_leaves_the_live_generation_alone(on_server: Settings) -> None:
    embeddings = CountingEmbeddings(HashingEmbeddings())
    ingest(on_server, embeddings)
    live = current_generation(on_server.index_dir)
    embeddings.fail_after = embeddings.documents  # the next passage embedded fails
    _edit(on_server, 1)
    with pytest.raises(EmbeddingFailure):
        ingest(on_server, embeddings)
    assert current_generation(on_server.index_dir) == live
    assert len(list(on_server.index_dir.glob(f"{PREFIX}*"))) == 1
    assert _collections(on_server.chroma_prefix) == _names(on_server, live)


def test_an_embedded_index_is_rebuilt_for_the_server(on_server: Settings) -> None:
    embedded = on_server.model_copy(update={"chroma_url": ""})
    embeddings = HashingEmbeddings()
    ingest(embedded, embeddings)
    live = current_generation(on_server.index_dir)
    assert live is not None
    with pytest.raises(IndexMissingError, match="inspire-bot ingest"):
        KnowledgeIndex(live, embeddings, on_server)  # never an empty stand-in

    report = ingest(on_server, embeddings)

    assert report.rebuilt
    index = KnowledgeIndex(current_generation(on_server.index_dir), embeddings, on_server)
    try:
        assert index.lexical("Horizon", 1) and index.chunk_vectors(list(index.chunks)[:1])
    finally:
        index.close()


class TokenGate(LoopbackServer):
    """A reverse proxy in front of the Chroma server that wants ``Authorization: Bearer
    <token>``, as one would put before a server that has no authentication of its own."""

    def __init__(self, token: str) -> None:
        self.seen: list[str] = []
        gate = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                given = self.headers.get("Authorization", "")
                gate.seen.append(given)
                if given != f"Bearer {token}":
                    self.send_response(401)
                    self.send_header("Content-Length", "12")
                    self.end_headers()
                    self.wfile.write(b"unauthorized")
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                request = urllib.request.Request(CHROMA + self.path, data=body, method=self.command)
                request.add_header("Content-Type", self.headers.get("Content-Type", ""))
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, payload = response.status, response.read()
                        kind = response.headers.get("Content-Type", "application/json")
                except urllib.error.HTTPError as exc:
                    status, payload = exc.code, exc.read()
                    kind = exc.headers.get("Content-Type", "application/json")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

            def log_message(self, *args: object) -> None:
                pass

        self.serve(Handler)


def test_the_token_is_sent_with_every_request(on_server: Settings) -> None:
    embeddings = HashingEmbeddings()
    with TokenGate("s3cret-token") as gate:
        gated = on_server.model_copy(
            update={"chroma_url": gate.address, "chroma_token": SecretStr("s3cret-token")}
        )
        assistant = Assistant(gated, embeddings)
        assistant.initialize()
        assert assistant.search("réseau Horizon")
        assistant.shutdown()
        assert gate.seen and set(gate.seen) == {"Bearer s3cret-token"}

        wrong = gated.model_copy(update={"chroma_token": SecretStr("not-the-token")})
        with pytest.raises(Exception, match="unauthorized"):
            KnowledgeIndex(current_generation(gated.index_dir), embeddings, wrong)
        assert gate.seen[-1] == "Bearer not-the-token"
