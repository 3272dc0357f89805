"""Jobs: the hand-off outbox (every few seconds), deadline reminders, the EU portal refresh (with
news of matching calls) and the retention purge (daily)."""

from __future__ import annotations

import asyncio
import logging

from telegram.error import TelegramError
from telegram.ext import ContextTypes

from ..alerts import due_reminders
from ..dialogue import Button, Reply
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


async def process_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send what the outbox holds (dossiers, notices, relayed replies), retrying with backoff."""
    services = services_of(context)
    lock = context.bot_data.setdefault("outbox_lock", asyncio.Lock())
    async with lock:  # one sender at a time: a message is never sent twice by two runs
        for item in await asyncio.to_thread(services.handoffs.pending):
            page = Reply(
                item.html, [[Button(label, data) for label, data in row] for row in item.buttons]
            )
            try:
                sent = await send_reply(context.bot, item.chat_id, page, services)
            except TelegramError as exc:
                log.warning("Outbox message %d not sent: %s", item.id, exc)
                await asyncio.to_thread(services.handoffs.failed, item.id)
                continue
            if not sent:  # the chat blocked the bot: retrying will not help
                await asyncio.to_thread(services.handoffs.failed, item.id, True)
                continue
            await asyncio.to_thread(services.handoffs.sent, item.id, sent[0].message_id)
    if await asyncio.to_thread(services.handoffs.pending) and context.job_queue is not None:
        context.job_queue.run_once(process_outbox, 0)  # notices created by what was just sent


async def purge_expired(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Feedback past its retention period is deleted."""
    removed = await asyncio.to_thread(services_of(context).purge_expired)
    log.info("Retention: %d feedback rows deleted", removed)
