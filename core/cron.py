"""Schedule arithmetic shared by everything the organisation file schedules (roll-calls
and their intensified periods, drills, the monthly bulletin): which run is due now.

A timer ticks every second or so, and a bot may have been down at the scheduled time:
the run due is the latest fire time within the grace before now, so a run missed while
the bot was down still happens once it is back, and one missed for longer is skipped."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from apscheduler.triggers.base import BaseTrigger


def latest_fire_time(trigger: BaseTrigger, now: datetime, grace: timedelta,
                     ends_at: datetime | None = None) -> datetime | None:
    """The latest time the trigger fires in (now - grace, now] and before ends_at, in UTC;
    None when there is none."""
    at = trigger.get_next_fire_time(None, now - grace)
    latest = None
    while at is not None and at <= now:
        if ends_at is not None and at >= ends_at:
            break
        latest = at
        at = trigger.get_next_fire_time(at, at)  # the next one strictly after `at`
    return None if latest is None else latest.astimezone(timezone.utc)
