"""What a review is built from, read from the database into plain values.

Reading is quick (one incident's rows); building the figures, the chart and the
document is not, and happens in another process (bot/reports.py). So everything
here is a frozen dataclass of plain values: it pickles, and nothing in the builder
can reach back into a session.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from config.duty import on_duty
from config.organisation import Organisation
from storage.dispatch import DispatchRepository
from storage.incidents import IncidentRepository
from storage.models import Broadcast, BroadcastReceipt, IncidentSource

COUNTS = ("dead", "injured", "trapped", "missing")


@dataclass(frozen=True)
class Frame:
    """The organisation as a report needs it: its language, zone and name."""

    language: str
    zone: str
    organisation: str


@dataclass(frozen=True)
class Targets:
    """Minutes from the order; None when the organisation set none."""

    acknowledge: int | None = None
    on_scene: int | None = None

    @property
    def any(self) -> bool:
        return self.acknowledge is not None or self.on_scene is not None


def targets_for(org: Organisation, level: int | None) -> Targets:
    spec = org.spec.targets
    if spec is None:
        return Targets()
    times = spec.for_level(level)
    return Targets(times.acknowledge_minutes, times.on_scene_minutes)


@dataclass(frozen=True)
class Entry:
    """One timeline entry, as recorded (escalations also name whom they reminded)."""

    at: datetime
    kind: str
    actor: str | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderFacts:
    unit: str
    unit_name: str
    attempt: int
    state: str
    ordered_at: datetime
    ordered_by: str
    state_at: datetime
    acknowledged_at: datetime | None
    en_route_at: datetime | None
    on_scene_at: datetime | None
    decline_reason: str | None
    decided_by: str | None
    delivery: str | None


@dataclass(frozen=True)
class BroadcastFacts:
    id: int
    level: str | None
    text: str
    sent_at: datetime | None
    units: tuple[str, ...]
    confirmed: tuple[str, ...]

    @property
    def rate(self) -> float | None:
        return len(self.confirmed) / len(self.units) if self.units else None


@dataclass(frozen=True)
class IncidentFacts:
    id: str
    type: str
    location: str | None
    level: int | None
    level_name: str | None
    drill: bool
    status: str
    merged_into: str | None
    created_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    close_summary: str | None
    text: str
    reporters: tuple[str, ...]
    first_counts: dict[str, int]
    last_counts: dict[str, int]
    entries: tuple[Entry, ...]
    orders: tuple[OrderFacts, ...]
    broadcasts: tuple[BroadcastFacts, ...]
    targets: Targets


async def load_incident(session: AsyncSession, org: Organisation, incident_id: str) -> IncidentFacts | None:
    repo = IncidentRepository(session)
    incident = await repo.get(incident_id)
    if incident is None:
        return None
    timeline = await repo.timeline(incident.id)
    entries = []
    first_counts = {name: getattr(incident, name) for name in COUNTS}
    for row in timeline:
        data = dict(row.data or {})
        if row.kind == "reported":
            stated = (data.get("parsed") or {}).get("casualties") or {}
            first_counts = {name: int(stated.get(name) or 0) for name in COUNTS}
        if row.kind == "escalated" and data.get("unit") in org.units:
            # Who the reminder named: the unit's duty officers at that moment.
            data["reminded"] = on_duty(org, data["unit"], row.at).names
        entries.append(Entry(row.at, row.kind, row.actor_name, data))
    sources = await session.scalars(
        select(IncidentSource.reporter_name).where(IncidentSource.incident_id == incident.id,
                                                   IncidentSource.split_into.is_(None))
        .order_by(IncidentSource.added_at))
    reporters = tuple(dict.fromkeys([incident.reporter_name, *sources]))
    orders = tuple(
        OrderFacts(o.unit_code, org.units[o.unit_code].name if o.unit_code in org.units else o.unit_code,
                   o.attempt, o.state, o.ordered_at, o.ordered_by, o.state_at, o.acknowledged_at, o.en_route_at,
                   o.on_scene_at, o.decline_reason, o.decided_by, o.delivery)
        for o in await DispatchRepository(session).orders_for(incident.id))
    return IncidentFacts(
        id=incident.id, type=incident.type, location=incident.location, level=incident.level,
        level_name=incident.level_name, drill=incident.drill, status=incident.status,
        merged_into=incident.merged_into, created_at=incident.created_at, closed_at=incident.closed_at,
        closed_by=incident.closed_by, close_summary=incident.close_summary, text=incident.text,
        reporters=reporters, first_counts=first_counts,
        last_counts={name: getattr(incident, name) for name in COUNTS},
        entries=tuple(entries), orders=orders, broadcasts=await _broadcasts_naming(session, incident.id),
        targets=targets_for(org, incident.level),
    )


async def _broadcasts_naming(session: AsyncSession, incident_id: str) -> tuple[BroadcastFacts, ...]:
    """Alerts linked to the incident: those whose text names its id (an alert has no
    incident of its own; the centre names the incident in it, as in 续报)."""
    rows = list(await session.scalars(
        select(Broadcast).where(Broadcast.text.contains(incident_id), Broadcast.sent_at.is_not(None))
        .order_by(Broadcast.sent_at)))
    found = []
    for row in rows:
        confirmed = set(await session.scalars(
            select(BroadcastReceipt.unit_code).where(BroadcastReceipt.broadcast_id == row.id).distinct()))
        units = tuple(row.units or ())
        found.append(BroadcastFacts(row.id, row.level, row.text, row.sent_at, units,
                                    tuple(code for code in units if code in confirmed)))
    return tuple(found)
