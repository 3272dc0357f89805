import datetime as dt

from bot.db import Database, chat_hash, utcnow


def test_feedback_votes_and_retention(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    db.initialize()
    db.record_feedback("k1", "fr", "Q ?", "R.", ["a.pdf:1"], False, 1)
    db.record_feedback("k1", "fr", "Q ?", "R.", ["a.pdf:1"], False, -1)  # a changed vote
    db.record_feedback("k2", "en", "Q2?", "R2.", [], True, 1)
    assert db.feedback_counts() == {1: 1, -1: 1}
    assert db.purge_feedback(utcnow() - dt.timedelta(days=1)) == 0
    assert db.purge_feedback(utcnow() + dt.timedelta(seconds=1)) == 2
    assert db.feedback_counts() == {}
    db.shutdown()


def test_blocked_chats_are_kept_as_hashes_only(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    db.initialize()
    db.set_chat_active(42, False)
    assert not db.is_chat_active(42) and db.is_chat_active(43)
    assert db.inactive_chats() == {chat_hash(42)}
    with db.session() as session:
        from sqlalchemy import text

        rows = session.execute(text("SELECT * FROM inactive_chats")).all()
    assert [row[0] for row in rows] == [chat_hash(42)]
    assert all(str(value) != "42" for row in rows for value in row)
    db.set_chat_active(42, True)
    assert db.is_chat_active(42)
    db.shutdown()
