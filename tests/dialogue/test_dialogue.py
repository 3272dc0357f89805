"""The conversation layer on the real test index, with hypothesis-generated input."""

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialogue.replies import TELEGRAM_LIMIT, split_message
from bot.services import Services


class _Balanced(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        assert tag in {"b", "i", "a"}, tag
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack.pop() == tag


def _valid(markup: str) -> None:
    parser = _Balanced()
    parser.feed(markup)
    parser.close()
    assert parser.stack == []


NASTY = [
    "",
    "   ",
    "x" * 10_000,
    "🙂" * 50,
    "مرحبا كيف يمكن لبلديتي الانضمام؟",
    "\u200b\u200b\u200b",
    "<b>gras</b> & <script>alert(1)</script> *md* _it_ `code`",
    "Comment adhérer au réseau Horizon ?\x00\x1b[31m",
]


@pytest.mark.parametrize("question", NASTY)
def test_nasty_input_gives_a_valid_short_reply(services, question):
    reply = services.dialogue.ask(question, "fr")
    assert reply.html.strip()
    _valid(reply.html)
    assert all(len(part) <= TELEGRAM_LIMIT for part in split_message(reply.html))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=3000))
def test_any_question_gets_valid_html(services, question):
    reply = services.dialogue.ask(question, "fr")
    assert reply.html.strip()
    _valid(reply.html)
    assert all(len(part) <= TELEGRAM_LIMIT for part in split_message(reply.html))


def test_buttons_fit_telegram_callback_data(services):
    reply = services.dialogue.ask("Comment adhérer au réseau Horizon ?", "fr")
    data = [b.data for row in reply.buttons for b in row]
    assert data and all(0 < len(d.encode()) <= 64 for d in data)


def test_press_covers_every_menu_entry(services):
    dialogue = services.dialogue
    for row in dialogue.menu_buttons("en"):
        outcome = dialogue.press(row[0].data, "en")
        assert outcome.reply is not None and outcome.reply.html
    assert "Décrivez votre projet" in dialogue.press("menu:funding", "fr").reply.html
    assert dialogue.press("lang:uk", "fr").language == "uk"
    assert dialogue.press("nonsense", "fr").reply is None
    assert "plus disponibles" in dialogue.sources("unknown-key", "fr").html


def test_terminal_chat_runs_the_same_conversation(services, e5):
    from bot.terminal import chat

    inputs = iter(["/help", "Comment adhérer au réseau Horizon ?", "1", "/quit"])
    out: list[str] = []
    fresh = Services(services.settings, e5)
    chat(fresh, read=lambda prompt: next(inputs), write=out.append)
    transcript = "\n".join(out)
    assert "Comment m'utiliser" in transcript
    assert "15 mars 2027. [1]" in transcript
    assert "[1] Guide Horizon — p. 1" in transcript
    assert "📄 Guide Horizon — p. 1: " in transcript and "programme/guide.pdf" in transcript


def test_terminal_chat_runs_the_funding_conversation(services, e5):
    from bot.terminal import chat

    inputs = iter(
        [
            "/financements",
            "Organiser un jumelage de villes avec une commune partenaire",
            "1",
            "6",
            "/quit",
        ]
    )
    out: list[str] = []
    chat(Services(services.settings, e5), read=lambda prompt: next(inputs), write=out.append)
    transcript = "\n".join(out)
    assert "Quel type de structure porte le projet ?" in transcript
    assert "Dans quel pays est votre partenaire ?" in transcript
    assert "Jumelage de villes test 2027" in transcript
