"""Hand-off to a regional referent, both sides, through the fake Bot API server."""

import asyncio
import datetime as dt

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.db import Audit, Database, Handoff, Outbox, Subscription
from bot.handoffs import Handoffs, Request
from bot.referents import load_directory
from bot.services import Services
from bot.telegram import build_application
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import REPO, running
from tests.waiting import eventually

USER = 5005
REF = -9001  # the Pays de la Loire network's group
OTHER_REF = -9002  # Lianes Coopération's
ADMIN = 777


@pytest.fixture
def bot_settings(bot_settings):
    return bot_settings.model_copy(
        update={
            "referent_codes": {"pdlci": SecretStr("CODE-PDL"), "lianes": SecretStr("CODE-HDF")},
            "admin_ids": [ADMIN],
            "outbox_interval_seconds": 0.5,
        }
    )


def _data(call, start):
    return next(
        b["callback_data"] for row in call.buttons for b in row if b["text"].startswith(start)
    )


async def _recorded(services, chat_id: int, message_id: int) -> None:
    """Wait until the bot has written down which dossier a message it sent belongs to (done
    once the Bot API has answered, so a test that replies at once could otherwise outrun it)."""
    query = select(Outbox.id).where(Outbox.chat_id == chat_id, Outbox.message_id == message_id)

    def recorded() -> bool:
        with services.database.session() as session:
            return session.scalar(query) is not None

    await eventually(recorded, f"message {message_id} in chat {chat_id} recorded", 15)


def _handoffs(services) -> list[Handoff]:
    with services.database.session() as session:
        return list(session.scalars(select(Handoff).order_by(Handoff.id)))


async def _join(bot_api, chat, code):
    bot_api.push(
        bot_api.command(chat, f"/referent_join {code}", user_id=abs(chat), chat_type="group")
    )
    return (await bot_api.wait_for_messages(chat))[-1]


async def _request_help(bot_api: FakeBotApi, place="44000 Nantes", consent="consent:yes"):
    """From an unanswered question to the consent screen (and past it)."""
    bot_api.push(bot_api.message(USER, "Quelle est la recette de la tarte aux pommes ?"))
    [refusal] = await bot_api.wait_for_messages(USER)
    bot_api.push(bot_api.button(USER, _data(refusal, "🤝")))
    where = (await bot_api.wait_for_messages(USER, 2))[-1]
    assert where.text.startswith("Où se trouve votre collectivité")
    bot_api.push(bot_api.message(USER, place))
    screen = (await bot_api.wait_for_messages(USER, 3))[-1]
    assert "Pays de la Loire Coopération Internationale" in screen.text
    assert "votre nom, votre fonction" in screen.text and "12 mois" in screen.text
    bot_api.push(bot_api.button(USER, consent))
    return (await bot_api.wait_for_messages(USER, 4))[-1]


async def _fill_and_send(bot_api: FakeBotApi, twice=False):
    for i, answer in enumerate(
        ["Marie Curie", "Adjointe aux relations internationales", "Mairie de Nantes"]
    ):
        bot_api.push(bot_api.message(USER, answer))
        await bot_api.wait_for_messages(USER, 5 + i)
    contact = {"phone_number": "+33612345678", "first_name": "Marie", "user_id": USER}
    bot_api.push(bot_api.message(USER, None, contact=contact))
    await bot_api.wait_for_messages(USER, 8)
    bot_api.push(
        bot_api.message(
            USER, "Comment notre commune peut-elle accueillir une délégation ukrainienne ?"
        )
    )
    summary = (await bot_api.wait_for_messages(USER, 9))[-1]
    assert "Marie Curie" in summary.text and "+33612345678" in summary.text
    confirm = bot_api.button(USER, "confirm:yes")
    bot_api.push(confirm)
    if twice:
        bot_api.push(confirm)  # the same update delivered again
    return (await bot_api.wait_for_messages(USER, 10))[-1]


async def test_the_whole_hand_off(bot, bot_api: FakeBotApi, services):
    assert "Pays de la Loire" in (await _join(bot_api, REF, "CODE-PDL")).text
    name_prompt = await _request_help(bot_api)
    assert name_prompt.text == "Votre nom et prénom ?"
    created = await _fill_and_send(bot_api)
    assert created.text.startswith("Votre demande n° 1 est enregistrée")
    # the referent receives the dossier with its context and buttons
    dossier = (await bot_api.wait_for_messages(REF, 2))[-1]
    assert "Demande n° 1" in dossier.text and "Marie Curie" in dossier.text
    assert "+33612345678" in dossier.text and "délégation ukrainienne" in dossier.text
    assert "tarte aux pommes" in dossier.text  # the recent exchange with the assistant
    assert [b["text"] for b in dossier.buttons[0]] == ["✋ Je prends", "✅ Clore"]
    delivered = (await bot_api.wait_for_messages(USER, 11))[-1]
    assert (
        delivered.text
        == "📬 Votre demande a été remise à Pays de la Loire Coopération Internationale."
    )
    # the referent takes it: the user is told
    bot_api.push(bot_api.button(REF, _data(dossier, "✋"), message_id=0))
    taken = (await bot_api.wait_for_messages(USER, 12))[-1]
    assert taken.text.startswith("🙋 Une personne de Pays de la Loire")
    # the dossier message says who took it, and keeps only ✅
    await bot_api.wait_for(lambda: bool(bot_api.sent("editMessageText", chat_id=REF)))
    [edit] = bot_api.sent("editMessageText", chat_id=REF)
    assert int(edit.params["message_id"]) == dossier.result["message_id"]
    assert "✋ Prise en charge par Élu le" in edit.text and "Marie Curie" in edit.text
    assert [b["callback_data"] for b in edit.buttons[0]] == ["ho:close:1"]
    toast = "Demande n° 1 : prise en charge."  # one language, the state in words
    await bot_api.wait_for(
        lambda: toast in [c.params.get("text") for c in bot_api.sent("answerCallbackQuery")]
    )
    # the referent answers by replying to the dossier: the user gets it, signed
    reply_to = {
        "message_id": dossier.result["message_id"],
        "date": 0,
        "text": "…",
        "chat": {"id": REF, "type": "group"},
        "from": {"id": 123456, "is_bot": True, "first_name": "INSPIRE"},
    }
    bot_api.push(
        bot_api.message(
            REF,
            "Bonjour Marie, appelons-nous mardi.",
            user_id=42,
            chat_type="group",
            reply_to_message=reply_to,
        )
    )
    relayed = (await bot_api.wait_for_messages(USER, 13))[-1]
    assert relayed.text == (
        "💬 <b>Message de Pays de la Loire Coopération Internationale</b> :\n"
        "Bonjour Marie, appelons-nous mardi."
    )
    assert "Message enregistré" in (await bot_api.wait_for_messages(REF, 3))[-1].text
    # the user answers by replying to the referent's message: it reaches the referent chat
    await _recorded(services, USER, relayed.result["message_id"])
    answer = bot_api.message(
        USER,
        "Mardi 10 h me va.",
        reply_to_message={
            **reply_to,
            "chat": {"id": USER, "type": "private"},
            "message_id": relayed.result["message_id"],
        },
    )
    bot_api.push(answer)
    assert (await bot_api.wait_for_messages(USER, 14))[-1].text.startswith(
        "Message transmis au réseau (demande n° 1)"
    )
    back = (await bot_api.wait_for_messages(REF, 4))[-1]
    assert "Demande n° 1" in back.text and "Marie Curie" in back.text and "Mardi 10 h" in back.text
    [handoff] = _handoffs(services)
    assert handoff.state == "taken" and handoff.network_id == "pdlci"
    with services.database.session() as session:
        actions = [a.action for a in session.scalars(select(Audit).order_by(Audit.id))]
    assert actions == ["join", "take", "reply"]


async def test_refusing_consent_stores_nothing(bot, bot_api: FakeBotApi, services, bot_settings):
    refused = await _request_help(bot_api, consent="consent:no")
    assert refused.text.startswith("Entendu : rien n'a été enregistré")
    assert _handoffs(services) == []
    bot_api.push(bot_api.message(USER, "Comment adhérer au réseau Horizon ?"))
    answer = (await bot_api.wait_for_messages(USER, 5))[-1]
    assert "15 mars 2027" in answer.text  # the bot stays fully usable


async def test_a_referent_of_another_network_can_neither_see_nor_act(bot, bot_api, services):
    await _join(bot_api, REF, "CODE-PDL")
    await _join(bot_api, OTHER_REF, "CODE-HDF")
    await _request_help(bot_api)
    await _fill_and_send(bot_api)
    await bot_api.wait_for_messages(REF, 2)
    # the "delivered" notice is queued once the delivery is recorded: wait for it
    await bot_api.wait_for(lambda: any("📬" in m.text for m in bot_api.sent(chat_id=USER)))
    bot_api.push(bot_api.button(OTHER_REF, "ho:take:1"))
    await bot_api.wait_for(
        lambda: any(c.params.get("show_alert") for c in bot_api.sent("answerCallbackQuery"))
    )
    alert = [c for c in bot_api.sent("answerCallbackQuery") if c.params.get("show_alert")][-1]
    assert alert.params["text"] == "Cette demande ne relève pas de votre réseau."
    assert _handoffs(services)[0].state == "delivered"
    bot_api.push(bot_api.command(OTHER_REF, "/dossiers", user_id=9002, chat_type="group"))
    page = (await bot_api.wait_for_messages(OTHER_REF, 2))[-1]
    assert page.text == "Aucune demande ouverte pour Lianes Coopération."
    bot_api.push(bot_api.command(REF, "/dossiers", user_id=9001, chat_type="group"))
    page = (await bot_api.wait_for_messages(REF, 3))[-1]
    assert "n° 1 · remise · Marie Curie" in page.text
    with services.database.session() as session:
        assert "denied:take" in [a.action for a in session.scalars(select(Audit))]


async def test_forget_erases_the_users_data(bot, bot_api: FakeBotApi, services):
    await _join(bot_api, REF, "CODE-PDL")
    await _request_help(bot_api)
    await _fill_and_send(bot_api)
    services.database.subscribe(USER, "test-twinning-2027", "un projet", "fr")
    bot_api.push(bot_api.command(USER, "/forget"))
    await bot_api.wait_for(lambda: any("C'est fait" in m.text for m in bot_api.sent(chat_id=USER)))
    [handoff] = _handoffs(services)
    assert (handoff.name, handoff.email, handoff.phone, handoff.user_chat_id) == (
        "[effacé]",
        "",
        "",
        0,
    )
    assert handoff.question == "[effacé]" and "tarte" not in handoff.context
    with services.database.session() as session:
        assert session.scalars(select(Subscription)).all() == []


async def test_forget_in_the_middle_of_a_hand_off(bot, bot_api: FakeBotApi, services):
    await _join(bot_api, REF, "CODE-PDL")
    await _request_help(bot_api)
    await _fill_and_send(bot_api)
    dossier = (await bot_api.wait_for_messages(REF, 2))[-1]
    await bot_api.wait_for(lambda: any("📬" in m.text for m in bot_api.sent(chat_id=USER)))
    bot_api.push(bot_api.command(USER, "/referent"))  # a second request, left at the name
    bot_api.push(bot_api.button(USER, "net:pdlci"))
    bot_api.push(bot_api.button(USER, "consent:yes"))
    await bot_api.wait_for(lambda: bot_api.sent(chat_id=USER)[-1].text == "Votre nom et prénom ?")
    bot_api.push(bot_api.command(USER, "/forget"))
    await bot_api.wait_for(lambda: "effacé" in bot_api.sent(chat_id=USER)[-1].text)
    report = bot_api.sent(chat_id=USER)[-1].text
    assert "anonymisées : 1" in report and "conversation en cours arrêtée : 1" in report
    # the referent's copy of the dossier is blanked in place
    await bot_api.wait_for(lambda: bool(bot_api.sent("editMessageText", chat_id=REF)))
    [edit] = bot_api.sent("editMessageText", chat_id=REF)
    assert int(edit.params["message_id"]) == dossier.result["message_id"]
    assert "[effacé]" in edit.text and "Marie" not in edit.text
    # the bot answers normally: the abandoned flow is gone
    before = len(bot_api.sent(chat_id=USER))
    bot_api.push(bot_api.message(USER, "Comment adhérer au réseau Horizon ?"))
    answer = (await bot_api.wait_for_messages(USER, before + 1))[-1]
    assert "15 mars 2027" in answer.text


async def test_the_same_confirmation_twice_makes_one_dossier(bot, bot_api: FakeBotApi, services):
    await _join(bot_api, REF, "CODE-PDL")
    await _request_help(bot_api)
    await _fill_and_send(bot_api, twice=True)
    await bot_api.wait_for_messages(REF, 2)
    await asyncio.sleep(1.0)
    assert len(_handoffs(services)) == 1
    assert len([m for m in bot_api.sent(chat_id=REF) if "Demande n°" in m.text]) == 1


async def test_a_crash_between_commit_and_send_is_made_good_at_start(
    bot_settings, bot_api, e5, clock
):
    database = Database(bot_settings.database)
    database.initialize()
    directory = load_directory(REPO / "knowledge" / "referents.yaml")
    handoffs = Handoffs(database, directory, {"pdlci": "CODE-PDL"}, {}, 365)
    handoffs.join(REF, "CODE-PDL")
    request = Request(
        "pdlci",
        USER,
        "fr",
        "Jean Moulin",
        "Maire",
        "Commune de Laval",
        "jean@example.org",
        "",
        "Où en est ma demande ?",
    )
    handoffs.create("crash-1", request)  # committed; then the process died before sending
    database.shutdown()
    services = Services(bot_settings, e5, clock=clock)
    async with running(build_application(bot_settings, services)):
        dossier = (await bot_api.wait_for_messages(REF))[-1]
        assert "Jean Moulin" in dossier.text
        await bot_api.wait_for_messages(USER)  # "delivered"
        await asyncio.sleep(1.2)  # the outbox job runs again: nothing is sent twice
        assert len(bot_api.sent(chat_id=REF)) == 1
        assert len(bot_api.sent(chat_id=USER)) == 1


async def test_a_referent_chat_that_blocked_the_bot(bot, bot_api: FakeBotApi, services):
    await _join(bot_api, REF, "CODE-PDL")
    bot_api.fail_next(
        "sendMessage", 403, "Forbidden: bot was kicked from the group chat", chat_id=REF
    )
    await _request_help(bot_api)
    created = await _fill_and_send(bot_api)
    assert created.text.startswith("Votre demande n° 1 est enregistrée")
    await bot_api.wait_for(lambda: any(c.failed and c.chat_id == REF for c in bot_api.calls))
    await asyncio.sleep(1.2)
    attempts = [
        c
        for c in bot_api.calls
        if c.method == "sendMessage" and c.chat_id == REF and "Demande" in c.text
    ]
    assert len(attempts) == 1  # no retry loop
    assert _handoffs(services)[0].state == "new"  # waits, visible to admins
    bot_api.push(bot_api.command(ADMIN, "/stats"))
    page = (await bot_api.wait_for_messages(ADMIN))[-1]
    assert "pdlci: nouvelle 1" in page.text and "Questions : 1" in page.text


async def test_no_referent_on_telegram_says_so_honestly(bot, bot_api: FakeBotApi, services):
    await _request_help(bot_api)
    created = await _fill_and_send(bot_api)
    assert "n'a pas encore de référent sur Telegram" in created.text
    assert "mbeziau@paysdelaloire-cooperation-internationale.org" in created.text
    assert _handoffs(services)[0].state == "new"
    # admins see it, with the full contact, until a referent chat joins
    bot_api.push(bot_api.command(ADMIN, "/dossiers"))
    page = (await bot_api.wait_for_messages(ADMIN))[-1]
    assert "n° 1 · Pays de la Loire" in page.text and "+33612345678" in page.text
    await _join(bot_api, REF, "CODE-PDL")
    dossier = (await bot_api.wait_for_messages(REF, 2))[-1]
    assert "Demande n° 1" in dossier.text and "+33612345678" in dossier.text
    await bot_api.wait_for(lambda: "📬" in bot_api.sent(chat_id=USER)[-1].text)
    bot_api.push(bot_api.command(REF, "/dossiers", user_id=9001, chat_type="group"))
    page = (await bot_api.wait_for_messages(REF, 3))[-1]
    assert "Marie Curie, Adjointe aux relations internationales (Mairie de Nantes)" in page.text
    assert "+33612345678" in page.text


async def test_outside_the_three_regions(bot, bot_api: FakeBotApi):
    bot_api.push(bot_api.command(USER, "/referent"))
    await bot_api.wait_for_messages(USER)
    bot_api.push(bot_api.message(USER, "Lyon"))
    page = (await bot_api.wait_for_messages(USER, 2))[-1]
    assert "n'est pas dans leurs régions" in page.text and "rrma.fr" in page.text
    assert "f.fortune@socooperation.org" in page.text


async def test_ambiguous_place_asks_for_the_postal_code(bot, bot_api: FakeBotApi):
    bot_api.push(bot_api.message(USER, "Je voudrais parler à un conseiller"))
    where = (await bot_api.wait_for_messages(USER))[-1]
    assert where.text.startswith("Où se trouve votre collectivité")
    bot_api.push(bot_api.message(USER, "Vienne"))
    ask = (await bot_api.wait_for_messages(USER, 2))[-1]
    assert "donnez le code postal" in ask.text
    bot_api.push(bot_api.message(USER, "86000"))
    consent = (await bot_api.wait_for_messages(USER, 3))[-1]
    assert "SO Coopération" in consent.text


async def test_stats_are_for_admins_only(bot, bot_api: FakeBotApi):
    bot_api.push(bot_api.command(USER, "/stats"))
    page = (await bot_api.wait_for_messages(USER))[-1]
    assert page.text == "Commande réservée aux administrateurs."


async def test_the_dossier_carries_answers_with_their_sources(bot, bot_api: FakeBotApi, services):
    await _join(bot_api, REF, "CODE-PDL")
    bot_api.push(bot_api.message(USER, "Comment adhérer au réseau Horizon ?"))
    await bot_api.wait_for_messages(USER)
    bot_api.push(bot_api.command(USER, "/referent"))
    await bot_api.wait_for_messages(USER, 2)
    bot_api.push(bot_api.message(USER, "Nantes"))
    await bot_api.wait_for_messages(USER, 3)
    bot_api.push(bot_api.button(USER, "consent:yes"))
    await bot_api.wait_for_messages(USER, 4)
    await _fill_and_send(bot_api)
    dossier = (await bot_api.wait_for_messages(REF, 2))[-1]
    assert "Comment adhérer au réseau Horizon ?" in dossier.text
    assert "15 mars 2027" in dossier.text and "[1] Guide Horizon p. 1" in dossier.text


async def _next(bot_api: FakeBotApi, chat: int, update) -> str:
    """Push an update and return the text of the next message the bot sends to ``chat``."""
    before = len(bot_api.sent(chat_id=chat))
    bot_api.push(update)
    return (await bot_api.wait_for_messages(chat, before + 1))[before].text


async def test_an_abandoned_hand_off_ends_after_the_timeout(bot, bot_api, clock):
    where = await _next(bot_api, USER, bot_api.command(USER, "/referent"))
    assert where.startswith("Où se trouve votre collectivité")
    clock.now += dt.timedelta(minutes=31)  # the user walked away, and comes back with a question
    answer = await _next(
        bot_api, USER, bot_api.message(USER, "Comment adhérer au réseau Horizon ?")
    )
    assert "15 mars 2027" in answer


async def test_commands_leave_any_flow_and_always_answer(bot, bot_api):
    assert "rien à annuler" in await _next(bot_api, USER, bot_api.command(USER, "/cancel"))
    assert "ne connais pas cette commande" in await _next(
        bot_api, USER, bot_api.command(USER, "/foo")
    )
    await _next(bot_api, USER, bot_api.command(USER, "/financements"))
    await _next(bot_api, USER, bot_api.command(USER, "/referent"))  # leaves the funding flow
    consent = await _next(bot_api, USER, bot_api.message(USER, "44000 Nantes"))
    assert "Avant de continuer" in consent
    assert (
        await _next(bot_api, USER, bot_api.button(USER, "consent:yes")) == "Votre nom et prénom ?"
    )
    assert "Comment m'utiliser" in await _next(bot_api, USER, bot_api.command(USER, "/help"))
    answer = await _next(
        bot_api, USER, bot_api.message(USER, "Comment adhérer au réseau Horizon ?")
    )
    assert "15 mars 2027" in answer  # a question again, not the name
    assert "rien à annuler" in await _next(bot_api, USER, bot_api.command(USER, "/cancel"))


async def test_a_hand_off_asked_in_a_group_continues_privately(bot, bot_api: FakeBotApi, services):
    group = -4242
    bot_api.push(bot_api.command(group, "/referent", user_id=USER, chat_type="group"))
    [page] = await bot_api.wait_for_messages(group)
    assert "continuons en privé" in page.text
    [[button]] = page.buttons
    assert button["url"] == "https://t.me/inspire_test_bot?start=referent"
    bot_api.push(bot_api.message(group, "44000 Nantes", user_id=USER, chat_type="group"))
    bot_api.push(bot_api.button(group, "menu:referent"))  # the 🤝 button under an answer
    await bot_api.wait_for_messages(group, 2)
    await asyncio.sleep(0.5)
    texts = [m.text for m in bot_api.sent(chat_id=group)]
    assert len(texts) == 2 and all("continuons en privé" in t for t in texts)
    assert not any(c.params.get("reply_markup", {}).get("keyboard") for c in bot_api.calls)


async def test_stale_buttons_answer_with_a_toast(bot, bot_api: FakeBotApi):
    await _join(bot_api, REF, "CODE-PDL")
    bot_api.push(bot_api.button(REF, "ho:take:99"))
    bot_api.push(bot_api.button(USER, "consent:yes"))  # a flow that is long gone
    bot_api.push(bot_api.button(USER, "unsub:12"))
    await bot_api.wait_for(lambda: len(bot_api.sent("answerCallbackQuery")) == 3)
    toasts = [c.params.get("text") for c in bot_api.sent("answerCallbackQuery")]
    assert toasts == ["Cette action n'est plus disponible."] * 3
    assert not any(c.params.get("show_alert") for c in bot_api.sent("answerCallbackQuery"))


async def test_join_codes_are_limited_per_chat(bot, bot_api: FakeBotApi):
    def join(code):
        return bot_api.command(REF, f"/referent_join {code}", user_id=9001, chat_type="group")

    answers = [await _next(bot_api, REF, join(f"WRONG-{n}")) for n in range(5)]
    assert all(a.startswith("Code inconnu") for a in answers[:4])
    assert answers[4].startswith("Trop de codes erronés")
    last = await _next(bot_api, REF, join("CODE-PDL"))
    assert last == "Trop de codes erronés depuis cette conversation : réessayez dans une heure."


async def test_a_long_reply_reaches_the_user_in_parts(bot, bot_api: FakeBotApi, services):
    await _join(bot_api, REF, "CODE-PDL")
    await _request_help(bot_api)
    await _fill_and_send(bot_api)
    dossier = (await bot_api.wait_for_messages(REF, 2))[-1]
    await bot_api.wait_for(lambda: any("📬" in m.text for m in bot_api.sent(chat_id=USER)))
    before = len(bot_api.sent(chat_id=USER))
    words = ("Bonjour 🙂 " * 372).strip()  # fits Telegram's limit as typed, not once signed
    reply_to = {
        "message_id": dossier.result["message_id"],
        "date": 0,
        "text": "…",
        "chat": {"id": REF, "type": "group"},
        "from": {"id": 123456, "is_bot": True, "first_name": "INSPIRE"},
    }
    bot_api.push(
        bot_api.message(REF, words, user_id=42, chat_type="group", reply_to_message=reply_to)
    )
    parts = (await bot_api.wait_for_messages(USER, before + 2))[before:]
    assert " ".join(p.text for p in parts).count("Bonjour") == 372
    assert not any(c.failed for c in bot_api.calls if c.chat_id == USER)


async def test_privacy_describes_dossiers_and_forget(bot, bot_api: FakeBotApi):
    page = await _next(bot_api, USER, bot_api.command(USER, "/privacy"))
    assert "dossier" in page and "12 mois" in page and "/forget" in page and "[effacé]" in page


async def test_the_bot_greets_a_group_it_joins(bot, bot_api: FakeBotApi):
    group = -5151
    user = {"id": USER, "is_bot": False, "first_name": "Élu", "language_code": "fr"}
    member = {"user": {"id": 123456, "is_bot": True, "first_name": "INSPIRE"}}
    bot_api.push(
        {
            "update_id": 990001,
            "my_chat_member": {
                "chat": {"id": group, "type": "group", "title": "Élus"},
                "from": user,
                "date": 0,
                "old_chat_member": {**member, "status": "left"},
                "new_chat_member": {**member, "status": "member"},
            },
        }
    )
    [greeting] = await bot_api.wait_for_messages(group)
    assert "Bonjour à toutes et à tous" in greeting.text and "@inspire_test_bot" in greeting.text


async def test_after_forget_mid_hand_off_and_a_restart_the_bot_answers(
    bot_settings, bot_api, e5, clock
):
    services = Services(bot_settings, e5, clock=clock)
    async with running(build_application(bot_settings, services)):
        await _next(bot_api, USER, bot_api.command(USER, "/referent"))
        await _next(bot_api, USER, bot_api.button(USER, "net:pdlci"))
        name = await _next(bot_api, USER, bot_api.button(USER, "consent:yes"))
        assert name == "Votre nom et prénom ?"
        assert "effacé" in await _next(bot_api, USER, bot_api.command(USER, "/forget"))
    services = Services(bot_settings, e5, clock=clock)
    async with running(build_application(bot_settings, services)):
        question = bot_api.message(USER, "Comment adhérer au réseau Horizon ?")
        assert "15 mars 2027" in await _next(bot_api, USER, question)
