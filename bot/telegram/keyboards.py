"""Transport-neutral buttons → Telegram inline keyboards."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ..dialogue import Button


def inline_keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard, or ``None`` when there are no buttons."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.data)
                for b in row
            ]
            for row in rows
        ]
    )
