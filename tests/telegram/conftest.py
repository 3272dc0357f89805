"""A running bot against the fake Bot API server, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.calls import BRUSSELS
from bot.config import Settings
from bot.services import Services
from bot.telegram import build_application
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.clock import Clock

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
def bot_settings(built_corpus: Settings, bot_api: FakeBotApi, tmp_path: Path) -> Settings:
    return Settings(
        knowledge_dir=built_corpus.knowledge_dir,
        data_dir=built_corpus.data_dir,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        portal_refresh_hours=0,
        referents_file=REPO / "knowledge" / "referents.yaml",
        telegram_token=TOKEN,
        telegram_api_url=bot_api.base_url,
        rate_limit_per_minute=20,
        _env_file=None,
    )  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def running(application, polling_timeout: int = 1):  # type: ignore[no-untyped-def]
    """Start the application as run_polling() would, and stop it the same way."""
    async with application:
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=polling_timeout)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2027, 8, 1, 9, 0, tzinfo=BRUSSELS))


@pytest.fixture
async def services(bot_settings: Settings, e5, clock: Clock) -> Services:  # type: ignore[no-untyped-def]
    return Services(bot_settings, e5, clock=clock)


@pytest.fixture
async def bot(bot_settings: Settings, services: Services, bot_api: FakeBotApi):  # type: ignore[no-untyped-def]
    application = build_application(bot_settings, services)
    async with running(application) as app:
        yield app
