"""The limiter's arithmetic, on a hand-moved clock."""
from __future__ import annotations

import pytest

from core.ratelimit import RateLimiter, RateLimits


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_platform_rate_spaces_messages_evenly() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimits(per_second=20), now=clock)
    waits = [limiter.reserve(f"chat{i}", max_wait=10) for i in range(5)]
    assert waits == pytest.approx([0, 0.05, 0.10, 0.15, 0.20])


def test_one_chat_waits_its_interval() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimits(chat_interval_s=1.0), now=clock)
    assert limiter.reserve("a", 10) == 0
    assert limiter.reserve("b", 10) == 0
    assert limiter.reserve("a", 10) == pytest.approx(1.0)
    clock.t += 5
    assert limiter.reserve("a", 10) == 0


def test_group_cap_per_minute() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimits(group_per_minute=3), is_group=lambda c: c.startswith("-"), now=clock)
    assert [limiter.reserve("-1", 100) for _ in range(3)] == [0, 0, 0]
    assert limiter.reserve("-1", 100) == pytest.approx(60)
    assert limiter.reserve("5", 100) == 0  # private chats are not capped


def test_a_slot_too_far_off_is_not_booked() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimits(chat_interval_s=30), now=clock)
    limiter.reserve("a", 100)
    assert limiter.reserve("a", max_wait=10) is None
    assert limiter.earliest("a") == pytest.approx(30)
    clock.t += 30
    assert limiter.reserve("a", max_wait=10) == 0
