"""Schedule definitions and the timer that starts their runs, each exactly once.

Standing schedules come from the organisation file, temporary ones from the
database (/rollcall-intensify). APScheduler's triggers only compute fire
times; nothing runs in its scheduler. A due run is claimed by inserting its
row, unique on (schedule, time): with two bot processes, or across a restart,
the second insert gets nothing and sends nothing. A run missed while the bot
was down still goes out on start within the schedule's grace, never twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.cron import latest_fire_time
from handlers.context import Context
from config.organisation import Organisation
from handlers.rollcall.runs import new_run_values, notice_to_centre, send_run
from storage.models import RollcallSchedule
from storage.rollcalls import RollcallRepository

log = logging.getLogger(__name__)

TEMPORARY_GRACE = timedelta(minutes=15)


@dataclass(frozen=True)
class ScheduleDef:
    key: str  # org:<name>:<cron> | temp:<id>
    name: str
    trigger: BaseTrigger
    units: list[str]
    answer: str
    deadline: timedelta
    grace: timedelta
    ends_at: datetime | None = None  # exclusive
    temporary: RollcallSchedule | None = None


def standing(org: Organisation) -> list[ScheduleDef]:
    found = []
    for spec in org.spec.rollcalls:
        units = list(org.home_units()) if spec.units == "all" else [c for c in spec.units if c in org.units]
        found.append(ScheduleDef(
            key=f"org:{spec.name[:40]}:{spec.cron[:30]}", name=spec.name,
            trigger=CronTrigger.from_crontab(spec.cron, timezone=org.timezone),
            units=units, answer=spec.answer, deadline=timedelta(minutes=spec.deadline_minutes),
            grace=timedelta(minutes=spec.grace_minutes),
        ))
    return found


def temporary(org: Organisation, schedule: RollcallSchedule, name: str) -> ScheduleDef:
    trigger = IntervalTrigger(minutes=schedule.every_minutes, start_date=schedule.starts_at,
                              end_date=schedule.ends_at, timezone=org.timezone)
    return ScheduleDef(
        key=f"temp:{schedule.id}", name=name, trigger=trigger,
        units=[c for c in schedule.units if c in org.units], answer=schedule.answer,
        deadline=timedelta(minutes=schedule.deadline_minutes), grace=TEMPORARY_GRACE,
        ends_at=schedule.ends_at, temporary=schedule,
    )


async def all_schedules(ctx: Context) -> list[ScheduleDef]:
    temps = await RollcallRepository(ctx.session).active_schedules(ctx.now)
    return [*standing(ctx.org),
            *(temporary(ctx.org, s, ctx.t("rollcall.temporary_name", id=s.id)) for s in temps)]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def next_run(schedule: ScheduleDef, now: datetime) -> datetime | None:
    """The first run after now, or None when the schedule has ended."""
    at = schedule.trigger.get_next_fire_time(None, now + timedelta(microseconds=1))
    if at is None or (schedule.ends_at is not None and at >= schedule.ends_at):
        return None
    return _utc(at)


def latest_due(schedule: ScheduleDef, now: datetime) -> datetime | None:
    """The latest run time in (now - grace, now], or None."""
    return latest_fire_time(schedule.trigger, now, schedule.grace, schedule.ends_at)


async def start_due(ctx: Context) -> int:
    """Timer: start every scheduled run whose time has come, once across processes."""
    candidates = [(s, at) for s in await all_schedules(ctx) if (at := latest_due(s, ctx.now)) is not None]
    if not candidates:
        return 0
    repo = RollcallRepository(ctx.session)
    oldest = min(at for _, at in candidates)
    done = await repo.claimed([s.key for s, _ in candidates], oldest)
    started = 0
    for schedule, at in candidates:
        if (schedule.key, at) in done or not schedule.units:
            continue
        run = await repo.claim(new_run_values(
            key=schedule.key, scheduled_for=at, name=schedule.name, now=ctx.now, units=schedule.units,
            answer=schedule.answer, deadline=schedule.deadline,
        ))
        if run is None:  # another process was first
            continue
        await send_run(ctx, run)
        notice_to_centre(ctx, run)
        log.info("scheduled roll-call %s (%s) for %s started", run.id, schedule.key, at.isoformat())
        started += 1
    return started
