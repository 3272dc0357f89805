"""Outbox claims: one sender per message, a dossier survives a sender's death, a user notice is
never repeated."""

import datetime as dt
from pathlib import Path

import pytest

from bot.db import Database, Outbox
from bot.handoffs import CLAIM_LEASE, Handoffs, Request
from bot.referents import load_directory
from tests.fakes.clock import Clock

REPO = Path(__file__).resolve().parent.parent
REFERENT, USER = -100500, 11


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC))


@pytest.fixture
def handoffs(tmp_path, clock):
    database = Database(f"sqlite:///{tmp_path / 'claims.db'}")
    database.initialize()
    directory = load_directory(REPO / "knowledge" / "referents.yaml")
    service = Handoffs(database, directory, {"pdlci": "PDL"}, {}, 365, clock)
    assert service.join(REFERENT, "PDL") is not None
    yield service
    database.shutdown()


def _dossier(handoffs: Handoffs) -> int:
    request = Request("pdlci", USER, "fr", "Marie Curie", "Adjointe", "Nantes", "m@e.org", "", "?")
    handoffs.create("confirm-1", request)
    [item] = handoffs.pending()
    return item.id


def _purposes(handoffs: Handoffs) -> list[str]:
    with handoffs.database.session() as session:
        ids = [p.id for p in handoffs.pending()]
        return [session.get(Outbox, i).purpose for i in ids]


def test_a_message_is_claimed_by_one_sender_only(handoffs):
    dossier = _dossier(handoffs)
    assert handoffs.claim(dossier)
    assert not handoffs.claim(dossier)  # a second sender (another process, a re-run) backs off
    assert handoffs.pending() == []  # claimed: not offered again while the lease runs
    handoffs.sent(dossier, 42)
    assert not handoffs.claim(dossier)
    assert _purposes(handoffs) == ["delivered"]


def test_a_dossier_whose_sender_died_is_sent_again_after_the_lease(handoffs, clock):
    dossier = _dossier(handoffs)
    assert handoffs.claim(dossier)  # … and the process is killed before recording the send
    clock.now += CLAIM_LEASE + dt.timedelta(seconds=1)
    assert [p.id for p in handoffs.pending()] == [dossier]
    assert handoffs.claim(dossier)  # at least once: never lost


def test_the_delivered_notice_is_never_sent_twice(handoffs, clock):
    dossier = _dossier(handoffs)
    assert handoffs.claim(dossier)
    handoffs.sent(dossier, 42)
    handoffs.sent(dossier, 42)  # recorded twice (a retry of the recording): still one notice
    [notice] = handoffs.pending()
    assert _purposes(handoffs) == ["delivered"]
    assert handoffs.claim(notice.id)  # sent, then SIGTERM/SIGKILL before it is recorded
    clock.now += CLAIM_LEASE + dt.timedelta(seconds=1)
    assert not handoffs.claim(notice.id)  # at most once: not repeated after the restart
    assert handoffs.pending() == []


def test_a_failed_send_releases_the_claim_for_the_retry(handoffs, clock):
    dossier = _dossier(handoffs)
    assert handoffs.claim(dossier)
    handoffs.failed(dossier)
    clock.now += dt.timedelta(minutes=1)  # the backoff, shorter than the lease
    assert handoffs.claim(dossier)
