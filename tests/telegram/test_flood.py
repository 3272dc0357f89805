"""Flood: one "slow down" per window for a flooding chat; never more calls per second than
configured, whatever the endpoint."""

import asyncio

from bot.telegram import build_application
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import running

CHAT = 8008
OUTGOING = {"sendMessage", "sendChatAction", "editMessageText", "answerCallbackQuery"}


async def test_a_flooding_user_gets_one_slow_down_notice(bot, bot_api: FakeBotApi, services):
    services.limiter.limit = 3
    for n in range(30):
        bot_api.push(bot_api.message(CHAT, f"Comment adhérer au réseau Horizon ? ({n})"))
    await bot_api.wait_for_messages(CHAT, 4, timeout=60)
    await asyncio.sleep(1.0)  # nothing more comes
    texts = [c.text for c in bot_api.sent(chat_id=CHAT)]
    notices = [t for t in texts if "Attendez" in t]
    assert len(notices) == 1
    assert len(texts) == 4  # three answers and the notice


async def test_no_second_holds_more_calls_than_configured(bot_settings, services, bot_api):
    settings = bot_settings.model_copy(update={"telegram_messages_per_second": 5.0})
    async with running(build_application(settings, services)):
        chats = range(9100, 9125)
        for chat in chats:
            bot_api.push(bot_api.command(chat, "/help"))
        for chat in chats:
            await bot_api.wait_for_messages(chat, timeout=60)
    times = sorted(c.at for c in bot_api.calls if c.method in OUTGOING)
    assert len(times) >= 25
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 5
