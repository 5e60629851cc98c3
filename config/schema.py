"""Schema of the organisation file (DESIGN.md §3), as pydantic models.

Unknown keys are errors (`extra="forbid"`): a misspelt key silently ignored is a
unit that never gets its orders.
"""
from __future__ import annotations

from datetime import datetime, timezone

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr, field_validator, model_validator

INCIDENT_TYPES = (
    "fire", "forest_fire", "flood", "earthquake", "geological", "hazmat",
    "traffic", "mine", "collapse", "water_rescue", "medical", "other",
)
PLATFORMS = ("telegram", "slack")

PlatformId = Annotated[StrictStr, Field(min_length=1, max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Channel(_Strict):
    """A conversation on one or more platforms."""

    telegram: PlatformId | None = None
    slack: PlatformId | None = None
    # A Telegram channel: the bot posts orders and alerts there without buttons,
    # saying to answer in the unit's group; nothing posted there is read.
    announce_only: bool = False

    @model_validator(mode="after")
    def _on_some_platform(self) -> "Channel":
        if self.telegram is None and self.slack is None:
            raise ValueError("a channel needs a telegram or slack id")
        if self.announce_only and (self.telegram is None or self.slack is not None):
            raise ValueError("announce_only is for a Telegram channel: give its telegram id only")
        return self

    def platform_ids(self) -> list[tuple[str, str]]:
        return [(p, getattr(self, p)) for p in PLATFORMS if getattr(self, p) is not None]


class Person(_Strict):
    name: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    telegram: PlatformId | None = None
    slack: PlatformId | None = None
    phone: StrictStr | None = None

    @model_validator(mode="after")
    def _on_some_platform(self) -> "Person":
        if self.telegram is None and self.slack is None:
            raise ValueError(f"member {self.name!r} has no telegram or slack id")
        return self

    def platform_ids(self) -> list[tuple[str, str]]:
        return [(p, getattr(self, p)) for p in PLATFORMS if getattr(self, p) is not None]


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
    requires_approval: bool = False
    channels: list[Channel] = []
    members: list[UnitMember] = []
    rota: Rota | None = None


class Escalation(_Strict):
    ack_timeout_minutes: Annotated[int, Field(gt=0, le=24 * 60)] = 5


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
        # APScheduler runs the roll-calls, so its parser is the one that must accept it.
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


class OrganisationFile(_Strict):
    organisation: OrganisationInfo
    command_centre: CommandCentre
    reporting: Reporting = Reporting()
    units: list[Unit] = []
    dispatch_plans: dict[StrictStr, list[StrictStr]] = {}
    escalation: Escalation = Escalation()
    rollcalls: list[Rollcall] = []
    intake_limits: IntakeLimits = IntakeLimits()
    places: list[Place] = []
