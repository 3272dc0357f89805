"""Transport-neutral buttons → Telegram inline keyboards."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from ..dialogue import Button, Reply

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


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


def markup_of(reply: Reply) -> Markup | None:
    """The keyboard of a reply: its buttons, a "share my phone number" keyboard, or the removal
    of the previous keyboard."""
    if reply.ask_contact:
        button = KeyboardButton(reply.ask_contact, request_contact=True)
        return ReplyKeyboardMarkup([[button]], one_time_keyboard=True, resize_keyboard=True)
    if reply.clear_keyboard and not reply.buttons:
        return ReplyKeyboardRemove()
    return inline_keyboard(reply.buttons)
