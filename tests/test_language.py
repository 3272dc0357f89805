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
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_normalize_language():
    assert normalize_language("fr-FR") == "fr"
    assert normalize_language("UK") == "uk"
    assert normalize_language("ua") == "uk"
    assert normalize_language("de") is None
    assert normalize_language(None) is None
