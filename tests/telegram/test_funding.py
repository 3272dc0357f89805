"""The funding conversation and deadline alerts, through the fake Bot API server."""

import datetime as dt

from bot.calls import BRUSSELS
from bot.telegram import build_application
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import running

CHAT = 4004
PROJECT = "Nous voulons organiser un jumelage de villes avec une commune partenaire en Pologne"


def _data(call, label_start):
    return next(
        b["callback_data"] for row in call.buttons for b in row if b["text"].startswith(label_start)
    )


async def _describe_project(bot_api: FakeBotApi, count: int = 0) -> list:
    bot_api.push(bot_api.command(CHAT, "/financements"))
    await bot_api.wait_for_messages(CHAT, count + 1)
    bot_api.push(bot_api.message(CHAT, PROJECT))
    messages = await bot_api.wait_for_messages(CHAT, count + 2)
    assert messages[-1].text == "Quel type de structure porte le projet ?"
    return messages


async def test_description_buttons_cards_reminder_and_unsubscribe(
    bot, bot_api: FakeBotApi, services, clock
):
    messages = await _describe_project(bot_api)
    bot_api.push(bot_api.button(CHAT, _data(messages[-1], "Commune")))
    messages = await bot_api.wait_for_messages(CHAT, 3)
    assert messages[-1].text == "Dans quel pays est votre partenaire ?"
    bot_api.push(bot_api.button(CHAT, _data(messages[-1], "🇵🇱")))
    messages = await bot_api.wait_for_messages(CHAT, 5)
    intro, card = messages[3], messages[4]
    assert intro.text.startswith("Les appels qui correspondent")
    assert "🟢 Ouvert · <b>Jumelage de villes test 2027</b>" in card.text
    assert "📅 Date limite : 2027-09-21 (dans 51 jours)" in card.text
    assert "💶 Montant : Forfait de 12 345 à 54 321 euros par projet." in card.text
    assert "vérifié le 2026-11-20" in card.text
    assert "example.org" in card.text
    # remind me
    bot_api.push(bot_api.button(CHAT, _data(card, "🔔")))
    await bot_api.wait_for(lambda: any("C'est noté" in m.text for m in bot_api.sent(chat_id=CHAT)))
    [subscription] = services.database.subscriptions(CHAT)
    assert subscription.call_id == "test-twinning-2027" and subscription.description == PROJECT
    # the daily job, 30 days before the deadline
    reminders = bot.job_queue.get_jobs_by_name("reminders")[0]
    before = len(bot_api.sent(chat_id=CHAT))
    clock.now = dt.datetime(2027, 8, 22, 9, 0, tzinfo=BRUSSELS)
    await reminders.run(bot)
    reminder = (await bot_api.wait_for_messages(CHAT, before + 1))[-1]
    assert (
        "⏰ Rappel : la date limite de <b>Jumelage de villes test 2027</b> est dans 30 jours"
        in reminder.text
    )
    await reminders.run(bot)  # the same day again: nothing new
    clock.now = dt.datetime(2027, 8, 23, 9, 0, tzinfo=BRUSSELS)
    await reminders.run(bot)
    assert len(bot_api.sent(chat_id=CHAT)) == before + 1
    # /alertes lists the call; removing it stops the reminders
    bot_api.push(bot_api.command(CHAT, "/alertes"))
    page = (await bot_api.wait_for_messages(CHAT, before + 2))[-1]
    assert "Jumelage de villes test 2027 — 2027-09-21" in page.text
    bot_api.push(bot_api.button(CHAT, _data(page, "❌")))
    await bot_api.wait_for_messages(CHAT, before + 3)
    assert services.database.subscriptions(CHAT) == []
    clock.now = dt.datetime(2027, 9, 14, 9, 0, tzinfo=BRUSSELS)
    await reminders.run(bot)
    assert len(bot_api.sent(chat_id=CHAT)) == before + 3


async def test_a_blocked_user_is_unsubscribed_not_retried(
    bot, bot_api: FakeBotApi, services, clock
):
    services.database.subscribe(CHAT, "test-twinning-2027", PROJECT, "fr")
    clock.now = dt.datetime(2027, 9, 14, 9, 0, tzinfo=BRUSSELS)
    bot_api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await bot.job_queue.get_jobs_by_name("reminders")[0].run(bot)
    assert services.database.subscriptions(CHAT) == []
    assert len([c for c in bot_api.calls if c.method == "sendMessage"]) == 1


async def test_cancel_leaves_the_conversation(bot, bot_api: FakeBotApi):
    await _describe_project(bot_api)
    bot_api.push(bot_api.command(CHAT, "/cancel"))
    messages = await bot_api.wait_for_messages(CHAT, 3)
    assert messages[-1].text.startswith("C'est annulé")
    bot_api.push(bot_api.message(CHAT, "Comment adhérer au réseau Horizon ?"))
    messages = await bot_api.wait_for_messages(CHAT, 4)
    assert "15 mars 2027" in messages[-1].text  # a question again, not a project


async def test_the_conversation_survives_a_restart(
    bot_settings, services, bot_api: FakeBotApi, e5, clock
):
    from bot.services import Services

    async with running(build_application(bot_settings, services)):
        messages = await _describe_project(bot_api)
    authority = _data(messages[-1], "Commune")
    restarted = Services(bot_settings, e5, clock=clock)
    async with running(build_application(bot_settings, restarted)):
        bot_api.push(bot_api.button(CHAT, authority))
        messages = await bot_api.wait_for_messages(CHAT, 3)
        assert messages[-1].text == "Dans quel pays est votre partenaire ?"
        bot_api.push(bot_api.button(CHAT, _data(messages[-1], "Passer")))
        messages = await bot_api.wait_for_messages(CHAT, 5)
        assert "Jumelage de villes test 2027" in messages[4].text


async def test_deep_link_and_menu_button_start_the_conversation(bot, bot_api: FakeBotApi):
    bot_api.push(bot_api.command(CHAT, "/start calls"))
    [prompt] = await bot_api.wait_for_messages(CHAT)
    assert prompt.text.startswith("Décrivez votre projet")
    bot_api.push(bot_api.message(CHAT, PROJECT))
    messages = await bot_api.wait_for_messages(CHAT, 2)
    assert messages[-1].text == "Quel type de structure porte le projet ?"
    bot_api.push(bot_api.message(CHAT, "je ne sais pas"))  # text instead of a tap
    messages = await bot_api.wait_for_messages(CHAT, 3)
    assert messages[-1].text == "Quel type de structure porte le projet ?"
    bot_api.push(bot_api.button(CHAT + 1, "menu:funding"))
    [prompt] = await bot_api.wait_for_messages(CHAT + 1)
    assert prompt.text.startswith("Décrivez votre projet")


async def test_a_portal_refresh_tells_followers_about_new_matching_calls(
    bot_settings, bot_api, e5, clock, tmp_path
):
    """The real path: the portal (a local server) → snapshot → index → matching → message."""
    import shutil

    from bot.services import Services
    from bot.telegram import jobs
    from tests.fakes.portal import FakePortal

    shutil.copytree(bot_settings.knowledge_dir, tmp_path / "knowledge")
    shutil.copytree(bot_settings.data_dir, tmp_path / "var", symlinks=True)
    row = {
        "metadata": {
            "identifier": ["CERV-2028-CITIZENS-TOWN-TT"],
            "title": ["Town Twinning 2028"],
            "frameworkProgramme": ["43251589"],
            "descriptionByte": [
                "<p>Subventions pour des rencontres de jumelage de villes : les habitants de "
                "communes jumelées de deux pays se retrouvent autour de l'Europe.</p>"
            ],
            "deadlineDate": ["2028-03-01T17:00:00.000+0000"],
            "status": ["31094502"],
            "DATASOURCE": ["SEDIA"],
        }
    }
    with FakePortal(results=[row]) as portal:
        settings = bot_settings.model_copy(
            update={
                "knowledge_dir": tmp_path / "knowledge",
                "data_dir": tmp_path / "var",
                "portal_url": portal.url,
            }
        )
        services = Services(settings, e5, clock=clock)
        async with running(build_application(settings, services)) as application:
            services.database.subscribe(CHAT, "test-twinning-2027", PROJECT, "fr")
            application.job_queue.run_once(jobs.refresh_calls, when=0)
            messages = await bot_api.wait_for_messages(CHAT, 2, timeout=60)
    assert messages[0].text.startswith("🆕 De nouveaux appels")
    assert "Town Twinning 2028" in messages[1].text
    assert "eu-cerv-2028-citizens-town-tt" in services.matcher.calls


async def test_a_follower_of_the_next_edition_hears_when_it_opens(
    bot, bot_api: FakeBotApi, services, clock
):
    from bot.alerts import NEXT

    services.database.subscribe(CHAT, NEXT + "test-twinning-2027", PROJECT, "fr")
    reminders = bot.job_queue.get_jobs_by_name("reminders")[0]
    await reminders.run(bot)  # the edition is open on the test clock: news, then no alert
    [news] = await bot_api.wait_for_messages(CHAT, 1)
    assert news.text.startswith("🆕 La nouvelle édition de <b>Jumelage de villes test 2027</b>")
    assert "📅 Date limite : 2027-09-21" in news.text
    assert any(b["text"].startswith("🔔 Me le rappeler") for row in news.buttons for b in row)
    assert services.database.subscriptions(CHAT) == []
    await reminders.run(bot)
    assert len(bot_api.sent(chat_id=CHAT)) == 1
