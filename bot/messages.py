"""The words of the answer frame, per language, read from the message catalogue."""

from __future__ import annotations

from . import catalogue


def message(lang: str, key: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (French when the language is unknown)."""
    return catalogue.translate(lang, key, **values)


def plural(lang: str, key: str, n: int, **values: object) -> str:
    """The counted text ``key`` for ``n`` in ``lang``."""
    return catalogue.plural(lang, key, n, **values)
