"""How reports write times, durations and shares, in the organisation's language."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.i18n import Translator


def clock(moment: datetime | None, zone: ZoneInfo, *, date: bool = False) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S" if date else "%H:%M:%S")


def span(t: Translator, length: timedelta | None) -> str:
    """"12分05秒", "1小时02分", "3天4小时"; "—" when it never happened."""
    if length is None:
        return "—"
    seconds = max(0, round(length.total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        return t("review.span.days", days=hours // 24, hours=hours % 24)
    if hours:
        return t("review.span.hours", hours=hours, minutes=minutes)
    return t("review.span.minutes", minutes=minutes, seconds=seconds)


def minutes(t: Translator, value: float | None) -> str:
    """A statistic in minutes, one decimal."""
    return "—" if value is None else t("review.minutes", value=f"{value:.1f}")


def share(part: int, whole: int) -> str:
    return "—" if not whole else f"{part}/{whole} ({100 * part / whole:.0f}%)"
