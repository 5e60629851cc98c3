"""Schema of the organisation file (DESIGN.md §3), as pydantic models.

Unknown keys are errors (`extra="forbid"`): a misspelt key silently ignored is a
unit that never gets its orders.
"""
from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator, model_validator

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

    @model_validator(mode="after")
    def _on_some_platform(self) -> "Channel":
        if self.telegram is None and self.slack is None:
            raise ValueError("a channel needs a telegram or slack id")
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


class Unit(_Strict):
    code: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    name: Annotated[StrictStr, Field(min_length=1)]
    kind: Literal["government", "enterprise", "social", "expert"]
    capabilities: list[StrictStr] = []
    requires_approval: bool = False
    channels: list[Channel] = []
    members: list[UnitMember] = []


class Escalation(_Strict):
    ack_timeout_minutes: Annotated[int, Field(gt=0, le=24 * 60)] = 5


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
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"bad cron expression {value!r}: {exc}") from None
        return value


class OrganisationFile(_Strict):
    organisation: OrganisationInfo
    command_centre: CommandCentre
    reporting: Reporting = Reporting()
    units: list[Unit] = []
    dispatch_plans: dict[StrictStr, list[StrictStr]] = {}
    escalation: Escalation = Escalation()
    rollcalls: list[Rollcall] = []
