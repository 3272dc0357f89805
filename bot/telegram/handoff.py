"""Reaching a person: where are you → consent → name, role, authority, contact → question →
summary → dossier. Nothing personal is kept before consent; refusing leaves the bot usable.
The referent side (join, take, close, reply, list) and /forget, /stats live here too."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Chat, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, ConversationHandler

from ..catalogue import DEFAULT
from ..db import Handoff
from ..dialogue import Button, Reply
from ..dialogue.replies import escape
from ..dialogue.texts import referent_text, text
from ..handoffs import Request, state_name
from ..text import sanitize_question
from . import jobs
from .flows import end_flows, ended_flows
from .handlers import language_of, reply, services_of

WHERE, CONSENT, NAME, ROLE, AUTHORITY, CONTACT, QUESTION, CONFIRM = range(8)
HUMAN = re.compile(  # a plain request for a person, not a question that mentions one
    r"\b(parler|échanger|discuter|contacter|joindre|appeler|mis en relation)\b.{0,30}"
    r"\b(humain|personne|conseill\w*|référent|referent|quelqu'un|agent)"
    r"|\b(talk|speak|chat)\b.{0,20}\b(human|person|someone|referent|advis[eo]r)"
    r"|зв'язатися з (людиною|референтом)|porozmawiać z (człowiekiem|osobą)",
    re.IGNORECASE,
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")
PHONE = re.compile(r"^\+?[\d\s().-]{8,20}$")


def _draft(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    user_data = context.user_data if context.user_data is not None else {}
    draft: dict[str, Any] = user_data.setdefault("handoff", {})
    return draft


def _referent_language(context: ContextTypes.DEFAULT_TYPE) -> str:
    """A referent's language: the one chosen with /lang, else French (the networks' language)."""
    chosen = context.user_data.get("lang") if context.user_data is not None else None
    return str(chosen or DEFAULT)


def _referent(context: ContextTypes.DEFAULT_TYPE, key: str, **values: object) -> str:
    return referent_text(key, _referent_language(context), **values)


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/referent, a "talk to a referent" button, or "I want to talk to a person"."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    _draft(context).clear()
    lang = language_of(update, context)
    chat = update.effective_chat
    if chat is not None and chat.type != Chat.PRIVATE:  # nothing personal is asked in a group
        url = f"https://t.me/{context.bot.username}?start=referent"
        button = Button(text(lang, "button_private"), url=url)
        await reply(update, context, Reply(text(lang, "handoff_in_group"), [[button]]))
        return ConversationHandler.END
    networks = services_of(context).directory.networks
    buttons = [[Button(n.name, f"net:{n.id}")] for n in networks]
    buttons.append([Button(text(lang, "other_region"), "net:other")])
    await reply(update, context, Reply(text(lang, "handoff_where"), buttons))
    return WHERE


async def place_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A postal code, commune, département or region: route it."""
    services = services_of(context)
    lang = language_of(update, context)
    typed = update.effective_message.text if update.effective_message else ""
    route = await asyncio.to_thread(services.router.route, typed or "")  # fuzzy: off the loop
    if route is None:
        await reply(update, context, Reply(text(lang, "handoff_unknown")))
        return WHERE
    if route.ambiguous:
        names = ", ".join(f"{p.name} ({p.kind})" for p in route.candidates[:4])
        await reply(update, context, Reply(text(lang, "handoff_ambiguous", names=escape(names))))
        return WHERE
    if route.network is None:
        return await _outside(update, context, route.matched)
    return await _consent(update, context, route.network.id)


async def network_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A tap on a network, or on "another region"."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    network_id = query.data.partition(":")[2]
    if services_of(context).directory.by_id(network_id) is None:
        return await _outside(update, context, text(language_of(update, context), "other_region"))
    return await _consent(update, context, network_id)


async def _outside(update: Update, context: ContextTypes.DEFAULT_TYPE, where: str) -> int:
    lang = language_of(update, context)
    intro = text(lang, "handoff_outside", where=escape(where))
    contacts = services_of(context).dialogue.referents(lang)
    await reply(update, context, Reply(f"{intro}\n\n{contacts.html}"))
    _draft(context).clear()
    return ConversationHandler.END


async def _consent(update: Update, context: ContextTypes.DEFAULT_TYPE, network_id: str) -> int:
    services = services_of(context)
    network = services.directory.by_id(network_id)
    assert network is not None
    _draft(context)["network"] = network_id
    lang = language_of(update, context)
    months = max(1, round(services.settings.handoff_retention_days / 30.44))
    buttons = [
        [
            Button(text(lang, "consent_yes"), "consent:yes"),
            Button(text(lang, "consent_no"), "consent:no"),
        ]
    ]
    page = Reply(
        text(lang, "handoff_consent", network=escape(network.name), months=months), buttons
    )
    await reply(update, context, page)
    return CONSENT


async def consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Yes: ask for the name. No: nothing is stored, the conversation ends."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    lang = language_of(update, context)
    if query.data != "consent:yes":
        _draft(context).clear()
        await reply(update, context, Reply(text(lang, "handoff_refused")))
        return ConversationHandler.END
    await reply(update, context, Reply(text(lang, "ask_name")))
    return NAME


def _typed(update: Update, limit: int) -> str | None:
    """The message's text, cleaned; ``None`` when it is too short to be an answer."""
    raw = update.effective_message.text if update.effective_message else ""
    value, _ = sanitize_question(raw or "", limit)
    return value if len(value) >= 2 else None


Ask = Callable[[Update, ContextTypes.DEFAULT_TYPE, str], Coroutine[Any, Any, None]]


def _asker(key: str) -> Ask:
    async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
        await reply(update, context, Reply(text(lang, key)))

    return ask


def _field(
    step: str, ask_next: Ask, current: int, following: int
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, int]]:
    """A text step: keep 2–200 characters as ``step``, then ask the next question."""

    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        lang = language_of(update, context)
        value = _typed(update, 200)
        if value is None:
            await reply(update, context, Reply(text(lang, "invalid_text")))
            return current
        _draft(context)[step] = value
        await ask_next(update, context, lang)
        return following

    callback.__doc__ = f"The {step}, then the next question."
    return callback


async def _ask_contact(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
    chat = update.effective_chat
    assert chat is not None
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton(text(lang, "share_phone"), request_contact=True)]],
        one_time_keyboard=True,
        resize_keyboard=True,
    )
    await context.bot.send_message(chat.id, text(lang, "ask_contact"), reply_markup=keyboard)


named = _field("name", _asker("ask_role"), NAME, ROLE)
roled = _field("role", _asker("ask_authority"), ROLE, AUTHORITY)
authority_given = _field("authority", _ask_contact, AUTHORITY, CONTACT)


async def contact_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """An e-mail or phone number typed, or a contact shared with Telegram's button."""
    message = update.effective_message
    lang = language_of(update, context)
    draft = _draft(context)
    if message is not None and message.contact is not None:
        draft["phone"] = message.contact.phone_number
    else:
        value = (message.text or "").strip() if message else ""
        if EMAIL.match(value):
            draft["email"] = value
        elif PHONE.match(value):
            draft["phone"] = value
        else:
            await reply(update, context, Reply(text(lang, "invalid_contact")))
            return CONTACT
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(
        chat.id, text(lang, "ask_handoff_question"), reply_markup=ReplyKeyboardRemove()
    )
    return QUESTION


async def question_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The question for the referent: show the summary."""
    lang = language_of(update, context)
    question = _typed(update, 1500)
    if question is None:
        await reply(update, context, Reply(text(lang, "invalid_text")))
        return QUESTION
    draft = _draft(context)
    if "network" not in draft:  # the draft is gone (erased, or lost): start again cleanly
        await reply(update, context, Reply(text(lang, "cancelled")))
        return ConversationHandler.END
    draft["question"] = question
    network = services_of(context).directory.by_id(draft["network"])
    contact = " · ".join(x for x in (draft.get("email", ""), draft.get("phone", "")) if x)
    summary = text(
        lang,
        "handoff_summary",
        network=escape(network.name if network else ""),
        name=escape(draft.get("name", "")),
        role=escape(draft.get("role", "")),
        authority=escape(draft.get("authority", "")),
        contact=escape(contact),
        question=escape(question),
    )
    buttons = [
        [
            Button(text(lang, "confirm_yes"), "confirm:yes"),
            Button(text(lang, "confirm_no"), "confirm:no"),
        ]
    ]
    await reply(update, context, Reply(summary, buttons))
    return CONFIRM


async def confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Send: store the dossier and its outgoing message together, then send it."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and query.data is not None and chat is not None
    await query.answer()
    lang = language_of(update, context)
    draft = _draft(context)
    if query.data != "confirm:yes" or "question" not in draft or "network" not in draft:
        draft.clear()
        await reply(update, context, Reply(text(lang, "cancelled")))
        return ConversationHandler.END
    services = services_of(context)
    request = Request(
        network_id=draft["network"],
        user_chat_id=chat.id,
        language=lang,
        name=draft.get("name", ""),
        role=draft.get("role", ""),
        authority=draft.get("authority", ""),
        email=draft.get("email", ""),
        phone=draft.get("phone", ""),
        question=draft["question"],
        context=list(services.recent.get(chat.id, [])),
    )
    key = f"{chat.id}:{query.message.message_id if query.message else 0}:{query.id}"
    handoff, _ = await asyncio.to_thread(services.handoffs.create, key, request)
    network = services.directory.by_id(request.network_id)
    assert network is not None
    waiting = await asyncio.to_thread(services.handoffs.referent_chat, network.id) is None
    page = "handoff_waiting" if waiting else "handoff_created"
    await reply(
        update,
        context,
        Reply(text(lang, page, id=handoff.id, network=escape(network.name), email=network.email)),
    )
    draft.clear()
    _send_outbox_now(context)
    return ConversationHandler.END


def _send_outbox_now(context: ContextTypes.DEFAULT_TYPE) -> None:
    if context.job_queue is not None:
        context.job_queue.run_once(jobs.process_outbox, 0)


# --- referents ------------------------------------------------------------------------------------


async def join(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/referent_join CODE: this chat receives the network's dossiers."""
    chat = update.effective_chat
    if chat is None:
        return
    code = context.args[0] if context.args else ""
    handoffs = services_of(context).handoffs
    network = await asyncio.to_thread(handoffs.join, chat.id, code)
    if network is not None:
        answer = _referent(context, "join_ok", network=network.name)
    elif await asyncio.to_thread(handoffs.join_limited, chat.id):
        answer = _referent(context, "join_limited")
    else:
        answer = _referent(context, "join_bad")
    await reply(update, context, Reply(escape(answer)))
    _send_outbox_now(context)


async def act(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take / Close under a dossier: only a referent of the dossier's network may."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and query.data is not None and chat is not None
    _, action, handoff_id = query.data.split(":")
    who = query.from_user.full_name if query.from_user else ""
    ok, state = await asyncio.to_thread(
        services_of(context).handoffs.act, chat.id, int(handoff_id), action, who
    )
    if state == "unknown":
        await query.answer(_referent(context, "button_stale"))
        return
    if state == "denied":
        await query.answer(_referent(context, "denied"), show_alert=True)
        return
    key = "state_changed" if ok else "unchanged"
    state_words = state_name(state, _referent_language(context))
    await query.answer(_referent(context, key, id=handoff_id, state=state_words))
    _send_outbox_now(context)


async def relay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply to a message of a dossier's thread: a referent's goes to the user, the user's
    goes to the referent chat (until the dossier is closed)."""
    message, chat = update.effective_message, update.effective_chat
    replied = message.reply_to_message if message else None
    if message is None or chat is None or replied is None or not message.text:
        return
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    handoffs = services_of(context).handoffs
    relayed = await asyncio.to_thread(handoffs.relay, chat.id, replied.message_id, message.text)
    if relayed:
        await reply(update, context, Reply(escape(_referent(context, "relayed"))))
    else:
        thread = await asyncio.to_thread(
            handoffs.relay_from_user, chat.id, replied.message_id, message.text
        )
        if thread.outcome == "none":
            return  # a reply to an answer: a question for the assistant
        lang = language_of(update, context)
        await reply(
            update, context, Reply(text(lang, f"thread_{thread.outcome}", id=thread.handoff_id))
        )
    _send_outbox_now(context)
    raise ApplicationHandlerStop  # not a question for the assistant


async def dossiers(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dossiers: the open dossiers of this chat's network."""
    chat = update.effective_chat
    if chat is None:
        return
    services = services_of(context)
    found = await asyncio.to_thread(services.handoffs.open_dossiers, chat.id)
    user = update.effective_user
    if found is None and user is not None and user.id in services.settings.admin_ids:
        await _waiting_dossiers(update, context)
        return
    if found is None:
        await reply(update, context, Reply(escape(_referent(context, "not_referent"))))
        return
    network_id = await asyncio.to_thread(services.handoffs.network_of, chat.id) or ""
    network = services.directory.by_id(network_id)
    name = network.name if network else network_id
    if not found:
        await reply(
            update, context, Reply(escape(_referent(context, "dossiers_none", network=name)))
        )
        return
    lines = [_referent(context, "dossiers_title", network=escape(name))]
    buttons = []
    for h in found:
        lines.append(
            escape(
                _referent(
                    context,
                    "dossier_line",
                    id=h.id,
                    state=state_name(h.state, _referent_language(context)),
                    name=h.name,
                    role=h.role,
                    authority=h.authority,
                    contact=_contact(h),
                    question=h.question[:120],
                )
            )
        )
        buttons.append(
            [Button(f"✋ {h.id}", f"ho:take:{h.id}"), Button(f"✅ {h.id}", f"ho:close:{h.id}")]
        )
    await reply(update, context, Reply("\n".join(lines), buttons))


def _contact(handoff: Handoff) -> str:
    return " · ".join(x for x in (handoff.email, handoff.phone) if x) or "—"


async def _waiting_dossiers(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dossiers by an admin outside a referent chat: the dossiers no referent chat received."""
    services = services_of(context)
    chat = update.effective_chat
    found = await asyncio.to_thread(services.handoffs.waiting, chat.id if chat else 0)
    if not found:
        await reply(update, context, Reply(escape(_referent(context, "waiting_none"))))
        return
    lines = [_referent(context, "waiting_title")]
    for h in found:
        network = services.directory.by_id(h.network_id)
        line = _referent(
            context,
            "waiting_line",
            id=h.id,
            network=network.name if network else h.network_id,
            name=h.name,
            role=h.role,
            authority=h.authority,
            contact=_contact(h),
            question=h.question[:300],
        )
        lines.append(escape(line))
    await reply(update, context, Reply("\n".join(lines)))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: erase everything kept about this user."""
    chat = update.effective_chat
    if chat is None:
        return
    services = services_of(context)
    erasure = await asyncio.to_thread(services.forget, chat.id)
    user = update.effective_user
    erasure.flows = ended_flows(context) + (end_flows(context, chat.id, user.id) if user else 0)
    lang = language_of(update, context)
    if context.user_data is not None:
        context.user_data.clear()
    months = max(1, round(services.settings.feedback_retention_days / 30.44))
    page = text(lang, "forgotten", months=months, **erasure.model_dump())
    await reply(update, context, Reply(page))
    _send_outbox_now(context)  # the referent's copy becomes "[effacé]"


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats, for admins: questions, abstentions, feedback, dossiers by network and state."""
    services = services_of(context)
    user = update.effective_user
    if user is None or user.id not in services.settings.admin_ids:
        await reply(update, context, Reply(escape(_referent(context, "admin_only"))))
        return
    counters = await asyncio.to_thread(services.database.counters)
    votes = await asyncio.to_thread(services.database.feedback_counts)
    by_network = await asyncio.to_thread(services.handoffs.stats)
    lang = _referent_language(context)
    handoffs = (
        "; ".join(
            f"{network}: "
            + ", ".join(f"{state_name(state, lang)} {n}" for state, n in sorted(states.items()))
            for network, states in sorted(by_network.items())
        )
        or "0"
    )
    page = _referent(
        context,
        "stats",
        questions=counters.get("questions", 0),
        abstentions=counters.get("abstentions", 0),
        up=votes.get(1, 0),
        down=votes.get(-1, 0),
        handoffs=escape(handoffs),
    )
    generated, fallbacks = counters.get("answers_generated", 0), counters.get("answers_fallback", 0)
    if generated or fallbacks:
        page += "\n" + _referent(
            context, "stats_generation", generated=generated, fallbacks=fallbacks
        )
    await reply(update, context, Reply(page))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/cancel: leave, forgetting what was typed."""
    _draft(context).clear()
    chat = update.effective_chat
    if chat is not None:
        lang = language_of(update, context)
        await context.bot.send_message(
            chat.id, text(lang, "cancelled"), reply_markup=ReplyKeyboardRemove()
        )
    return ConversationHandler.END
