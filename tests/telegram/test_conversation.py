import pytest

from tests.fakes.bot_api import FakeBotApi

CHAT = 1001


async def test_start_shows_the_welcome_and_menu(bot, bot_api: FakeBotApi):
    bot_api.push(bot_api.command(CHAT, "/start"))
    [welcome] = await bot_api.wait_for_messages(CHAT)
    assert "INSPIRE" in welcome.text
    assert welcome.params["parse_mode"] == "HTML"
    labels = [b["text"] for row in welcome.buttons for b in row]
    assert labels == [
        "❓ Poser une question",
        "💶 Trouver un financement",
        "🤝 Contacter mon référent",
        "ℹ️ Le programme",
    ]
    assert welcome.params["link_preview_options"] == {"is_disabled": True}


async def test_commands_are_registered_per_language(bot, bot_api: FakeBotApi):
    registered = bot_api.sent("setMyCommands")
    assert {c.params.get("language_code") for c in registered} == {None, "fr", "en", "uk", "pl"}
    english = next(c for c in registered if c.params.get("language_code") == "en")
    assert {"command": "financements", "description": "Find funding calls"} in english.params[
        "commands"
    ]
    polish = next(c for c in registered if c.params.get("language_code") == "pl")
    assert {"command": "lang", "description": "Zmień język"} in polish.params["commands"]


async def test_a_polish_user_gets_the_polish_interface(bot, bot_api: FakeBotApi):
    bot_api.push(bot_api.command(CHAT, "/start", language="pl"))
    [welcome] = await bot_api.wait_for_messages(CHAT)
    assert welcome.text.startswith("Dzień dobry!")
    assert welcome.buttons[0][0]["text"] == "❓ Zadaj pytanie"
    bot_api.push(bot_api.command(CHAT, "/lang", language="pl"))
    choice = (await bot_api.wait_for_messages(CHAT, 2))[-1]
    assert choice.text == "Wybierz język:"
    assert [b["text"] for row in choice.buttons for b in row] == [
        "🇫🇷 Français",
        "🇬🇧 English",
        "🇺🇦 Українська",
        "🇵🇱 Polski",
    ]


async def test_a_question_gets_a_cited_answer_with_buttons(bot, bot_api: FakeBotApi):
    bot_api.push(bot_api.message(CHAT, "Comment adhérer au réseau Horizon ?"))
    [answer] = await bot_api.wait_for_messages(CHAT)
    assert "15 mars 2027" in answer.text and "[1]" in answer.text
    assert bot_api.sent("sendChatAction", CHAT)[0].params["action"] == "typing"
    rows = answer.buttons
    assert [b["text"] for b in rows[0]] == ["📚 Sources", "👍", "👎"]
    assert rows[1][0]["text"] == "🤝 Parler à un référent"
    sources_data = rows[0][0]["callback_data"]
    bot_api.push(bot_api.button(CHAT, sources_data))
    messages = await bot_api.wait_for_messages(CHAT, 2)
    assert "Guide Horizon" in messages[1].text and "p. 1" in messages[1].text
    assert "programme/guide.pdf" not in messages[1].text  # no path on the server
    assert bot_api.sent("answerCallbackQuery")
    # the cited PDF has no public address: it is sent itself, page named, uploaded only once
    await bot_api.wait_for(lambda: len(bot_api.sent("sendDocument", CHAT)) == 1)
    [document] = bot_api.sent("sendDocument", CHAT)
    assert document.result["document"]["file_name"] == "guide.pdf"
    assert document.params["caption"] == "Guide Horizon — p. 1"
    bot_api.push(bot_api.button(CHAT, sources_data))
    await bot_api.wait_for(lambda: len(bot_api.sent("sendDocument", CHAT)) == 2)
    again = bot_api.sent("sendDocument", CHAT)[1]
    assert again.params["document"] == document.result["document"]["file_id"]
    assert bot_api.uploads == 1


async def test_feedback_is_stored_without_user_id(bot, bot_api: FakeBotApi, services):
    bot_api.push(bot_api.message(CHAT, "Comment adhérer au réseau Horizon ?"))
    [answer] = await bot_api.wait_for_messages(CHAT)
    bot_api.push(bot_api.button(CHAT, answer.buttons[0][1]["callback_data"]))
    await bot_api.wait_for(lambda: len(bot_api.sent("answerCallbackQuery")) == 1)
    toast = bot_api.sent("answerCallbackQuery")[0]
    assert toast.params["text"] == "Merci pour votre avis !"
    assert services.database.feedback_counts() == {1: 1}
    with services.database.session() as session:
        from bot.db import Feedback

        row = session.query(Feedback).one()
        assert row.question == "Comment adhérer au réseau Horizon ?"
        assert str(CHAT) not in " ".join(str(v) for v in vars(row).values())


async def test_the_user_language_drives_the_interface(bot, bot_api: FakeBotApi):
    bot_api.push(bot_api.command(CHAT, "/start", language="uk"))
    [welcome] = await bot_api.wait_for_messages(CHAT)
    assert "Вітаю" in welcome.text
    bot_api.push(bot_api.command(CHAT, "/lang", language="uk"))
    messages = await bot_api.wait_for_messages(CHAT, 2)
    bot_api.push(bot_api.button(CHAT, "lang:en", language="uk"))
    await bot_api.wait_for(lambda: bool(bot_api.sent("editMessageText")))
    assert "English" in bot_api.sent("editMessageText")[0].text
    bot_api.push(bot_api.command(CHAT, "/help", language="uk"))
    messages = await bot_api.wait_for_messages(CHAT, 3)
    assert "How to use me" in messages[2].text


async def test_off_topic_question_offers_a_referent(bot, bot_api: FakeBotApi):
    bot_api.push(bot_api.message(CHAT, "Quelle est la recette de la tarte aux pommes ?"))
    [answer] = await bot_api.wait_for_messages(CHAT)
    assert "Je n'ai pas trouvé" in answer.text
    bot_api.push(bot_api.button(CHAT, answer.buttons[0][0]["callback_data"]))
    messages = await bot_api.wait_for_messages(CHAT, 2)
    assert messages[1].text.startswith("Où se trouve votre collectivité")
    assert [row[0]["text"] for row in messages[1].buttons] == [
        "Lianes Coopération",
        "Pays de la Loire Coopération Internationale",
        "SO Coopération",
        "Autre région",
    ]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [("calls", "Décrivez votre projet"), ("referent", "Où se trouve votre collectivité")],
)
async def test_deep_links(bot, bot_api: FakeBotApi, payload, expected):
    bot_api.push(bot_api.command(CHAT, f"/start {payload}"))
    [page] = await bot_api.wait_for_messages(CHAT)
    assert expected in page.text


async def test_group_messages_need_a_mention_or_a_reply(bot, bot_api: FakeBotApi):
    group = -5001
    bot_api.push(
        bot_api.message(group, "Comment adhérer au réseau Horizon ?", user_id=7, chat_type="group")
    )
    text = "@inspire_test_bot Comment adhérer au réseau Horizon ?"
    bot_api.push(
        bot_api.message(
            group,
            text,
            user_id=7,
            chat_type="group",
            entities=[{"type": "mention", "offset": 0, "length": 17}],
        )
    )
    [answer] = await bot_api.wait_for_messages(group)
    assert "15 mars 2027" in answer.text
    assert answer.params["reply_parameters"]["message_id"]
    bot_api.push(
        bot_api.message(
            group,
            "Et pour les frais de déplacement ?",
            user_id=7,
            chat_type="group",
            reply_to_message={
                "message_id": 99,
                "date": 0,
                "text": "x",
                "chat": {"id": group, "type": "group"},
                "from": {"id": 123456, "is_bot": True, "first_name": "INSPIRE"},
            },
        )
    )
    await bot_api.wait_for_messages(group, 2)
    bot_api.push(bot_api.command(group, "/help", user_id=7, chat_type="group"))
    messages = await bot_api.wait_for_messages(group, 3)
    assert len(messages) == 3  # the unaddressed first message got no answer


async def test_stickers_and_photos_get_a_polite_reply(bot, bot_api: FakeBotApi):
    sticker = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    bot_api.push(bot_api.message(CHAT, None, sticker=sticker))
    photo = [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]
    bot_api.push(bot_api.message(CHAT, None, photo=photo))
    messages = await bot_api.wait_for_messages(CHAT, 2)
    assert all("Je ne lis que les messages écrits" in m.text for m in messages)


async def test_rate_limit_is_polite(bot, bot_api: FakeBotApi, services):
    services.limiter.limit = 2
    for _ in range(3):
        bot_api.push(bot_api.message(CHAT, "Comment adhérer au réseau Horizon ?"))
    messages = await bot_api.wait_for_messages(CHAT, 3)
    assert "Attendez" in messages[2].text


async def test_privacy_says_what_is_stored(bot, bot_api: FakeBotApi):
    bot_api.push(bot_api.command(CHAT, "/privacy"))
    [page] = await bot_api.wait_for_messages(CHAT)
    assert "sans votre identifiant" in page.text


NASTY = [
    "   ",
    "x" * 10_000,
    "🙂🎉🇺🇦" * 30,
    "كيف يمكن لبلديتي الانضمام إلى البرنامج؟",
    "\u200b\u200c\u200d",
    "<b>gras</b> & <i>italique <script>alert(1)</script> *md* _x_ [lien](http://x) `c`",
]


@pytest.mark.parametrize("text", NASTY)
async def test_bad_input_always_gets_a_valid_reply(bot, bot_api: FakeBotApi, text):
    bot_api.push(bot_api.message(CHAT, text))
    [reply] = await bot_api.wait_for_messages(CHAT)
    assert 0 < len(reply.text) <= 4096
    assert reply.params["parse_mode"] == "HTML"  # accepted by the server's HTML check
