"""The limiter's arithmetic, on a hand-moved clock."""
from __future__ import annotations

import pytest

from core.ratelimit import RateLimiter, RateLimits
from tests.fakes.telegram_api import most_in_one_second


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


def test_requests_written_late_still_arrive_inside_the_platforms_window() -> None:
    """A send may reach the platform well after it left (a busy event loop writes the
    request late) and so arrive close to the sends after it. Counted until its answer,
    no second of arrivals holds more than the platform's 30, whatever the delays."""
    import heapq
    import random

    from adapters.telegram.adapter import TELEGRAM_LIMITS

    clock = Clock()
    limiter = RateLimiter(TELEGRAM_LIMITS, now=clock)
    jitter = random.Random(7)
    arrivals: list[float] = []
    # (time, order, what, chat): "send" when a sender wakes for its booked slot, "answer" when its answer returns.
    queue: list[tuple[float, int, str, str]] = []
    for n in range(300):
        chat = str(n + 1)  # private chats: only the platform-wide window binds
        heapq.heappush(queue, (clock.t + (limiter.reserve(chat, max_wait=60) or 0.0), n, "send", chat))
    order = 300
    while queue:
        clock.t, _, what, chat = heapq.heappop(queue)
        if what == "answer":
            limiter.settled(chat)
            continue
        if (hold := limiter.hold_back(chat)) > 0:
            heapq.heappush(queue, (clock.t + hold, order, "send", chat))
        else:
            limiter.sent(chat)
            # Mostly prompt, sometimes written 50–300 ms late; the answer follows the arrival.
            arrival = clock.t + (jitter.uniform(0.05, 0.3) if jitter.random() < 0.2 else 0.002)
            arrivals.append(arrival)
            heapq.heappush(queue, (arrival + 0.003, order, "answer", chat))
        order += 1
    assert len(arrivals) == 300
    assert most_in_one_second(arrivals) <= 30
    assert max(arrivals) - min(arrivals) < 300 / 25  # still close to the pace booked (28.5 a second)


def test_a_send_never_answered_stops_holding_the_window_in_the_end() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimits(per_second=2), now=clock)
    limiter.sent("a")
    limiter.sent("b")  # neither answered: both may still arrive at any moment
    assert limiter.hold_back("c") > 0
    limiter.settled("a")
    clock.t += 1.01
    assert limiter.hold_back("c") == 0  # a's answer came more than a second ago
    limiter.sent("c")
    clock.t += 120  # b's request has long timed out
    assert limiter.hold_back("d") == 0


def test_a_chat_takes_a_short_burst_then_one_an_interval() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimits(chat_interval_s=1.0, chat_burst=3), now=clock)
    assert [limiter.reserve("a", 10) for _ in range(5)] == pytest.approx([0, 0, 0, 1.0, 2.0])
    assert limiter.reserve("b", 10) == 0  # another chat has its own bucket
    clock.t += 2.5  # the 5th was booked for +2.0: half a token back
    assert limiter.reserve("a", 10) == pytest.approx(0.5)
    clock.t += 1.5  # a token since that one, not yet three
    assert limiter.reserve("a", 10) == 0
    assert limiter.reserve("a", 10) == pytest.approx(1.0)
    clock.t += 10  # idle: the full burst again
    assert [limiter.reserve("a", 10) for _ in range(3)] == [0, 0, 0]


def _bucket_refusals(arrivals: list[float], burst: int, per_second: float) -> int:
    """How many of one chat's arrivals a token bucket (as Telegram's and Slack's) would refuse."""
    tokens, at, refused = float(burst), None, 0
    for t in sorted(arrivals):
        if at is not None:
            tokens = min(float(burst), tokens + (t - at) * per_second)
        at = t
        if tokens < 1.0:
            refused += 1
        else:
            tokens -= 1.0
    return refused


def test_one_chats_sends_fit_its_bucket_wherever_each_lands_before_its_answer() -> None:
    """A send lands somewhere between leaving and its answer; a retried or unbooked send
    has only hold_back to pace it. Sends paced by hold_back alone, each landing at the
    worst moment (as early or as late as it can), never find the chat's bucket empty, and
    the burst still lets the first three go at once."""
    import random

    clock = Clock()
    # Paced at exactly the bucket's rate: no margin to hide a send counted too early.
    limiter = RateLimiter(RateLimits(chat_interval_s=1.0, chat_burst=3), now=clock)
    jitter = random.Random(5)
    arrivals: list[float] = []
    for n in range(30):
        while (hold := limiter.hold_back("-1")) > 0:
            clock.t += hold
        limiter.sent("-1")
        latency = 0.01 if n < 3 else jitter.uniform(0.01, 0.8)
        arrivals.append(clock.t + (0.001 if jitter.random() < 0.5 else latency - 0.001))
        clock.t += latency
        limiter.settled("-1")
    assert _bucket_refusals(arrivals, burst=3, per_second=1.0) == 0
    assert arrivals[2] - arrivals[0] < 0.1  # the burst
    assert arrivals[-1] - arrivals[0] < 27 * 1.0 + 30 * 0.8  # paced, not stalled
