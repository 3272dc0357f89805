"""Every text about a dossier, in one place: the dossier as its referent chat sees it, its
buttons and states, the notices to the person, relayed replies and what replaces an erased
dossier. The hand-off service (:mod:`bot.handoffs`) stores these with the messages it queues."""

from __future__ import annotations

import json

from ..catalogue import DEFAULT
from ..db import Handoff
from .replies import TELEGRAM_LIMIT, escape, telegram_length
from .texts import referent_text, text

DOSSIER_LIMIT = TELEGRAM_LIMIT - 200  # room for the lines added when it is taken and closed


def contact_line(email: str, phone: str) -> str:
    """The e-mail and the phone a person gave, whichever they gave (plain text)."""
    return " · ".join(x for x in (email, phone) if x)


def dossier_html(handoff: Handoff, network_name: str, lang: str = DEFAULT) -> str:
    """The dossier as its referent chat sees it, in ``lang`` (French by default)."""
    lines = [
        referent_text("dossier_title", lang, id=handoff.id, network=escape(network_name)),
        f"<b>{escape(handoff.name)}</b>, {escape(handoff.role)} — {escape(handoff.authority)}",
        escape(contact_line(handoff.email, handoff.phone)),
        "",
        referent_text("dossier_question", lang, question=escape(handoff.question)),
    ]
    context = [f"• {escape(item)}" for item in json.loads(handoff.context or "[]")]
    history = [line for line in (handoff.history or "").split("\n") if line]
    tail = ["", referent_text("dossier_hint", lang), *([""] if history else []), *history]
    # one message, so that it can be replied to and edited: the oldest exchanges give way
    while context and telegram_length("\n".join([*lines, "", *context, *tail])) > DOSSIER_LIMIT:
        context.pop(0)
    if context:
        lines += ["", referent_text("dossier_context", lang), *context]
    return "\n".join(lines + tail)


def dossier_buttons(handoff_id: int, lang: str = DEFAULT) -> list[list[tuple[str, str]]]:
    """Take / Close under a dossier."""
    take = referent_text("button_take", lang)
    close = referent_text("button_close", lang)
    return [[(take, f"ho:take:{handoff_id}"), (close, f"ho:close:{handoff_id}")]]


def state_name(state: str, lang: str = DEFAULT) -> str:
    """A dossier state in words of ``lang`` (``taken`` → "prise en charge")."""
    return referent_text(f"state_{state}", lang)


def history_line(state: str, who: str, when: str) -> str:
    """Who took or closed a dossier, and when (a line under the dossier)."""
    return referent_text(f"history_{state}", who=escape(who or "?"), when=when)


def notice(language: str, state: str, network_name: str) -> str:
    """What the person is told when their dossier is delivered, taken or closed."""
    return text(language, f"handoff_{state}", network=escape(network_name))


def referent_reply(language: str, network_name: str, message: str) -> str:
    """A referent's reply as the person receives it, signed by the network."""
    return text(language, "handoff_reply", network=escape(network_name), message=escape(message))


def user_reply(handoff: Handoff, message: str) -> str:
    """The person's reply as the referent chat receives it, signed with the dossier number."""
    return referent_text(
        "user_reply", id=handoff.id, name=escape(handoff.name), message=escape(message)
    )


def reply_failed(handoff_id: int) -> str:
    """Told to the referent chat when their reply could not be delivered."""
    return referent_text("reply_failed", id=handoff_id)


def erased(reason: str, handoff_id: int) -> str:
    """What replaces a message about an erased dossier (``erased_forget``/``erased_retention``)."""
    return referent_text(reason, id=handoff_id)
