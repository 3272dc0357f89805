"""Which of the supported languages a message is written in (FR, EN, UK, PL).

A small scorer on scripts, letters and common words: it is right on the short questions users
type, needs no model, and never answers with a language the bot cannot speak.
"""

from __future__ import annotations

import re

SUPPORTED = ("fr", "en", "uk", "pl")
DEFAULT = "fr"

_WORD = re.compile(r"[^\W\d_]+")
_COMMON = {
    "fr": set(
        "le la les des du de un une et est sont pour dans sur avec que qui quoi quel quelle quels "
        "quelles comment combien peut peuvent ma mon mes notre nos votre vos ce cette ces il elle "
        "au aux pas ou où je nous vous commune collectivité programme financement taux on ça ca "
        "c'est est-ce qu'est-ce koi ki kel bonjour merci svp mairie maire élus projet aide aides "
        "faut faire avoir être adhérer rejoindre ville villes réseau réseaux".split()
    ),
    "en": set(
        "the a an and is are for in on with what which who how much many can could my our your "
        "this that these it of to do does be town city programme program funding rate join we "
        "you there any i us they their where when why whom should would get need hello hi thanks "
        "about from mayor council network networks".split()
    ),
    "pl": set(
        "a jak czy co jest są sa dla w na z się sie moja moje nasz nasza gmina gminy program jaki "
        "jaka jakie może moze można mozna do od przez który ktory która ktora które ktore ile kto "
        "po o i oraz nie tak czym gdzie kiedy dlaczego mamy nasze naszej naszego jest to ten ta "
        "te być byc trzeba możemy mozemy mogą moga samorząd samorzad samorządy samorzady miasto "
        "projekt projekty współpraca wspolpraca dzień dzien dobry dziękuję dziekuje proszę "
        "prosze drugi drugie druga inne inny inna tego jeszcze też tez cały caly cała cala całe "
        "cale".split()
    ),
}
_POLISH_LETTERS = set("ąćęłńśźż")
# letter groups of Polish words that French and English words almost never have (Polish typed
# without diacritics still shows them)
_POLISH_GROUPS = re.compile(r"sz|cz|rz|dz|ych\b|iej\b|owac|ów|ie\b|nych|ski\b|ska\b")


def detect_language(text: str, default: str = DEFAULT) -> str:
    """Best guess among :data:`SUPPORTED`; ``default`` when the text gives no clue, and on a
    tie (the person's interface language is the better bet)."""
    lowered = text.casefold()
    letters = [c for c in lowered if c.isalpha()]
    if not letters:
        return default
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    if cyrillic > len(letters) / 3:
        return (
            "uk"  # Russian and other Cyrillic text is answered in Ukrainian, the closest we speak
        )
    words = _WORD.findall(lowered)
    scores: dict[str, float] = {
        lang: sum(w in vocab for w in words) for lang, vocab in _COMMON.items()
    }
    scores["pl"] += 2 * sum(c in _POLISH_LETTERS for c in lowered)
    scores["pl"] += 0.5 * sum(bool(_POLISH_GROUPS.search(w)) for w in words)
    scores["fr"] += sum(c in "éèêàçùâîôûœ" for c in lowered)
    if default in scores:
        scores[default] += 0.5  # ties go to the interface language
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= 1 else default


def normalize_language(lang: str | None) -> str | None:
    """``"FR"``/``"fr-FR"``/``"uk_UA"`` → ``"fr"``/``"uk"``; unsupported or empty → ``None``."""
    if not lang:
        return None
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code == "ua":
        code = "uk"
    return code if code in SUPPORTED else None
