"""The scheduled monthly bulletin (通报): `scheduled_reports:` in the organisation file.

Each due run is claimed by inserting its job, unique on (schedule, time), like a
roll-call's run: with two bot processes, or across a restart, the second insert gets
nothing, so the centre gets one bulletin. A run missed while the bot was down still
goes out on start within its grace. Each run reports the previous calendar month.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger

from core.cron import latest_fire_time
from handlers.context import Context
from handlers.review import jobs, statistics
from storage.reports import ReportRepository

log = logging.getLogger(__name__)


async def start_due_reports(ctx: Context) -> int:
    """Timer: queue each scheduled bulletin whose time has come, once across processes."""
    due = []
    for spec in ctx.org.spec.scheduled_reports:
        trigger = CronTrigger.from_crontab(spec.cron, timezone=ctx.org.timezone)
        at = latest_fire_time(trigger, ctx.now, timedelta(minutes=spec.grace_minutes))
        if at is not None:
            due.append((f"report:{spec.name[:40]}:{spec.cron[:30]}", at))
    if not due:
        return 0
    repo = ReportRepository(ctx.session)
    done = await repo.claimed([key for key, _ in due], min(at for _, at in due))
    started = 0
    centre = [str(ref) for ref in ctx.centre_conversations()]
    for key, at in due:
        if (key, at) in done or not centre:
            continue
        local = at.astimezone(ctx.org.timezone)
        previous = (local.replace(day=1) - timedelta(days=1))
        period = statistics.Period.month(previous.year, previous.month)
        claimed = await repo.claim_scheduled({
            "kind": jobs.STATS, "args": {"period": period.to_json(), "scheduled": True}, "answer_to": centre,
            "reply_to_message_id": None, "requested_by": key, "requested_at": ctx.now,
            "schedule_key": key, "scheduled_for": at,
        })
        if claimed is not None:
            log.info("scheduled report %s for %s queued (%s)", key, at.isoformat(), period.label)
            started += 1
    return started
