"""Incidents and their append-only timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DailyCounter, Incident, TimelineEntry
from storage.upsert import insert_for


@dataclass(frozen=True)
class TimelineActor:
    platform: str | None
    user_id: str | None
    name: str | None


class IncidentRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def next_id(self, now: datetime, zone: ZoneInfo) -> str:
        """`YYYYMMDD-NNNN`, the day in the organisation's zone, atomically counted."""
        day = now.astimezone(zone).strftime("%Y%m%d")
        table = DailyCounter.__table__
        stmt = insert_for(self.session, table).values(day=day, value=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.day], set_={"value": table.c.value + 1}
        ).returning(table.c.value)
        value = (await self.session.execute(stmt)).scalar_one()
        return f"{day}-{value:04d}"

    async def add(self, incident: Incident) -> Incident:
        self.session.add(incident)
        await self.session.flush()
        return incident

    async def get(self, incident_id: str) -> Incident | None:
        return await self.session.get(Incident, incident_id)

    async def record(
        self, incident_id: str, at: datetime, kind: str, actor: TimelineActor | None,
        data: dict[str, Any] | None = None,
    ) -> None:
        await self.session.execute(
            insert(TimelineEntry).values(
                incident_id=incident_id, at=at, kind=kind,
                actor_platform=actor.platform if actor else None,
                actor_id=actor.user_id if actor else None,
                actor_name=actor.name if actor else None,
                data=data or {},
            )
        )

    async def timeline(self, incident_id: str) -> list[TimelineEntry]:
        rows = await self.session.scalars(
            select(TimelineEntry).where(TimelineEntry.incident_id == incident_id).order_by(TimelineEntry.id)
        )
        return list(rows)
