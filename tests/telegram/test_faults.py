"""What Telegram really does: flood control, blocked users, refused HTML, flaky polling…"""

import asyncio
import datetime as dt
import socket

import httpx
import pytest

from bot import metrics
from bot.telegram import build_application
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import running
from tests.waiting import samples

CHAT = 2002
QUESTION = "Comment adhérer au réseau Horizon ?"
RETRY_AFTER = ("inspire_telegram_errors_total", (("kind", "retry_after"),))


def _retry_afters() -> float:
    """The 429s counted so far (the counters are process-wide: tests read a difference)."""
    return samples(metrics.exposition().decode()).get(RETRY_AFTER, 0.0)


async def test_429_is_waited_out_and_the_message_delivered_once(bot, bot_api: FakeBotApi):
    counted = _retry_afters()
    bot_api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    bot_api.push(bot_api.message(CHAT, QUESTION))
    await bot_api.wait_for_messages(CHAT)
    await asyncio.sleep(0.3)
    attempts = [c for c in bot_api.calls if c.method == "sendMessage" and c.chat_id == CHAT]
    assert [c.failed for c in attempts] == [True, False]
    assert attempts[1].at - attempts[0].at >= 1.0
    assert len(bot_api.sent(chat_id=CHAT)) == 1
    assert _retry_afters() - counted == 1  # retried inside PTB's limiter, and still counted


async def test_a_burst_of_429_as_long_as_the_retries_is_waited_out(bot, bot_api: FakeBotApi):
    counted = _retry_afters()
    burst = {"retry_after": 1, "times": 3}  # as many as the limiter's retries
    bot_api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", **burst)
    bot_api.push(bot_api.message(CHAT, QUESTION))
    await bot_api.wait_for_messages(CHAT, timeout=30)
    await asyncio.sleep(0.3)
    attempts = [c for c in bot_api.calls if c.method == "sendMessage" and c.chat_id == CHAT]
    assert [c.failed for c in attempts] == [True, True, True, False]
    assert len(bot_api.sent(chat_id=CHAT)) == 1
    assert _retry_afters() - counted == 3


async def test_429s_past_the_retries_are_counted_once_each():
    """The limiter alone, on a fake call that Telegram floods (a short wait: no server)."""
    from telegram.error import RetryAfter

    from bot.telegram.app import FloodControl

    def flooded(times: int):  # type: ignore[no-untyped-def]
        async def call() -> bool:
            nonlocal times
            if times:
                times -= 1
                raise RetryAfter(dt.timedelta(milliseconds=1))
            return True

        return call

    limiter = FloodControl(100)
    await limiter.initialize()
    counted = _retry_afters()
    assert await limiter.process_request(flooded(2), (), {}, "sendMessage", {}, None)
    assert _retry_afters() - counted == 2  # both waited out and retried
    with pytest.raises(RetryAfter):  # one more than the retries: the caller gets it
        await limiter.process_request(flooded(4), (), {}, "sendMessage", {}, None)
    assert _retry_afters() - counted == 2 + 3  # the last one is the caller's to count
    with pytest.raises(RetryAfter):  # a call with its own limit of retries
        await limiter.process_request(flooded(2), (), {}, "sendMessage", {}, 1)
    assert _retry_afters() - counted == 2 + 3 + 1
    await limiter.shutdown()


async def test_polling_survives_server_errors(bot, bot_api: FakeBotApi):
    bot_api.fail_next("getUpdates", 502, "Bad Gateway")
    bot_api.fail_next("getUpdates", 500, "Internal Server Error")
    bot_api.fail_next("getUpdates", 409, "Conflict: terminated by other getUpdates request")
    await bot_api.wait_for(
        lambda: sum(c.failed for c in bot_api.calls if c.method == "getUpdates") == 3, timeout=30
    )
    bot_api.push(bot_api.message(CHAT, QUESTION))
    [answer] = await bot_api.wait_for_messages(CHAT, timeout=30)
    assert "15 mars 2027" in answer.text


async def test_polling_survives_a_request_that_times_out(bot, bot_api: FakeBotApi):
    bot_api.fail_next("getUpdates", 500, "late", hang=7.0)  # longer than the client's read timeout
    bot_api.push(bot_api.message(CHAT, QUESTION))
    [answer] = await bot_api.wait_for_messages(CHAT, timeout=40)
    assert "15 mars 2027" in answer.text


async def test_a_blocked_bot_marks_the_chat_inactive_without_retrying(
    bot, bot_api: FakeBotApi, services
):
    bot_api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    bot_api.push(bot_api.message(CHAT, QUESTION))
    await bot_api.wait_for(
        lambda: any(c.failed for c in bot_api.calls if c.method == "sendMessage")
    )
    await bot_api.wait_for(lambda: services.was_blocked(CHAT))  # recorded after the failure
    await asyncio.sleep(0.5)  # and nothing more is tried
    attempts = [c for c in bot_api.calls if c.method == "sendMessage"]
    assert len(attempts) == 1
    assert not services.database.is_chat_active(CHAT)
    # the bot is still serving others
    bot_api.push(bot_api.message(CHAT + 1, QUESTION))
    await bot_api.wait_for_messages(CHAT + 1)


async def test_refused_html_is_resent_as_plain_text(bot, bot_api: FakeBotApi):
    bot_api.fail_next(
        "sendMessage", 400, "Bad Request: can't parse entities: Unsupported start tag"
    )
    bot_api.push(bot_api.message(CHAT, QUESTION))
    [answer] = await bot_api.wait_for_messages(CHAT)
    assert answer.params.get("parse_mode") is None
    assert "15 mars 2027" in answer.text and "<" not in answer.text


async def test_the_same_update_twice_is_answered_once(bot, bot_api: FakeBotApi):
    update = bot_api.message(CHAT, QUESTION)
    bot_api.push(update)
    bot_api.push(update)  # delivered twice, as after a crash before the offset was confirmed
    bot_api.push(bot_api.command(CHAT, "/privacy"))
    messages = await bot_api.wait_for_messages(CHAT, 2)
    await asyncio.sleep(0.5)
    assert len(bot_api.sent(chat_id=CHAT)) == 2
    assert "15 mars 2027" in messages[0].text and "Vos données" in messages[1].text


async def test_a_crash_in_a_handler_gets_an_apology_not_a_traceback(
    bot, bot_api: FakeBotApi, services, monkeypatch
):
    def broken(question, lang, chat_id=None):
        raise RuntimeError("index on fire")

    monkeypatch.setattr(services.dialogue, "respond", broken)
    bot_api.push(bot_api.message(CHAT, QUESTION))
    [apology] = await bot_api.wait_for_messages(CHAT)
    assert apology.text.startswith("Désolé, un problème technique")
    assert "Traceback" not in apology.text and "fire" not in apology.text


async def test_chats_are_served_concurrently_and_each_in_order(
    bot, bot_api: FakeBotApi, services, monkeypatch
):
    real_respond = services.dialogue.respond
    slow_chat = 3003

    def respond(question, lang, chat_id=None):
        if question.startswith("lent"):
            import time

            time.sleep(1.5)
        return real_respond(question, lang, chat_id)

    monkeypatch.setattr(services.dialogue, "respond", respond)
    bot_api.push(bot_api.message(slow_chat, "lent : " + QUESTION))
    bot_api.push(bot_api.message(slow_chat, "/privacy"))
    bot_api.push(bot_api.message(CHAT, QUESTION))
    await bot_api.wait_for_messages(CHAT)
    assert bot_api.sent(chat_id=slow_chat) == []  # the slow answer did not block the other chat
    first, second = await bot_api.wait_for_messages(slow_chat, 2)
    assert "15 mars 2027" in first.text and "Vos données" in second.text  # order kept


async def test_long_answers_are_split_under_the_limit(
    bot, bot_api: FakeBotApi, services, monkeypatch
):
    from bot.dialogue import Reply

    paragraph = "Une phrase d'explication assez longue pour remplir la page. " * 20
    monkeypatch.setattr(
        services.dialogue, "privacy", lambda lang: Reply("\n\n".join([paragraph] * 8))
    )
    bot_api.push(bot_api.command(CHAT, "/privacy"))
    await bot_api.wait_for(lambda: len(bot_api.sent(chat_id=CHAT)) >= 3)
    parts = bot_api.sent(chat_id=CHAT)
    assert all(len(p.text) <= 4096 for p in parts)
    assert "".join(p.text for p in parts).count("Une phrase") == 160


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_rejects_requests_without_the_secret(
    bot_settings, services, bot_api: FakeBotApi
):
    port = _free_port()
    application = build_application(bot_settings, services)
    async with application:
        await application.post_init(application)
        await application.start()
        await application.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="telegram",
            secret_token="s3cret-token",
            webhook_url=f"http://127.0.0.1:{port}/telegram",
        )
        try:
            assert bot_api.webhook["secret_token"] == "s3cret-token"
            url = f"http://127.0.0.1:{port}/telegram"
            async with httpx.AsyncClient() as client:
                missing = await client.post(url, json=bot_api.message(CHAT, QUESTION))
                wrong = await client.post(
                    url,
                    json=bot_api.message(CHAT, QUESTION),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "nope"},
                )
                good = await client.post(
                    url,
                    json=bot_api.message(CHAT, QUESTION),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
                )
            assert (missing.status_code, wrong.status_code, good.status_code) == (403, 403, 200)
            [answer] = await bot_api.wait_for_messages(CHAT)
            await asyncio.sleep(0.3)
            assert len(bot_api.sent(chat_id=CHAT)) == 1
            assert "15 mars 2027" in answer.text
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)


def test_no_token_says_how_to_get_one(bot_settings, services):
    from bot.errors import ConfigError

    settings = bot_settings.model_copy(
        update={"telegram_token": bot_settings.telegram_token.__class__("")}
    )
    with pytest.raises(ConfigError, match="@BotFather"):
        build_application(settings, services)


async def test_running_helper_is_reusable(bot_settings, services, bot_api):
    async with running(build_application(bot_settings, services)):
        bot_api.push(bot_api.command(CHAT, "/help"))
        await bot_api.wait_for_messages(CHAT)


async def test_a_network_error_on_send_is_retried(bot, bot_api: FakeBotApi):
    bot_api.fail_next("sendMessage", 502, "Bad Gateway")
    bot_api.push(bot_api.message(CHAT, QUESTION))
    [answer] = await bot_api.wait_for_messages(CHAT)
    attempts = [c for c in bot_api.calls if c.method == "sendMessage" and c.chat_id == CHAT]
    assert [c.failed for c in attempts] == [True, False]
    assert "15 mars 2027" in answer.text


async def test_a_chat_that_comes_back_is_active_again(bot, bot_api: FakeBotApi, services):
    bot_api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    bot_api.push(bot_api.message(CHAT, QUESTION))
    await bot_api.wait_for(
        lambda: any(c.failed for c in bot_api.calls if c.method == "sendMessage")
    )
    await bot_api.wait_for(lambda: not services.database.is_chat_active(CHAT))
    bot_api.push(bot_api.command(CHAT, "/start"))
    await bot_api.wait_for_messages(CHAT)
    assert services.database.is_chat_active(CHAT)
    assert not services.was_blocked(CHAT)


async def test_the_retention_job_is_scheduled(bot):
    [job] = bot.job_queue.get_jobs_by_name("retention")
    assert job.next_t is not None
