"""Every job guards each item: one bad chat or row is logged and the others still go out."""

import datetime as dt

from sqlalchemy import text

from bot.calls import BRUSSELS
from bot.db import Feedback, Outbox
from tests.fakes.bot_api import FakeBotApi

BAD, GOOD = 5005, 5006
PROJECT = "Nous voulons organiser un jumelage de villes avec une commune partenaire en Pologne"


async def test_one_chat_refusing_a_reminder_does_not_stop_the_others(
    bot, bot_api: FakeBotApi, services, clock
):
    services.database.subscribe(BAD, "test-twinning-2027", PROJECT, "fr")
    services.database.subscribe(GOOD, "test-twinning-2027", PROJECT, "fr")
    clock.now = dt.datetime(2027, 9, 14, 9, 0, tzinfo=BRUSSELS)
    bot_api.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=BAD)
    reminders = bot.job_queue.get_jobs_by_name("reminders")[0]

    await reminders.run(bot)

    [reminder] = await bot_api.wait_for_messages(GOOD)
    assert "Twinning" in reminder.text or "jumelage" in reminder.text.lower()
    assert [s.sent() for s in services.database.subscriptions(GOOD)] == [{7, 30}]
    assert [s.sent() for s in services.database.subscriptions(BAD)] == [set()]  # retried later
    await reminders.run(bot)  # the next day, the bad chat is tried again, the good one is not
    assert len(bot_api.sent(chat_id=GOOD)) == 1


async def test_a_broken_outbox_row_does_not_block_the_rows_after_it(
    bot, bot_api: FakeBotApi, services
):
    with services.database.session() as session, session.begin():
        session.add(Outbox(purpose="reply", chat_id=BAD, html="broken", buttons='[["x"]]'))
        session.add(Outbox(purpose="reply", chat_id=GOOD, html="<b>Bonjour</b>"))
    outbox = bot.job_queue.get_jobs_by_name("outbox")[0]

    await outbox.run(bot)

    [message] = await bot_api.wait_for_messages(GOOD)
    assert message.text == "<b>Bonjour</b>"
    with services.database.session() as session:
        broken = session.query(Outbox).filter_by(chat_id=BAD).one()
    assert broken.sent_at is None and broken.attempts == 1  # backed off, tried again later


async def test_a_failing_purge_does_not_stop_the_other_purges(bot, services, clock):
    services.database.record_feedback("k1", "fr", "q", "a", [], False, 1)
    with services.database.session() as session, session.begin():
        session.execute(text("DROP TABLE handoffs"))  # the dossier purge will fail
    clock.now = clock.now + dt.timedelta(days=400)

    removed = services.purge_expired()

    assert removed == 1
    with services.database.session() as session:
        assert session.query(Feedback).count() == 0
