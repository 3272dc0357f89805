import pytest

from bot.language import detect_language, normalize_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Comment ma commune peut-elle rejoindre INSPIRE ?", "fr"),
        ("How can my town join the programme?", "en"),
        ("Як моя громада може приєднатися до INSPIRE?", "uk"),
        ("Jak moja gmina może dołączyć do programu?", "pl"),
        ("Как присоединиться к программе?", "uk"),  # Cyrillic is answered in Ukrainian
        ("INSPIRE", "fr"),
        ("🙂🙂", "fr"),
        ("Kto odpowiada za program w naszym regionie?", "pl"),
        ("Czy nasze miasto moze wziac udzial w programie?", "pl"),  # no diacritics
        ("c koi le programme ? on peut en faire partie ?", "fr"),
        ("do u guys help with travel costs for our mayor?", "en"),
        ("a caly program?", "pl"),  # Polish "a" (and), as in a short follow-up
        ("Is it a grant or a loan?", "en"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("interface", ["pl", "en"])  # "program" is both
def test_a_tie_goes_to_the_interface_language(interface):
    assert detect_language("Program INSPIRE ?", default=interface) == interface


def test_normalize_language():
    assert normalize_language("fr-FR") == "fr"
    assert normalize_language("UK") == "uk"
    assert normalize_language("ua") == "uk"
    assert normalize_language("de") is None
    assert normalize_language(None) is None
