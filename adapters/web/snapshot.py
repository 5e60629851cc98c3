"""The board's data query: what the centre must see at a glance, read in a few queries.

Hundreds of open incidents must still draw in well under a second, so everything is
read in bulk (one query per kind of row), never per incident.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from config.duty import on_duty
from config.organisation import Organisation
from storage.incidents import IncidentRepository
from storage.models import Broadcast, BroadcastReceipt, DispatchOrder, Incident, RollcallAnswer, RollcallRun

ALERTS_IN_FORCE_FOR = timedelta(hours=24)  # an alert sent within this long is shown as in force
MAX_ALERTS = 10
MAX_INCIDENTS = 1000  # beyond this the page says how many were left out


@dataclass(frozen=True)
class UnitOnIncident:
    code: str
    name: str
    state: str  # ordered, acknowledged, en_route, on_scene, declined, pending_approval
    silent_minutes: int | None  # ordered and nobody answered: minutes since the order
    since_minutes: int  # minutes since its latest state
    silent_since: datetime | None  # when it was ordered, while nobody has answered
    state_since: datetime  # when it reached its latest state
    undelivered: bool
    decline_reason: str | None


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str
    pinned: bool  # a pin sent in chat; False: the gazetteer's place


@dataclass(frozen=True)
class IncidentRow:
    incident: Any  # an Incident's row: its columns as attributes
    age_minutes: int
    reports: int
    units: list[UnitOnIncident]
    point: Point | None

    @property
    def silent(self) -> int:
        return sum(1 for u in self.units if u.silent_minutes is not None)


@dataclass(frozen=True)
class AlertRow:
    broadcast: Broadcast
    confirmed: list[str]
    unconfirmed: list[str]


@dataclass(frozen=True)
class RollcallRow:
    run: RollcallRun
    answered: list[str]
    absent: list[str]
    silent: list[str]


@dataclass(frozen=True)
class DutyRow:
    code: str
    name: str
    officers: list[str]
    since: datetime | None


@dataclass(frozen=True)
class Base:
    code: str
    name: str
    point: Point


@dataclass
class Board:
    now: datetime
    incidents: list[IncidentRow] = field(default_factory=list)  # real ones, gravest level first
    drills: list[IncidentRow] = field(default_factory=list)
    left_out: int = 0
    alerts: list[AlertRow] = field(default_factory=list)
    rollcall: RollcallRow | None = None
    duty: list[DutyRow] = field(default_factory=list)
    bases: list[Base] = field(default_factory=list)


def minutes(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def unit_name(org: Organisation, code: str) -> str:
    unit = org.units.get(code)
    return unit.name if unit else code


def units_of(org: Organisation, orders: list[Any], now: datetime) -> list[UnitOnIncident]:
    """The latest order of each unit, silent ones first (longest silence first)."""
    latest: dict[str, Any] = {}  # DispatchOrder objects or rows
    for order in sorted(orders, key=lambda o: (o.attempt, o.id)):
        latest[order.unit_code] = order
    rows = [UnitOnIncident(
        code=o.unit_code, name=unit_name(org, o.unit_code), state=o.state,
        silent_minutes=minutes(o.ordered_at, now) if o.state == "ordered" else None,
        since_minutes=minutes(o.state_at, now), undelivered=o.delivery == "undelivered",
        silent_since=o.ordered_at if o.state == "ordered" else None, state_since=o.state_at,
        decline_reason=o.decline_reason,
    ) for o in latest.values()]
    return sorted(rows, key=lambda u: (u.silent_minutes is None, -(u.silent_minutes or 0), u.code))


def point_of(org: Organisation, incident: Any) -> Point | None:
    """A pin sent in chat, else the gazetteer's coordinates of the place it names."""
    label = incident.location or incident.id
    if incident.latitude is not None and incident.longitude is not None:
        return Point(incident.latitude, incident.longitude, label, pinned=True)
    place = org.gazetteer.find(incident.location) if incident.location else None
    if place is not None and place.latitude is not None and place.longitude is not None:
        return Point(place.latitude, place.longitude, place.name, pinned=False)
    return None


def level_order(incident: Any) -> tuple[int, datetime]:
    """Gravest level first (1 is 一级), incidents without a level last; then oldest first."""
    return (incident.level if incident.level is not None else 99, incident.created_at)


async def read_board(session: AsyncSession, org: Organisation, now: datetime) -> Board:
    board = Board(now=now)
    # Plain rows, not ORM objects: building 2,000 objects took most of the time. The
    # rows have the columns as attributes, which is all the pages read.
    incidents = Incident.__table__.c
    open_rows: list[Any] = list(await session.execute(
        select(Incident.__table__).where(incidents.status == "open", incidents.merged_into.is_(None))
        .order_by(incidents.created_at).limit(MAX_INCIDENTS + 1)))
    if len(open_rows) > MAX_INCIDENTS:
        board.left_out = len(open_rows) - MAX_INCIDENTS  # at least; the page says "more"
        open_rows = open_rows[:MAX_INCIDENTS]
    ids = [i.id for i in open_rows]
    orders: dict[str, list[Any]] = {i: [] for i in ids}
    if ids:
        table = DispatchOrder.__table__
        for order in await session.execute(select(table).where(table.c.incident_id.in_(ids))):
            orders[order.incident_id].append(order)
    reports = await IncidentRepository(session).report_counts(ids) if ids else {}
    for incident in sorted(open_rows, key=level_order):
        row = IncidentRow(incident, minutes(incident.created_at, now), reports.get(incident.id, 1),
                          units_of(org, orders[incident.id], now), point_of(org, incident))
        (board.drills if incident.drill else board.incidents).append(row)
    board.alerts = await _alerts(session, now)
    board.rollcall = await _rollcall(session)
    board.duty = _duty(org, now)
    board.bases = _bases(org)
    return board


async def _alerts(session: AsyncSession, now: datetime) -> list[AlertRow]:
    alerts = list(await session.scalars(
        select(Broadcast).where(Broadcast.status.in_(("sending", "sent")), Broadcast.sent_at >= now - ALERTS_IN_FORCE_FOR)
        .order_by(Broadcast.id.desc()).limit(MAX_ALERTS)))
    confirmed: dict[int, set[str]] = {a.id: set() for a in alerts}
    if alerts:
        for broadcast_id, unit in await session.execute(
                select(BroadcastReceipt.broadcast_id, BroadcastReceipt.unit_code)
                .where(BroadcastReceipt.broadcast_id.in_(list(confirmed))).distinct()):
            confirmed[broadcast_id].add(unit)
    return [AlertRow(a, [u for u in a.units if u in confirmed[a.id]], [u for u in a.units if u not in confirmed[a.id]])
            for a in alerts]


async def _rollcall(session: AsyncSession) -> RollcallRow | None:
    run = await session.scalar(select(RollcallRun).order_by(RollcallRun.started_at.desc(), RollcallRun.id.desc())
                               .limit(1))
    if run is None:
        return None
    answers = list(await session.scalars(select(RollcallAnswer).where(RollcallAnswer.rollcall_id == run.id)))
    present = {a.unit_code for a in answers if a.status == "present"}
    absent = {a.unit_code for a in answers if a.status != "present"} - present
    return RollcallRow(run, [u for u in run.units if u in present], [u for u in run.units if u in absent],
                       [u for u in run.units if u not in present and u not in absent])


def _duty(org: Organisation, now: datetime) -> list[DutyRow]:
    rows = []
    for code, unit in org.units.items():
        duty = on_duty(org, code, now)
        rows.append(DutyRow(code, unit.name, duty.names, duty.since))
    return rows


def _bases(org: Organisation) -> list[Base]:
    """A unit's base is a place of the gazetteer named as the unit (its name or code)."""
    bases = []
    for code, unit in org.units.items():
        for name in (unit.name, code):
            place = next((p for p in org.gazetteer.places if p.name == name), None)
            if place is not None and place.latitude is not None and place.longitude is not None:
                bases.append(Base(code, unit.name, Point(place.latitude, place.longitude, unit.name, pinned=False)))
                break
    return bases
