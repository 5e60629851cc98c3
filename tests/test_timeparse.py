"""Durations and clock times as typed in commands and on the CLI."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from core.timeparse import parse_duration, parse_local_time

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc)  # 15:00 in Shanghai


@pytest.mark.parametrize("text, expected", [
    ("90s", timedelta(seconds=90)), ("30m", timedelta(minutes=30)), ("30min", timedelta(minutes=30)),
    ("12h", timedelta(hours=12)), ("7d", timedelta(days=7)), ("2W", timedelta(weeks=2)),
    ("1d12h", timedelta(days=1, hours=12)), (" 1d 12h ", timedelta(days=1, hours=12)),
])
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d", "7x", "forever", "-5m", "1.5h", "7d!"])
def test_what_is_not_a_duration(text: str) -> None:
    assert parse_duration(text) is None


def test_clock_times_are_the_next_such_time_in_the_zone() -> None:
    assert parse_local_time("16:30", SHANGHAI, NOW) == datetime(2026, 11, 22, 8, 30, tzinfo=timezone.utc)
    assert parse_local_time("15:00", SHANGHAI, NOW) == datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)
    assert parse_local_time("2026-11-25T08:00", SHANGHAI, NOW) == datetime(2026, 11, 25, 0, 0, tzinfo=timezone.utc)
    for bad in ("25:00", "2026-02-30T08:00", "noon", "8h"):
        assert parse_local_time(bad, SHANGHAI, NOW) is None
