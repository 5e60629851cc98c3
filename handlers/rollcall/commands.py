"""/rollcall, /rollcalls, /rollcall-intensify (and cancelling), /rollcall-report."""
from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from core.timeparse import parse_duration, parse_local_time
from handlers.context import HandlerContext
from config.unit_lookup import close_units
from core.events import ButtonEvent, CommandEvent
from core.messages import Field, Message
from config.organisation import Organisation
from handlers.rollcall import actions, views
from handlers.rollcall.runs import new_run_values, send_run
from handlers.rollcall.schedules import all_schedules, next_run
from storage.buttons import ResolvedButton
from storage.models import RollcallSchedule
from storage.rollcalls import RollcallRepository

log = logging.getLogger(__name__)

DEFAULT_DEADLINE = timedelta(minutes=30)
MAX_DEADLINE = timedelta(hours=24)
MIN_EVERY = timedelta(minutes=10)
MAX_WINDOW = timedelta(days=31)
ARGS_LIMIT = 2000

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

Problem = tuple[str, dict[str, Any]]


@dataclass
class Request:
    units: list[str] = field(default_factory=list)
    deadline: timedelta | None = None
    answer: str = "duty_officer"
    every: timedelta | None = None
    window: tuple[datetime, datetime] | None = None
    problems: list[Problem] = field(default_factory=list)


def _unit_problems(org: Organisation, code: str) -> Problem:
    close = close_units(org.units, code)
    return "rollcall.problem.unit", {"value": code, "close": ", ".join(close) or "—"}


def _parse(args: str, org: Organisation, *, allow_every: bool) -> tuple[Request, list[str]]:
    """Options (deadline:, answer:, every:) and units; returns the words left over."""
    request, rest = Request(), []
    for word in args.split():
        name, colon, value = word.partition(":")
        name = name.lower()
        if colon and name == "deadline":
            request.deadline = parse_duration(value)
            if request.deadline is None or request.deadline <= timedelta(0) or request.deadline > MAX_DEADLINE:
                request.problems.append(("rollcall.problem.deadline", {"value": value}))
        elif colon and name == "answer":
            if value.lower() not in ("duty_officer", "all"):
                request.problems.append(("rollcall.problem.answer", {"value": value}))
            else:
                request.answer = value.lower()
        elif colon and name == "every" and allow_every:
            request.every = parse_duration(value)
            if request.every is None or request.every < MIN_EVERY:
                request.problems.append(("rollcall.problem.every", {"value": value}))
        elif word.lower() == "all":  # this region's: a neighbouring region checks its own duty
            request.units.extend(org.home_units())
        elif colon or ".." in word:
            rest.append(word)
        else:
            for code in (c for c in word.split(",") if c):
                if code.upper() in org.units:
                    request.units.append(code.upper())
                else:
                    request.problems.append(_unit_problems(org, code))
    request.units = list(dict.fromkeys(request.units)) or list(org.home_units())
    return request, rest


def _reply_problems(ctx: HandlerContext, problems: list[Problem], usage: str) -> None:
    ctx.reply(Message(text="\n".join([*(ctx.t(key, **params) for key, params in problems), ctx.t(usage)])))


async def rollcall_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/rollcall [UNIT…|all] [deadline:10m] [answer:all] — an ad hoc roll-call now."""
    request, rest = _parse(event.args[:ARGS_LIMIT], ctx.org, allow_every=False)
    request.problems += [("rollcall.problem.option", {"value": word}) for word in rest]
    if request.problems:
        _reply_problems(ctx, request.problems, "rollcall.usage")
        return
    deadline = request.deadline or DEFAULT_DEADLINE
    repo = RollcallRepository(ctx.session)
    run = await repo.claim(new_run_values(
        key=f"adhoc:{secrets.token_hex(8)}", scheduled_for=ctx.now, name=ctx.t("rollcall.adhoc_name"),
        now=ctx.now, units=request.units, answer=request.answer, deadline=deadline, started_by=ctx.actor_name,
    ))
    assert run is not None  # a fresh random key never conflicts
    conversations = await send_run(ctx, run)
    log.info("ad hoc roll-call %s by %s: %s units", run.id, ctx.actor_name, len(request.units))
    ctx.reply(Message(text=ctx.t("rollcall.started", id=run.id, units=len(request.units),
                                 conversations=conversations,
                                 time=views.hhmm(run.deadline_at, ctx.org.timezone))))


def _moment(value: str, org: Organisation, now: datetime, after: datetime | None) -> datetime | None:
    """`now`, `HH:MM` (the next such time after `after` or now) or `YYYY-MM-DDTHH:MM`, organisation's zone."""
    if value.lower() == "now":
        return now
    return parse_local_time(value, org.timezone, after or now)


def _window(words: list[str], org: Organisation, now: datetime, problems: list[Problem]) -> tuple[datetime, datetime] | None:
    spans = [w for w in words if ".." in w]
    problems += [("rollcall.problem.option", {"value": w}) for w in words if ".." not in w]
    if len(spans) != 1:
        problems.append(("rollcall.problem.window", {"value": " ".join(spans) or "—"}))
        return None
    first, _, last = spans[0].partition("..")
    start = _moment(first, org, now, None)
    end = _moment(last, org, now, start) if start else None
    if start is None or end is None:
        problems.append(("rollcall.problem.window", {"value": spans[0]}))
        return None
    if end <= start or end <= now:
        problems.append(("rollcall.problem.window_order", {"value": spans[0]}))
        return None
    if end - start > MAX_WINDOW:
        problems.append(("rollcall.problem.window_long", {"value": spans[0], "days": MAX_WINDOW.days}))
        return None
    return start, end


async def intensify_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/rollcall-intensify FROM..TO every:4h [units] [deadline:…] — a temporary schedule."""
    request, rest = _parse(event.args[:ARGS_LIMIT], ctx.org, allow_every=True)
    window = _window(rest, ctx.org, ctx.now, request.problems)
    if request.every is None and not any(key == "rollcall.problem.every" for key, _ in request.problems):
        request.problems.append(("rollcall.problem.every", {"value": "—"}))
    if request.problems or window is None or request.every is None:
        _reply_problems(ctx, request.problems, "rollcall.intensify.usage")
        return
    every = request.every
    deadline = request.deadline or min(DEFAULT_DEADLINE, every)
    schedule = await RollcallRepository(ctx.session).add_schedule(RollcallSchedule(
        created_at=ctx.now, created_by=ctx.actor_name, starts_at=window[0], ends_at=window[1],
        every_minutes=max(1, int(every.total_seconds() // 60)), units=request.units, answer=request.answer,
        deadline_minutes=max(1, int(deadline.total_seconds() // 60)),
    ))
    log.info("temporary roll-call schedule %s by %s", schedule.id, ctx.actor_name)
    zone = ctx.org.timezone
    ctx.reply(Message(text=ctx.t(
        "rollcall.intensify.added", id=schedule.id, start=views.local_time(window[0], zone),
        end=views.local_time(window[1], zone), every=views.duration(ctx.t, every), units=len(request.units),
    )))


async def list_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/rollcalls — standing and temporary schedules with their next run."""
    zone, t = ctx.org.timezone, ctx.t
    lines, buttons = [], []
    schedules = await all_schedules(ctx)
    standing = [s for s in schedules if s.temporary is None]
    temporary = [s for s in schedules if s.temporary is not None]
    lines.append(t("rollcall.list.standing") if standing else t("rollcall.list.no_standing"))
    for s in standing:
        spec = next(r for r in ctx.org.spec.rollcalls if s.name == r.name)
        lines.append(t("rollcall.list.standing_line", name=s.name, cron=spec.cron, units=_units_text(ctx, s.units),
                       who=t(f"rollcall.who.{s.answer}"), next=views.local_time(next_run(s, ctx.now), zone)))
    lines.append(t("rollcall.list.temporary") if temporary else t("rollcall.list.no_temporary"))
    where = event.conversation.ref
    for s in temporary:
        row = s.temporary
        assert row is not None
        lines.append(t("rollcall.list.temporary_line", id=row.id, start=views.local_time(row.starts_at, zone),
                       end=views.local_time(row.ends_at, zone),
                       every=views.duration(t, timedelta(minutes=row.every_minutes)),
                       units=_units_text(ctx, s.units), next=views.local_time(next_run(s, ctx.now), zone)))
        buttons.append(await ctx.button(t("rollcall.cancel_id", id=row.id), actions.CANCEL_SCHEDULE,
                                        {"schedule": row.id}, where))
    ctx.reply(Message(title=t("rollcall.list.title"), text="\n".join(lines), buttons=tuple(buttons)))


def _units_text(ctx: HandlerContext, units: list[str]) -> str:
    if set(units) >= set(ctx.org.home_units()):
        return ctx.t("rollcall.all_units")
    return ", ".join(units)


async def cancel_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    if not ctx.is_centre_member:
        ctx.private_answer = ctx.t("button.refused_centre_only")
        return
    schedule = await RollcallRepository(ctx.session).schedule(int(button.data.get("schedule", 0)))
    if schedule is None:
        ctx.private_answer = ctx.t("button.unknown")
        return
    if schedule.cancelled_at is not None or schedule.ends_at <= ctx.now:
        ctx.private_answer = ctx.t("rollcall.intensify.already_over", id=schedule.id)
        return
    schedule.cancelled_at, schedule.cancelled_by = ctx.now, ctx.actor_name
    log.info("temporary roll-call schedule %s cancelled by %s", schedule.id, ctx.actor_name)
    ctx.private_answer = ctx.t("rollcall.intensify.cancelled", id=schedule.id)
    ctx.send(event.conversation.ref, Message(text=ctx.t("rollcall.intensify.cancelled_by", id=schedule.id,
                                                        name=ctx.actor_name)))


async def report_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/rollcall-report [YYYY-MM] — per unit: received, on time, late, absent, silent, median answer time."""
    zone, t = ctx.org.timezone, ctx.t
    wanted = event.args.strip()
    local_now = ctx.now.astimezone(zone)
    year, month = local_now.year, local_now.month
    if wanted:
        found = _MONTH.match(wanted)
        # Years a roll-call can have happened in; year 0 or 9999 crashed the date sums below.
        if not found or not 1 <= int(found.group(2)) <= 12 or not 2000 <= int(found.group(1)) <= 2999:
            ctx.reply(Message(text=t("rollcall.report.usage")))
            return
        year, month = int(found.group(1)), int(found.group(2))
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    repo = RollcallRepository(ctx.session)
    runs = await repo.started_between(start.astimezone(timezone.utc), end.astimezone(timezone.utc))
    month_text = f"{year:04d}-{month:02d}"
    title = t("rollcall.report.title", month=month_text)
    if not runs:
        ctx.reply(Message(title=title, text=t("rollcall.report.none")))
        return
    records = views.unit_records(runs, await repo.answers([r.id for r in runs]))
    order = [code for code in ctx.org.units if code in records] + [c for c in records if c not in ctx.org.units]
    records = {code: records[code] for code in order}
    lines = [t("rollcall.report.header")]
    for code, r in records.items():
        median = r.median_seconds
        shown = "—" if median is None else views.duration(t, timedelta(seconds=median))
        lines.append(f"{code} | {r.received} | {r.on_time} | {r.late} | {r.absent} | {r.silent} | {shown}")
    ctx.reply(Message(title=title, text="\n".join(lines), fields=(
        Field(t("rollcall.report.rollcalls"), str(len(runs))),
    ), files=(views.report_csv(t, ctx.org, month_text, records),)))
