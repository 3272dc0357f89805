"""The message catalogue: same ids, placeholders and HTML in every language; plural rules."""

from __future__ import annotations

import json
import re
import string

import pytest

from bot import catalogue
from bot.catalogue import UnknownMessage, plural, table, translate
from bot.db import Handoff
from bot.dialogue.dossiers import dossier_buttons, dossier_html, state_name
from bot.dialogue.texts import LANGUAGE_NAMES, UI_LANGUAGES, text, ui_language

LANGS = catalogue.LANGUAGES
OTHERS = [lang for lang in LANGS if lang != catalogue.DEFAULT]
TAG = re.compile(r"<(/?)([a-zA-Z]+)([^>]*)>")
HREF = re.compile(r'^ href="[^"<>]+"$')
ENTITY = re.compile(r"&(?!(amp|lt|gt|quot);)")


def entries(lang: str) -> dict[str, tuple[str, ...]]:
    """Every message of a language as a tuple of forms (one for plain texts)."""
    current = table(lang)
    return {**{k: (v,) for k, v in current.texts.items()}, **current.plurals}


def placeholders(value: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}


def test_the_four_languages_have_a_catalogue_file():
    assert set(LANGS) == {"fr", "en", "uk", "pl"}
    for lang in LANGS:
        assert catalogue.path_of(lang).is_file()


@pytest.mark.parametrize("lang", OTHERS)
def test_every_message_id_exists_in_every_language(lang):
    reference, other = table(catalogue.DEFAULT), table(lang)
    assert set(other.texts) == set(reference.texts)
    assert set(other.plurals) == set(reference.plurals)


@pytest.mark.parametrize("lang", LANGS)
def test_no_message_is_empty(lang):
    for key, forms in entries(lang).items():
        assert all(form.strip() for form in forms), (lang, key)


@pytest.mark.parametrize("lang", LANGS)
def test_plural_entries_have_as_many_forms_as_the_language_has(lang):
    current = table(lang)
    assert current.num_plurals == {"fr": 2, "en": 2, "uk": 3, "pl": 3}[lang]
    for key, forms in current.plurals.items():
        assert len(forms) == current.num_plurals, (lang, key)


@pytest.mark.parametrize("lang", OTHERS)
def test_placeholders_are_the_same_in_every_language_and_every_form(lang):
    reference = entries(catalogue.DEFAULT)
    for key, forms in entries(lang).items():
        expected = placeholders(reference[key][0])
        for form in (*reference[key], *forms):
            assert placeholders(form) == expected, (lang, key, form)


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_balanced_and_only_b_i_and_links(lang):
    for key, forms in entries(lang).items():
        for form in forms:
            stack: list[str] = []
            for closing, tag, attributes in TAG.findall(form):
                assert tag in ("b", "i", "a"), (lang, key, tag)
                if closing:
                    assert stack and stack.pop() == tag, (lang, key, form)
                else:
                    assert HREF.match(attributes) if tag == "a" else not attributes, (lang, key)
                    stack.append(tag)
            assert not stack, (lang, key, form)
            bare = TAG.sub("", form)
            assert "<" not in bare and ">" not in bare, (lang, key)
            assert not ENTITY.search(bare), (lang, key)


@pytest.mark.parametrize("lang", LANGS)
def test_html_tags_are_the_same_as_in_french(lang):
    reference = entries(catalogue.DEFAULT)
    for key, forms in entries(lang).items():
        tags = sorted(closing + tag for closing, tag, _ in TAG.findall(reference[key][0]))
        for form in forms:
            assert sorted(c + t for c, t, _ in TAG.findall(form)) == tags, (lang, key)


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("fr", {0: "dans 0 jour", 1: "dans 1 jour", 2: "dans 2 jours", 30: "dans 30 jours"}),
        ("en", {1: "in 1 day", 2: "in 2 days", 30: "in 30 days"}),
        (
            "uk",
            {
                1: "через 1 день",
                2: "через 2 дні",
                5: "через 5 днів",
                11: "через 11 днів",
                21: "через 21 день",
                22: "через 22 дні",
                25: "через 25 днів",
            },
        ),
        (
            "pl",
            {
                1: "za 1 dzień",
                2: "za 2 dni",
                5: "za 5 dni",
                12: "za 12 dni",
                22: "za 22 dni",
            },
        ),
    ],
)
def test_days_left_follow_each_language_plural_rule(lang, counts):
    for n, expected in counts.items():
        assert plural(lang, "days_left", n) == expected


def test_plural_forms_pick_the_right_word():
    assert [plural("uk", "months", n) for n in (1, 2, 5)] == ["1 місяць", "2 місяці", "5 місяців"]
    assert [plural("pl", "months", n) for n in (1, 2, 5)] == [
        "1 miesiąc",
        "2 miesiące",
        "5 miesięcy",
    ]
    assert [plural("en", "months", n) for n in (1, 6)] == ["1 month", "6 months"]
    assert [plural("fr", "months", n) for n in (1, 6)] == ["1 mois", "6 mois"]


def test_a_counted_placeholder_is_filled_with_its_plural():
    assert "5 місяців" in translate("uk", "privacy", months=5)
    assert "1 miesiąc" in translate("pl", "privacy", months=1)
    assert "1 month " in translate("en", "privacy", months=1)
    assert "12 mois" in translate("fr", "privacy", months=12)


def test_a_counted_text_can_be_asked_with_n():
    assert text("uk", "days_left", n=2) == plural("uk", "days_left", 2) == "через 2 дні"
    assert text("en", "cards_few_open", n=1).startswith("Only 1 open or announced call fits")
    assert text("pl", "cards_few_open", n=3).startswith("Dziś pasują tylko 3 otwarte")


def test_unknown_language_falls_back_to_french():
    assert translate("de", "welcome") == translate("fr", "welcome")
    assert plural("", "days_left", 3) == "dans 3 jours"


def test_unknown_key_is_a_clear_error():
    with pytest.raises(UnknownMessage, match="no message 'nope'"):
        translate("en", "nope")
    with pytest.raises(UnknownMessage, match="counted text"):
        translate("en", "days_left")
    with pytest.raises(UnknownMessage, match="not a counted text"):
        plural("en", "welcome", 2)


def test_polish_is_a_full_interface_language():
    assert "pl" in UI_LANGUAGES
    assert set(LANGUAGE_NAMES) == set(UI_LANGUAGES)
    assert ui_language("pl") == "pl"
    assert ui_language("pl-PL") == "pl"
    assert ui_language("de") == "fr"
    assert ui_language(None) == "fr"
    assert text("pl", "lang_set") != text("en", "lang_set")
    assert "Źródła" in text("pl", "sources_title")


def test_referent_states_are_words_of_one_language():
    for lang in LANGS:
        for state in ("new", "delivered", "taken", "closed", "erased"):
            assert translate(lang, f"state_{state}")
    assert translate("fr", "state_changed", id=2, state=translate("fr", "state_taken")) == (
        "Demande n° 2 : prise en charge."
    )


def test_the_dossier_is_rendered_in_one_language():
    dossier = Handoff(
        id=7,
        name="Marie <Curie>",
        role="maire adjointe",
        authority="Nantes",
        email="m@example.org",
        phone="",
        question="Comment faire ?",
        context=json.dumps(["Q : a → R : b"]),
    )
    french = dossier_html(dossier, "Pays de la Loire")
    assert french.startswith("📨 <b>Demande n° 7</b> — Pays de la Loire")
    assert "<b>Question :</b> Comment faire ?" in french and "Marie &lt;Curie&gt;" in french
    assert "Échanges récents" in french and "• Q : a → R : b" in french
    english = dossier_html(dossier, "Pays de la Loire", "en")
    assert english.startswith("📨 <b>Request no. 7</b>") and "Demande" not in english
    assert [label for label, _ in dossier_buttons(7)[0]] == ["✋ Je prends", "✅ Clore"]
    assert [data for _, data in dossier_buttons(7, "uk")[0]] == ["ho:take:7", "ho:close:7"]
    assert state_name("taken") == "prise en charge" and state_name("taken", "pl") == "w toku"
