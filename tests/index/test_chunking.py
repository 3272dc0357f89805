from bot.index.chunking import sentences_of, split_sections
from bot.index.sources import Section


def _section(text, key="3", source="programme/a.pdf"):
    return Section(source, key, text, "Titre", "TITRE", 3, "", "programme", "2026-11-26")


def test_chunk_ids_are_deterministic_and_numbered_per_page():
    text = " ".join(f"Phrase numéro {i} du document de test." for i in range(80))
    first = split_sections([_section(text), _section("Autre page.", key="4")], 400, 50)
    again = split_sections([_section(text), _section("Autre page.", key="4")], 400, 50)
    assert [c.id for c in first] == [c.id for c in again]
    ids = [c.id for c in first]
    assert ids[0] == "programme/a.pdf:3:0"
    assert ids[1] == "programme/a.pdf:3:1"
    assert ids[-1] == "programme/a.pdf:4:0"
    assert all(len(c.text) <= 400 for c in first)
    assert first[0].page == 3
    assert first[0].metadata()["section"] == "TITRE"


def test_sentences_keep_reading_order():
    [chunk] = split_sections(
        [_section("Première phrase assez longue du texte. Deuxième phrase assez longue aussi.")],
        900,
        100,
    )
    sentences = sentences_of(chunk)
    assert [s.position for s in sentences] == [0, 1]
    assert sentences[1].id == f"{chunk.id}#1"
    assert sentences[1].text == "Deuxième phrase assez longue aussi."
