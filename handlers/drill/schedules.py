"""Drills scheduled in the organisation file (`drills:`, cron like roll-calls): the timer
starts each due run once — the run's schedule_key is its claim, unique across processes
and restarts; a run missed while the bot was down still starts within its grace."""
from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger

from core.cron import latest_fire_time
from handlers.context import Context
from handlers.drill.starting import start_run, started_message
from storage.drill_runs import DrillRunRepository

log = logging.getLogger(__name__)


async def start_scheduled_drills(ctx: Context) -> int:
    due = []
    for spec in ctx.org.spec.drills:
        trigger = CronTrigger.from_crontab(spec.cron, timezone=ctx.org.timezone)
        if (at := latest_fire_time(trigger, ctx.now, timedelta(minutes=spec.grace_minutes))) is not None:
            due.append((spec.scenario, at, f"{spec.scenario}@{at.isoformat()}"))
    if not due:
        return 0
    claimed = await DrillRunRepository(ctx.session).scheduled_claimed([key for _, _, key in due])
    started = 0
    for scenario, at, key in due:
        if key in claimed:
            continue
        result = await start_run(ctx, scenario, at, ctx.t("drill.schedule_name"), schedule_key=key)
        if result.run is None:  # running already (tried again each tick in the grace), or the file went bad
            (log.debug if result.problem == "drill.already_running" else log.warning)(
                "scheduled drill %s at %s not started: %s %s", scenario, at.isoformat(), result.problem, result.detail)
            continue
        for ref in ctx.centre_conversations():
            ctx.send(ref, started_message(ctx, result))
        started += 1
    return started
