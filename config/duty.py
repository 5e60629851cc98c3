"""Who is on duty (值班) in a unit now, and how to reach them.

Three sources, the first that applies wins:

1. the latest `/onduty` handover. Without a rota it stands until the next
   handover; with a rota it stands until the rota's next change-over (the
   handover covers the rest of that shift, then the rota takes over again);
2. the unit's weekly rota: the member(s) for the current shift, which runs
   from one day's change-over time to the next day's, in the organisation's
   timezone (a shift started Monday 08:00 is Monday's, until Tuesday 08:00);
3. the members the organisation file marks `role: duty_officer`.

A unit with none of these has no duty officer; callers decide what that means
(a roll-call then asks every member).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from config.organisation import Contact, DutyHolder, Organisation, PersonInfo
from config.schema import Rota, Unit, UnitMember
from core.registry import PLATFORMS

Source = Literal["handover", "rota", "file", "none"]


@dataclass(frozen=True)
class Officer:
    """A duty officer: their name, their ids on each platform, their phone."""

    name: str
    ids: dict[str, str] = field(default_factory=dict, hash=False)  # platform -> user id
    phone: str | None = None

    @classmethod
    def of(cls, member: UnitMember, phone: str | None = None) -> "Officer":
        return cls(member.name, dict(member.platform_ids()), phone or member.phone)

    def user_id(self, platform: str) -> str | None:
        """Their id on that platform (the console knows people by name)."""
        return self.ids.get(platform) or (self.name if PLATFORMS.mirrors(platform) else None)

    def is_person(self, person: PersonInfo) -> bool:
        """Whether the officer is that person: by platform id, never by a chosen name."""
        return any(self.user_id(platform) == user_id for platform, user_id in person.ids)


@dataclass(frozen=True)
class Duty:
    unit_code: str
    officers: tuple[Officer, ...]
    source: Source
    since: datetime | None = None  # the handover or the start of the rota's shift

    @property
    def names(self) -> list[str]:
        return [o.name for o in self.officers]


def on_duty(org: Organisation, unit_code: str, now: datetime) -> Duty:
    """Who is on duty in the unit now (see the module's docstring for the order)."""
    return current_duty(org.spec_unit(unit_code), org.duty.get(unit_code), org.contacts.get(unit_code, []),
                        now, org.timezone)


def current_duty(unit: Unit, handover: DutyHolder | None, contacts: list[Contact], now: datetime,
                 zone: ZoneInfo) -> Duty:
    """The same, from its parts (a handler may know of a handover the organisation does not yet)."""
    phones = {c.name: c.phone for c in contacts if c.phone}

    def officer(member: UnitMember) -> Officer:
        return Officer.of(member, phones.get(member.name))

    rota = unit.rota if unit.rota is not None and unit.rota.has_days() else None
    shift = shift_start(rota, now, zone) if rota is not None else None
    holder = _member_for(unit, handover) if handover is not None and handover.since <= now else None
    if holder is not None and handover is not None and (shift is None or handover.since >= shift):
        return Duty(unit.code, (officer(holder),), "handover", handover.since)
    if rota is not None and shift is not None:
        names = rota.members_on(shift.astimezone(zone).weekday())
        members = [m for name in names if (m := _member_named(unit, name)) is not None]
        if members:
            return Duty(unit.code, tuple(officer(m) for m in members), "rota", shift)
    marked = [officer(m) for m in unit.members if m.role == "duty_officer"]
    return Duty(unit.code, tuple(marked), "file" if marked else "none")


def shift_start(rota: Rota, now: datetime, zone: ZoneInfo) -> datetime:
    """When the rota's current shift began: the latest change-over at or before now."""
    hour, minute = (int(part) for part in rota.changeover.split(":"))
    local = now.astimezone(zone)
    start = datetime.combine(local.date(), time(hour, minute), tzinfo=zone)
    if start > local:
        start = datetime.combine(local.date() - timedelta(days=1), time(hour, minute), tzinfo=zone)
    return start


def _member_for(unit: Unit, holder: DutyHolder) -> UnitMember | None:
    """The member who took the duty, if they still belong to the unit."""
    if not holder.platform or not holder.user_id:  # set without a chat id: known by name only
        return _member_named(unit, holder.name)
    for member in unit.members:
        if PLATFORMS.mirrors(holder.platform) and holder.user_id == member.name:
            return member
        if dict(member.platform_ids()).get(holder.platform) == holder.user_id:
            return member
    return None


def _member_named(unit: Unit, name: str) -> UnitMember | None:
    return next((m for m in unit.members if m.name == name), None)
