"""Hostile PDFs dropped into knowledge/ together: each one is indexed or skipped with a reason a
person understands, within the parsing worker's limits (the default settings), and the ingest
goes on with the other files. The PDFs are written byte by byte, small and fast to make.

One ingest reads them all (a module fixture); each test checks one file of its report."""

from __future__ import annotations

import zlib

import pytest

from bot.config import Settings
from bot.index.builder import IngestReport, ingest
from bot.index.generations import current_generation
from bot.index.store import read_chunks
from tests.corpus import write_corpus
from tests.fakes.hashing import HashingEmbeddings

CORPUS = {"calls/calls.yaml", "programme/exposition.md", "programme/guide.pdf"}
BOMB_MB = 200  # what the bomb's page inflates to, from about one kilobyte
PAGES = 500  # the default page cap (INSPIRE_INGEST_MAX_PAGES): still indexed
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _pdf(objects: list[bytes], *, prev_loop: bool = False) -> bytes:
    """A PDF file: ``objects`` numbered from 1 (1 is the catalogue), an xref table, a trailer;
    with ``prev_loop`` the trailer's /Prev names its own xref table, a cycle."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    prev = b" /Prev %d" % xref if prev_loop else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, prev)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _stream(data: bytes, filters: bytes = b"[]") -> bytes:
    return b"<< /Length %d /Filter %s >>\nstream\n%s\nendstream" % (len(data), filters, data)


def _text(line: str) -> bytes:
    return _stream(b"BT /F1 12 Tf 20 100 Td (%s) Tj ET" % line.encode("latin-1"))


def _page(parent: int, contents: int, font: int) -> bytes:
    return (
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 300 200] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (parent, contents, font)
    )


def _one_page(contents: bytes, *, prev_loop: bool = False) -> bytes:
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            _page(2, 4, 5),
            contents,
            FONT,
        ],
        prev_loop=prev_loop,
    )


def _bomb() -> bytes:
    """A page whose content stream is flate-compressed twice: 200 MB of zeros in ~1 KB."""
    compressor = zlib.compressobj(9)
    zeros = bytes(1 << 20)
    once = b"".join(compressor.compress(zeros) for _ in range(BOMB_MB)) + compressor.flush()
    return _one_page(_stream(zlib.compress(once, 9), b"[/FlateDecode /FlateDecode]"))


def _page_tree_containing_itself() -> bytes:
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            _page(2, 4, 5),
            _text("Une page sous un arbre qui se contient."),
            FONT,
        ]
    )


def _many_pages(count: int) -> bytes:
    """``count`` pages, each with its own sentence; one shared font (object 2)."""
    objects = [b"<< /Type /Catalog /Pages 3 0 R >>", FONT, b""]
    kids = []
    for n in range(1, count + 1):
        page = len(objects) + 1
        kids.append(b"%d 0 R" % page)
        objects += [_page(3, page + 1, 2), _text(f"Page {n} : la commune {n} rejoint le reseau.")]
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), count)
    return _pdf(objects)


HOSTILE = {
    "programme/vide.pdf": lambda: b"",
    "programme/bombe.pdf": _bomb,
    "programme/arbre-cyclique.pdf": _page_tree_containing_itself,
    "programme/xref-cyclique.pdf": lambda: _one_page(
        _text("Le sommaire renvoie a lui-meme."), prev_loop=True
    ),
    "programme/long.pdf": lambda: _many_pages(PAGES),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, IngestReport]:
    root = tmp_path_factory.mktemp("hostile")
    knowledge = write_corpus(root / "knowledge")
    for name, make in HOSTILE.items():
        (knowledge / name).write_bytes(make())
    settings = Settings(knowledge_dir=knowledge, data_dir=root / "var", _env_file=None)  # type: ignore[call-arg]
    report = ingest(settings, HashingEmbeddings())  # the default limits: time, memory, pages
    return settings, report


def _skipped(report: IngestReport) -> dict[str, str]:
    pairs = (w.removeprefix("skipped ").split(": ", 1) for w in report.warnings)
    return {name: reason for name, reason in pairs}


def _chunks(settings: Settings, source: str) -> list:
    generation = current_generation(settings.index_dir)
    assert generation is not None
    return [c for c in read_chunks(generation).values() if c.source == source]


def test_the_ingest_goes_on_past_every_hostile_pdf(hostile):
    settings, report = hostile
    assert set(report.added) == CORPUS | set(HOSTILE)
    assert set(_skipped(report)) == {
        "programme/vide.pdf",
        "programme/bombe.pdf",
        "programme/arbre-cyclique.pdf",
    }
    assert all(_chunks(settings, source) for source in CORPUS)


def test_a_zero_byte_pdf_is_skipped_as_empty(hostile):
    _, report = hostile
    assert _skipped(report)["programme/vide.pdf"] == (
        "the PDF is damaged or unreadable (EmptyFileError: Cannot read an empty file)"
    )


def test_a_decompression_bomb_is_skipped_at_the_decompression_limit(hostile, record_property):
    settings, report = hostile
    size = (settings.knowledge_dir / "programme" / "bombe.pdf").stat().st_size
    assert size < 2048
    reason = _skipped(report)["programme/bombe.pdf"]
    assert reason.startswith("the PDF is damaged or unreadable (LimitReachedError: ")
    assert "decompressing" in reason
    record_property("detail", f"{size / 1024:.1f} KB → {BOMB_MB} MB: {reason}")


def test_a_page_tree_containing_itself_is_skipped(hostile):
    _, report = hostile
    assert _skipped(report)["programme/arbre-cyclique.pdf"] == (
        "the PDF is damaged or unreadable (PdfReadError: Detected cyclic page references.)"
    )


def test_an_xref_whose_prev_points_at_itself_is_read_once(hostile):
    settings, report = hostile
    assert "programme/xref-cyclique.pdf" not in _skipped(report)
    [chunk] = _chunks(settings, "programme/xref-cyclique.pdf")
    assert "Le sommaire renvoie a lui-meme." in chunk.text


def test_a_pdf_of_as_many_pages_as_the_cap_is_indexed_page_by_page(hostile, record_property):
    settings, report = hostile
    assert settings.ingest_max_pages == PAGES
    assert "programme/long.pdf" not in _skipped(report)
    chunks = _chunks(settings, "programme/long.pdf")
    assert sorted({c.page for c in chunks}) == list(range(1, PAGES + 1))
    last = next(c for c in chunks if c.page == PAGES)
    assert f"la commune {PAGES} rejoint" in last.text
    size = (settings.knowledge_dir / "programme" / "long.pdf").stat().st_size
    record_property("detail", f"{PAGES} pages ({size // 1024} KB), {len(chunks)} chunks")
