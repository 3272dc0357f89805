"""What a person does, whatever the front end: types text, taps a button, shares a contact, or
sends a command. Front ends (Telegram, the terminal) translate their input into these."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A typed message."""

    text: str


@dataclass(frozen=True)
class Tap:
    """A tap on a button: the button's data."""

    data: str


@dataclass(frozen=True)
class Contact:
    """A phone number shared with the front end's own contact button."""

    phone: str


@dataclass(frozen=True)
class Command:
    """``/name args`` (the name lower-cased, without the slash or the bot's @name)."""

    name: str
    args: str = ""


Event = Text | Tap | Contact | Command


@dataclass(frozen=True)
class Who:
    """Where an event comes from: the chat, the person, whether the chat is private, their
    interface language and the bot's public username (for links to a private chat)."""

    chat_id: int
    user_id: int
    lang: str = "fr"
    private: bool = True
    bot_username: str = ""
    name: str = ""  # the person's display name (kept in a dossier's history, never logged)
