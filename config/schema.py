"""Schema of the organisation file (README, "Organisation file"), as pydantic models.

Unknown keys are errors (`extra="forbid"`): a misspelt key silently ignored is a
unit that never gets its orders.
"""
from __future__ import annotations

from datetime import datetime, timezone

from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel, BeforeValidator, ConfigDict, Field, SerializerFunctionWrapHandler, StrictStr, field_validator,
    model_serializer, model_validator,
)

from core.registry import PLATFORMS

INCIDENT_TYPES = (
    "fire", "forest_fire", "flood", "earthquake", "geological", "hazmat",
    "traffic", "mine", "collapse", "water_rescue", "medical", "other",
)
PlatformId = Annotated[StrictStr, Field(min_length=1, max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _OnPlatforms(_Strict):
    """An entry that names itself by platform ids: `telegram: "-100123"`, `slack: C012`.

    Which keys are platform ids comes from the platform registry, so a new platform's
    ids are accepted without a line here. They are kept together in `ids` and written
    back as keys of their own, the way the file has them."""

    ids: dict[str, PlatformId] = {}

    @model_validator(mode="before")
    @classmethod
    def _gather_ids(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "ids" in data:
            return data  # "ids" written by hand is an unknown key: extra="forbid" says so
        platforms = set(PLATFORMS.with_ids())
        return {**{k: v for k, v in data.items() if k not in platforms},
                "ids": {k: v for k, v in data.items() if k in platforms and v is not None}}

    @model_serializer(mode="wrap")
    def _ids_as_keys(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        return {**{k: v for k, v in data.items() if k != "ids"}, **(data.get("ids") or {})}

    def platform_ids(self) -> list[tuple[str, str]]:
        """(platform, id) in the registry's order."""
        return [(p, self.ids[p]) for p in PLATFORMS.with_ids() if p in self.ids]

    def id_on(self, platform: str) -> str | None:
        return self.ids.get(platform)

    def __getattr__(self, name: str) -> Any:
        # `member.telegram` reads as the file does; only for platforms with ids.
        if not name.startswith("_") and name in PLATFORMS and PLATFORMS.get(name).ids_in_organisation:
            return self.ids.get(name)
        return super().__getattr__(name)  # type: ignore[misc]


def _platform_choice() -> str:
    return " or ".join(PLATFORMS.with_ids())


class Channel(_OnPlatforms):
    """A conversation on one or more platforms."""

    # A chat only the bot posts into (a Telegram channel): orders and alerts go there
    # without buttons, saying to answer in the unit's group; nothing posted there is read.
    announce_only: bool = False

    @model_validator(mode="after")
    def _on_some_platform(self) -> "Channel":
        if not self.ids:
            raise ValueError(f"a channel needs a {_platform_choice()} id")
        if self.announce_only:
            able = [spec for spec in PLATFORMS.all() if spec.announce_only_chats]
            if len(self.ids) != 1 or next(iter(self.ids)) not in {spec.name for spec in able}:
                raise ValueError(
                    "announce_only is for a " + " or ".join(f"{spec.title} channel: give its {spec.name} id only"
                                                          for spec in able))
        return self


class Person(_OnPlatforms):
    name: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    phone: StrictStr | None = None

    @model_validator(mode="after")
    def _on_some_platform(self) -> "Person":
        if not self.ids:
            raise ValueError(f"member {self.name!r} has no {_platform_choice()} id")
        return self


class UnitMember(Person):
    role: Literal["duty_officer", "member"] = "member"


class OrganisationInfo(_Strict):
    name: Annotated[StrictStr, Field(min_length=1)]
    language: Literal["zh", "en"] = "zh"
    timezone: StrictStr = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class CommandCentre(_Strict):
    channels: list[Channel] = Field(min_length=1)
    members: list[Person] = Field(min_length=1)


class Reporting(_Strict):
    channels: list[Channel] = []


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = datetime.weekday()
def _names(value: object) -> object:
    """One name or a list of names; stored as a list."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not value:
        raise ValueError("a member's name or a list of names (leave the day out when nobody is on the rota)")
    return value


RotaEntry = Annotated[list[Annotated[StrictStr, Field(min_length=1)]], BeforeValidator(_names)]


class Rota(_Strict):
    """A unit's weekly duty rota (值班表): weekday → member name(s).

    Each day's duty runs from that day's change-over to the next day's, in the
    organisation's timezone. A day left out falls back to the members marked
    `role: duty_officer`.
    """

    changeover: StrictStr = "00:00"
    mon: RotaEntry | None = None
    tue: RotaEntry | None = None
    wed: RotaEntry | None = None
    thu: RotaEntry | None = None
    fri: RotaEntry | None = None
    sat: RotaEntry | None = None
    sun: RotaEntry | None = None

    @field_validator("changeover", mode="before")
    @classmethod
    def _clock_time(cls, value: object) -> object:
        # YAML reads an unquoted 8:30 as the number 510 (base 60).
        if isinstance(value, int):
            raise ValueError('write the time in quotes, e.g. "08:00"')
        if isinstance(value, str):
            hour, colon, minute = value.partition(":")
            if not (colon and hour.isdigit() and minute.isdigit() and len(minute) == 2
                    and int(hour) < 24 and int(minute) < 60):
                raise ValueError(f'{value!r} is not a time of day like "08:00"')
            return f"{int(hour):02d}:{minute}"
        return value

    def members_on(self, weekday: int) -> list[str]:
        """The names on duty on that weekday (0 = Monday); empty when the day is left out."""
        return list(getattr(self, WEEKDAYS[weekday]) or [])

    def has_days(self) -> bool:
        return any(getattr(self, day) for day in WEEKDAYS)


class Unit(_Strict):
    code: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    name: Annotated[StrictStr, Field(min_length=1)]
    kind: Literal["government", "enterprise", "social", "expert"]
    capabilities: list[StrictStr] = []
    # The towns (or other places, named as in `places:`) the unit covers: a warning whose
    # area names or covers one of them reaches the unit. None: the whole region.
    areas: list[Annotated[StrictStr, Field(min_length=1, max_length=100)]] = []
    requires_approval: bool = False
    channels: list[Channel] = []
    members: list[UnitMember] = []
    rota: Rota | None = None
    # Told, read-only, of what the unit is asked to do (报备 / 抄报): the industry
    # authority of an enterprise, the leaders' group. Copies of its orders, and of
    # level changes and closes of its incidents; nothing posted there is read.
    notify: list[Channel] = []


# -- escalation policies (issue #18): ordered steps, per response level or default --------

STEP_ACTIONS = ("chat_reminder", "sms", "call", "centre")
STEP_TARGETS = ("duty_officer", "next_member")


class EscalationStep(_Strict):
    """One step of a policy, `after_minutes` counted from the order (or its approval)."""

    after_minutes: Annotated[int, Field(gt=0, le=24 * 60)]
    action: Literal["chat_reminder", "sms", "call", "centre"]
    # Whom an sms or call reaches: the unit's duty officer(s) now, or the next person on
    # the unit's list after them (the deputy) when the duty officer does not answer.
    to: Literal["duty_officer", "next_member"] = "duty_officer"


class EscalationPolicy(_Strict):
    """Steps for orders at the listed response levels (no `levels`: the default policy), for
    silent roll-calls (`applies_to: rollcalls`, minutes counted from the deadline), or for red
    alerts some units have not confirmed (`applies_to: red_alerts`, from when it went out)."""

    applies_to: Literal["orders", "rollcalls", "red_alerts"] = "orders"
    levels: list[Annotated[int, Field(ge=1, le=9)]] = []
    steps: Annotated[list[EscalationStep], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _levels_are_for_orders(self) -> "EscalationPolicy":
        if self.levels and self.applies_to != "orders":
            raise ValueError("levels: only a policy for orders is chosen by response level")
        return self

    @field_validator("steps")
    @classmethod
    def _in_order(cls, steps: list[EscalationStep]) -> list[EscalationStep]:
        times = [step.after_minutes for step in steps]
        if times != sorted(set(times)):
            raise ValueError(f"after_minutes must rise from step to step: {times}")
        return steps


class PhoneLimits(_Strict):
    """Caps on what escalation may spend on SMS and calls, counted over the last hour."""

    sms_per_hour: Annotated[int, Field(ge=0, le=100_000)] = 60
    calls_per_hour: Annotated[int, Field(ge=0, le=100_000)] = 30


class Escalation(_Strict):
    ack_timeout_minutes: Annotated[int, Field(gt=0, le=24 * 60)] = 5
    # None configured: today's chat escalation (a reminder after ack_timeout, the centre after twice it).
    policies: list[EscalationPolicy] = []
    phone_limits: PhoneLimits = PhoneLimits()
    # An SMS reply ("1") acts for the person whose registered number sent it. Some networks
    # let a sender show any number, so an office that cannot trust them turns replies off:
    # SMS then only tell (acknowledge in the unit's group, or by a key on the bot's call).
    sms_replies: bool = True

    @field_validator("policies")
    @classmethod
    def _one_policy_per_level(cls, policies: list[EscalationPolicy]) -> list[EscalationPolicy]:
        seen: list[int | str | None] = [n for p in policies if p.applies_to == "orders" for n in (p.levels or [None])]
        seen += [p.applies_to for p in policies if p.applies_to != "orders"]
        twice = sorted({("default" if n is None else str(n)) for n in seen if seen.count(n) > 1})
        if twice:
            raise ValueError(f"one policy per level (and one default): {', '.join(twice)} given twice")
        return policies

    def steps_for(self, level: int | None) -> list[EscalationStep]:
        """The level's policy, else the default one; [] when neither is configured."""
        orders = [p for p in self.policies if p.applies_to == "orders"]
        found = next((p for p in orders if level is not None and level in p.levels), None)
        found = found or next((p for p in orders if not p.levels), None)
        return list(found.steps) if found else []

    def rollcall_steps(self) -> list[EscalationStep]:
        """The policy for silent roll-calls; [] keeps today's reminder and summary."""
        return self.steps_applying_to("rollcalls")

    def steps_applying_to(self, kind: str) -> list[EscalationStep]:
        found = next((p for p in self.policies if p.applies_to == kind), None)
        return list(found.steps) if found else []


LEVEL_COLOURS = ("red", "orange", "yellow", "blue")


class ResponseLevel(_Strict):
    """A response level (响应级别): 1 is the gravest, as in China's 一级响应."""

    level: Annotated[int, Field(ge=1, le=9)]
    name: Annotated[StrictStr, Field(min_length=1, max_length=40)] | None = None  # None: 一级 / Level I …
    colour: Literal["red", "orange", "yellow", "blue"] | None = None
    # Units must acknowledge faster at a graver level (None: escalation.ack_timeout_minutes).
    ack_timeout_minutes: Annotated[int, Field(gt=0, le=24 * 60)] | None = None
    # Raising an incident to this level escalates it to the upper centre (#14, tiers).
    tell_upper_centre: bool = False


DEFAULT_LEVELS = [ResponseLevel(level=n, colour=colour) for n, colour in enumerate(LEVEL_COLOURS, start=1)]


# -- tiers (#14): the centre above this one, and the neighbouring regions ------------------


class UpperCentre(_Strict):
    """The higher command centre (the city above the county): told of escalated incidents,
    decides requests for another region's units, and may act on what was escalated to it."""

    name: Annotated[StrictStr, Field(min_length=1, max_length=100)] | None = None
    channels: list[Channel] = Field(min_length=1)
    members: list[Person] = Field(min_length=1)


class Region(_Strict):
    """A neighbouring region: its centre's conversations and its units, which this centre may
    ask for only through the upper centre (跨区域增援须经上级批准)."""

    code: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    name: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    channels: list[Channel] = []
    units: list[Unit] = Field(min_length=1)


class IntakeLimits(_Strict):
    """How many reports may each post their own card before they are held and summed up.

    Past a limit a report is still registered (nothing anyone reports is lost),
    but the centre gets one summary per sender or conversation, edited as more
    arrive, instead of a card each. Centre members are never limited.
    """

    unregistered_per_hour: Annotated[int, Field(ge=1, le=10_000)] = 3
    registered_per_hour: Annotated[int, Field(ge=1, le=10_000)] = 30
    conversation_per_minute: Annotated[int, Field(ge=1, le=10_000)] = 20


class Rollcall(_Strict):
    name: Annotated[StrictStr, Field(min_length=1)]
    cron: StrictStr
    units: Literal["all"] | list[StrictStr] = "all"
    answer: Literal["duty_officer", "all"] = "duty_officer"
    deadline_minutes: Annotated[int, Field(gt=0, le=24 * 60)] = 30
    # A run missed while the bot was down still goes out on start within this time.
    grace_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 15

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        return valid_cron(value)


class ScheduledDrill(_Strict):
    """A drill scenario run on a schedule (#16), e.g. the monthly joint exercise."""

    scenario: Annotated[StrictStr, Field(min_length=1, max_length=64)]  # a file in the scenario directory
    cron: StrictStr
    # A run missed while the bot was down still starts within this time.
    grace_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 15

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        return valid_cron(value)

    @field_validator("scenario")
    @classmethod
    def _known_scenario(cls, value: str) -> str:
        from config.scenario import scenario_file, scenario_names

        if scenario_file(value) is None:
            raise ValueError(f"no drill scenario {value!r} (known: {', '.join(scenario_names()) or 'none'})")
        return value


def valid_cron(value: str) -> str:
    # APScheduler runs the roll-calls and drills, so its parser is the one that must accept it.
    from apscheduler.triggers.cron import CronTrigger

    try:
        trigger = CronTrigger.from_crontab(value, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"bad cron expression {value!r}: {exc}") from None
    # 31 February parses, never fires, and cost the scheduler 0.2 s of search every second.
    if trigger.get_next_fire_time(None, datetime.now(timezone.utc)) is None:
        raise ValueError(f"cron expression {value!r} never fires (a day that does not exist in its months?)")
    return value


PLACE_KINDS = ("town", "village", "road", "port", "park", "mine", "enterprise", "other")


class Place(_Strict):
    """A place the organisation knows: preferred when reading a report's location; with
    coordinates (WGS 84, as GPS gives them) it puts the incident on the map."""

    name: Annotated[StrictStr, Field(min_length=2, max_length=100)]
    kind: Literal["town", "village", "road", "port", "park", "mine", "enterprise", "other"] = "other"
    town: Annotated[StrictStr, Field(max_length=100)] | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None

    @model_validator(mode="after")
    def _both_coordinates_or_none(self) -> "Place":
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self


# -- after-action review and statistics (#15) --


class TargetTimes(_Strict):
    """How fast the organisation wants units to answer an order, in minutes from the
    order: read by the after-action review and the statistics, never enforced."""

    acknowledge_minutes: Annotated[int, Field(gt=0, le=24 * 60)] | None = None
    on_scene_minutes: Annotated[int, Field(gt=0, le=7 * 24 * 60)] | None = None


class LevelTargets(TargetTimes):
    """Targets for incidents at one response level; a time left out is the general one."""

    level: Annotated[int, Field(ge=1, le=9)]


class Targets(TargetTimes):
    levels: list[LevelTargets] = []

    @field_validator("levels")
    @classmethod
    def _levels_once_each(cls, levels: list[LevelTargets]) -> list[LevelTargets]:
        numbers = [level.level for level in levels]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"each level once: {sorted(numbers)}")
        return levels

    def for_level(self, level: int | None) -> TargetTimes:
        """The targets of an incident at `level` (None: no level set): the level's own
        times where it gives them, the general ones otherwise."""
        own = next((entry for entry in self.levels if entry.level == level), None)
        if own is None:
            return TargetTimes(acknowledge_minutes=self.acknowledge_minutes, on_scene_minutes=self.on_scene_minutes)
        return TargetTimes(
            acknowledge_minutes=own.acknowledge_minutes if own.acknowledge_minutes is not None
            else self.acknowledge_minutes,
            on_scene_minutes=own.on_scene_minutes if own.on_scene_minutes is not None else self.on_scene_minutes,
        )


class ScheduledReport(_Strict):
    """The monthly supervision bulletin (通报), sent to the centre's conversations on a
    schedule: each run reports the previous calendar month."""

    name: Annotated[StrictStr, Field(min_length=1)]
    cron: StrictStr
    grace_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 60

    _valid_cron = field_validator("cron")(Rollcall._valid_cron.__func__)  # type: ignore[attr-defined]


class OrganisationFile(_Strict):
    organisation: OrganisationInfo
    command_centre: CommandCentre
    reporting: Reporting = Reporting()
    units: list[Unit] = []
    dispatch_plans: dict[StrictStr, list[StrictStr]] = {}
    escalation: Escalation = Escalation()
    response_levels: list[ResponseLevel] = DEFAULT_LEVELS

    @field_validator("response_levels")
    @classmethod
    def _levels_once_each(cls, levels: list[ResponseLevel]) -> list[ResponseLevel]:
        numbers = [level.level for level in levels]
        if not levels:
            raise ValueError("give at least one level, or leave response_levels out for 一级 to 四级")
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"each level once: {sorted(numbers)}")
        return sorted(levels, key=lambda level: level.level)

    def response_level(self, number: int) -> ResponseLevel | None:
        return next((level for level in self.response_levels if level.level == number), None)
    rollcalls: list[Rollcall] = []
    intake_limits: IntakeLimits = IntakeLimits()
    places: list[Place] = []
    # Tiers (#14): see UpperCentre and Region.
    upper_centre: UpperCentre | None = None
    regions: list[Region] = []
    # after-action review and statistics (#15)
    targets: Targets | None = None
    scheduled_reports: list[ScheduledReport] = []
    drills: list[ScheduledDrill] = []  # scheduled drills (#16)
