"""Durations and clock times as people type them in commands and on the CLI."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

_DURATION = re.compile(r"(\d{1,6})(min|s|m|h|d|w)", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})$")
_DATE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})$")


def parse_duration(text: str) -> timedelta | None:
    """90s, 30m (or 30min), 12h, 7d, 2w, or several at once (1d12h); None when it is not one."""
    compact = text.strip().replace(" ", "")
    if not compact or _DURATION.sub("", compact):
        return None
    return timedelta(seconds=sum(int(n) * _SECONDS[unit.lower()] for n, unit in _DURATION.findall(compact)))


def parse_local_time(value: str, zone: ZoneInfo, after: datetime) -> datetime | None:
    """`HH:MM`: the next such time after `after` in `zone`; `YYYY-MM-DDTHH:MM`: that
    time in `zone`. In UTC; None when it is neither (or no such date, like 02-30)."""
    base = after.astimezone(zone)
    try:
        if clock := _CLOCK.match(value):
            at = base.replace(hour=int(clock.group(1)), minute=int(clock.group(2)), second=0, microsecond=0)
            if at <= base:
                at += timedelta(days=1)
        elif stamp := _DATE_TIME.match(value):
            year, month, day, hour, minute = (int(g) for g in stamp.groups())
            at = datetime(year, month, day, hour, minute, tzinfo=zone)
        else:
            return None
        return at.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # 25:00, 2026-02-30, 0001-01-01 (before UTC's year 1)
        return None
