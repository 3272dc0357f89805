"""Daily jobs: deadline reminders, the EU portal refresh (with news of matching calls), and the
retention purge."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import ContextTypes

from ..alerts import due_reminders
from ..errors import InspireError
from ..matching import Profile
from .handlers import services_of
from .sending import send_reply

log = logging.getLogger(__name__)


async def send_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remind followers 30, 7 and 1 days before a deadline; a blocked chat is unsubscribed."""
    services = services_of(context)
    now = services.clock()
    subscriptions = await asyncio.to_thread(services.database.subscriptions)
    for due in due_reminders(subscriptions, services.matcher.calls, now):
        chat_id = due.subscription.chat_id
        page = services.dialogue.reminder(due, due.subscription.language)
        if services.was_blocked(chat_id) or not await send_reply(
            context.bot, chat_id, page, services
        ):
            await asyncio.to_thread(services.database.unsubscribe_chat, chat_id)
            continue
        await asyncio.to_thread(
            services.database.mark_reminded, due.subscription.id, set(due.covers)
        )


async def refresh_calls(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refresh the EU portal snapshot and the index; tell followers about new matching calls."""
    services = services_of(context)
    before = set(services.matcher.calls)
    try:
        await asyncio.to_thread(services.refresh_calls)
    except InspireError as exc:
        log.warning("Portal refresh failed: %s", exc)
        return
    new = set(services.matcher.calls) - before
    if not new:
        return
    latest: dict[int, tuple[str, str]] = {}  # chat -> (last description, language)
    for sub in await asyncio.to_thread(services.database.subscriptions):
        if sub.description:
            latest[sub.chat_id] = (sub.description, sub.language)
    for chat_id, (description, lang) in latest.items():
        found = await asyncio.to_thread(
            services.matcher.suggest, Profile(description=description), 5, "hybrid", lang
        )
        fresh = [s for s in found if s.id in new]
        if not fresh:
            continue
        for page in services.dialogue.new_calls(fresh, lang):
            if not await send_reply(context.bot, chat_id, page, services):
                await asyncio.to_thread(services.database.unsubscribe_chat, chat_id)
                break


async def purge_expired(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Feedback past its retention period is deleted."""
    removed = await asyncio.to_thread(services_of(context).purge_expired)
    log.info("Retention: %d feedback rows deleted", removed)
