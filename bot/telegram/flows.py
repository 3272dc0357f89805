"""Conversations in progress (funding, hand-off) end on any command, on /forget, and after
``INSPIRE_FLOW_TIMEOUT_MINUTES`` of silence: an abandoned flow never swallows a later message."""

from __future__ import annotations

import datetime as dt

from telegram import Message, MessageEntity, Update
from telegram.ext import ContextTypes, ConversationHandler

from ..dialogue import FUNDING
from .handlers import services_of

LAST_SEEN = "last_update_at"  # in user_data (persisted): when this user last wrote or tapped
ENDED = "_ended_flows"  # on the update's context: how many flows the update ended
FLOW_BUTTONS = (FUNDING, "menu:referent")  # buttons that start a flow: they leave the others


def end_flows(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> int:
    """End every conversation this user has in this chat; returns how many there were."""
    ended = 0
    for group in context.application.handlers.values():
        for handler in group:
            if not isinstance(handler, ConversationHandler):
                continue
            key = (chat_id, user_id)
            # PTB has no public way to end a conversation from outside its own callbacks;
            # _update_state(END) is what its callbacks' END does (and persistence follows).
            if key in handler._conversations:
                handler._update_state(ConversationHandler.END, key)
                ended += 1
    return ended


def ended_flows(context: ContextTypes.DEFAULT_TYPE) -> int:
    """How many flows the current update ended before reaching its handler."""
    return int(getattr(context, ENDED, 0))


def command_of(message: Message | None) -> str | None:
    """``/Cmd@bot args`` → ``cmd``; ``None`` when the message is no command."""
    if message is None or not message.text or not message.entities:
        return None
    first = message.entities[0]
    if first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
        return None
    return message.text[1 : first.length].split("@")[0].lower()


async def watch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before any handler: end the flows that timed out, or that a command or menu leaves."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or context.user_data is None:
        return
    services = services_of(context)
    now = services.clock()
    timeout = dt.timedelta(minutes=services.settings.flow_timeout_minutes)
    last = context.user_data.get(LAST_SEEN)
    ended = 0
    if isinstance(last, dt.datetime) and now - last > timeout:
        ended += end_flows(context, chat.id, user.id)
    context.user_data[LAST_SEEN] = now
    command = command_of(update.message)
    query = update.callback_query
    leaves = (command is not None and command != "cancel") or (
        query is not None and query.data in FLOW_BUTTONS
    )
    if leaves:
        ended += end_flows(context, chat.id, user.id)
    setattr(context, ENDED, ended)
