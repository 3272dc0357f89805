from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dialogue.replies import TELEGRAM_LIMIT, escape, link, split_message, to_plain


def test_short_messages_are_left_alone():
    assert split_message("Bonjour") == ["Bonjour"]


def test_split_prefers_paragraphs():
    first, second = "a" * 3000, "b" * 3000
    assert split_message(f"{first}\n\n{second}") == [first, second]


def test_a_single_huge_line_is_cut_between_words():
    line = " ".join(["mot"] * 3000)
    parts = split_message(line)
    assert all(len(p) <= TELEGRAM_LIMIT for p in parts)
    assert " ".join(parts).split() == line.split()


def test_entities_are_never_cut_in_two():
    line = "&amp;" * 2000
    parts = split_message(line)
    assert all(len(p) <= TELEGRAM_LIMIT for p in parts)
    assert all(p.count("&") == p.count("&amp;") for p in parts)


def test_escape_link_and_plain():
    markup = f"<b>{escape('1 < 2 & 3')}</b> {link('https://x.org/?a=1&b=2', 'site')}"
    assert markup == '<b>1 &lt; 2 &amp; 3</b> <a href="https://x.org/?a=1&amp;b=2">site</a>'
    assert to_plain(markup) == "1 < 2 & 3 site"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=20_000))
def test_any_text_splits_under_the_limit_without_losing_words(raw):
    markup = escape(raw)
    parts = split_message(markup)
    assert parts and all(len(p) <= TELEGRAM_LIMIT for p in parts)
    assert "".join("".join(parts).split()) == "".join(markup.split())
