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
    chat_interval_s: float = 0.0             # between two messages in one chat
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


class RateLimiter:
    def __init__(
        self, limits: RateLimits, is_group: Callable[[str], bool] = lambda _: False,
        now: Callable[[], float] = time.monotonic,
    ):
        self.limits = limits
        self.is_group = is_group
        self._now = now
        self._next_global = 0.0
        self._last_in_chat: dict[str, float] = {}
        self._group_sends: dict[str, deque[float]] = defaultdict(deque)
        # What actually went out, for hold_back.
        self._sent: list[_Send] = []
        self._sent_in_chat: dict[str, _Send] = {}
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
        self._last_in_chat[chat_id] = at
        if self.limits.group_per_minute and self.is_group(chat_id):
            self._group_sends[chat_id].append(at)
        return at - now

    def hold_back(self, chat_id: str) -> float:
        """Seconds a send due now must still wait, judged by the sends that went out."""
        now = self._now()
        at = now
        if self.limits.per_second:
            self._sent = _still_counted(self._sent, 1.0, now)
            at = max(at, _room_at(self._sent, math.ceil(self.limits.per_second), 1.0, now))
        last = self._sent_in_chat.get(chat_id)
        if last is not None and self.limits.chat_interval_s:
            at = max(at, _room_at([last], 1, self.limits.chat_interval_s, now))
        cap = self.limits.group_per_minute
        if cap and self.is_group(chat_id):
            sent = self._group_sent[chat_id] = _still_counted(self._group_sent[chat_id], 60.0, now)
            at = max(at, _room_at(sent, cap, 60.0, now))
        return at - now

    def sent(self, chat_id: str) -> None:
        """A send goes out now (call it with no await between it and hold_back's 0)."""
        now = self._now()
        self.settled(chat_id)  # one chat's sends go one after another: the one before has settled
        send = _Send(now)
        if self.limits.per_second:
            self._sent.append(send)
        self._sent_in_chat[chat_id] = send
        if self.limits.group_per_minute and self.is_group(chat_id):
            self._group_sent[chat_id].append(send)

    def settled(self, chat_id: str) -> None:
        """The chat's last send was answered (or failed): it has arrived, if it ever will."""
        send = self._sent_in_chat.get(chat_id)
        if send is not None and send.answered is None:
            send.answered = self._now()

    def _earliest_at(self, chat_id: str, now: float) -> float:
        at = max(now, self._next_global)
        last = self._last_in_chat.get(chat_id)
        if last is not None:
            at = max(at, last + self.limits.chat_interval_s)
        cap = self.limits.group_per_minute
        if cap and self.is_group(chat_id):
            sends = self._group_sends[chat_id]
            _expire(sends, now - 60.0)
            if len(sends) >= cap:
                at = max(at, sends[-cap] + 60.0)
        return at


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
