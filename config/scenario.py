"""Drill scenarios (演练脚本): a YAML file per exercise, checked like the organisation file.

A scenario names its participating units, a script of injects at offsets from the
start — a report as if from a named frontline person in a named conversation, a
further report, a broadcast draft, a roll-call — and the expectations the units and
the centre are measured against ("FIRE-01 acknowledges within 3 min"). The shipped
examples are in config/drills/. `liandong drill check FILE` prints every problem
with its key path, against the organisation file the bot runs with.

Offsets and targets are durations as typed elsewhere: 90s, 5m, 1h30m.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from config.organisation import Organisation
from config.unit_lookup import close_units
from config.yamlfile import YamlProblem, format_validation_errors, parse_yaml, read_text
from core.timeparse import parse_duration

MAX_FILE_BYTES = 500_000  # a scenario is a page or two
LEVELS = ("red", "orange", "yellow", "blue")
# Where `/drill start NAME` finds NAME.yaml: the shipped examples unless LIANDONG_DRILLS_DIR says.
SHIPPED_DIR = Path(__file__).parent / "drills"
SCENARIO_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")  # a file name, never a path
# Where a report is typed: the organisation's reporting conversation, the centre's,
# or (any other value) the conversation of the participating unit of that code.
REPORTING, CENTRE = "reporting", "centre"


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    parsed = parse_duration(str(value)) if isinstance(value, (str, int)) else None
    if parsed is None:
        raise ValueError(f"not a duration: {value!r} (write e.g. 90s, 5m, 1h30m)")
    return parsed


Duration = Annotated[timedelta, BeforeValidator(_duration)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Name = Annotated[str, Field(min_length=1, max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BroadcastInject(_Strict):
    level: Literal["red", "orange", "yellow", "blue"]
    text: Text
    to: Literal["all"] | list[Name] = "all"  # all: every participating unit


class RollcallInject(_Strict):
    units: Literal["all"] | list[Name] = "all"
    deadline: Duration = timedelta(minutes=10)


class Inject(_Strict):
    """One step of the script; exactly one of report, follow_up, broadcast, rollcall."""

    id: Name | None = None  # how expectations and follow-ups name it
    at: Duration
    report: Text | None = None
    follow_up: Text | None = None
    of: Name | None = None  # follow_up: the report it adds to
    by: Name = "演练报告人"  # who "types" a report: a label, never a real account
    where: Name = REPORTING  # reporting, centre, or a participating unit's code
    broadcast: BroadcastInject | None = None
    rollcall: RollcallInject | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "Inject":
        kinds = [k for k in ("report", "follow_up", "broadcast", "rollcall") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("each inject is exactly one of report, follow_up, broadcast, rollcall"
                             + (f" (this one has {', '.join(kinds)})" if kinds else ""))
        if self.follow_up is not None and self.of is None:
            raise ValueError("a follow_up names the report it adds to with of: (an earlier inject's id)")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("report", "follow_up", "broadcast", "rollcall") if getattr(self, k) is not None)


# What each expectation measures, and the kind of inject it is about.
EXPECTS_OF = {
    "dispatch": "report",         # the centre dispatches (unit: that unit is among them)
    "acknowledge": "report",      # the unit presses 接令 on its order
    "on_scene": "report",         # the unit reports 到场
    "confirm_alert": "broadcast",  # the unit confirms the alert
    "answer_rollcall": "rollcall",  # the unit answers the roll-call
}
UNIT_WORDS = ("each", "first")  # every participating unit concerned; the first of them


class Expectation(_Strict):
    expect: Literal["dispatch", "acknowledge", "on_scene", "confirm_alert", "answer_rollcall"]
    of: Name
    unit: Name | None = None  # a participating unit's code, each, or first
    within: Duration


class Scenario(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = ""
    participants: list[Name] = Field(min_length=1)
    announced: bool = True  # unannounced: units learn of the drill from its first inject
    time_limit: Duration = timedelta(hours=2)
    injects: list[Inject] = Field(min_length=1)
    expectations: list[Expectation] = []


class ScenarioError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    source: str


def load_scenario(path: str | Path, org: Organisation) -> LoadedScenario:
    """The scenario in the file, checked against the organisation; ScenarioError lists every problem."""
    try:
        text = read_text(Path(path), MAX_FILE_BYTES, "a drill scenario")
    except YamlProblem as problem:
        raise ScenarioError([str(problem)]) from None
    return parse_scenario(text, org, str(path))


def parse_scenario(text: str, org: Organisation, source: str = "<memory>") -> LoadedScenario:
    try:
        data = parse_yaml(text)
    except YamlProblem as problem:
        raise ScenarioError([str(problem)]) from None
    if not isinstance(data, dict):
        raise ScenarioError(["(top): a scenario is a mapping with name, participants, injects, expectations"])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_errors(exc, Scenario)) from None
    problems = _against_organisation(scenario, org) + _script_problems(scenario)
    if problems:
        raise ScenarioError(problems)
    return LoadedScenario(scenario, source)


def _against_organisation(scenario: Scenario, org: Organisation) -> list[str]:
    problems = []
    seen: set[str] = set()
    for i, code in enumerate(scenario.participants):
        if code in seen:
            problems.append(f"participants[{i}]: {code} is listed twice")
        seen.add(code)
        if code not in org.units:
            close = close_units(org.units, code)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(f"participants[{i}]: no unit with code {code!r} in the organisation file{hint}")
    return problems


def _script_problems(scenario: Scenario) -> list[str]:
    """The script read as a whole: order, references, units, limits."""
    problems: list[str] = []
    participants = set(scenario.participants)
    kinds: dict[str, str] = {}  # inject id -> its kind, for the injects seen so far
    previous = timedelta(0)

    def units_named(path: str, units: Any) -> None:
        for j, code in enumerate(units if isinstance(units, list) else []):
            if code not in participants:
                problems.append(f"{path}[{j}]: {code} is not a participant ({', '.join(scenario.participants)})")

    for i, inject in enumerate(scenario.injects):
        path = f"injects[{i}]"
        if inject.at < previous:
            problems.append(f"{path}.at: offsets out of order ({_minutes(inject.at)} after {_minutes(previous)})")
        previous = max(previous, inject.at)
        if inject.at > scenario.time_limit:
            problems.append(f"{path}.at: after the time limit ({_minutes(scenario.time_limit)})")
        if inject.id is not None:
            if inject.id in kinds:
                problems.append(f"{path}.id: {inject.id!r} is used by an earlier inject")
            kinds.setdefault(inject.id, inject.kind)
        if inject.kind in ("report", "follow_up") and inject.where not in (REPORTING, CENTRE, *participants):
            problems.append(f"{path}.where: {inject.where!r} is none of reporting, centre or a participant's code")
        if inject.follow_up is not None and kinds.get(inject.of or "") != "report":
            problems.append(f"{path}.of: {inject.of!r} is no earlier report inject")
        if inject.broadcast is not None:
            units_named(f"{path}.broadcast.to", inject.broadcast.to)
        if inject.rollcall is not None:
            units_named(f"{path}.rollcall.units", inject.rollcall.units)

    for i, expectation in enumerate(scenario.expectations):
        path = f"expectations[{i}]"
        wanted = EXPECTS_OF[expectation.expect]
        if kinds.get(expectation.of) != wanted:
            problems.append(f"{path}.of: {expectation.of!r} is no {wanted} inject "
                            f"({expectation.expect} is measured from a {wanted})")
        if expectation.unit is None and expectation.expect != "dispatch":
            problems.append(f"{path}.unit: {expectation.expect} needs a unit (a participant's code, each or first)")
        elif expectation.unit is not None and expectation.unit not in (*UNIT_WORDS, *participants):
            problems.append(f"{path}.unit: {expectation.unit!r} is not a participant "
                            f"({', '.join(scenario.participants)}), each or first")
        if expectation.within > scenario.time_limit:
            problems.append(f"{path}.within: longer than the time limit ({_minutes(scenario.time_limit)})")
    return problems


def _minutes(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    return f"{seconds // 60} min" + (f" {seconds % 60} s" if seconds % 60 else "")


def scenario_dir() -> Path:
    return Path(os.environ.get("LIANDONG_DRILLS_DIR") or SHIPPED_DIR)


def scenario_names() -> list[str]:
    """The scenarios `/drill start` can run, by file name without .yaml."""
    directory = scenario_dir()
    return sorted(p.stem for p in directory.glob("*.yaml") if SCENARIO_NAME.fullmatch(p.stem)) \
        if directory.is_dir() else []


def scenario_file(name: str) -> Path | None:
    """NAME.yaml in the scenario directory, or None (no such file, or not a plain name)."""
    if not SCENARIO_NAME.fullmatch(name):
        return None
    path = scenario_dir() / f"{name}.yaml"
    return path if path.is_file() else None
