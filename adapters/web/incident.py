"""The data of one incident's page: its units, the reports' texts, pins and timeline."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.web.snapshot import Point, UnitOnIncident, point_of, units_of
from config.organisation import Organisation
from storage.incidents import IncidentRepository
from storage.models import DispatchOrder, Incident

MAX_TIMELINE = 2000
_NOT_SHOWN = {"parsed", "conversation"}  # the parser's reading and chat ids: for the record, not the screen  # the newest are kept when an incident has more (a storm of presses)


@dataclass(frozen=True)
class ReportText:
    at: datetime
    name: str
    text: str


@dataclass(frozen=True)
class Pin:
    at: datetime
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    actor: str | None
    detail: str  # the entry's data as "key: value" pairs, shown as text


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    units: list[UnitOnIncident]
    reports: list[ReportText]
    pins: list[Pin]
    timeline: list[Entry]
    point: Point | None
    first_ack: datetime | None = None  # for the after-action figures of a closed incident
    first_on_scene: datetime | None = None


def _detail(data: dict[str, object] | None) -> str:
    if not data:
        return ""
    return " · ".join(f"{key}: {value if isinstance(value, (str, int, float)) else json.dumps(value, ensure_ascii=False)}"
                      for key, value in data.items() if value not in (None, "") and key not in _NOT_SHOWN)


async def read_incident(session: AsyncSession, org: Organisation, incident_id: str, now: datetime) -> IncidentView | None:
    repo = IncidentRepository(session)
    incident = await repo.get(incident_id)
    if incident is None:
        return None
    orders = list(await session.scalars(select(DispatchOrder).where(DispatchOrder.incident_id == incident_id)))
    reports = [ReportText(incident.created_at, incident.reporter_name, incident.text)]
    reports += [ReportText(s.added_at, s.reporter_name, s.text) for s in await repo.sources_of(incident_id)
                if s.split_into is None]
    entries = await repo.timeline(incident_id)
    entries = entries[-MAX_TIMELINE:]
    pins = [Pin(e.at, e.actor_name or "", float(e.data["latitude"]), float(e.data["longitude"]))
            for e in entries if e.kind == "location" and isinstance(e.data, dict)
            and isinstance(e.data.get("latitude"), (int, float)) and isinstance(e.data.get("longitude"), (int, float))]
    if not pins and incident.latitude is not None and incident.longitude is not None:
        pins = [Pin(incident.created_at, incident.reporter_name, incident.latitude, incident.longitude)]
    timeline = [Entry(e.at, e.kind, e.actor_name, _detail(e.data)) for e in entries]
    acks = [o.acknowledged_at for o in orders if o.acknowledged_at is not None]
    arrivals = [o.on_scene_at for o in orders if o.on_scene_at is not None]
    return IncidentView(incident, units_of(org, orders, now), reports, pins, timeline, point_of(org, incident),
                        min(acks, default=None), min(arrivals, default=None))
