"""Jobs: the hand-off outbox (every few seconds), deadline reminders, the EU portal refresh (with
news of matching calls) and the retention purge (daily)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from .. import claims
from ..alerts import Due, Opened, due_openings, due_reminders
from ..dialogue import Button, Reply
from ..errors import InspireError
from ..handoffs import Pending
from ..matching import Profile
from ..services import Services
from .handlers import services_of
from .keyboards import inline_keyboard
from .sending import count_error, send_reply

log = logging.getLogger(__name__)


async def _each(what: str, work: Awaitable[object]) -> bool:
    """One item of a job: a failure is logged and the job goes on with the next item."""
    try:
        await work
    except Exception as exc:
        count_error(exc)
        log.exception("%s failed; going on with the next one", what)
        return False
    return True


async def send_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remind followers 30, 7 and 1 days before a deadline; a blocked chat is unsubscribed."""
    services = services_of(context)
    now = services.clock()
    subscriptions = await asyncio.to_thread(services.database.subscriptions)
    for due in due_reminders(subscriptions, services.matcher.calls, now):
        await _each(f"Reminder {due.subscription.id}", _remind(context, services, due))
    await _send_openings(context, services)


async def _send_openings(context: ContextTypes.DEFAULT_TYPE, services: Services) -> None:
    """Tell followers of a programme that its next edition is open; their alert then ends."""
    subscriptions = await asyncio.to_thread(services.database.subscriptions)
    for opened in await asyncio.to_thread(due_openings, subscriptions, services.matcher):
        await _each(
            f"Opening notice {opened.subscription.id}", _announce(context, services, opened)
        )


async def _announce(context: ContextTypes.DEFAULT_TYPE, services: Services, opened: Opened) -> None:
    sub = opened.subscription
    if services.was_blocked(sub.chat_id):
        await asyncio.to_thread(services.database.unsubscribe_chat, sub.chat_id)
        return
    # the alert ends with this notice: removed first, so that another replica does not send it
    if not await asyncio.to_thread(claims.take_subscription, services.database, sub.id):
        return
    page = services.dialogue.opened(opened.suggestion, sub.language)
    try:
        delivered = await send_reply(context.bot, sub.chat_id, page, services)
    except Exception:  # not sent: the alert stays, for the next run
        await asyncio.to_thread(
            services.database.subscribe, sub.chat_id, sub.call_id, sub.description, sub.language
        )
        raise
    if not delivered:
        await asyncio.to_thread(services.database.unsubscribe_chat, sub.chat_id)


async def _remind(context: ContextTypes.DEFAULT_TYPE, services: Services, due: Due) -> None:
    chat_id = due.subscription.chat_id
    if services.was_blocked(chat_id):
        await asyncio.to_thread(services.database.unsubscribe_chat, chat_id)
        return
    # marked before it is sent, so that another replica running the same job does not send it
    database, covers = services.database, set(due.covers)
    if not await asyncio.to_thread(claims.claim_reminder, database, due.subscription, covers):
        return
    page = services.dialogue.reminder(due, due.subscription.language)
    try:
        delivered = await send_reply(context.bot, chat_id, page, services)
    except Exception:  # not sent: due again at the next run
        await asyncio.to_thread(claims.release_reminder, database, due.subscription, covers)
        raise
    if not delivered:
        await asyncio.to_thread(database.unsubscribe_chat, chat_id)


async def refresh_calls(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refresh the EU portal snapshot and the index; tell followers about new matching calls."""
    services = services_of(context)
    before = set(services.matcher.calls)
    try:
        await asyncio.to_thread(services.refresh_calls)
    except InspireError as exc:
        log.warning("Portal refresh failed: %s", exc)
        return
    await _send_openings(context, services)  # a followed programme's next edition is out
    new = set(services.matcher.calls) - before
    if not new:
        return
    latest: dict[int, tuple[str, str]] = {}  # chat -> (last description, language)
    for sub in await asyncio.to_thread(services.database.subscriptions):
        if sub.description:
            latest[sub.chat_id] = (sub.description, sub.language)
    for chat_id, (description, lang) in latest.items():
        work = _tell_new_calls(context, services, chat_id, description, lang, new)
        await _each(f"New-calls notice to a chat ({len(new)} new)", work)


async def _tell_new_calls(
    context: ContextTypes.DEFAULT_TYPE,
    services: Services,
    chat_id: int,
    description: str,
    lang: str,
    new: set[str],
) -> None:
    found = await asyncio.to_thread(
        services.matcher.suggest, Profile(description=description), 5, "hybrid", lang
    )
    fresh = [s.id for s in found if s.id in new]
    # taken before it is sent, so that another replica refreshing too does not tell it again
    database = services.database
    taken = await asyncio.to_thread(claims.claim_new_calls, database, chat_id, fresh)
    if not taken:
        return
    heading, *cards = services.dialogue.new_calls([s for s in found if s.id in taken], lang)
    unsent = list(taken)  # the calls whose card has not gone out yet
    try:
        for page in [heading, *cards]:
            if not await send_reply(context.bot, chat_id, page, services):
                await asyncio.to_thread(database.unsubscribe_chat, chat_id)
                return
            if page is not heading:
                unsent.pop(0)  # the cards come in the order of the calls taken
    except Exception:  # the calls whose card did not go out are released, for another run
        await asyncio.to_thread(claims.release_new_calls, database, chat_id, unsent)
        raise


async def process_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send what the outbox holds (dossiers, notices, relayed replies), retrying with backoff."""
    services = services_of(context)
    lock = context.bot_data.setdefault("outbox_lock", asyncio.Lock())
    async with lock:  # one sender at a time: a message is never sent twice by two runs
        for item in await asyncio.to_thread(services.handoffs.pending):
            if not await _each(f"Outbox message {item.id}", _deliver(context, services, item)):
                await _each(
                    f"Retry schedule of outbox message {item.id}",
                    asyncio.to_thread(services.handoffs.failed, item.id),
                )
    if await asyncio.to_thread(services.handoffs.pending) and context.job_queue is not None:
        context.job_queue.run_once(process_outbox, 0)  # notices created by what was just sent


async def _deliver(context: ContextTypes.DEFAULT_TYPE, services: Services, item: Pending) -> None:
    if not await asyncio.to_thread(services.handoffs.claim, item.id):
        return  # another sender has it, or it is a notice whose sender died mid-send
    page = Reply(item.html, [[Button(label, data) for label, data in row] for row in item.buttons])
    if item.edit_message_id:
        await _edit(context, item.id, item.chat_id, item.edit_message_id, page)
        return
    try:
        sent = await send_reply(context.bot, item.chat_id, page, services)
    except TelegramError as exc:
        count_error(exc)
        log.warning("Outbox message %d not sent: %s", item.id, exc)
        await asyncio.to_thread(services.handoffs.failed, item.id)
        return
    if not sent:  # the chat blocked the bot: retrying will not help
        await asyncio.to_thread(services.handoffs.failed, item.id, True)
        return
    await asyncio.to_thread(services.handoffs.sent, item.id, sent[0].message_id)


async def _edit(
    context: ContextTypes.DEFAULT_TYPE, outbox_id: int, chat_id: int, message_id: int, page: Reply
) -> None:
    """Edit a dossier message in place; one that is gone or unchanged needs nothing more."""
    handoffs = services_of(context).handoffs
    try:
        await context.bot.edit_message_text(
            page.html, chat_id, message_id, reply_markup=inline_keyboard(page.buttons)
        )
    except BadRequest as exc:  # not found, not modified, too old: nothing to retry
        count_error(exc)
        log.info("Dossier message %d not edited: %s", message_id, exc)
    except Forbidden as exc:
        count_error(exc)
        log.info("Dossier message %d not edited: the bot left that chat", message_id)
    except TelegramError as exc:
        count_error(exc)
        log.warning("Outbox edit %d failed: %s", outbox_id, exc)
        await asyncio.to_thread(handoffs.failed, outbox_id)
        return
    await asyncio.to_thread(handoffs.sent, outbox_id, message_id)


async def purge_expired(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Whatever is past its retention period goes (see :meth:`Services.purge_expired`)."""
    services = services_of(context)
    removed = await asyncio.to_thread(services.purge_expired)
    log.info("Retention: %d rows deleted or anonymised", removed)
