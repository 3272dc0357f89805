"""Text clean-up shared by ingest and answering: PDF line repair, input hygiene, sentences."""

from __future__ import annotations

import re
import unicodedata

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"«(\[]?[A-ZÀ-ÝА-ЯІЇЄҐ0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:min|max|approx|env|incl|excl|cf|etc|art|p|n°|no|vol|Mr|Mme|M|Dr|St|e\.g|i\.e)\.|\b[A-Z]\.)$"
)
_BULLET = re.compile(r"^\s*[•\-*–·▪]\s*")


def collapse_spaces(text: str) -> str:
    """Fold runs of spaces and tabs into one space, line by line."""
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())


def is_heading(line: str) -> bool:
    """A short line mostly in capitals reads as a heading in the brochure's layout."""
    letters = [c for c in line if c.isalpha()]
    return (
        len(letters) >= 3
        and len(line) <= 90
        and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    )


def _join_hyphenated(match: re.Match[str]) -> str:
    """``coopéra-⏎tion`` → ``coopération``; ``Franco-⏎Ukrainien`` keeps its hyphen."""
    head, tail = match.groups()
    return head + tail if tail.islower() else f"{head}-{tail}"


def repair_pdf_text(text: str) -> str:
    """Undo the visual line breaks of extracted PDF text.

    Joins words hyphenated across lines, folds repeated spaces and glues wrapped lines back into
    paragraphs. A line much shorter than the page's longest line ends its paragraph; headings and
    bullet items stay on lines of their own.
    """
    text = collapse_spaces(text.replace("\r", "\n").translate(_ZERO_WIDTH))
    text = _HYPHEN_BREAK.sub(_join_hyphenated, text)
    lines = text.split("\n")
    full_width = max((len(line) for line in lines), default=0)
    out: list[str] = []
    previous = ""
    for line in lines:
        if not line:
            previous = ""
            continue
        starts_block = is_heading(line) or bool(_BULLET.match(line))
        if (
            previous
            and not starts_block
            and not is_heading(out[-1])
            and _wraps(previous, line, full_width)
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        previous = line
    return "\n".join(out).strip()


def _wraps(line: str, following: str, full_width: int) -> bool:
    """Does ``line`` continue on ``following`` (a visual wrap) rather than end a paragraph?"""
    if line.endswith((",", "(", "-", "–", "'")) or following[:1].islower():
        return True
    return len(line) >= 0.7 * full_width and not line.endswith((".", "!", "?", ":", "»"))


def sanitize_question(text: str, max_chars: int) -> tuple[str, bool]:
    """Normalise a user's question: NFC, no control or zero-width characters, one line.

    Returns the clean text and whether it was truncated to ``max_chars``.
    """
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= max_chars:
        return text, False
    cut = text[:max_chars]
    if " " in cut[max_chars // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(), True


def focus_question(text: str, max_chars: int) -> str:
    """The part of a long message that asks something: its last sentence with a question mark
    (with the sentence before it, when short; only its end, when that run-on sentence is itself
    too long), else its last sentences, within ``max_chars``.

    Short messages come back as they are.
    """
    if len(text) <= min(max_chars, 300):
        return text
    sentences = [s.strip() for s in re.split(r"(?<=[.!?…])\s+|\n+", text) if s.strip()]
    asked = [i for i, s in enumerate(sentences) if "?" in s]
    end = asked[-1] if asked else len(sentences) - 1
    budget = min(max_chars, 400)
    if asked and len(sentences[end]) > budget and sentences[end].endswith("?"):
        tail = sentences[end][-budget:]  # one run-on sentence: it asks at its end
        return tail[tail.find(" ") + 1 :] if " " in tail else tail
    picked = [sentences[end]]
    for sentence in reversed(sentences[:end]):
        if len(" ".join([sentence, *picked])) > budget or (asked and len(picked) > 1):
            break
        picked.insert(0, sentence)
    return " ".join(picked)


def fold(text: str) -> str:
    """Lower-case and strip accents (``Élus`` → ``elus``), for lexical matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def split_sentences(text: str) -> list[str]:
    """Split a passage into sentence-like units: lines first, then sentence ends.

    Abbreviations (``min.``, ``p.``) do not end a sentence. Headings, form blanks (``____``) and
    very short fragments are dropped: they are labels, not answers.
    """
    units: list[str] = []
    for line in text.split("\n"):
        line = _BULLET.sub("", line).strip()
        if not line or is_heading(line) or "___" in line:
            continue
        pieces = [p for p in _SENTENCE_END.split(line) if p.strip()]
        merged: list[str] = []
        for piece in pieces:
            if merged and _ABBREVIATION.search(merged[-1]):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece.strip())
        units.extend(merged)
    return [u for u in units if len(u) >= 20 and sum(c.isalpha() for c in u) >= 12]


# French as typed on a phone ("c koi", "ki peut", "cb ça coute") → the words it stands for, so
# that matching sees the question a model and BM25 know
_TEXTING_FR = {
    "koi": "quoi",
    "ki": "qui",
    "ke": "que",
    "kel": "quel",
    "kelle": "quelle",
    "kels": "quels",
    "kelles": "quelles",
    "koment": "comment",
    "cmt": "comment",
    "cb": "combien",
    "cmb": "combien",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "qd": "quand",
    "kan": "quand",
    "bcp": "beaucoup",
    "pr": "pour",
    "ds": "dans",
    "dc": "donc",
    "tt": "tout",
    "ns": "nous",
    "vs": "vous",
    "mm": "même",
    "tjs": "toujours",
    "ya": "il y a",
    "jpeux": "je peux",
    "jveux": "je veux",
    "chui": "je suis",
}
_TEXTING_WORD = re.compile(
    r"(?<![\w'’-])(" + "|".join(sorted(_TEXTING_FR, key=len, reverse=True)) + r")(?![\w'’-])",
    re.IGNORECASE,
)


_TEXTING_C = re.compile(  # "c koi", "c combien", "c pour qui": "c'est" before what it asks
    r"(?<![\w'’-])c (?=(koi|quoi|ki|qui|kel|quel|koment|comment|combien|cb|pour|quand|ou|où|"
    r"possible|gratuit|obligatoire|payant|ouvert)\b)",
    re.IGNORECASE,
)


def expand_texting(text: str) -> str:
    """``c koi les reseaux ki gerent inspire`` → ``c'est quoi les reseaux qui gerent inspire``."""
    text = _TEXTING_C.sub("c'est ", text)
    return _TEXTING_WORD.sub(lambda m: _TEXTING_FR[m.group(1).lower()], text)
