"""Transport-neutral replies: Telegram-HTML text with rows of buttons, and how to cut them up."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

TELEGRAM_LIMIT = 4096
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Button:
    """A button: either an action (``data``, sent back when tapped) or a link (``url``)."""

    label: str
    data: str = ""
    url: str = ""


@dataclass(frozen=True)
class Document:
    """A file to send with a reply (a cited PDF that has no public address)."""

    path: Path
    caption: str


@dataclass
class Reply:
    """One message to show: ``html`` uses only ``<b>``, ``<i>`` and ``<a href>``; documents
    follow it."""

    html: str
    buttons: list[list[Button]] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    # a keyboard under the input field instead of buttons: one button that shares the person's
    # phone number (private chats only), or none (the previous one is removed)
    ask_contact: str = ""
    clear_keyboard: bool = False


@dataclass
class Step:
    """What a flow or command gives back: messages, a short pop-up for a tap, and whether
    messages for other chats (a dossier, a relayed reply) are waiting to be sent."""

    replies: list[Reply] = field(default_factory=list)
    toast: str | None = None
    alert: bool = False  # the pop-up stays until dismissed
    outbox: bool = False


def escape(value: str) -> str:
    """Text → Telegram-HTML text."""
    return html.escape(value, quote=False)


def link(url: str, label: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{escape(label)}</a>'


def to_plain(markup: str) -> str:
    """Telegram-HTML → plain text (for a terminal, or when Telegram refuses the HTML)."""
    return html.unescape(_TAG.sub("", markup))


def telegram_length(value: str) -> int:
    """A length as Telegram counts it: in UTF-16 code units (most emoji count two)."""
    return len(value.encode("utf-16-le")) // 2


def _within(value: str, limit: int) -> int:
    """The longest prefix of ``value`` (in characters) that is at most ``limit`` units long."""
    units = 0
    for i, char in enumerate(value):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return i
    return len(value)


def split_message(markup: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Cut a message into parts of at most ``limit`` UTF-16 units (as Telegram counts).

    Cuts fall between paragraphs, else between lines, else between words; tags never span a
    line in our replies, so no cut lands inside one.
    """
    pieces = [p for paragraph in markup.split("\n\n") for p in _fit(paragraph, limit)]
    return _pack(pieces, "\n\n", limit)


def _fit(paragraph: str, limit: int) -> list[str]:
    """A paragraph as pieces no longer than ``limit``: whole lines, else words, else slices."""
    if telegram_length(paragraph) <= limit:
        return [paragraph]
    return _pack([c for line in paragraph.split("\n") for c in _cut_line(line, limit)], "\n", limit)


def _pack(pieces: list[str], separator: str, limit: int) -> list[str]:
    """Join consecutive pieces (each within ``limit``) as long as the result fits."""
    packed: list[str] = []
    current: str | None = None
    for piece in pieces:
        candidate = piece if current is None else f"{current}{separator}{piece}"
        if telegram_length(candidate) <= limit:
            current = candidate
        else:
            packed.append(current or "")
            current = piece
    if current is not None:
        packed.append(current)
    return packed


def _cut_line(line: str, limit: int) -> list[str]:
    out = []
    while telegram_length(line) > limit:
        end = _within(line, limit)
        cut = line.rfind(" ", 0, end)
        if cut <= 0:
            cut = end
            entity = line.rfind("&", 0, cut)  # never cut an HTML entity in two
            if entity > cut - 10 and ";" not in line[entity:cut]:
                cut = entity or end
        out.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    out.append(line)
    return out
