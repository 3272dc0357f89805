import pytest

from bot.text import expand_texting, fold, repair_pdf_text, sanitize_question, split_sentences


def test_repair_joins_hyphenated_and_wrapped_lines():
    raw = (
        "COMMENT EST FINANCÉ LE PROGRAMME ?\n"
        "Le programme est financé à hauteur de  50% par la DAECT. Cette coopéra-\n"
        "tion permet de prendre en charge les coûts.\n"
        "• Premier point de la liste.\n"
    )
    text = repair_pdf_text(raw)
    assert text.splitlines() == [
        "COMMENT EST FINANCÉ LE PROGRAMME ?",
        "Le programme est financé à hauteur de 50% par la DAECT. Cette coopération permet de "
        "prendre en charge les coûts.",
        "• Premier point de la liste.",
    ]


def test_repair_keeps_hyphen_before_capital():
    assert "Franco-Ukrainien" in repair_pdf_text("Un appel Franco-\nUkrainien existe.")


def test_sanitize_strips_control_and_zero_width_characters():
    text, truncated = sanitize_question("  Qui\u200b contacter\x00 ?\n\tmerci ", 100)
    assert text == "Qui contacter ? merci"
    assert not truncated


def test_sanitize_truncates_on_a_word_boundary():
    text, truncated = sanitize_question("mot " * 500, 50)
    assert truncated
    assert len(text) <= 50
    assert text.endswith("mot")


def test_split_sentences_respects_abbreviations_and_drops_blanks():
    text = (
        "Montants : Call budget EUR 12,000,000; estimated EU contribution min. EUR 100,000 per "
        "project.\nMEAE (communication) _____\nCOMMENT INTÉGRER ?\nCourt."
    )
    assert split_sentences(text) == [
        "Montants : Call budget EUR 12,000,000; estimated EU contribution min. EUR 100,000 per "
        "project."
    ]


def test_fold():
    assert fold("Élus ÉTRANGÈRES") == "elus etrangeres"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("c koi les reseaux ki gerent inspire", "c'est quoi les reseaux qui gerent inspire"),
        ("cb ça coute ? pk signer", "combien ça coute ? pourquoi signer"),
        ("ya des aides pr les petites communes", "il y a des aides pour les petites communes"),
        ("La lettre C du programme", "La lettre C du programme"),  # no texting here
        ("Kiev et Kharkiv", "Kiev et Kharkiv"),
    ],
)
def test_french_typed_on_a_phone_is_read_as_words(typed, read):
    assert expand_texting(typed) == read
