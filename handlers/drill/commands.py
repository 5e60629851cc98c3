"""/drill start NAME [at:HH:MM], /drill stop [RUN], /drills — centre members only."""
from __future__ import annotations

import logging

from config.scenario import scenario_names
from core.events import CommandEvent
from core.messages import Message
from core.timeparse import parse_local_time
from handlers.context import HandlerContext
from handlers.drill.runner import finish, script_of
from handlers.drill.starting import start_run, started_message
from storage.drill_runs import RUNNING, DrillRunRepository

log = logging.getLogger(__name__)


async def drill_command(ctx: HandlerContext, event: CommandEvent) -> None:
    words = event.args.split()
    verb = words[0].lower() if words else ""
    if verb == "start" and len(words) in (2, 3):
        await _start(ctx, words[1], words[2] if len(words) == 3 else None)
    elif verb == "stop" and len(words) <= 2:
        await _stop(ctx, words[1] if len(words) == 2 else None)
    else:
        ctx.reply(Message(text=ctx.t("drill.usage")))


async def _start(ctx: HandlerContext, name: str, when: str | None) -> None:
    start = ctx.now
    if when is not None:
        moment = parse_local_time(when[3:], ctx.org.timezone, ctx.now) if when.lower().startswith("at:") else None
        if moment is None:
            ctx.reply(Message(text=ctx.t("drill.bad_time", value=when[:40])))
            return
        start = moment
    started = await start_run(ctx, name, start, ctx.actor_name)
    if started.run is None:
        ctx.reply(Message(text=ctx.t(started.problem or "drill.usage", name=name[:64],
                                     names=", ".join(scenario_names()) or "—", problems=started.detail)))
        return
    log.info("drill run %s of %s started by %s for %s", started.run.id, name, ctx.actor_name, start.isoformat())
    ctx.reply(started_message(ctx, started))


async def _stop(ctx: HandlerContext, which: str | None) -> None:
    """Stop one run (by id or scenario name), or the only one running."""
    running = await DrillRunRepository(ctx.session).running()
    if which is not None:
        running = [run for run in running if which in (str(run.id), run.scenario)]
    if len(running) != 1:
        ctx.reply(Message(text=ctx.t("drill.stop_which" if running else "drill.none_running")))
        return
    run = running[0]
    scenario = script_of(run, ctx)
    if scenario is None:
        ctx.reply(Message(text=ctx.t("drill.none_running")))
        return
    await finish(ctx, run, scenario, "stopped")
    ctx.reply(Message(text=ctx.t("drill.stopped", id=run.id, name=ctx.actor_name)))


async def drills_command(ctx: HandlerContext, event: CommandEvent) -> None:
    lines = [ctx.t("drill.list.scenarios")]
    for name in scenario_names():
        lines.append(f"· {name}")
    runs = await DrillRunRepository(ctx.session).recent()
    current = [run for run in runs if run.status == RUNNING]
    past = [run for run in runs if run.status != RUNNING]
    lines.append(ctx.t("drill.list.running"))
    lines += [ctx.t("drill.list.run", id=run.id, scenario=run.scenario,
                    time=run.started_at.astimezone(ctx.org.timezone).strftime("%Y-%m-%d %H:%M"),
                    status=ctx.t("drill.status.scheduled" if run.started_at > ctx.now else "drill.status.running"))
              for run in current] or [ctx.t("drill.list.none")]
    lines.append(ctx.t("drill.list.past"))
    lines += [ctx.t("drill.list.run", id=run.id, scenario=run.scenario,
                    time=run.started_at.astimezone(ctx.org.timezone).strftime("%Y-%m-%d %H:%M"),
                    status=ctx.t(f"drill.status.{run.status}")) for run in past] or [ctx.t("drill.list.none")]
    ctx.reply(Message(text="\n".join(lines)))
