"""Slow work stays off the event loop: the gazetteer is built at start, place matching and
database calls run in threads, so one user's request never stalls the others."""

import asyncio
import threading
import time

from bot.referents import load_directory
from bot.routing import Router, _departements, _gazetteer
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import REPO

SLOW, OTHER = 9901, 9902


def test_the_gazetteer_is_built_when_the_router_is_created():
    _gazetteer.cache_clear()
    _departements.cache_clear()
    Router(load_directory(REPO / "knowledge" / "referents.yaml"))
    assert _gazetteer.cache_info().currsize == 1
    started = time.perf_counter()
    Router(load_directory(REPO / "knowledge" / "referents.yaml")).route("Dunkerque")
    assert time.perf_counter() - started < 1.0


async def test_a_slow_place_lookup_does_not_hold_other_chats(bot, bot_api: FakeBotApi, services):
    real_route = services.router.route
    started, finished = threading.Event(), threading.Event()

    def slow_route(text):
        started.set()
        time.sleep(1.5)  # as a fuzzy match over every French commune can be
        finished.set()
        return real_route(text)

    services.router.route = slow_route
    bot_api.push(bot_api.command(SLOW, "/referent"))
    await bot_api.wait_for_messages(SLOW)
    bot_api.push(bot_api.message(SLOW, "Dunkerque"))
    assert await asyncio.to_thread(started.wait, 30)  # the place is being looked up now…
    bot_api.push(bot_api.command(OTHER, "/help"))
    await bot_api.wait_for_messages(OTHER)
    assert not finished.is_set()  # …and the other chat was answered meanwhile
    await bot_api.wait_for_messages(SLOW, 2, timeout=30)
