"""Claims in the database: two processes reading the same rows, one of them acts."""

import contextlib
import datetime as dt
import os

import pytest

from bot import claims
from bot.db import Database
from tests.databases import throwaway_postgres

POSTGRES = os.environ.get("INSPIRE_TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """An empty database: a SQLite file, or a PostgreSQL database of its own."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'claims.db'}"
        elif not POSTGRES:
            pytest.skip("no PostgreSQL reachable (set INSPIRE_TEST_DATABASE_URL; .ci/run does)")
        else:
            url = stack.enter_context(throwaway_postgres(POSTGRES, "inspire_claims"))
        db = Database(url)
        db.initialize()
        yield db
        db.shutdown()


def test_an_update_is_taken_once_and_forgotten_after_a_day(database):
    assert claims.claim_update(database, 501)
    assert not claims.claim_update(database, 501)  # Telegram again, or another replica
    assert claims.claim_update(database, 502)
    assert claims.purge_updates(database) == 0
    assert claims.purge_updates(database, dt.datetime.now() + dt.timedelta(days=2)) == 2


def test_a_reminder_read_by_two_replicas_is_sent_by_one(database):
    database.subscribe(7, "call-1", "", "fr")
    [first] = database.subscriptions()
    [second] = database.subscriptions()  # the other replica's read, before either sends
    assert claims.claim_reminder(database, first, {30})
    assert not claims.claim_reminder(database, second, {30})
    assert [s.sent() for s in database.subscriptions()] == [{30}]


def test_a_reminder_that_failed_is_due_again(database):
    database.subscribe(7, "call-1", "", "fr")
    database.mark_reminded(database.subscriptions()[0].id, {30})
    [subscription] = database.subscriptions()
    assert claims.claim_reminder(database, subscription, {7})
    claims.release_reminder(database, subscription, {7})
    assert [s.sent() for s in database.subscriptions()] == [{30}]


def test_an_opening_notice_is_taken_once(database):
    database.subscribe(7, "next:erasmus", "", "fr")
    [subscription] = database.subscriptions()
    assert claims.take_subscription(database, subscription.id)
    assert not claims.take_subscription(database, subscription.id)


def test_news_of_a_new_call_is_taken_once_per_chat_and_released_when_not_sent(database):
    assert claims.claim_new_calls(database, 7, ["call-a", "call-b"]) == ["call-a", "call-b"]
    # another replica that found the same calls new (and one more): only the one more is its
    assert claims.claim_new_calls(database, 7, ["call-c", "call-b", "call-a"]) == ["call-c"]
    assert claims.claim_new_calls(database, 8, ["call-a"]) == ["call-a"]  # another chat
    assert claims.claim_new_calls(database, 7, []) == []
    claims.release_new_calls(database, 7, ["call-b"])  # its card could not be sent
    assert claims.claim_new_calls(database, 7, ["call-a", "call-b"]) == ["call-b"]
    assert claims.purge_new_calls(database) == 0
    later = dt.datetime.now() + claims.NEWS_MEMORY + dt.timedelta(days=1)
    assert claims.purge_new_calls(database, later) == 4


def test_dossiers_by_state_and_a_database_that_answers(database, tmp_path):
    from bot.metrics import by_state

    assert by_state({}) == {}
    assert by_state({"pdlci": {"new": 2, "taken": 1}, "lianes": {"new": 1}}) == {
        "new": 3,
        "taken": 1,
    }
    assert database.reachable()
    gone = Database(f"sqlite:///{tmp_path / 'missing' / 'x.db'}", timeout=0.5)
    assert not gone.reachable()
    gone.shutdown()
