"""Dossier commands on Telegram (see :mod:`bot.dialogue.desk`): each callback hands the update
to the desk and shows the step."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from .flows import perform, who_of
from .handlers import services_of


async def join(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/referent_join CODE: this chat receives the network's dossiers."""
    who = who_of(update, context)
    if who is not None:
        code = context.args[0] if context.args else ""
        step = await asyncio.to_thread(services_of(context).desk.join, who, code)
        await perform(update, context, step)


async def act(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """✋ / ✅ under a dossier."""
    who, query = who_of(update, context), update.callback_query
    if who is not None and query is not None and query.data:
        step = await asyncio.to_thread(services_of(context).desk.act, who, query.data)
        await perform(update, context, step)


async def relay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply to a message of a dossier's thread is relayed, not answered as a question."""
    message, who = update.effective_message, who_of(update, context)
    replied = message.reply_to_message if message else None
    if message is None or who is None or replied is None or not message.text:
        return
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    desk = services_of(context).desk
    step = await asyncio.to_thread(desk.relay, who, replied.message_id, message.text)
    if step is not None:
        await perform(update, context, step)
        raise ApplicationHandlerStop


async def dossiers(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dossiers: the open dossiers of this chat's network."""
    who = who_of(update, context)
    if who is not None:
        await perform(
            update, context, await asyncio.to_thread(services_of(context).desk.dossiers, who)
        )


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: erase everything kept about this person."""
    who = who_of(update, context)
    if who is not None:
        await perform(
            update, context, await asyncio.to_thread(services_of(context).desk.forget, who)
        )


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats, for admins."""
    who = who_of(update, context)
    if who is not None:
        await perform(
            update, context, await asyncio.to_thread(services_of(context).desk.stats, who)
        )
