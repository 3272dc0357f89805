"""Lengths as Telegram counts them: UTF-16 code units, not code points."""

from bot.dialogue.replies import TELEGRAM_LIMIT, split_message, telegram_length


def test_telegram_length_counts_utf16_units():
    assert telegram_length("abc") == 3
    assert telegram_length("é€") == 2  # in the basic plane: one unit each
    assert telegram_length("🙂") == 2  # outside it: a surrogate pair
    assert telegram_length("🇺🇦") == 4


def test_a_message_of_emoji_is_split_under_the_real_limit():
    markup = "🙂" * 3000  # 3,000 characters, 6,000 units
    parts = split_message(markup)
    assert len(parts) == 2
    assert all(telegram_length(p) <= TELEGRAM_LIMIT for p in parts)
    assert "".join(parts) == markup  # nothing lost


def test_words_with_emoji_are_cut_between_words():
    markup = " ".join(["mot🙂"] * 1500)  # 1,500 × 5 units + spaces
    parts = split_message(markup)
    assert all(telegram_length(p) <= TELEGRAM_LIMIT for p in parts)
    assert " ".join(parts).split() == markup.split()
