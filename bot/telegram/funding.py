"""The guided "find funding" conversation: description → type of authority → partner country →
cards. States are persisted, so a restart in the middle loses nothing; /cancel leaves."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler

from ..dialogue import Reply
from ..dialogue.replies import to_plain
from ..dialogue.texts import referent_text, text
from ..text import sanitize_question
from .handlers import language_of, reply, services_of, typing

DESCRIBE, AUTHORITY, PARTNER = range(3)
DESCRIPTION_CHARS = 1500


def _draft(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    user_data = context.user_data if context.user_data is not None else {}
    draft: dict[str, Any] = user_data.setdefault("draft", {})
    return draft


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/financements, the menu button or the ?start=calls link: ask for the project."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    _draft(context).clear()
    lang = language_of(update, context)
    await reply(update, context, services_of(context).dialogue.funding_prompt(lang))
    return DESCRIBE


async def described(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The project description: keep it, ask who carries the project."""
    message = update.effective_message
    description, _ = sanitize_question(
        message.text if message and message.text else "", DESCRIPTION_CHARS
    )
    lang = language_of(update, context)
    if not description:
        await reply(update, context, services_of(context).dialogue.funding_prompt(lang))
        return DESCRIBE
    _draft(context)["description"] = description
    await reply(update, context, services_of(context).dialogue.authority_question(lang))
    return AUTHORITY


async def authority(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A tap on a type of authority (or "skip"): ask where the partner is."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    _draft(context)["authority"] = query.data.partition(":")[2]
    lang = language_of(update, context)
    await reply(update, context, services_of(context).dialogue.partner_question(lang))
    return PARTNER


async def partner(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A tap on a partner country (or "skip"): show the cards."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    draft = _draft(context)
    services = services_of(context)
    profile = services.dialogue.profile(
        draft.get("description", ""), draft.get("authority"), query.data.partition(":")[2]
    )
    if context.user_data is not None:
        context.user_data["last_description"] = profile.description
    chat = update.effective_chat
    if chat is not None:
        await typing(context, chat.id)
    lang = language_of(update, context)
    cards = await asyncio.to_thread(services.dialogue.suggestions, profile, lang)
    for card in cards:
        await reply(update, context, card)
    if chat is not None:
        titles = [to_plain(card.html).split("\n")[0] for card in cards[1:]]
        note = referent_text(
            "context_project", description=profile.description, titles="; ".join(titles)
        )
        services.note(chat.id, note)
    draft.clear()
    return ConversationHandler.END


async def ask_again(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """Text while buttons are expected: show the question again."""
    lang = language_of(update, context)
    dialogue = services_of(context).dialogue
    state_question = (
        dialogue.partner_question(lang)
        if "authority" in _draft(context)
        else dialogue.authority_question(lang)
    )
    await reply(update, context, state_question)
    return None  # stay in the same state


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/cancel: leave the conversation."""
    _draft(context).clear()
    await reply(update, context, Reply(text(language_of(update, context), "cancelled")))
    return ConversationHandler.END
