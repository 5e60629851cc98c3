"""Pacing outbound messages to stay inside a platform's limits.

The limiter hands out send times: each reservation is the earliest moment that
keeps the platform-wide rate, the gap between two messages in one chat, and the
per-minute cap of group chats. Reservations are made in one thread (the event
loop), so they never race.

A reservation is a plan; the platform counts what arrives. A sender woken late
(an event loop busy with a storm of presses) sends later than booked, in a
bunch with the sends booked after it, and the bunch tipped Telegram's
30-per-second window over (a 429 in the ack storm). So the sends that actually
went out are recorded too (`sent`), and `hold_back` keeps each window within its
limit counted that way.

Counted from when a send left, the windows still broke in the mixed storm: a
request written late by a busy loop arrives close to the ones after it. When a
send arrives is unknown, but not after its answer came back (`settled`): so a
send counts in a window from when it left until a window's length after its
answer, and while in flight it counts as arriving at any moment. A window kept
so holds on Telegram's side whatever the delays in between.

One chat is paced like a token bucket: `chat_burst` messages may go at once,
then one per `chat_interval_s` (both platforms say a chat gets about one a
second with short bursts allowed). A reporting group that sends three reports at
once so gets its three receipts at once, not one a second.
"""
from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Callable, Iterable


@dataclass(frozen=True)
class RateLimits:
    per_second: float | None = None          # the whole platform
    chat_interval_s: float = 0.0             # between two messages in one chat, beyond a burst
    chat_burst: int = 1                      # messages a chat may take at once
    group_per_minute: int | None = None      # in one group chat (see `is_group`)


# A send with no answer after this long is taken as answered then: an HTTP call
# has timed out long before, and a send forgotten in flight must not block a chat.
IN_FLIGHT_AT_MOST_S = 60.0
# While the sends that fill a window are all in flight, look again this soon.
IN_FLIGHT_POLL_S = 0.01


@dataclass
class _Send:
    left: float
    answered: float | None = None  # None: in flight

    def counted_until(self, window: float, now: float) -> float:
        """The last moment this send may still be in a window of that length."""
        if self.answered is not None:
            return self.answered + window
        if now - self.left > IN_FLIGHT_AT_MOST_S:
            return self.left + IN_FLIGHT_AT_MOST_S + window
        return math.inf


@dataclass
class _Bucket:
    """One chat's token bucket: tokens left after the last send taken, and when it was taken.

    Tokens may go below zero: a bound kept from below stays a bound."""
    tokens: float
    at: float

    def tokens_at(self, t: float, limits: RateLimits) -> float:
        return min(float(limits.chat_burst), self.tokens + (t - self.at) / limits.chat_interval_s)

    def ready_at(self, limits: RateLimits) -> float:
        """When it next holds a token."""
        return self.at + max(0.0, 1.0 - self.tokens) * limits.chat_interval_s


def _take(bucket: _Bucket | None, t: float, limits: RateLimits) -> _Bucket:
    tokens = float(limits.chat_burst) if bucket is None else bucket.tokens_at(t, limits)
    return _Bucket(tokens - 1.0, t)


class RateLimiter:
    def __init__(
        self, limits: RateLimits, is_group: Callable[[str], bool] = lambda _: False,
        now: Callable[[], float] = time.monotonic,
    ):
        self.limits = limits
        self.is_group = is_group
        self._now = now
        self._next_global = 0.0
        self._chat_plan: dict[str, _Bucket] = {}
        self._group_sends: dict[str, deque[float]] = defaultdict(deque)
        # What actually went out, for hold_back.
        self._sent: list[_Send] = []
        # Each chat's answered sends taken from its bucket at their answers (the latest
        # they can have landed), and its send still in flight.
        self._landed: dict[str, _Bucket] = {}
        self._in_flight: dict[str, _Send] = {}
        self._group_sent: dict[str, list[_Send]] = defaultdict(list)

    def earliest(self, chat_id: str) -> float:
        """Seconds from now until a message to this chat may go."""
        now = self._now()
        return max(0.0, self._earliest_at(chat_id, now) - now)

    def booked_ahead(self) -> float:
        """Seconds of the platform-wide rate already booked from now on."""
        return max(0.0, self._next_global - self._now())

    def reserve(self, chat_id: str, max_wait: float) -> float | None:
        """Book a send; return the wait before it, or None (nothing booked) if longer than max_wait."""
        now = self._now()
        at = self._earliest_at(chat_id, now)
        if at - now > max_wait:
            return None
        # Only a send that takes the platform-wide line's next slot moves the line on. One
        # waiting out its own chat's interval (a busy centre group, a second of its own) would
        # otherwise push every other chat's send behind it; it goes at its time off the line,
        # and hold_back keeps the second it lands in within the rate.
        if self.limits.per_second and at <= max(now, self._next_global) + 1.0 / self.limits.per_second:
            self._next_global = at + 1.0 / self.limits.per_second
        self._book_in_chat(chat_id, at)
        if self.limits.group_per_minute and self.is_group(chat_id):
            self._group_sends[chat_id].append(at)
        return at - now

    def hold_back(self, chat_id: str) -> float:
        """Seconds a send due now must still wait, judged by the sends that went out."""
        now = self._now()
        at = self._chat_room_at(chat_id, now)
        if self.limits.per_second:
            self._sent = _still_counted(self._sent, 1.0, now)
            at = max(at, _room_at(self._sent, math.ceil(self.limits.per_second), 1.0, now))
        return at - now

    def chat_hold_back(self, chat_id: str) -> float:
        """The part of hold_back that is the chat's own: its bucket and a group's minute.

        Sends waiting out only the platform-wide window can then take their turns
        (bot.outbox); a send waiting for its own chat holds nobody's turn."""
        now = self._now()
        return self._chat_room_at(chat_id, now) - now

    def sent(self, chat_id: str) -> None:
        """A send goes out now (call it with no await between it and hold_back's 0)."""
        now = self._now()
        self.settled(chat_id)  # one chat's sends go one after another: the one before has settled
        send = _Send(now)
        if self.limits.per_second:
            self._sent.append(send)
        self._in_flight[chat_id] = send
        if self.limits.group_per_minute and self.is_group(chat_id):
            self._group_sent[chat_id].append(send)

    def settled(self, chat_id: str) -> None:
        """The chat's last send was answered (or failed): it has arrived, if it ever will."""
        self._settle(chat_id, self._now())

    def _settle(self, chat_id: str, at: float) -> None:
        send = self._in_flight.pop(chat_id, None)
        if send is None:
            return
        send.answered = at
        if self.limits.chat_interval_s:
            self._landed[chat_id] = _take(self._landed.get(chat_id), at, self.limits)

    def _earliest_at(self, chat_id: str, now: float) -> float:
        at = max(now, self._next_global, self._chat_ready_at(chat_id))
        cap = self.limits.group_per_minute
        if cap and self.is_group(chat_id):
            sends = self._group_sends[chat_id]
            _expire(sends, now - 60.0)
            if len(sends) >= cap:
                at = max(at, sends[-cap] + 60.0)
        return at

    def _chat_ready_at(self, chat_id: str) -> float:
        """When the chat's bucket, as booked, next holds a token."""
        plan = self._chat_plan.get(chat_id)
        return 0.0 if plan is None or not self.limits.chat_interval_s else plan.ready_at(self.limits)

    def _book_in_chat(self, chat_id: str, at: float) -> None:
        if self.limits.chat_interval_s:  # at: never before the chat's last booking
            self._chat_plan[chat_id] = _take(self._chat_plan.get(chat_id), at, self.limits)

    def _chat_room_at(self, chat_id: str, now: float) -> float:
        """When the chat may take a send, judged by the sends that went out: its bucket
        and, for a group, its minute."""
        at = self._bucket_room_at(chat_id, now)
        cap = self.limits.group_per_minute
        if cap and self.is_group(chat_id):
            sent = self._group_sent[chat_id] = _still_counted(self._group_sent[chat_id], 60.0, now)
            at = max(at, _room_at(sent, cap, 60.0, now))
        return at

    def _bucket_room_at(self, chat_id: str, now: float) -> float:
        """When the chat's bucket holds a token, judged by the sends that went out.

        A send lands somewhere between leaving and its answer, and one landing later
        leaves the bucket no fuller afterwards: so each is taken from the bucket at its
        answer, and the one in flight is counted as taken already.
        """
        if not self.limits.chat_interval_s:
            return now
        flying = self._in_flight.get(chat_id)
        if flying is not None and now - flying.left > IN_FLIGHT_AT_MOST_S:
            self._settle(chat_id, flying.left + IN_FLIGHT_AT_MOST_S)
            flying = None
        landed = self._landed.get(chat_id)
        tokens = float(self.limits.chat_burst) if landed is None else landed.tokens_at(now, self.limits)
        if flying is not None:
            tokens -= 1.0
        if tokens >= 1.0:
            return now
        # Refilling alone would make room then; an answer still to come takes its token later.
        return now + max((1.0 - tokens) * self.limits.chat_interval_s, IN_FLIGHT_POLL_S if flying else 0.0)


def _expire(times: deque[float], before: float) -> None:
    while times and times[0] <= before:
        times.popleft()


def _still_counted(sends: Iterable[_Send], window: float, now: float) -> list[_Send]:
    return [s for s in sends if s.counted_until(window, now) > now]


def _room_at(sends: list[_Send], cap: int, window: float, now: float) -> float:
    """When fewer than cap of sends (all still counted) are left in the window."""
    if len(sends) < cap:
        return now
    until = sorted(s.counted_until(window, now) for s in sends)[len(sends) - cap]
    return now + IN_FLIGHT_POLL_S if until == math.inf else until
