"""Running a drill (#16): the timer job that tells the units a drill starts (announced
runs), fires each inject when it is due — once, whichever process and whenever the bot
was restarted, since due times live in the database — and ends the run when every
expectation is settled or its time limit passes, sending the centre the evaluation.

A report inject goes through ordinary intake as if typed by the named person in the
named conversation, and registers a drill incident: everything afterwards (dispatch,
presses, escalation) is ordinary work on it, marked by the pipeline.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from config.scenario import Inject, Scenario, ScenarioError, parse_scenario
from core.events import Actor, Conversation, ConversationRef, MessageEvent
from core.messages import Message
from handlers.context import Context, HandlerContext
from handlers.drill import evaluation as ev
from handlers.drill.views import evaluation_text
from handlers.intake.parser import parse_report
from handlers.intake.registration import register_incident
from handlers.rollcall.runs import new_run_values, send_run, unit_conversations
from storage.drill_runs import RUNNING, DrillRunRepository
from storage.models import DrillInject, DrillRun, ReportJob
from storage.reports import ReportRepository
from storage.rollcalls import DRILL_KEY_PREFIX, RollcallRepository

log = logging.getLogger(__name__)


def script_of(run: DrillRun, ctx: Context) -> Scenario | None:
    try:
        return parse_scenario(run.script, ctx.org, run.scenario).scenario
    except ScenarioError as problems:  # the organisation changed under a running drill
        log.error("drill run %s: its scenario no longer fits the organisation: %s", run.id, problems)
        return None


async def run_drills(ctx: Context) -> int:
    """Announce, fire what is due, end what is over; how many steps were taken."""
    repo = DrillRunRepository(ctx.session)
    done = 0
    for run in await repo.running_for_update():
        if run.announced and run.announced_at is None and run.started_at <= ctx.now:
            if (scenario := script_of(run, ctx)) is not None:
                announce(ctx, run, scenario)
            run.announced_at = ctx.now
            done += 1
    for inject in await repo.due_injects(ctx.now):
        inject.fired_at = ctx.now
        run = await repo.get(inject.run_id)
        scenario = script_of(run, ctx) if run is not None and run.status == RUNNING else None
        if run is None or scenario is None:
            inject.result = {"skipped": True}
            continue
        inject.result = await fire(ctx, run, scenario, inject)
        done += 1
    for run in await repo.running_for_update():
        if run.started_at > ctx.now or (scenario := script_of(run, ctx)) is None:
            continue
        injects = await repo.injects(run.id)
        if ctx.now >= run.ends_at:
            await finish(ctx, run, scenario, "timed_out")
            done += 1
            continue
        if all(i.fired_at is not None for i in injects):
            current = ev.evaluate(scenario, await ev.measure(ctx.session, scenario, injects),
                                  ctx.now, ended=False)
            if ev.settled(current):
                await finish(ctx, run, scenario, "finished")
                done += 1
    return done


def announce(ctx: Context, run: DrillRun, scenario: Scenario) -> None:
    text = ctx.t("drill.announce", mark=ctx.t("drill.mark"), title=run.title, id=run.id,
                 description=scenario.description.strip())
    for code in scenario.participants:
        for ref in unit_conversations(ctx, code):
            ctx.send(ref, Message(text=text), key=f"drill:{run.id}:announce:{code}")


async def fire(ctx: Context, run: DrillRun, scenario: Scenario, row: DrillInject) -> dict[str, object]:
    inject = scenario.injects[row.position]
    mark = ctx.t("drill.mark")
    if inject.report is not None or inject.follow_up is not None:
        return await _report(ctx, run, scenario, inject)
    if inject.broadcast is not None:
        units = list(scenario.participants) if inject.broadcast.to == "all" else list(inject.broadcast.to)
        command = f"/broadcast {inject.broadcast.level} unit:{','.join(units)} {mark}{inject.broadcast.text}"
        for ref in ctx.centre_conversations():
            ctx.send(ref, Message(text=ctx.t("drill.inject.broadcast", mark=mark, id=run.id, command=command)))
        return {"draft": True}
    assert inject.rollcall is not None
    units = list(scenario.participants) if inject.rollcall.units == "all" else list(inject.rollcall.units)
    rollcall = await RollcallRepository(ctx.session).claim(new_run_values(
        key=f"{DRILL_KEY_PREFIX}{run.id}:{row.position}", scheduled_for=row.due_at, name=run.title, now=ctx.now,
        units=units, answer="duty_officer", deadline=inject.rollcall.deadline, started_by=run.started_by))
    if rollcall is None:
        return {"skipped": True}
    await send_run(ctx, rollcall)
    return {"rollcall": rollcall.id}


async def _report(ctx: Context, run: DrillRun, scenario: Scenario, inject: Inject) -> dict[str, object]:
    ref = _conversation(ctx, inject.where)
    if ref is None:
        log.warning("drill run %s: no conversation for %s on the enabled platforms", run.id, inject.where)
        return {"skipped": True}
    text = inject.report or ""
    if inject.follow_up is not None:
        earlier = await _result_of(ctx, run, scenario, inject.of or "")
        if earlier is None:
            return {"skipped": True}
        text = ctx.t("drill.follow_up_text", id=earlier, text=inject.follow_up)
    # The inject shown where it is "typed", marked: the units there see it is an exercise.
    ctx.send(ref, Message(text=ctx.t("drill.inject.report", mark=ctx.t("drill.mark"), by=inject.by, text=text)))
    event = MessageEvent(actor=Actor(ref.platform, f"drill-{run.id}", inject.by), conversation=Conversation(ref),
                         received_at=ctx.now, text=text)
    as_typed = HandlerContext(session=ctx.session, org=ctx.org, t=ctx.t, now=ctx.now,
                              enabled_platforms=ctx.enabled_platforms, outgoing=ctx.outgoing, event=event,
                              person=None, where=ctx.org.conversation(ref))
    incident = await register_incident(as_typed, text, parse_report(text, assume_report=True), forced=True,
                                       drill=True)
    return {"incident": incident.id}


async def _result_of(ctx: Context, run: DrillRun, scenario: Scenario, inject_id: str) -> str | None:
    for row in await DrillRunRepository(ctx.session).injects(run.id):
        if row.position < len(scenario.injects) and scenario.injects[row.position].id == inject_id:
            return (row.result or {}).get("incident")  # type: ignore[return-value]
    return None


def _conversation(ctx: Context, where: str) -> ConversationRef | None:
    """The named conversation on an enabled platform; else a reporting one, else the
    centre's: a unit's group on another platform must not leave the drill without its report."""
    reporting = ctx.active(ctx.org.reporting_conversations())
    if where == "reporting":
        refs = reporting
    elif where == "centre":
        refs = ctx.centre_conversations()
    else:
        refs = unit_conversations(ctx, where)
    if not refs:
        log.info("drill inject for %s: not reachable on %s; typed in a reporting conversation instead",
                 where, ", ".join(sorted(ctx.enabled_platforms)))
    refs = refs or reporting or ctx.centre_conversations()
    return refs[0] if refs else None


async def finish(ctx: Context, run: DrillRun, scenario: Scenario, status: str) -> None:
    """End the run: the evaluation stored with it and sent to the centre."""
    repo = DrillRunRepository(ctx.session)
    previous = await repo.previous(run)
    injects = await repo.injects(run.id)
    happened = await ev.measure(ctx.session, scenario, injects)
    before = {**previous.evaluation, "run": previous.id} if previous is not None and previous.evaluation else None
    evaluation = ev.evaluate(scenario, happened, ctx.now, ended=True, previous=before)
    repo.end(run, status, ctx.now, evaluation)
    for row in injects:  # not fired now never fires: the run is over
        if row.fired_at is None:
            row.fired_at, row.result = ctx.now, {"skipped": True}
    text = evaluation_text(ctx.t, ctx.org, run, evaluation)
    centre = ctx.centre_conversations()
    for ref in centre:
        ctx.send(ref, Message(text=text), key=f"drill:{run.id}:evaluation")
    # The chart and the document are drawn by the report worker, off the event loop.
    await ReportRepository(ctx.session).add(ReportJob(
        kind="drill", args={"run": run.id}, answer_to=[str(ref) for ref in centre], requested_by=run.started_by,
        requested_at=ctx.now, status="pending"))
    log.info("drill run %s (%s) ended: %s", run.id, run.scenario, status)


def offsets(scenario: Scenario) -> list[timedelta]:
    return [inject.at for inject in scenario.injects]
