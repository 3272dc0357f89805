"""Two real bot processes in webhook mode (`inspire-bot run --webhook`) against one database
(PostgreSQL when INSPIRE_TEST_DATABASE_URL is set, a SQLite file otherwise), fed the same
updates: every update answered exactly once, a dossier delivered exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.db import Database, Outbox
from bot.handoffs import Handoffs, Request
from bot.referents import load_directory
from tests.databases import throwaway_postgres
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.waiting import eventually, samples

REPO = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("INSPIRE_TEST_DATABASE_URL", "")
SECRET = "replica-secret"
QUESTION = "Comment adhérer au réseau Horizon ?"
CHATS = [9101, 9102, 9103, 9104]
USER, REFERENT, NETWORK = 9200, -100777, "pdlci"
START_SECONDS = 120  # two processes loading the model on a busy machine


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own: a fresh PostgreSQL database, or a SQLite file."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'replicas.db'}"
        return
    with throwaway_postgres(POSTGRES, "inspire_replicas") as url:
        yield url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _replica(n: int, port: int, env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    own = {"INSPIRE_WEBHOOK_PORT": str(port)}
    with (folder / f"replica-{n}.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--webhook"],
            cwd=folder,  # no .env of the developer's
            env={**env, **own},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


async def _updates_seen(client: httpx.AsyncClient, bases: list[str]) -> dict[str, float]:
    """inspire_updates_total by outcome, summed over the replicas."""
    totals: dict[str, float] = {}
    for base in bases:
        page = (await client.get(f"{base}/metrics")).text
        for (name, labels), value in samples(page).items():
            if name == "inspire_updates_total":
                outcome = dict(labels)["outcome"]
                totals[outcome] = totals.get(outcome, 0) + value
    return totals


async def test_two_replicas_answer_each_update_once_and_deliver_a_dossier_once(
    built_corpus, bot_api: FakeBotApi, database_url: str, tmp_path: Path
):
    database = Database(database_url)
    database.initialize()  # the schema first: the replicas find it ready
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "INSPIRE_KNOWLEDGE_DIR": str(built_corpus.knowledge_dir),
        "INSPIRE_DATA_DIR": str(built_corpus.data_dir),  # the index, read by both
        "INSPIRE_DATABASE_URL": database_url,
        "INSPIRE_TELEGRAM_TOKEN": TOKEN,
        "INSPIRE_TELEGRAM_API_URL": bot_api.base_url,
        "INSPIRE_WEBHOOK_URL": "https://bot.example.org/",
        "INSPIRE_WEBHOOK_SECRET": SECRET,
        "INSPIRE_PORTAL_REFRESH_HOURS": "0",
        "INSPIRE_REFERENTS_FILE": str(REPO / "knowledge" / "referents.yaml"),
        "INSPIRE_REFERENT_CHATS": json.dumps({NETWORK: REFERENT}),
        "INSPIRE_OUTBOX_INTERVAL_SECONDS": "0.2",
    }
    ports = [_free_port(), _free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    replicas = [_replica(n, port, env, tmp_path) for n, port in enumerate(ports)]
    try:
        async with httpx.AsyncClient() as client:

            async def all_healthy() -> bool:
                for n, replica in enumerate(replicas):
                    log = (tmp_path / f"replica-{n}.log").read_text()
                    assert replica.poll() is None, f"replica {n} exited:\n{log}"
                try:
                    answers = [await client.get(f"{base}/healthz") for base in bases]
                except httpx.TransportError:
                    return False
                return all(a.status_code == 200 for a in answers)

            await eventually(all_healthy, "both replicas healthy", START_SECONDS)

            # a dossier confirmed through one replica's database: the outbox jobs of both see it
            handoffs = Handoffs(
                database,
                load_directory(REPO / "knowledge" / "referents.yaml"),
                {},
                {NETWORK: REFERENT},
                1,
            )
            request = Request(NETWORK, USER, "fr", "Marie Curie", "Adjointe", "Nantes", "", "", "?")
            handoffs.create("replicas-1", request)

            # every update posted to both replicas (as a retrying load balancer could)
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            updates = [bot_api.message(chat, QUESTION) for chat in CHATS]
            for update in updates:
                posts = [client.post(f"{b}/telegram", json=update, headers=headers) for b in bases]
                assert [r.status_code for r in await asyncio.gather(*posts)] == [200, 200]

            # each update decided by both: taken by one, dropped as a duplicate by the other
            async def all_decided() -> bool:
                seen = await _updates_seen(client, bases)
                return seen.get("handled", 0) + seen.get("duplicate", 0) == 2 * len(updates)

            await eventually(all_decided, "every update decided by both replicas")
            assert await _updates_seen(client, bases) == {
                "handled": len(updates),
                "duplicate": len(updates),
            }
            for chat in CHATS:
                [answer] = await bot_api.wait_for_messages(chat)
                assert "15 mars 2027" in answer.text

            # the dossier: sent (its outbox row marked), then the user told it was delivered
            def dossier_sent() -> bool:
                with database.session() as session:
                    row = session.scalar(select(Outbox).where(Outbox.purpose == "dossier"))
                    return row is not None and row.sent_at is not None

            await eventually(dossier_sent, "the dossier marked sent")
            await bot_api.wait_for_messages(USER)
    finally:
        for replica in replicas:
            replica.send_signal(signal.SIGTERM)
        codes = [replica.wait(60) for replica in replicas]
        database.shutdown()
    for chat in CHATS:
        assert len(bot_api.sent(chat_id=chat)) == 1
    [dossier] = bot_api.sent(chat_id=REFERENT)
    assert "Marie Curie" in dossier.text
    assert len(bot_api.sent(chat_id=USER)) == 1  # "delivered", once
    assert codes == [0, 0]  # SIGTERM: a clean stop
