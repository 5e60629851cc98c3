"""Pacing outbound messages to stay inside a platform's limits.

The limiter hands out send times: each reservation is the earliest moment that
keeps the platform-wide rate, the gap between two messages in one chat, and the
per-minute cap of group chats. Reservations are made in one thread (the event
loop), so they never race.
"""
from __future__ import annotations

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

    def _earliest_at(self, chat_id: str, now: float) -> float:
        at = max(now, self._next_global)
        last = self._last_in_chat.get(chat_id)
        if last is not None:
            at = max(at, last + self.limits.chat_interval_s)
        cap = self.limits.group_per_minute
        if cap and self.is_group(chat_id):
            sends = self._group_sends[chat_id]
            while sends and sends[0] <= now - 60.0:
                sends.popleft()
            if len(sends) >= cap:
                at = max(at, sends[-cap] + 60.0)
        return at
