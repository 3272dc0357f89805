"""Only regular files inside knowledge/ are read: links and special files are refused."""

import os

from bot.index.builder import ingest
from bot.index.generations import current_generation
from bot.index.store import read_chunks
from tests.fakes.hashing import HashingEmbeddings

SECRET = "INSPIRE_TELEGRAM_TOKEN=123456:leaked-by-a-link"


def _indexed_text(settings) -> str:
    return "\n".join(c.text for c in read_chunks(current_generation(settings.index_dir)).values())


def test_links_to_files_outside_knowledge_are_skipped_with_a_warning(settings, tmp_path):
    outside = tmp_path / "environ.txt"
    outside.write_text(f"{SECRET}\n", encoding="utf-8")
    programme = settings.knowledge_dir / "programme"
    (programme / "n.txt").symlink_to(outside)
    (programme / "passwd.txt").symlink_to("/etc/passwd")
    (programme / "inside.md").symlink_to(programme / "exposition.md")  # a link even inside
    (settings.knowledge_dir / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(programme / "pipe.txt")

    report = ingest(settings, HashingEmbeddings())

    assert sorted(report.added) == [
        "calls/calls.yaml",
        "programme/exposition.md",
        "programme/guide.pdf",
    ]
    skipped = "\n".join(report.warnings)
    for name in ("n.txt", "passwd.txt", "inside.md", "pipe.txt"):
        assert f"skipped programme/{name}" in skipped
    text = _indexed_text(settings)
    assert "leaked-by-a-link" not in text and "root:" not in text
    assert "Horizon" in text


def test_a_regular_file_replaced_by_a_link_disappears_from_the_index(settings, tmp_path):
    embeddings = HashingEmbeddings()
    ingest(settings, embeddings)
    md = settings.knowledge_dir / "programme" / "exposition.md"
    outside = tmp_path / "secret.md"
    outside.write_text(f"# Secret\n\n{SECRET}\n", encoding="utf-8")
    md.unlink()
    md.symlink_to(outside)

    report = ingest(settings, embeddings)

    assert report.removed == ["programme/exposition.md"]
    assert "leaked-by-a-link" not in _indexed_text(settings)
