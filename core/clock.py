"""Time, injectable so tests and benchmarks can move it by hand."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class ManualClock:
    """A clock that moves only when told to (tests, benchmarks)."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self._now = moment


class SteadyClock:
    """Wall time that never runs backwards within this process.

    The outbox keeps due-times and leases as wall times in the database. A wall
    clock stepped back an hour (NTP, a wrong manual fix) made every row look an
    hour early, and nothing went out for that hour. While the wall clock is
    behind the latest time seen, this goes on from that time by the monotonic
    clock; once the wall clock catches up it is used again.
    """

    def __init__(self, wall: Clock):
        self.wall = wall
        self._latest: datetime | None = None
        self._latest_at = 0.0  # time.monotonic() when _latest was read

    def now(self) -> datetime:
        wall, at = self.wall.now(), time.monotonic()
        if self._latest is not None and wall < self._latest:
            return self._latest + timedelta(seconds=at - self._latest_at)
        self._latest, self._latest_at = wall, at
        return wall
