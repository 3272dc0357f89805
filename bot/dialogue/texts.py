"""What the bot says around the answers, in French (default), English, Ukrainian and Polish.

The texts live in the message catalogue (``bot/locale/<lang>/LC_MESSAGES/messages.po``, see
:mod:`bot.catalogue`); this module picks the interface language and reads them. Answers
themselves follow the language of the question.
"""

from __future__ import annotations

from .. import catalogue

UI_LANGUAGES = catalogue.LANGUAGES
LANGUAGE_NAMES = {
    "fr": "🇫🇷 Français",
    "en": "🇬🇧 English",
    "uk": "🇺🇦 Українська",
    "pl": "🇵🇱 Polski",
}


def months(days: int) -> int:
    """A retention period as the whole months users are told (at least one)."""
    return max(1, round(days / 30.44))


def ui_language(code: str | None) -> str:
    """The interface language for a Telegram ``language_code`` (French by default)."""
    return catalogue.language(code)


def text(lang: str, key: str, **values: object) -> str:
    """The interface text ``key`` in ``lang``."""
    return catalogue.translate(lang, key, **values)


def plural(lang: str, key: str, n: int, **values: object) -> str:
    """The counted interface text ``key`` for ``n`` (``{n}`` filled) in ``lang``."""
    return catalogue.plural(lang, key, n, **values)


def referent_text(key: str, lang: str = catalogue.DEFAULT, **values: object) -> str:
    """A text of the referent side (French unless the referent chat chose a language)."""
    return catalogue.translate(lang, key, **values)
