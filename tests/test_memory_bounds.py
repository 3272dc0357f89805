"""Per-chat memory is bounded: rate-limiter keys and recent exchanges expire and are capped."""

from bot.ratelimit import RateLimiter
from bot.services import RECENT_CHATS, RECENT_EXCHANGES, Services


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_keys_expire_after_a_quiet_window():
    clock = Clock()
    limiter = RateLimiter(3, 60.0, clock)
    for user in range(5000):
        limiter.hit(user)
    assert len(limiter) == 5000
    clock.now += 61
    limiter.hit("someone new")
    assert len(limiter) == 1
    assert limiter.hit(0) == 0.0  # a forgotten key starts afresh


def test_rate_limiter_keeps_at_most_max_keys_and_still_limits():
    limiter = RateLimiter(2, 60.0, Clock(), max_keys=100)
    for user in range(1000):
        limiter.hit(user)
    assert len(limiter) <= 100
    assert limiter.hit("flood") == limiter.hit("flood") == 0.0
    assert limiter.hit("flood") > 0
    assert limiter.first_refusal("flood") and not limiter.first_refusal("flood")


def test_recent_exchanges_are_bounded_per_chat_and_in_number_of_chats(settings):
    services = Services(settings)
    for chat in range(RECENT_CHATS + 500):
        services.note(chat, f"Q{chat} → R")
    for n in range(10):
        services.note(7, f"exchange {n}")
    assert len(services.recent) <= RECENT_CHATS
    assert list(services.recent[7]) == [f"exchange {n}" for n in range(10 - RECENT_EXCHANGES, 10)]
    services.database.shutdown()
