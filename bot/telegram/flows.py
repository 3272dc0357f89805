"""Flows and dossier commands on Telegram: an update becomes a :mod:`bot.dialogue` event, and
the step the dialogue gives back becomes messages, a pop-up and a wake-up of the outbox."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, MessageEntity, Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from ..dialogue.events import Command, Contact, Event, Tap, Text, Who
from ..dialogue.replies import Step
from . import jobs
from .handlers import language_of, reply, services_of


def command_of(message: Message | None) -> Command | None:
    """``/Cmd@bot args`` → ``Command("cmd", "args")``; ``None`` when it is no command."""
    if message is None or not message.text or not message.entities:
        return None
    first = message.entities[0]
    if first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
        return None
    name = message.text[1 : first.length].split("@")[0].lower()
    return Command(name, message.text[first.length :].strip())


def event_of(update: Update) -> Event | None:
    """The event an update carries, if any."""
    if update.callback_query is not None:
        return Tap(update.callback_query.data or "")
    message = update.message
    if message is None:
        return None
    if message.contact is not None:
        return Contact(message.contact.phone_number)
    return command_of(message) or (Text(message.text) if message.text else None)


def who_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Who | None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return Who(
        chat_id=chat.id,
        user_id=user.id,
        lang=language_of(update, context),
        private=chat.type == Chat.PRIVATE,
        bot_username=context.bot.username or "",
        name=user.full_name,
    )


async def perform(update: Update, context: ContextTypes.DEFAULT_TYPE, step: Step) -> None:
    """Show a step: the pop-up of a tap, the messages, then send what waits for other chats."""
    if update.callback_query is not None:
        await update.callback_query.answer(step.toast, show_alert=step.alert or None)
    for page in step.replies:
        await reply(update, context, page)
    if step.outbox and context.job_queue is not None:
        context.job_queue.run_once(jobs.process_outbox, 0)


async def route(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before the other handlers: the flows take what is theirs (and stop it there)."""
    event, who = event_of(update), who_of(update, context)
    if event is None or who is None:
        return
    step = await asyncio.to_thread(services_of(context).flows.handle, who, event)
    if step is None:
        return
    await perform(update, context, step)
    raise ApplicationHandlerStop
