"""Telegram callbacks: each turns an update into a call to the dialogue and sends the reply."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Chat, ChatMember, Message, MessageEntity, Update
from telegram.constants import ChatAction
from telegram.error import Conflict, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from .. import claims, metrics
from ..dialogue import Reply
from ..dialogue.replies import escape
from ..dialogue.texts import text, ui_language
from ..services import Services
from .sending import count_error, send_reply

log = logging.getLogger(__name__)

SEEN_UPDATES = 10_000
CONFLICTS = "telegram_conflicts"  # bot_data key of the metrics.Conflicts record


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    services: Services = context.bot_data["services"]
    return services


def language_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The user's interface language: chosen with /lang, else their Telegram language."""
    user = update.effective_user
    chosen = services_of(context).store.cached_language(user.id) if user else None
    return chosen or ui_language(user.language_code if user else None)


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Reply) -> None:
    chat = update.effective_chat
    if chat is not None:
        await send_reply(context.bot, chat.id, answer, services_of(context))


async def drop_duplicates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Skip an update already processed: Telegram may deliver one twice, and with replicas
    behind a load balancer another process may have taken it (claimed in the database)."""
    seen: deque[int] = context.bot_data.setdefault("seen_updates", deque(maxlen=SEEN_UPDATES))
    duplicate = update.update_id in seen
    if not duplicate:
        seen.append(update.update_id)
        database = services_of(context).database
        try:
            duplicate = not await asyncio.to_thread(claims.claim_update, database, update.update_id)
        except SQLAlchemyError as exc:  # better answered twice than not at all
            log.warning("Update %d not claimed in the database: %s", update.update_id, exc)
    metrics.update_received(duplicate)
    if duplicate:
        raise ApplicationHandlerStop


async def on_arrival(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before the handlers: read the person's chosen language; a chat that had blocked the bot
    and writes again is active again."""
    services = services_of(context)
    chat, user = update.effective_chat, update.effective_user
    if user is not None:
        with contextlib.suppress(SQLAlchemyError):  # the database down: Telegram's language
            await asyncio.to_thread(services.store.language, user.id)
    if chat is not None and services.was_blocked(chat.id):
        await asyncio.to_thread(services.chat_returned, chat.id)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, with an optional deep-link payload (t.me/<bot>?start=calls)."""
    lang = language_of(update, context)
    payload = context.args[0] if context.args else ""
    for page in services_of(context).dialogue.start(lang, payload):
        await reply(update, context, page)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: how to use the bot."""
    await reply(update, context, services_of(context).dialogue.help(language_of(update, context)))


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: what is stored, for how long, how to delete it."""
    lang = language_of(update, context)
    await reply(update, context, services_of(context).dialogue.privacy(lang))


async def alerts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/alertes: the calls this chat follows, with remove buttons."""
    chat = update.effective_chat
    if chat is None:
        return
    lang = language_of(update, context)
    page = await asyncio.to_thread(services_of(context).dialogue.alerts, chat.id, lang)
    await reply(update, context, page)


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/lang: offer the interface languages."""
    lang = language_of(update, context)
    await reply(update, context, services_of(context).dialogue.language_choice(lang))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text is a question (the funding and hand-off conversations take theirs first)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    question = _addressed_text(message, chat, context)
    if question is None:
        return
    services = services_of(context)
    lang = language_of(update, context)
    who = update.effective_user.id if update.effective_user else chat.id
    wait = services.limiter.hit(who)
    if wait:  # one "slow down" per blocked window, not one per message of a flood
        if services.limiter.first_refusal(who):
            await reply(update, context, Reply(text(lang, "rate_limited", seconds=math.ceil(wait))))
        return
    await typing(context, chat.id)
    started = time.perf_counter()
    response = await asyncio.to_thread(services.dialogue.respond, question, lang, chat.id)
    answer = response.answer
    metrics.answered(
        response.path,
        answer.mode if answer else None,
        response.path == "abstain" or bool(answer and answer.abstained),
        time.perf_counter() - started,
    )
    services.note(chat.id, services.dialogue.exchange(question, response.replies[0]))
    anchor = _thread_anchor(message, chat)
    for page in response.replies:
        await send_reply(context.bot, chat.id, page, services, reply_to=anchor)


async def added_to_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot joined a group: say hello, and how it behaves there."""
    change = update.my_chat_member
    if change is None or change.chat.type == Chat.PRIVATE:
        return
    was_out = change.old_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED)
    is_in = change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR)
    if was_out and is_in:
        bot = escape(f"@{context.bot.username}")
        greeting = text(language_of(update, context), "group_greeting", bot=bot)
        await send_reply(context.bot, change.chat.id, Reply(greeting), services_of(context))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/foo``: a short help, in private or when addressed to this bot in a group."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    _, _, addressee = message.text.split()[0].partition("@")
    to_me = addressee.lower() == (context.bot.username or "").lower()
    if not to_me and (addressee or chat.type != Chat.PRIVATE):
        return  # another bot's command, or a bare command in a group
    await reply(update, context, Reply(text(language_of(update, context), "unknown_command")))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice…: the bot reads text only."""
    await reply(update, context, Reply(text(language_of(update, context), "text_only")))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline buttons: menu entries, sources, feedback, language."""
    query = update.callback_query
    if query is None or not query.data:
        return
    services = services_of(context)
    chat, user = update.effective_chat, update.effective_user
    chat_id, user_id = (chat.id if chat else 0), (user.id if user else 0)
    lang = language_of(update, context)
    project = ""  # the alert buttons keep the project last described with the alert
    if query.data.startswith(("rm:", "nx:")):
        project = (await asyncio.to_thread(services.store.load, chat_id, user_id)).project
    outcome = await asyncio.to_thread(services.dialogue.press, query.data, lang, chat_id, project)
    await query.answer(outcome.toast or None)
    if outcome.language:
        await asyncio.to_thread(services.store.set_language, user_id, outcome.language)
    if outcome.language and outcome.reply is not None:
        await query.edit_message_text(outcome.reply.html)
    elif outcome.reply is not None:
        await reply(update, context, outcome.reply)
    for page in outcome.more:  # the next cards of a funding screen
        await reply(update, context, page)


def conflicts_of(bot_data: dict[str, Any]) -> metrics.Conflicts:
    """The record of Telegram 409 Conflicts, kept in the application's ``bot_data``."""
    record: metrics.Conflicts = bot_data.setdefault(CONFLICTS, metrics.Conflicts())
    return record


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure (never the message content) and apologise to the user."""
    count_error(context.error)
    if isinstance(context.error, Conflict):  # from polling: another process polls too
        conflicts_of(context.bot_data).note(context.error.message)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("Error while handling update %s", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        lang = language_of(update, context)
        # the database is down or frozen: say so (questions on the programme still work)
        key = "unavailable" if isinstance(context.error, SQLAlchemyError) else "error"
        try:
            await context.bot.send_message(update.effective_chat.id, text(lang, key))
        except TelegramError:
            log.warning("Could not send the apology for update %s", update_id)


def _addressed_text(message: Message, chat: Chat, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The question, or ``None`` in a group when the bot is neither mentioned nor replied to."""
    if chat.type == Chat.PRIVATE:
        return message.text
    username = f"@{context.bot.username}".lower()
    mentions = [
        e
        for e in message.entities
        if e.type == MessageEntity.MENTION and message.parse_entity(e).lower() == username
    ]
    replied = message.reply_to_message
    if mentions:
        return (
            message.text.replace(message.parse_entity(mentions[0]), " ").strip()
            if message.text
            else None
        )
    if (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.id == context.bot.id
    ):
        return message.text
    return None


def _thread_anchor(message: Message, chat: Chat) -> int | None:
    """In groups, answers reply to the question so the thread stays readable."""
    return None if chat.type == Chat.PRIVATE else message.message_id


async def typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    with contextlib.suppress(TelegramError):  # a missing "typing…" is not worth failing for
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
