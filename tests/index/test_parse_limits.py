"""Each knowledge file is read in a worker process with limits: too big, too many pages, too slow
or too hungry, it is skipped with a message naming the setting, and the ingest goes on."""

import time

from pypdf import PdfWriter

from bot.index.builder import ingest
from tests.fakes.hashing import HashingEmbeddings

EXPECTED = {"calls/calls.yaml", "programme/exposition.md", "programme/guide.pdf"}


def _indexed(report) -> set[str]:
    skipped = {w.split(":")[0].removeprefix("skipped ") for w in report.warnings}
    return set(report.added) - skipped


def _warning(report, name: str) -> str:
    return next(w for w in report.warnings if w.startswith(f"skipped {name}:"))


def test_a_pdf_with_too_many_pages_is_skipped_quickly(settings):
    writer = PdfWriter()
    for _ in range(3000):
        writer.add_blank_page(width=200, height=200)
    with (settings.knowledge_dir / "programme" / "huge.pdf").open("wb") as handle:
        writer.write(handle)
    started = time.perf_counter()
    report = ingest(settings, HashingEmbeddings())
    assert time.perf_counter() - started < 60
    message = _warning(report, "programme/huge.pdf")
    assert "too many pages (3000" in message and "INSPIRE_INGEST_MAX_PAGES" in message
    assert _indexed(report) == EXPECTED


def test_a_file_over_the_size_cap_is_not_read(settings):
    big = settings.knowledge_dir / "programme" / "big.txt"
    big.write_text("Une phrase sur le réseau Horizon.\n" * 70_000, encoding="utf-8")  # 2.4 MB
    limited = settings.model_copy(update={"ingest_max_file_mb": 1.0})
    report = ingest(limited, HashingEmbeddings())
    message = _warning(report, "programme/big.txt")
    assert "too large" in message and "INSPIRE_INGEST_MAX_FILE_MB" in message
    assert _indexed(report) == EXPECTED


def test_a_slow_file_is_stopped_and_the_next_files_still_read(settings):
    slow = settings.knowledge_dir / "programme" / "a-slow.md"  # read first (sorted)
    slow.write_text("".join(f"# Titre {n}\n\nTexte {n}.\n" for n in range(200_000)))
    limited = settings.model_copy(update={"ingest_parse_seconds": 0.2})
    report = ingest(limited, HashingEmbeddings())
    message = _warning(report, "programme/a-slow.md")
    assert "longer than 0.2 s" in message and "INSPIRE_INGEST_PARSE_SECONDS" in message
    assert _indexed(report) == EXPECTED


def test_a_file_needing_too_much_memory_is_skipped(settings):
    hungry = settings.knowledge_dir / "programme" / "hungry.txt"
    hungry.write_text("mot " * 6_000_000, encoding="utf-8")  # 24 MB of text, far more in memory
    limited = settings.model_copy(update={"ingest_parse_memory_mb": 64.0})
    report = ingest(limited, HashingEmbeddings())
    message = _warning(report, "programme/hungry.txt")
    assert "memory" in message and "INSPIRE_INGEST_PARSE_MEMORY_MB" in message
    assert _indexed(report) == EXPECTED
