"""Starting a run of a scenario: from chat (/drill start) or from the organisation file's
schedule. The scenario is read and checked now, and kept with the run."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from config.scenario import MAX_FILE_BYTES, Scenario, ScenarioError, parse_scenario, scenario_file
from config.yamlfile import YamlProblem, read_text
from core.messages import Message
from handlers.context import Context
from handlers.drill.runner import offsets
from handlers.drill.views import hhmm
from storage.drill_runs import DrillRunRepository
from storage.models import DrillRun


@dataclass(frozen=True)
class Started:
    run: DrillRun | None = None  # None: refused (problem says why) or claimed already
    scenario: Scenario | None = None
    problem: str | None = None  # a translation key
    detail: str = ""


async def start_run(ctx: Context, name: str, start: datetime, started_by: str,
                    schedule_key: str | None = None) -> Started:
    path = scenario_file(name)
    if path is None:
        return Started(problem="drill.unknown_scenario")
    try:
        text = read_text(path, MAX_FILE_BYTES, "a drill scenario")
        scenario = parse_scenario(text, ctx.org, str(path)).scenario
    except (ScenarioError, YamlProblem) as problems:
        return Started(problem="drill.invalid", detail=str(problems))
    run = await DrillRunRepository(ctx.session).start(
        {"scenario": name, "title": scenario.name, "script": text, "announced": scenario.announced,
         "started_by": started_by, "started_at": start, "ends_at": start + scenario.time_limit,
         "schedule_key": schedule_key},
        [start + offset for offset in offsets(scenario)])
    if run is None:
        return Started(scenario=scenario, problem="drill.already_running")
    return Started(run, scenario)


def started_message(ctx: Context, started: Started) -> Message:
    run, scenario = started.run, started.scenario
    assert run is not None and scenario is not None
    key = "drill.started" if run.started_at <= ctx.now else "drill.scheduled"
    return Message(text=ctx.t(key, mark=ctx.t("drill.mark"), id=run.id, title=scenario.name,
                              time=hhmm(run.started_at, ctx.org), end=hhmm(run.ends_at, ctx.org),
                              units=", ".join(scenario.participants),
                              mode=ctx.t("drill.mode.announced" if scenario.announced else "drill.mode.unannounced")))
