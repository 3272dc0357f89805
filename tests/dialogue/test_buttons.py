"""Buttons: a stale or unknown one says so; Sources and 👍/👎 outlive a restart."""

import pytest
from sqlalchemy import select

from bot.db import Feedback

STALE = "Cette action n'est plus disponible."


@pytest.mark.parametrize(
    "data",
    [
        "unsub:999",
        "unsub:x",
        "src:unknown",
        "fb:unknown:up",
        "rm:000000000000",
        "nx:0",
        "consent:yes",
        "confirm:yes",
        "auth:commune",
        "net:pdlci",
        "nonsense",
    ],
)
def test_an_unknown_or_stale_button_says_it_is_no_longer_available(services, data):
    outcome = services.dialogue.press(data, "fr", chat_id=5)
    assert outcome.reply is None and outcome.toast == STALE


def test_removing_an_alert_claims_success_only_when_there_was_one(services):
    services.database.subscribe(5, "test-twinning-2027", "", "fr")
    [sub] = services.database.subscriptions(5)
    assert services.dialogue.press(f"unsub:{sub.id}", "fr", chat_id=6).toast == STALE  # not theirs
    assert (
        services.dialogue.press(f"unsub:{sub.id}", "fr", chat_id=5).reply.html == "Alerte retirée."
    )
    assert services.dialogue.press(f"unsub:{sub.id}", "fr", chat_id=5).toast == STALE


def test_sources_and_votes_work_after_a_restart(services):
    reply = services.dialogue.ask("Comment adhérer au réseau Horizon ?", "fr")
    key = next(b.data[4:] for row in reply.buttons for b in row if b.data.startswith("src:"))
    before = services.dialogue.press(f"src:{key}", "fr").reply.html
    services.dialogue._answers.clear()  # what a restart loses
    after = services.dialogue.press(f"src:{key}", "fr").reply.html
    assert after == before and "Guide Horizon" in after
    assert services.dialogue.press(f"fb:{key}:up", "fr").toast == "Merci pour votre avis !"
    with services.database.session() as session:
        [vote] = session.scalars(select(Feedback).where(Feedback.answer_key == key)).all()
    assert vote.vote == 1 and vote.question == "" and vote.sources != "[]"


def test_forget_drops_what_is_kept_in_memory_for_the_chat(services):
    services.dialogue.respond("Comment adhérer au réseau Horizon ?", "fr", 77)
    services.note(77, "Q : … → R : …")
    erasure = services.forget(77)
    assert erasure.exchanges == 2
    assert 77 not in services.dialogue._recent and 77 not in services.recent
