"""A full disk during an ingest: a clear message naming the folder, and the live index kept."""

import errno

import pytest

from bot.index.builder import DiskFullError, ingest
from bot.index.generations import PREFIX, current_generation
from tests.fakes.hashing import HashingEmbeddings


class FullDisk(HashingEmbeddings):
    """Embeds, until told that the disk is full; then fails the way the store would."""

    def __init__(self) -> None:
        self.error: Exception | None = None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.error is not None:
            raise RuntimeError("Error in the vector store") from self.error
        return super().embed_documents(texts)


@pytest.mark.parametrize(
    "cause",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        RuntimeError("Error executing plan: database or disk is full"),  # SQLite inside Chroma
    ],
)
def test_a_full_disk_is_named_and_the_live_index_kept(settings, cause):
    embeddings = FullDisk()
    ingest(settings, embeddings)
    live = current_generation(settings.index_dir)
    (settings.knowledge_dir / "programme" / "new.md").write_text("# Nouveau\n\nUn texte.\n")
    embeddings.error = cause

    with pytest.raises(DiskFullError) as raised:
        ingest(settings, embeddings)

    message = str(raised.value)
    assert message.startswith("no space left on device in ")
    assert str(settings.index_dir.resolve()) in message
    assert "Traceback" not in message
    assert current_generation(settings.index_dir) == live
    assert [p.name for p in settings.index_dir.glob(f"{PREFIX}*")] == [live.name]


def test_other_failures_are_not_called_a_full_disk(settings):
    embeddings = FullDisk()
    ingest(settings, embeddings)
    (settings.knowledge_dir / "programme" / "new.md").write_text("# Nouveau\n\nUn texte.\n")
    embeddings.error = ValueError("something else")
    with pytest.raises(RuntimeError):
        ingest(settings, embeddings)
