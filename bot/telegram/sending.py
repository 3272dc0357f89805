"""Sending replies the way Telegram wants them: split under 4096 characters, HTML with a plain
text fallback, retried on network trouble, and never again to a chat that blocked the bot."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from .. import metrics
from ..dialogue import Reply
from ..dialogue.replies import Document, split_message, to_plain
from ..services import Services
from .keyboards import Markup, markup_of

log = logging.getLogger(__name__)

RETRIES = 3
BACKOFF = 0.5  # seconds, doubled after each failed attempt
KINDS: list[tuple[type[TelegramError], str]] = [  # subclasses first (BadRequest is a NetworkError)
    (Forbidden, "forbidden"),
    (BadRequest, "bad_request"),
    (TimedOut, "timed_out"),
    (NetworkError, "network"),
    (RetryAfter, "retry_after"),
    (Conflict, "conflict"),
    (InvalidToken, "invalid_token"),
    (ChatMigrated, "chat_migrated"),
]


def error_kind(error: TelegramError) -> str:
    """The metric label of a Telegram error (``other`` for the rare kinds)."""
    return next((kind for cls, kind in KINDS if isinstance(error, cls)), "other")


def count_error(error: BaseException | None) -> None:
    """Count a Telegram error where it is handled (one that is re-raised is counted later)."""
    if isinstance(error, TelegramError):
        metrics.telegram_error(error_kind(error))


async def send_reply(
    bot: Bot, chat_id: int, reply: Reply, services: Services, reply_to: int | None = None
) -> list[Message]:
    """Send one reply (possibly as several messages); buttons go on the last part.

    Returns the messages sent; an empty list when the chat has blocked the bot.
    """
    parts = split_message(reply.html)
    sent: list[Message] = []
    for i, part in enumerate(parts):
        markup = markup_of(reply) if i == len(parts) - 1 else None
        message = await _send_part(
            bot, chat_id, part, markup, services, reply_to if i == 0 else None
        )
        if message is None:
            return sent
        sent.append(message)
    for document in reply.documents:
        message = await send_document(bot, chat_id, document, services)
        if message is not None:
            sent.append(message)
    return sent


async def send_document(
    bot: Bot, chat_id: int, document: Document, services: Services
) -> Message | None:
    """Send a file: uploaded the first time, then by the file id Telegram gave it."""
    try:
        stat = document.path.stat()
    except OSError:
        log.warning("A cited document is missing; not sent")
        return None
    key = (str(document.path), stat.st_mtime_ns)
    known = services.file_ids.get(key)
    try:
        if known is not None:
            message = await bot.send_document(chat_id, known, caption=document.caption)
        else:
            with document.path.open("rb") as handle:
                message = await bot.send_document(
                    chat_id, handle, caption=document.caption, filename=document.path.name
                )
    except Forbidden as exc:
        count_error(exc)
        await mark_inactive(chat_id, services)
        return None
    except BadRequest as exc:
        if known is None:
            raise
        count_error(exc)
        log.warning("Telegram refused a stored file id (%s); uploading the file again", exc)
        services.file_ids.pop(key, None)
        return await send_document(bot, chat_id, document, services)
    if message.document is not None:
        services.file_ids[key] = message.document.file_id
    return message


async def _send_part(
    bot: Bot,
    chat_id: int,
    html: str,
    markup: Markup | None,
    services: Services,
    reply_to: int | None,
) -> Message | None:
    """HTML first; plain text if Telegram cannot parse it; network errors retried."""
    body = html
    mode: ParseMode | None = ParseMode.HTML
    delay, failures = BACKOFF, 0
    while True:
        try:
            return await bot.send_message(
                chat_id,
                body,
                parse_mode=mode,
                reply_markup=markup,
                reply_parameters=_anchor(reply_to),
            )
        except Forbidden as exc:
            count_error(exc)
            await mark_inactive(chat_id, services)
            return None
        except BadRequest as exc:
            if mode is None or "can't parse entities" not in str(exc).lower():
                raise
            count_error(exc)
            log.warning("Telegram refused the HTML of a message; sending it as plain text")
            body, mode = to_plain(html), None
        except NetworkError as exc:  # time-outs included (BadRequest is caught above)
            failures += 1
            if failures == RETRIES:
                raise
            count_error(exc)
            log.warning("Network error sending a message (attempt %d): %s", failures, exc)
            await asyncio.sleep(delay)
            delay *= 2


def _anchor(message_id: int | None) -> ReplyParameters | None:
    return ReplyParameters(message_id, allow_sending_without_reply=True) if message_id else None


async def mark_inactive(chat_id: int, services: Services) -> None:
    """The user blocked the bot: remember it (hashed), so nothing more is sent there."""
    log.info("A chat blocked the bot; marking it inactive")
    await asyncio.to_thread(services.chat_blocked, chat_id)
