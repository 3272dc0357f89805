"""The database layer, on SQLite and — when one is reachable — on a real PostgreSQL.

`.ci/run` starts PostgreSQL on 127.0.0.1 and sets INSPIRE_TEST_DATABASE_URL; without it the
PostgreSQL half is skipped.
"""

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.db import Audit, Base, Database, Outbox, chat_hash, utcnow
from bot.handoffs import ERASED, MAX_ATTEMPTS, Handoffs, Request
from bot.referents import load_directory
from tests.fakes.clock import Clock

REPO = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("INSPIRE_TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    elif POSTGRES:
        url = POSTGRES
    else:
        pytest.skip("no PostgreSQL reachable (set INSPIRE_TEST_DATABASE_URL; .ci/run does)")
    db = Database(url)
    if request.param == "postgresql":
        drop_tables(db)
    db.initialize()
    yield db
    if request.param == "postgresql":
        drop_tables(db)
    db.shutdown()


def drop_tables(database: Database) -> None:
    """Every table of a shared PostgreSQL, the migrations' own included."""
    Base.metadata.drop_all(database._engine)
    with database._engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def clock():
    return Clock(dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC))


@pytest.fixture
def handoffs(database, clock):
    directory = load_directory(REPO / "knowledge" / "referents.yaml")
    return Handoffs(database, directory, {"pdlci": "PDL", "lianes": "HDF"}, {}, 365, clock)


def _request(**changes):
    values = dict(
        network_id="pdlci",
        user_chat_id=11,
        language="fr",
        name="Marie Curie",
        role="Adjointe",
        authority="Nantes",
        email="marie@example.org",
        phone="",
        question="Comment faire ?",
        context=["Q : x → R : y"],
    )
    return Request(**{**values, **changes})


def test_feedback_votes_and_retention(database):
    database.record_feedback("k1", "fr", "Q ?", "R.", ["a.pdf:1"], False, 1)
    database.record_feedback("k1", "fr", "Q ?", "R.", ["a.pdf:1"], False, -1)  # a changed vote
    database.record_feedback("k2", "en", "Q2?", "R2.", [], True, 1)
    assert database.feedback_counts() == {1: 1, -1: 1}
    assert database.purge_feedback(utcnow() - dt.timedelta(days=1)) == 0
    assert database.purge_feedback(utcnow() + dt.timedelta(seconds=1)) == 2
    assert database.feedback_counts() == {}


def test_blocked_chats_are_kept_as_hashes_only(database):
    database.set_chat_active(42, False)
    assert not database.is_chat_active(42) and database.is_chat_active(43)
    assert database.inactive_chats() == {chat_hash(42)}
    with database.session() as session:
        rows = session.execute(text("SELECT * FROM inactive_chats")).all()
    assert [row[0] for row in rows] == [chat_hash(42)]
    database.set_chat_active(42, True)
    assert database.is_chat_active(42)


def test_subscriptions(database):
    assert database.subscribe(7, "call-a", "projet", "fr")
    assert not database.subscribe(7, "call-a", "projet plus précis", "fr")
    database.subscribe(7, "call-b", "", "fr")
    database.subscribe(8, "call-a", "", "en")
    assert [s.call_id for s in database.subscriptions(7)] == ["call-a", "call-b"]
    first = database.subscriptions(7)[0]
    assert first.description == "projet plus précis"
    database.mark_reminded(first.id, {30})
    database.mark_reminded(first.id, {7, 30})
    assert database.subscriptions(7)[0].sent() == {7, 30}
    assert not database.unsubscribe(first.id, chat_id=8)  # not theirs
    assert database.unsubscribe(first.id, chat_id=7)
    assert database.unsubscribe_chat(7) == 1 and database.subscriptions(7) == []


def test_daily_counters(database):
    database.count("questions")
    database.count("questions")
    database.count("abstentions", dt.date(2027, 1, 1))
    assert database.counters() == {"questions": 2, "abstentions": 1}


def test_one_confirmation_makes_one_dossier_and_one_message(handoffs, database):
    handoffs.join(-100, "PDL")
    first, created = handoffs.create("key-1", _request())
    again, created_again = handoffs.create("key-1", _request())
    assert created and not created_again and again.id == first.id
    [pending] = handoffs.pending()
    assert pending.chat_id == -100 and "Marie Curie" in pending.html
    assert pending.buttons == [
        [["✋ Je prends", f"ho:take:{first.id}"], ["✅ Clore", f"ho:close:{first.id}"]]
    ]


def test_delivery_then_take_then_close_notify_the_user(handoffs, database):
    handoffs.join(-100, "PDL")
    handoff, _ = handoffs.create("k", _request())
    [dossier] = handoffs.pending()
    handoffs.sent(dossier.id, message_id=555)
    [delivered] = handoffs.pending()
    assert delivered.chat_id == 11 and "remise" in delivered.html
    handoffs.sent(delivered.id, 1)
    assert handoffs.act(-100, handoff.id, "take") == (True, "taken")
    assert handoffs.act(-100, handoff.id, "take") == (False, "taken")
    assert handoffs.relay(-100, 555, "Bonjour <Marie>")
    notices = [p.html for p in handoffs.pending()]
    assert any("s'occupe" in n for n in notices)
    assert any("Bonjour &lt;Marie&gt;" in n for n in notices)
    assert handoffs.act(-100, handoff.id, "close") == (True, "closed")
    assert handoffs.open_dossiers(-100) == []


def test_other_networks_are_refused_and_audited(handoffs, database):
    handoffs.join(-100, "PDL")
    handoffs.join(-200, "HDF")
    handoff, _ = handoffs.create("k", _request())
    [dossier] = handoffs.pending()
    handoffs.sent(dossier.id, message_id=555)
    assert handoffs.act(-200, handoff.id, "take") == (False, "denied")
    assert handoffs.act(-999, handoff.id, "close") == (False, "denied")  # not a referent at all
    assert not handoffs.relay(-200, 555, "hello")
    assert handoffs.open_dossiers(-999) is None
    assert [h.id for h in handoffs.open_dossiers(-100)] == [handoff.id]
    assert handoffs.open_dossiers(-200) == []
    with database.session() as session:
        actions = [a.action for a in session.scalars(select(Audit).order_by(Audit.id))]
    assert actions == ["join", "join", "denied:take", "denied:close", "list", "list"]
    assert handoffs.join(-300, "WRONG") is None


def test_failed_sends_back_off_then_give_up(handoffs, database, clock):
    handoffs.join(-100, "PDL")
    handoffs.create("k", _request())
    [dossier] = handoffs.pending()
    handoffs.failed(dossier.id)
    assert handoffs.pending() == []  # not before the backoff
    clock.now += dt.timedelta(seconds=11)
    assert [p.id for p in handoffs.pending()] == [dossier.id]
    for _ in range(MAX_ATTEMPTS):
        clock.now += dt.timedelta(hours=2)
        handoffs.failed(dossier.id)
    clock.now += dt.timedelta(days=1)
    assert handoffs.pending() == []
    with database.session() as session:
        assert session.get(Outbox, dossier.id).failed


def test_no_referent_chat_keeps_the_dossier_waiting(handoffs):
    handoff, _ = handoffs.create("k", _request())
    assert handoffs.pending() == [] and handoff.state == "new"
    assert handoffs.stats() == {"pdlci": {"new": 1}}


def test_forget_and_purge(handoffs, database, clock):
    handoffs.join(-100, "PDL")
    mine, _ = handoffs.create("a", _request())
    other, _ = handoffs.create("b", _request(user_chat_id=12, name="Jean"))
    assert handoffs.forget(11).dossiers == 1
    with database.session() as session:
        from bot.db import Handoff

        erased = session.get(Handoff, mine.id)
        kept = session.get(Handoff, other.id)
        assert (erased.name, erased.email, erased.question, erased.user_chat_id) == (
            ERASED,
            "",
            ERASED,
            0,
        )
        assert json.loads(erased.context) == []
        assert kept.name == "Jean"
    assert all(p.chat_id != 11 for p in handoffs.pending())
    clock.now = dt.datetime.now(dt.UTC) + dt.timedelta(days=366)
    assert handoffs.purge() == 1  # Jean's, past the retention period
    assert handoffs.purge() == 0


def _outbox(database):
    with database.session() as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def _everything_about_marie(database) -> str:
    """Every text column of every row, to look for a trace of the person."""
    from bot.db import Base

    found = []
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(table.select()):
                found += [str(value) for value in row]
    return " ".join(found)


def test_forget_erases_every_copy_and_blanks_the_referents_message(handoffs, database):
    from bot.db import Handoff

    handoffs.join(-100, "PDL")
    handoff, _ = handoffs.create("11:42:abc", _request(phone="+33612345678"))
    [dossier] = handoffs.pending()
    handoffs.sent(dossier.id, message_id=555)  # delivered: the referent chat holds a copy
    handoffs.relay(-100, 555, "Bonjour Marie, appelons-nous mardi.")
    erasure = handoffs.forget(11)
    assert erasure.dossiers == 1 and erasure.messages == 3  # dossier, notices, the reply
    trace = _everything_about_marie(database)
    for personal in ("Marie", "marie@example.org", "+33612345678", "Comment faire", "11:42"):
        assert personal not in trace
    with database.session() as session:
        row = session.get(Handoff, handoff.id)
        assert row.state == "erased" and row.request_key == f"erased:{handoff.id}"
    # the only message left to send edits the dossier in the referent chat to "[effacé]"
    [edit] = handoffs.pending()
    assert (edit.chat_id, edit.edit_message_id) == (-100, 555) and "[effacé]" in edit.html
    assert edit.buttons == []
    assert handoffs.act(-100, handoff.id, "take") == (False, "erased")
    assert not handoffs.relay(-100, 555, "Encore là ?")


def test_the_retention_purge_erases_the_copies_too(handoffs, database, clock):
    handoffs.join(-100, "PDL")
    handoffs.create("11:1:x", _request(phone="+33612345678"))
    [dossier] = handoffs.pending()
    handoffs.sent(dossier.id, message_id=7)
    clock.now += dt.timedelta(days=400)
    assert handoffs.purge() == 1
    trace = _everything_about_marie(database)
    assert "Marie" not in trace and "+33612345678" not in trace and "11:1:x" not in trace
    edits = [p for p in handoffs.pending() if p.edit_message_id == 7]
    assert len(edits) == 1 and "conservation" in edits[0].html
    assert handoffs.purge() == 0


def test_forget_before_delivery_deletes_the_unsent_dossier(handoffs, database):
    handoffs.join(-100, "PDL")
    handoffs.create("k", _request())
    assert handoffs.forget(11).messages == 1
    assert handoffs.pending() == [] and _outbox(database) == []


def test_waiting_dossiers_are_delivered_when_a_referent_chat_joins(handoffs, database):
    handoffs.create("k", _request())
    assert handoffs.pending() == []
    [waiting] = handoffs.waiting(admin_chat_id=1)
    assert (waiting.name, waiting.email) == ("Marie Curie", "marie@example.org")
    handoffs.join(-300, "HDF")  # another network: still waiting
    assert handoffs.pending() == []
    handoffs.join(-100, "PDL")
    [dossier] = handoffs.pending()
    assert dossier.chat_id == -100 and "Marie Curie" in dossier.html and dossier.buttons
    handoffs.join(-100, "PDL")  # joining again queues nothing more
    assert len(handoffs.pending()) == 1
    handoffs.sent(dossier.id, message_id=9)
    assert handoffs.waiting(admin_chat_id=1) == []
    with database.session() as session:
        assert "admin:list" in [a.action for a in session.scalars(select(Audit))]


def test_a_dossier_whose_chat_removed_the_bot_goes_to_the_next_chat(handoffs, clock):
    handoffs.join(-100, "PDL")
    handoffs.create("k", _request())
    [dossier] = handoffs.pending()
    handoffs.failed(dossier.id, permanent=True)
    assert handoffs.deliver_waiting() == 1  # one more try, at start-up
    handoffs.failed(handoffs.pending()[0].id, permanent=True)
    handoffs.join(-101, "PDL")  # a new chat of the network
    [again] = handoffs.pending()
    assert again.chat_id == -101 and "Marie Curie" in again.html


def test_a_configured_chat_receives_what_waited_at_start(database, clock):
    directory = load_directory(REPO / "knowledge" / "referents.yaml")
    before = Handoffs(database, directory, {}, {}, 365, clock)
    before.create("k", _request())
    after = Handoffs(database, directory, {}, {"pdlci": -500}, 365, clock)
    assert after.deliver_waiting() == 1
    [dossier] = after.pending()
    assert dossier.chat_id == -500


def _due(handoffs, purpose_text: str):
    return next(p for p in handoffs.pending() if purpose_text in p.html)


def test_the_user_answers_the_referent_until_the_dossier_is_closed(handoffs):
    handoffs.join(-100, "PDL")
    handoff, _ = handoffs.create("k", _request())
    handoffs.sent(handoffs.pending()[0].id, message_id=555)
    assert handoffs.relay(-100, 555, "Bonjour Marie, mardi ?")
    handoffs.sent(_due(handoffs, "mardi ?").id, message_id=777)  # in the user's chat
    thread = handoffs.relay_from_user(11, 777, "Mardi <10h> me va.")
    assert (thread.outcome, thread.handoff_id) == ("sent", handoff.id)
    relayed = _due(handoffs, "me va")
    assert relayed.chat_id == -100
    assert f"Demande n° {handoff.id}" in relayed.html and "Mardi &lt;10h&gt; me va." in relayed.html
    handoffs.sent(relayed.id, message_id=888)  # in the referent chat
    assert handoffs.relay(-100, 888, "Parfait.")  # the referent answers the user's message
    assert _due(handoffs, "Parfait.").chat_id == 11
    assert handoffs.relay_from_user(12, 777, "Moi aussi").outcome == "none"  # not theirs
    assert handoffs.relay_from_user(11, 4242, "Une question").outcome == "none"
    handoffs.act(-100, handoff.id, "close")
    assert handoffs.relay_from_user(11, 777, "Encore une chose").outcome == "closed"
    assert not any("Encore une chose" in p.html for p in handoffs.pending())


def test_a_reply_the_user_cannot_receive_is_reported_to_the_referent(handoffs):
    handoffs.join(-100, "PDL")
    handoff, _ = handoffs.create("k", _request())
    handoffs.sent(handoffs.pending()[0].id, message_id=555)
    handoffs.relay(-100, 555, "Bonjour")
    handoffs.failed(_due(handoffs, "Bonjour").id, permanent=True)  # the user blocked the bot
    warning = _due(handoffs, "n'a pas pu être remis")
    assert warning.chat_id == -100 and f"n° {handoff.id}" in warning.html


def test_an_unknown_dossier_is_not_called_another_networks(handoffs):
    handoffs.join(-100, "PDL")
    assert handoffs.act(-100, 4242, "take") == (False, "unknown")


def test_answer_sources_are_kept_without_user_and_purged_with_feedback(database):
    database.remember_sources("k1", "fr", [{"n": 1, "title": "Guide", "path": "g.pdf"}], False)
    stored = database.stored_sources("k1")
    assert stored is not None and json.loads(stored.sources)[0]["title"] == "Guide"
    assert database.stored_sources("nope") is None
    database.purge_feedback(utcnow() + dt.timedelta(seconds=1))
    assert database.stored_sources("k1") is None


def test_join_codes_cannot_be_brute_forced(handoffs, database, clock):
    for guess in range(5):
        assert handoffs.join(-100, f"guess-{guess}") is None
    assert handoffs.join_limited(-100)
    assert handoffs.join(-100, "PDL") is None  # the right code, refused without checking
    assert not handoffs.join_limited(-200) and handoffs.join(-200, "PDL") is not None
    with database.session() as session:
        actions = [a.action for a in session.scalars(select(Audit).order_by(Audit.id))]
    assert actions.count("join:failed") == 5 and actions.count("join:refused") == 1
    clock.now += dt.timedelta(minutes=61)
    assert handoffs.join(-100, "PDL") is not None


def test_taking_and_closing_edit_the_dossier_message_in_place(handoffs, clock):
    handoffs.join(-100, "PDL")
    handoff, _ = handoffs.create("k", _request())
    handoffs.sent(handoffs.pending()[0].id, message_id=555)
    handoffs.act(-100, handoff.id, "take", who="Alice Martin")
    [edit] = [p for p in handoffs.pending() if p.edit_message_id == 555]
    assert edit.chat_id == -100 and "Marie Curie" in edit.html
    assert "✋ Prise en charge par Alice Martin le 10/01/2027 12:00 UTC." in edit.html
    assert [[data for _, data in row] for row in edit.buttons] == [[f"ho:close:{handoff.id}"]]
    handoffs.sent(edit.id, 555)
    clock.now += dt.timedelta(hours=2)
    handoffs.act(-100, handoff.id, "close", who="Bob")
    [edit] = [p for p in handoffs.pending() if p.edit_message_id == 555]
    assert "Alice Martin" in edit.html and "✅ Close par Bob le 10/01/2027 14:00 UTC." in edit.html
    assert edit.buttons == []


def test_a_long_dossier_stays_one_message(handoffs):
    handoffs.join(-100, "PDL")
    context = [f"Q : question {n} 🙂 → R : " + "réponse " * 70 for n in range(5)]
    handoffs.create("k", _request(question="Q" * 1500, context=context))
    [dossier] = handoffs.pending()
    from bot.dialogue.replies import TELEGRAM_LIMIT, telegram_length

    assert telegram_length(dossier.html) <= TELEGRAM_LIMIT - 200
    assert "question 4" in dossier.html  # the latest exchanges are kept


def test_a_signed_reply_over_the_limit_is_split_not_lost(handoffs):
    from bot.dialogue.replies import TELEGRAM_LIMIT, split_message, telegram_length

    handoffs.join(-100, "PDL")
    handoffs.create("k", _request())
    handoffs.sent(handoffs.pending()[0].id, message_id=555)
    words = "Bonjour 🙂 " * 372  # 4,091 units: fits as typed, not once signed
    assert telegram_length(words.strip()) <= TELEGRAM_LIMIT
    handoffs.relay(-100, 555, words.strip())
    [reply] = [p for p in handoffs.pending() if "Bonjour" in p.html]
    parts = split_message(reply.html)
    assert len(parts) == 2 and all(telegram_length(p) <= TELEGRAM_LIMIT for p in parts)
    assert " ".join(parts).count("Bonjour") == 372


def test_columns_added_since_are_added_to_an_existing_database(tmp_path):
    from sqlalchemy import create_engine, inspect

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:  # the tables as an earlier version created them
        connection.execute(text("CREATE TABLE outbox (id INTEGER PRIMARY KEY, html TEXT)"))
        connection.execute(text("CREATE TABLE handoffs (id INTEGER PRIMARY KEY, name TEXT)"))
    engine.dispose()
    database = Database(url)
    database.initialize()
    columns = inspect(database._engine)
    outbox = {c["name"] for c in columns.get_columns("outbox")}
    assert {"edit_message_id", "message_id", "claimed_until"} <= outbox
    assert "history" in {c["name"] for c in columns.get_columns("handoffs")}
    from bot.db import Base

    for table in ("outbox", "handoffs"):  # every nullable column of the models, none forgotten
        have = {c["name"] for c in columns.get_columns(table)}
        wanted = {c.name for c in Base.metadata.tables[table].columns if c.nullable}
        assert wanted <= have
    database.initialize()  # twice is harmless
    database.shutdown()


def test_forget_also_blanks_the_users_messages_relayed_to_the_referent_chat(handoffs, database):
    handoffs.join(-100, "PDL")
    handoffs.create("11:43:abc", _request(phone="+33612345678"))
    [dossier] = handoffs.pending()
    handoffs.sent(dossier.id, message_id=555)
    handoffs.relay(-100, 555, "Bonjour Marie, quel est votre numéro ?")
    [reply] = [p for p in handoffs.pending() if p.chat_id == 11 and "numéro" in p.html]
    handoffs.sent(reply.id, message_id=42)
    handoffs.relay_from_user(11, 42, "Mon numéro est le 06 12 34 56 78.")
    [relayed] = [p for p in handoffs.pending() if p.chat_id == -100 and "06 12" in p.html]
    handoffs.sent(relayed.id, message_id=600)
    handoffs.forget(11)
    edits = {p.edit_message_id: p.html for p in handoffs.pending() if p.chat_id == -100}
    assert set(edits) == {555, 600} and all("[effacé]" in html for html in edits.values())
    assert "06 12" not in _everything_about_marie(database)


def test_after_a_failure_the_work_of_every_message_fails_at_once_for_a_while(tmp_path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from bot import db as db_module
    from bot.db import PAUSE_SECONDS, DatabaseUnavailable

    now = [1000.0]
    monkeypatch.setattr(db_module.time, "monotonic", lambda: now[0])
    database = Database(f"sqlite:///{tmp_path / 'pause.db'}")
    database.initialize()
    with pytest.raises(OperationalError), database.on_every_message():
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))
    with pytest.raises(DatabaseUnavailable), database.on_every_message():
        pytest.fail("the database was not asked again")
    now[0] += PAUSE_SECONDS + 1
    with database.on_every_message():  # tried again after the pause
        assert database.counters() == {}
    database.shutdown()
