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
"""
from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class RateLimits:
    per_second: float | None = None          # the whole platform
    chat_interval_s: float = 0.0             # between two messages in one chat
    group_per_minute: int | None = None      # in one group chat (see `is_group`)


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
        self._sent: deque[float] = deque()
        self._sent_in_chat: dict[str, float] = {}
        self._group_sent: dict[str, deque[float]] = defaultdict(deque)

    def earliest(self, chat_id: str) -> float:
        """Seconds from now until a message to this chat may go."""
        now = self._now()
        return max(0.0, self._earliest_at(chat_id, now) - now)

    def reserve(self, chat_id: str, max_wait: float) -> float | None:
        """Book a send; return the wait before it, or None (nothing booked) if longer than max_wait."""
        now = self._now()
        at = self._earliest_at(chat_id, now)
        if at - now > max_wait:
            return None
        if self.limits.per_second:
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
            _expire(self._sent, now - 1.0)
            cap = math.ceil(self.limits.per_second)
            if len(self._sent) >= cap:
                at = max(at, self._sent[-cap] + 1.0)
        last = self._sent_in_chat.get(chat_id)
        if last is not None:
            at = max(at, last + self.limits.chat_interval_s)
        cap = self.limits.group_per_minute
        if cap and self.is_group(chat_id):
            sent = self._group_sent[chat_id]
            _expire(sent, now - 60.0)
            if len(sent) >= cap:
                at = max(at, sent[-cap] + 60.0)
        return at - now

    def sent(self, chat_id: str) -> None:
        """A send goes out now (call it with no await between it and hold_back's 0)."""
        now = self._now()
        if self.limits.per_second:
            self._sent.append(now)
        if self.limits.chat_interval_s:
            self._sent_in_chat[chat_id] = now
        if self.limits.group_per_minute and self.is_group(chat_id):
            self._group_sent[chat_id].append(now)

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
