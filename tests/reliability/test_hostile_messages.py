"""1,000 generated hostile updates through the real bot and the fake Bot API: the bot stays up,
and every reply is valid Telegram HTML within 4,096 UTF-16 units."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.bot_api import FakeBotApi

COUNT = 1000
CHATS = range(60_000, 60_100)
APOLOGY = "Désolé, un problème technique"
NASTY_PIECES = [
    "<b>",
    "</i>",
    "<script>alert(1)</script>",
    "&amp;",
    "&",
    "<",
    ">",
    '"',
    "<a href='javascript:x'>",
    "\u202e",
    "\u200b",
    "\x00",
    "🇺🇦",
    "👨‍👩‍👧",
    "Ÿ",
    "𝕏",
    "INSPIRE",
    "réseau Horizon",
    "15 mars 2027",
    "/start",
    "@inspire_bot",
    "\n",
    " ",
    "%s",
    "{name}",
    "' OR 1=1 --",
    "DROP TABLE handoffs;",
]
COMMANDS = ["/start", "/help", "/lang", "/privacy", "/alertes", "/financements", "/referent"]
COMMANDS += ["/cancel", "/dossiers", "/stats", "/forget", "/referent_join", "/inconnue"]

texts = st.one_of(
    st.text(min_size=1, max_size=300),
    st.lists(st.sampled_from(NASTY_PIECES), min_size=1, max_size=40).map("".join),
    st.text(min_size=4000, max_size=9000),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=80),
)
updates = st.one_of(
    st.tuples(st.just("text"), texts),
    st.tuples(st.just("command"), st.tuples(st.sampled_from(COMMANDS), texts).map(" ".join)),
    st.tuples(st.just("button"), st.text(min_size=1, max_size=64)),  # forged callback data
    st.tuples(
        st.just("button"),
        st.tuples(
            st.sampled_from(["ho:take:", "ho:close:", "consent:", "net:", "lang:", "src:", "fb:"]),
            st.integers(-(10**12), 10**12).map(str),
        ).map("".join),
    ),
)


def generate() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    @settings(
        max_examples=COUNT,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(updates)
    def collect(update: tuple[str, str]) -> None:
        if len(found) < COUNT:
            found.append(update)

    collect()
    while len(found) < COUNT:  # hypothesis may stop early on a small space: repeat some
        found.append(found[len(found) % max(1, len(found))])
    return found


async def test_a_thousand_hostile_updates(bot, bot_api: FakeBotApi, services, record_property):
    services.limiter.limit = 1000
    generated = generate()
    pushed = []
    for n, (kind, value) in enumerate(generated):
        chat = CHATS[n % len(CHATS)]
        value = value.replace("\x00", "") or "?"
        if kind == "button":
            update = bot_api.button(chat, value[:64])
        else:
            update = bot_api.message(chat, value[:4096])
        pushed.append(bot_api.push(update)["update_id"])
    last = pushed[-1]
    await bot_api.wait_for(
        lambda: any(
            c.method == "getUpdates" and int(c.params.get("offset") or 0) > last
            for c in bot_api.calls
        ),
        timeout=170,
    )
    bot_api.push(bot_api.message(CHATS[0], "Comment adhérer au réseau Horizon ?"))
    await bot_api.wait_for(
        lambda: any("15 mars 2027" in c.text for c in bot_api.sent(chat_id=CHATS[0])), timeout=60
    )
    replies = [c for c in bot_api.calls if c.method in ("sendMessage", "editMessageText")]
    refused = [c for c in replies if c.failed]
    apologies = [c for c in replies if c.text.startswith(APOLOGY)]
    assert replies
    assert refused == [], [c.result for c in refused[:3]]
    assert apologies == []
    assert all(len(c.text.encode("utf-16-le")) // 2 <= 4096 for c in replies)
    toasts = sum(1 for c in bot_api.calls if c.method == "answerCallbackQuery")
    detail = f"{COUNT} updates: {len(replies)} messages, {toasts} button answers, 0 refused"
    record_property("detail", detail)
