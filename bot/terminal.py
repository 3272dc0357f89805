"""``inspire-bot chat``: the Telegram conversation in a terminal, for demos and local tries.

Buttons are shown numbered: type the number to press one. Commands are the bot's (/start,
/help, /financements, /referent, /lang, /privacy); /quit leaves.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .dialogue import FUNDING, Button, Reply
from .dialogue.replies import to_plain
from .dialogue.texts import text
from .services import Services

_LINK = re.compile(r'<a href="([^"]+)">([^<]*)</a>')


def render(reply: Reply) -> tuple[str, list[Button]]:
    """Plain text for a terminal (links spelled out) and the buttons, numbered from 1."""

    def spell(match: re.Match[str]) -> str:
        url, label = match.group(1).replace("&amp;", "&"), match.group(2)
        url = url.removeprefix("mailto:")
        return label if to_plain(label) == url else f"{label} ({url})"

    body = to_plain(_LINK.sub(spell, reply.html))
    for document in reply.documents:  # a terminal shows where the file is
        body += f"\n📄 {document.caption}: {document.path}"
    buttons = [b for row in reply.buttons for b in row]
    if buttons:
        body += "\n" + "  ".join(f"[{i}] {b.label}" for i, b in enumerate(buttons, 1))
    return body, buttons


def chat(
    services: Services, read: Callable[[str], str] = input, write: Callable[[str], None] = print
) -> None:
    """Run the conversation until /quit or end of input."""
    services.initialize(progress=True)
    dialogue = services.dialogue
    lang = "fr"
    draft: dict[str, str] | None = None  # the funding conversation, while it runs
    commands: dict[str, Callable[[str], Reply]] = {
        "/help": dialogue.help,
        "/privacy": dialogue.privacy,
        "/referent": dialogue.referents,
        "/lang": dialogue.language_choice,
    }
    replies = dialogue.start(lang)
    while True:
        buttons: list[Button] = []
        for reply in replies:
            body, buttons = render(reply)
            write(body + "\n")
        try:
            line = read("> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        pressed = (
            buttons[int(line) - 1].data if line.isdigit() and 0 < int(line) <= len(buttons) else ""
        )
        if line in ("/quit", "/exit"):
            break
        if line == "/cancel":
            draft, replies = None, [Reply(text(lang, "cancelled"))]
        elif line in ("/financements", "/start calls") or pressed == FUNDING:
            draft, replies = {}, [dialogue.funding_prompt(lang)]
        elif draft is not None and "description" not in draft and line and not pressed:
            draft["description"] = line
            replies = [dialogue.authority_question(lang)]
        elif draft is not None and pressed.startswith("auth:"):
            draft["authority"] = pressed.partition(":")[2]
            replies = [dialogue.partner_question(lang)]
        elif draft is not None and pressed.startswith("partner:"):
            profile = dialogue.profile(
                draft["description"], draft.get("authority"), pressed.partition(":")[2]
            )
            draft, replies = None, dialogue.suggestions(profile, lang)
        elif pressed.startswith(("rm:", "nx:")):
            replies = [Reply(text(lang, "terminal_alerts"))]
        elif pressed:
            outcome = dialogue.press(pressed, lang)
            lang = outcome.language or lang
            replies = (
                [outcome.reply, *outcome.more]
                if outcome.reply
                else [Reply(outcome.toast)]
                if outcome.toast
                else []
            )
        elif line.split(" ")[0] in commands:
            replies = [commands[line.split(" ")[0]](lang)]
        elif line.startswith("/start"):
            replies = dialogue.start(lang, line.removeprefix("/start").strip())
        else:
            replies = dialogue.respond(line, lang, chat_id=0).replies
    services.shutdown()
