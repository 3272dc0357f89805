"""Every text the bot shows, per language, read once from the gettext catalogue in ``locale/``.

Message ids are symbolic (``welcome``, ``days_left``…); each ``messages.po`` holds the texts of one
language as Telegram-HTML (``<b>``, ``<i>``, ``<a href>`` only) with ``{placeholders}`` filled in
by the caller, already escaped. Counted texts are gettext plural entries, chosen with the
``Plural-Forms`` rule of their language: ``plural(lang, key, n)``, or ``translate(lang, key, n=…)``
(so a text can become counted without touching its callers). A placeholder named after a counted
text and given a number is filled with that text (``months=6`` → "6 mois", "6 місяців"). An
unknown language, or an empty translation, falls back to French.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("fr", "en", "uk", "pl")
DEFAULT = "fr"


class UnknownMessage(KeyError):
    """A message id that is not in the catalogue."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Table:
    """One language: its texts (a tuple of forms for plural entries) and its plural rule."""

    language: str
    texts: dict[str, str]
    plurals: dict[str, tuple[str, ...]]
    rule: Callable[[int], int]
    num_plurals: int


def path_of(lang: str) -> Path:
    """The ``.po`` file of a language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@cache
def table(lang: str) -> Table:
    """The parsed catalogue of one language (read once)."""
    with path_of(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    texts: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for entry in catalog:
        if not entry.id:
            continue  # the header
        if isinstance(entry.id, tuple | list):
            forms = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
            plurals[str(entry.id[0])] = tuple(str(form or "") for form in forms)
        else:
            texts[str(entry.id)] = str(entry.string or "")
    return Table(
        language=lang,
        texts=texts,
        plurals=plurals,
        rule=gettext.c2py(catalog.plural_expr),
        num_plurals=catalog.num_plurals,
    )


def language(code: str | None) -> str:
    """A catalogue language for any code (``pl-PL`` → ``pl``; unknown → French)."""
    short = (code or "").lower().replace("_", "-").split("-")[0]
    return short if short in LANGUAGES else DEFAULT


def message_ids() -> set[str]:
    """Every message id of the reference (French) catalogue."""
    reference = table(DEFAULT)
    return set(reference.texts) | set(reference.plurals)


def translate(lang: str, key: str, **values: object) -> str:
    """The text ``key`` in ``lang`` with its placeholders filled (French if untranslated)."""
    for candidate in dict.fromkeys((language(lang), DEFAULT)):
        current = table(candidate)
        if key in current.plurals:
            count = values.pop("n", None)
            if not isinstance(count, int) or isinstance(count, bool):
                raise UnknownMessage(f"{key!r} is a counted text: use plural(lang, {key!r}, n)")
            return plural(lang, key, count, **values)
        value = current.texts.get(key)
        if value:
            return _filled(current.language, value, values)
    raise UnknownMessage(f"no message {key!r} in the catalogue ({path_of(DEFAULT)})")


def plural(lang: str, key: str, n: int, **values: object) -> str:
    """The counted text ``key`` for ``n`` in ``lang``, ``{n}`` and the other placeholders filled."""
    for candidate in dict.fromkeys((language(lang), DEFAULT)):
        current = table(candidate)
        if key in current.texts:
            raise UnknownMessage(f"{key!r} is not a counted text: use text(lang, {key!r})")
        forms = current.plurals.get(key)
        if forms:
            index = min(current.rule(n), len(forms) - 1)
            if forms[index]:
                return _filled(current.language, forms[index], {"n": n, **values})
    raise UnknownMessage(f"no counted message {key!r} in the catalogue ({path_of(DEFAULT)})")


def _filled(lang: str, value: str, values: dict[str, object]) -> str:
    """``value`` with its placeholders filled; counted placeholders get their plural text."""
    if not values:
        return value
    counted = table(DEFAULT).plurals
    ready = {
        name: plural(lang, name, given)
        if name in counted and isinstance(given, int) and not isinstance(given, bool)
        else given
        for name, given in values.items()
    }
    return value.format(**ready)
