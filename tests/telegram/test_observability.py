"""/healthz and /metrics over real HTTP, the webhook endpoint, update dedupe in the database, and
Telegram's 409 Conflict shown by /healthz."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from telegram.ext import Application

from bot import claims
from bot.handoffs import Request
from bot.telegram import build_application
from bot.telegram.webhook import SECRET_HEADER, start_server, web_app
from tests.fakes.bot_api import FakeBotApi
from tests.waiting import samples

CHAT = 8008
QUESTION = "Comment adhérer au réseau Horizon ?"
SECRET = "webhook-secret_123"


@contextlib.asynccontextmanager
async def serving(application: Application, services, secret: str = "") -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    runner, port = await start_server(
        web_app(application, services, secret, "telegram"), "127.0.0.1", 0
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def _metrics(client: httpx.AsyncClient, base: str) -> dict:  # type: ignore[type-arg]
    response = await client.get(f"{base}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def test_healthz_and_metrics_while_answering(bot, bot_api: FakeBotApi, services):
    request = Request("pdlci", CHAT, "fr", "Marie Curie", "Adjointe", "Nantes", "m@e.org", "", "?")
    services.handoffs.create("observability-1", request)
    async with serving(bot, services) as base, httpx.AsyncClient() as client:
        health = await client.get(f"{base}/healthz")
        assert health.status_code == 200
        assert health.json() == {
            "status": "ok",
            "index_loaded": True,
            "database_reachable": True,
            "telegram_conflict": {"count": 0, "seconds_ago": None, "recent": False},
        }
        before = await _metrics(client, base)
        bot_api.push(bot_api.message(CHAT, QUESTION))
        [answer] = await bot_api.wait_for_messages(CHAT)
        assert "15 mars 2027" in answer.text
        after = await _metrics(client, base)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("inspire_updates_total", outcome="handled") == 1
    answers = [dict(labels) for name, labels in after if name == "inspire_answers_total"]
    assert sum(delta("inspire_answers_total", **labels) for labels in answers) == 1
    assert delta("inspire_answer_seconds_count") == 1
    assert after[("inspire_handoffs", (("state", "new"),))] == 1


async def test_a_webhook_update_posted_twice_is_answered_once(bot, bot_api: FakeBotApi, services):
    update = bot_api.message(CHAT, QUESTION)
    async with serving(bot, services, SECRET) as base, httpx.AsyncClient() as client:
        refused = await client.post(f"{base}/telegram", json=update)
        assert refused.status_code == 403
        wrong = await client.post(f"{base}/telegram", json=update, headers={SECRET_HEADER: "no"})
        assert wrong.status_code == 403
        for _ in range(2):
            posted = await client.post(
                f"{base}/telegram", json=update, headers={SECRET_HEADER: SECRET}
            )
            assert posted.status_code == 200
        [answer] = await bot_api.wait_for_messages(CHAT)
        assert "15 mars 2027" in answer.text
        # a later update of the same chat is answered: the duplicate was dropped before it
        later = bot_api.message(CHAT, "/help")
        await client.post(f"{base}/telegram", json=later, headers={SECRET_HEADER: SECRET})
        await bot_api.wait_for_messages(CHAT, 2)
    assert len(bot_api.sent(chat_id=CHAT)) == 2
    # another replica holding the same database would not take it either
    assert not claims.claim_update(services.database, update["update_id"])


async def test_a_409_conflict_is_shown_by_healthz(bot_settings, services, bot_api: FakeBotApi):
    application = build_application(bot_settings, services)

    def error_callback(exc: Exception) -> None:  # what Application.run_polling passes
        application.create_task(application.process_error(error=exc, update=None))

    async with application:
        await application.post_init(application)  # type: ignore[misc]
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0, timeout=1, error_callback=error_callback
        )
        try:
            async with serving(application, services) as base, httpx.AsyncClient() as client:
                assert (await client.get(f"{base}/healthz")).status_code == 200
                bot_api.fail_next("getUpdates", 409, "Conflict: terminated by other getUpdates")
                await bot_api.wait_for(
                    lambda: any(c.failed for c in bot_api.calls if c.method == "getUpdates")
                )
                for _ in range(100):  # the error handler runs as a task of its own
                    health = await client.get(f"{base}/healthz")
                    if health.json()["telegram_conflict"]["count"]:
                        break
                    await asyncio.sleep(0.05)
                assert health.status_code == 503
                report = health.json()
                assert report["status"] == "unhealthy"
                assert report["telegram_conflict"]["recent"] is True
                assert report["index_loaded"] and report["database_reachable"]
                metrics = await _metrics(client, base)
                assert metrics[("inspire_telegram_errors_total", (("kind", "conflict"),))] >= 1
                # the bot still answers meanwhile
                bot_api.push(bot_api.message(CHAT, QUESTION))
                await bot_api.wait_for_messages(CHAT)
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)  # type: ignore[misc]
