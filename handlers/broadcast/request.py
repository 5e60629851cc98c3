"""Reading `/broadcast [level] [selectors] [at:WHEN] TEXT`, or a submitted broadcast
form, into a request.

Options are the leading words that look like options; the rest, as typed, is
the alert's text. A form's fields are the same options, chosen one by one, and its
text is the text whatever it starts with. Every problem is collected, so the
sender fixes them at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

from core.timeparse import parse_local_time
from config.organisation import Organisation
from config.unit_lookup import close_units
from storage.models import Broadcast
from handlers.broadcast.area import area_names

LEVELS = ("blue", "yellow", "orange", "red")
KINDS = ("government", "enterprise", "social", "expert")
TEXT_LIMIT = 16_000  # split for each platform when sent; longer is surely a paste gone wrong
# "Note: …" starts the text; "note:x" is an option the sender mistyped.
OPTIONS = ("level", "to", "kind", "unit", "units", "cap", "at", *("area", "event", "until", "from"))
MAX_SCHEDULE_AHEAD = timedelta(days=366)

_LEVEL_WORDS = {
    **{level: level for level in LEVELS},
    "蓝": "blue", "蓝色": "blue", "黄": "yellow", "黄色": "yellow",
    "橙": "orange", "橙色": "orange", "红": "red", "红色": "red",
}
_WORD = re.compile(r"\s*(\S+)")
_OPTION = re.compile(r"([A-Za-z]+):(\S*)$")

Problem = tuple[str, dict[str, str]]  # catalogue key and its parameters

# CAP's fields beyond level and text (#17). Lines of the text that start with these
# words are taken out of it: the instruction (what to do), and tasks each unit confirms.
INSTRUCTION_WORDS = ("instruction:", "措施:", "措施：", "指引:", "指引：")
TASK_WORDS = ("task:", "任务:", "任务：")
MAX_TASKS = 10
FIELD_LIMIT = 500  # area, event, sender name: a line each


@dataclass
class BroadcastRequest:
    level: str | None = None
    audience: list[str] = field(default_factory=list)  # the selectors as typed
    units: list[str] = field(default_factory=list)
    scheduled_for: datetime | None = None  # UTC
    text: str = ""
    problems: list[Problem] = field(default_factory=list)
    area: str = ""
    event: str = ""
    expires_at: datetime | None = None  # UTC; until:
    sender_name: str = ""
    instruction: str = ""
    tasks: list[str] = field(default_factory=list)


def _level_of(word: str) -> str | None:
    return _LEVEL_WORDS.get(word.lower().removesuffix("预警"))


def _is_option(match: re.Match[str] | None) -> bool:
    option = _OPTION.match(match.group(1)) if match else None
    if option is None or option.group(2).startswith("//"):  # a link starts the text
        return False
    return bool(option.group(2) or option.group(1).lower() in OPTIONS)


def parse_request(args: str, org: Organisation, now: datetime, earlier: Broadcast | None = None) -> BroadcastRequest:
    """`earlier`: the alert this one updates; what the update leaves out, it keeps."""
    request = BroadcastRequest()
    rest = args
    first = True
    while match := _WORD.match(rest):
        word = match.group(1)
        if first and _level_of(word):
            request.level = _level_of(word)
        elif first and not _is_option(match) and _is_option(_WORD.match(rest, match.end())):
            # "purple to:all …": a first word followed by options was meant as a level.
            request.problems.append(("broadcast.problem.level", {"value": word, "levels": ", ".join(LEVELS)}))
        elif _is_option(match):
            option = _OPTION.match(word)
            assert option is not None
            _apply_option(request, option.group(1).lower(), option.group(2), org, now)
        else:
            break
        first = False
        rest = rest[match.end():]
    request.text = _take_lines(request, rest.strip())
    if earlier is not None:
        _inherit(request, earlier, now)
    return _checked(request, org, earlier)


def _inherit(request: BroadcastRequest, earlier: Broadcast, now: datetime) -> None:
    request.text = request.text or earlier.text
    request.level = request.level or earlier.level
    request.area = request.area or earlier.area or ""
    request.event = request.event or earlier.event or ""
    request.sender_name = request.sender_name or earlier.sender_name or ""
    request.instruction = request.instruction or earlier.instruction or ""
    request.tasks = request.tasks or list(earlier.tasks or [])
    if request.expires_at is None and earlier.expires_at is not None and earlier.expires_at > now:
        request.expires_at = earlier.expires_at


def _take_lines(request: BroadcastRequest, text: str) -> str:
    """The instruction and task lines out of the text; what is left is the text."""
    kept, instruction = [], []
    for line in text.splitlines():
        stripped = line.strip()
        lowered = stripped.lower()
        if word := next((w for w in INSTRUCTION_WORDS if lowered.startswith(w)), None):
            instruction.append(stripped[len(word):].strip())
        elif word := next((w for w in TASK_WORDS if lowered.startswith(w)), None):
            if task := stripped[len(word):].strip():
                request.tasks.append(task)
        else:
            kept.append(line)
    request.instruction = "\n".join(i for i in instruction if i)
    if len(request.tasks) > MAX_TASKS:
        request.problems.append(("broadcast.problem.tasks", {"limit": str(MAX_TASKS)}))
    return "\n".join(kept).strip()


def request_from_form(fields: Iterable[tuple[str, str]], org: Organisation, now: datetime) -> BroadcastRequest:
    """A broadcast form's fields (see core.events.FormEvent) as the request they choose."""
    values = dict(fields)
    request = BroadcastRequest()
    level = values.get("level", "").strip()
    if level and level != "none":  # none: a plain notice
        _apply_option(request, "level", level, org, now)
    audience = values.get("audience", "").strip() or "all"
    chosen = values.get("values", "").strip()
    if audience == "all":
        if chosen:  # values with "all units": most likely a selector not picked; never widen silently
            request.problems.append(("broadcast.problem.to", {"value": chosen}))
        _apply_option(request, "to", "all", org, now)
    elif audience in ("kind", "unit", "cap"):
        _apply_option(request, audience, ",".join(v.strip() for v in chosen.split(",") if v.strip()), org, now)
    else:
        request.problems.append(("broadcast.problem.option", {"name": audience}))
    if at := values.get("at", "").strip():
        _apply_option(request, "at", at, org, now)
    request.text = _take_lines(request, values.get("text", "").strip())
    return _checked(request, org)


def _checked(request: BroadcastRequest, org: Organisation, earlier: Broadcast | None = None) -> BroadcastRequest:
    """The text's problems, and the units the selectors reach."""
    if request.expires_at is not None and request.scheduled_for is not None \
            and request.expires_at <= request.scheduled_for:
        request.problems.append(("broadcast.problem.until_before_at", {}))
    if not request.text:
        request.problems.append(("broadcast.problem.empty", {}))
    elif len(request.text) > TEXT_LIMIT:
        request.problems.append(("broadcast.problem.too_long", {"limit": str(TEXT_LIMIT)}))
    if not request.problems and earlier is not None and not request.audience:
        request.audience, request.units = list(earlier.audience), list(earlier.units)  # the same units
    elif not request.problems:
        request.units = _units_for(request.audience, org)
        if not request.units:
            request.problems.append(("broadcast.problem.nobody", {}))
    return request


def _apply_option(request: BroadcastRequest, name: str, value: str, org: Organisation, now: datetime) -> None:
    values = [v for v in value.split(",") if v]
    problems = request.problems
    if name == "level":
        if _level_of(value) is None:
            problems.append(("broadcast.problem.level", {"value": value, "levels": ", ".join(LEVELS)}))
        else:
            request.level = _level_of(value)
        return
    if name == "at":
        request.scheduled_for = _when(value, org, now, problems)
        return
    if name == "until":
        request.expires_at = _when(value, org, now, problems, "until")
        return
    if name in ("area", "event", "from"):
        # One word each as typed (commas between towns); "_" stands for a space.
        words = value.replace("_", " ").strip()
        if not words:
            problems.append(("broadcast.problem.empty_selector", {"name": name}))
        elif len(words) > FIELD_LIMIT:
            problems.append(("broadcast.problem.too_long", {"limit": str(FIELD_LIMIT)}))
        elif name == "area":
            request.area = "、".join(dict.fromkeys(filter(None, [*request.area.split("、"),
                                                               *area_names(org, words.split(","))])))
        elif name == "event":
            request.event = words
        else:
            request.sender_name = words
        return
    if not values:
        problems.append(("broadcast.problem.empty_selector", {"name": name}))
        return
    if name == "to":
        if values != ["all"]:
            problems.append(("broadcast.problem.to", {"value": value}))
    elif name == "kind":
        for kind in values:
            if kind.lower() not in KINDS:
                problems.append(("broadcast.problem.kind", {"value": kind, "kinds": ", ".join(KINDS)}))
    elif name in ("unit", "units"):
        for code in values:
            if code.upper() not in org.units:
                close = close_units(org.units, code)
                problems.append(("broadcast.problem.unit", {"value": code, "close": ", ".join(close) or "—"}))
        name = "unit"
    elif name == "cap":
        offered = {c.lower() for unit in org.units.values() for c in unit.capabilities}
        for capability in values:
            if capability.lower() not in offered:
                problems.append(("broadcast.problem.cap", {"value": capability,
                                                           "caps": ", ".join(sorted(offered)) or "—"}))
    else:
        problems.append(("broadcast.problem.option", {"name": name}))
        return
    request.audience.append(f"{name}:{','.join(values)}")


def _when(value: str, org: Organisation, now: datetime, problems: list[Problem], name: str = "at") -> datetime | None:
    """`HH:MM` is the next such time in the organisation's zone; a full date is taken as is."""
    at = parse_local_time(value, org.timezone, now)
    if at is None:
        problems.append((f"broadcast.problem.{name}", {"value": value}))
    elif at <= now:
        problems.append((f"broadcast.problem.{name}_past", {"value": value}))
    elif at - now > MAX_SCHEDULE_AHEAD:
        problems.append((f"broadcast.problem.{name}_far", {"value": value}))
    else:
        return at
    return None


def _units_for(audience: list[str], org: Organisation) -> list[str]:
    """Units matched by any selector; no selector means every unit of the region (a
    neighbouring region's units are its own centre's to alert)."""
    if not audience:
        return list(org.home_units())
    chosen: list[str] = []
    for selector in audience:
        name, _, value = selector.partition(":")
        wanted = {v.lower() for v in value.split(",")}
        for unit in org.home_units().values():
            if (
                name == "to"
                or (name == "kind" and unit.kind in wanted)
                or (name == "unit" and unit.code.lower() in wanted)
                or (name == "cap" and wanted & {c.lower() for c in unit.capabilities})
            ):
                chosen.append(unit.code)
    return list(dict.fromkeys(chosen))
