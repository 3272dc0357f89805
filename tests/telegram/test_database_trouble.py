"""Database trouble: statistics never block or fail an answer; only what needs the database says
it is temporarily unavailable; a frozen database fails fast."""

import asyncio
import os
import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from bot.db import Database
from bot.telegram import build_application
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import running
from tests.test_storage import drop_tables

CHAT = 7007
QUESTION = "Comment adhérer au réseau Horizon ?"
POSTGRES = os.environ.get("INSPIRE_TEST_DATABASE_URL", "")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_counts_are_all_recorded(tmp_path, backend):
    url = f"sqlite:///{tmp_path / 'counts.db'}" if backend == "sqlite" else POSTGRES
    if not url:
        pytest.skip("no PostgreSQL reachable (set INSPIRE_TEST_DATABASE_URL; .ci/run does)")
    database = Database(url)
    drop_tables(database)
    database.initialize()
    threads = [threading.Thread(target=database.count, args=("questions",)) for _ in range(120)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert database.counters() == {"questions": 120}
    drop_tables(database)
    database.shutdown()


def _break(database: Database, url: str) -> None:
    database._engine.dispose()
    database._engine = create_engine(url, connect_args={"timeout": 1})
    database._sessions = sessionmaker(database._engine, expire_on_commit=False)


async def test_with_the_database_gone_questions_are_answered(bot, bot_api: FakeBotApi, services):
    _break(services.database, "sqlite:////nonexistent-folder/inspire.db")
    bot_api.push(bot_api.message(CHAT, QUESTION))
    [answer] = await bot_api.wait_for_messages(CHAT)
    assert "15 mars 2027" in answer.text
    bot_api.push(bot_api.command(CHAT, "/alertes"))  # alerts live in the database
    [_, notice] = await bot_api.wait_for_messages(CHAT, 2)
    assert "temporairement indisponible" in notice.text


async def test_a_frozen_database_does_not_hold_answers(bot_settings, services, bot_api, tmp_path):
    settings = bot_settings.model_copy(update={"database_timeout": 1.0})
    services.database = Database(settings.database, settings.database_timeout)
    application = build_application(settings, services)
    async with running(application):
        path = settings.database.removeprefix("sqlite:///")
        frozen = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        frozen.execute("BEGIN EXCLUSIVE")  # another client holds the database
        try:
            started = time.perf_counter()
            bot_api.push(bot_api.message(CHAT, QUESTION))
            [answer] = await bot_api.wait_for_messages(CHAT)
            assert "15 mars 2027" in answer.text
            bot_api.push(bot_api.command(CHAT, "/alertes"))
            [_, notice] = await bot_api.wait_for_messages(CHAT, 2)
            assert "temporairement indisponible" in notice.text
            assert time.perf_counter() - started < 8  # not 45 s
        finally:
            frozen.execute("ROLLBACK")
            frozen.close()
        await asyncio.sleep(0)
