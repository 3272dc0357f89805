import pytest
from pypdf import PdfWriter

from bot.index.sources import CALL, PROGRAMME, SkippedFile, is_indexable, load_source
from tests.corpus import make_pdf, write_corpus


@pytest.fixture
def knowledge(tmp_path):
    return write_corpus(tmp_path / "knowledge")


def test_pdf_is_read_page_by_page_with_headings(knowledge):
    loaded = load_source(knowledge, "programme/guide.pdf")
    assert [s.page for s in loaded.sections] == [1, 2]
    first, second = loaded.sections
    assert first.title == "Guide Horizon"
    assert first.section == "COMMENT ADHÉRER AU RÉSEAU HORIZON ?"
    assert "15 mars 2027" in first.text
    assert "\n" not in first.text  # wrapped lines were glued back
    assert second.kind == PROGRAMME
    assert "40 %" in second.text


def test_markdown_is_split_by_heading(knowledge):
    loaded = load_source(knowledge, "programme/exposition.md")
    assert [s.section for s in loaded.sections] == [
        "Exposition itinérante sur les volcans",
        "Exposition itinérante sur les volcans › Conditions de prêt",
    ]
    assert all(s.page == 0 for s in loaded.sections)


def test_calls_become_one_section_each(knowledge):
    loaded = load_source(knowledge, "calls/calls.yaml")
    assert [s.key for s in loaded.sections] == ["test-twinning-2027", "test-climate-2027"]
    twinning = loaded.sections[0]
    assert twinning.kind == CALL
    assert twinning.url == "https://example.org/calls/test-twinning-2027"
    assert twinning.checked == "2026-11-20"
    assert "CERV-2027-TEST-TT" in twinning.section
    assert "Dates limites de Jumelage de villes test 2027 : 2027-09-21 (17:00 Bruxelles)." in (
        twinning.text
    )
    # without a url of its own, a call links to its first source
    assert loaded.sections[1].url == "https://example.org/sources/life"


def test_broken_pdf_is_skipped_with_a_reason(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n this is not a pdf")
    with pytest.raises(SkippedFile, match="damaged or unreadable"):
        load_source(tmp_path, "broken.pdf")


def test_truncated_pdf_is_skipped(tmp_path):
    good = make_pdf(tmp_path / "good.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(good[: len(good) // 3])
    with pytest.raises(SkippedFile):
        load_source(tmp_path, "cut.pdf")


def test_encrypted_pdf_is_skipped(tmp_path):
    writer = PdfWriter(clone_from=make_pdf(tmp_path / "plain.pdf"))
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(tmp_path / "locked.pdf")
    with pytest.raises(SkippedFile, match="encrypted with a password"):
        load_source(tmp_path, "locked.pdf")


def test_pdf_with_only_an_owner_password_is_read(tmp_path):
    writer = PdfWriter(clone_from=make_pdf(tmp_path / "plain.pdf"))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    writer.write(tmp_path / "restricted.pdf")
    assert load_source(tmp_path, "restricted.pdf").sections


def test_empty_pdf_is_skipped(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(tmp_path / "blank.pdf")
    with pytest.raises(SkippedFile, match="no text could be extracted"):
        load_source(tmp_path, "blank.pdf")


def test_non_utf8_text_is_skipped(tmp_path):
    (tmp_path / "latin1.txt").write_bytes("Coopération décentralisée".encode("latin-1"))
    with pytest.raises(SkippedFile, match="not UTF-8"):
        load_source(tmp_path, "latin1.txt")


@pytest.mark.parametrize(
    ("path", "indexed"),
    [
        ("programme/brochure.pdf", True),
        ("notes.md", True),
        ("programme/notes.TXT", True),
        ("calls/curated.yaml", True),
        ("referents.yaml", False),
        ("programme/data.yaml", False),
        ("programme/.~lock.pdf", False),
        ("programme/image.png", False),
    ],
)
def test_what_is_indexed(path, indexed):
    assert is_indexable(path) is indexed
