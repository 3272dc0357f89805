"""``inspire-bot chat``: the Telegram conversation in a terminal, for demos and local tries.

Buttons are shown numbered: type the number to press one. Commands are the bot's (/start,
/help, /financements, /referent — the hand-off included —, /alertes, /lang, /privacy, /forget,
/cancel); /quit leaves.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .dialogue import Button, Reply
from .dialogue.events import Command, Event, Tap, Text, Who
from .dialogue.replies import to_plain
from .dialogue.texts import text
from .services import Services

TERMINAL = 0  # the terminal's chat and person

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


def event_of(line: str, buttons: list[Button]) -> Event:
    """A typed line: the number of a button, a command, or text."""
    if line.isdigit() and 0 < int(line) <= len(buttons) and buttons[int(line) - 1].data:
        return Tap(buttons[int(line) - 1].data)
    if line.startswith("/"):
        name, _, args = line[1:].partition(" ")
        return Command(name.lower(), args.strip())
    return Text(line)


def chat(
    services: Services, read: Callable[[str], str] = input, write: Callable[[str], None] = print
) -> None:
    """Run the conversation until /quit or end of input."""
    services.initialize(progress=True)
    lang = "fr"
    replies = services.dialogue.start(lang)
    while True:
        buttons: list[Button] = []
        for reply in replies:
            body, buttons = render(reply)
            write(body + "\n")
        try:
            line = read("> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if line in ("/quit", "/exit"):
            break
        who = Who(chat_id=TERMINAL, user_id=TERMINAL, lang=lang)
        event = event_of(line, buttons)
        step = services.flows.handle(who, event)
        if step is not None:
            replies = step.replies or ([Reply(step.toast)] if step.toast else [])
            continue
        replies, lang = _answer(services, who, event)
    services.shutdown()


def _answer(services: Services, who: Who, event: Event) -> tuple[list[Reply], str]:
    """What the flows left: a command, a button of an answer, or a question."""
    dialogue, lang = services.dialogue, who.lang
    if isinstance(event, Command):
        if event.name == "start":
            return dialogue.start(lang, event.args), lang
        if event.name == "forget":
            return services.desk.forget(who).replies, lang
        pages = {
            "help": dialogue.help,
            "privacy": dialogue.privacy,
            "lang": dialogue.language_choice,
            "alertes": lambda lang: Reply(text(lang, "terminal_alerts")),
        }
        page = pages.get(event.name)
        return [page(lang) if page else Reply(text(lang, "unknown_command"))], lang
    if isinstance(event, Tap) and event.data.startswith(("rm:", "nx:")):
        return [Reply(text(lang, "terminal_alerts"))], lang  # alerts are sent by Telegram
    if isinstance(event, Tap):  # (no alert buttons here: no project to read)
        outcome = dialogue.press(event.data, lang, who.chat_id)
        lang = outcome.language or lang
        if outcome.reply is not None:
            return [outcome.reply, *outcome.more], lang
        return ([Reply(outcome.toast)] if outcome.toast else []), lang
    if isinstance(event, Text) and event.text:
        response = dialogue.respond(event.text, lang, chat_id=who.chat_id)
        services.note(who.chat_id, dialogue.exchange(event.text, response.replies[0]))
        return response.replies, lang
    return [], lang
