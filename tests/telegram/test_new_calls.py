"""News of new calls after a portal refresh: each chat is told of a call once, even when two
replicas find it new; a notice that could not be sent is released for another run."""

import pytest
from telegram.error import BadRequest
from telegram.ext import CallbackContext

from bot.telegram import build_application, jobs
from tests.fakes.bot_api import FakeBotApi

CHAT = 4104
PROJECT = "Nous voulons organiser un jumelage de villes avec une commune partenaire en Pologne"
NEW = {"test-twinning-2027"}  # as if the last refresh had brought it
HEADING = "🆕 De nouveaux appels"


@pytest.fixture
async def bot(bot_settings, services):  # type: ignore[no-untyped-def]
    """The bot started but not polling (no updates here: the job is run by hand)."""
    application = build_application(bot_settings, services)
    async with application:
        await application.post_init(application)
        yield application
        await application.post_shutdown(application)


async def _replica_run(application, services) -> None:  # type: ignore[no-untyped-def]
    """The part of the refresh job that tells one chat (replicas share only the database)."""
    context = CallbackContext(application)
    await jobs._tell_new_calls(context, services, CHAT, PROJECT, "fr", NEW)


def _delivered(bot_api: FakeBotApi) -> list[str]:
    return [m.text for m in bot_api.sent(chat_id=CHAT) if not m.failed]


async def test_two_replicas_finding_the_same_new_call_tell_the_chat_once(bot, bot_api, services):
    await _replica_run(bot, services)
    await _replica_run(bot, services)  # the other replica, after its own refresh
    heading, card = _delivered(bot_api)
    assert heading.startswith(HEADING)
    assert "Jumelage de villes test 2027" in card


async def test_a_notice_that_failed_is_released_for_another_run(bot, bot_api, services):
    bot_api.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=CHAT)
    with pytest.raises(BadRequest):  # the job logs it and goes on with the next chat
        await _replica_run(bot, services)
    assert _delivered(bot_api) == []
    await _replica_run(bot, services)  # another replica: the news was released, it tells it
    heading, card = _delivered(bot_api)
    assert heading.startswith(HEADING) and "Jumelage de villes test 2027" in card


async def test_a_card_that_failed_after_its_heading_is_released_alone(bot, bot_api, services):
    bot_api.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=CHAT, skip=1)
    with pytest.raises(BadRequest):
        await _replica_run(bot, services)  # the heading went out, the card did not
    await _replica_run(bot, services)
    await _replica_run(bot, services)  # told by now: nothing more
    messages = _delivered(bot_api)
    assert [m.startswith(HEADING) for m in messages] == [True, True, False]
    assert "Jumelage de villes test 2027" in messages[2]
