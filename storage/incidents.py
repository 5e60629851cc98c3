"""Incidents and their append-only timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import DailyCounter, Incident, IncidentAttachment, TimelineEntry
from storage.deferred import defer_insert, flush_deferred
from storage.upsert import insert_for


_COUNTERS = "liandong.incident_counters"  # session.info key: day -> last id handed out


@dataclass(frozen=True)
class TimelineActor:
    platform: str | None
    user_id: str | None
    name: str | None


class IncidentRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def next_id(self, now: datetime, zone: ZoneInfo) -> str:
        """`YYYYMMDD-NNNN`, the day in the organisation's zone, atomically counted.

        The first id of a day in a transaction increments the counter row, which
        locks it (PostgreSQL) or the database (SQLite) until commit; later ids in
        the same transaction count on in memory and the row is written once,
        just before commit. Many reports in one transaction cost one round trip.
        """
        day = now.astimezone(zone).strftime("%Y%m%d")
        counters: dict[str, int] = self.session.info.setdefault(_COUNTERS, {})
        if day in counters:
            counters[day] += 1
        else:
            table = DailyCounter.__table__
            stmt = insert_for(self.session, table).values(day=day, value=1)
            stmt = stmt.on_conflict_do_update(
                index_elements=[table.c.day], set_={"value": table.c.value + 1}
            ).returning(table.c.value)
            counters[day] = (await self.session.execute(stmt)).scalar_one()
            self._write_back_before_commit(day, counters[day])
        return f"{day}-{counters[day]:04d}"

    def _write_back_before_commit(self, day: str, first_value: int) -> None:
        counters: dict[str, int] = self.session.info[_COUNTERS]

        def write_back(sync_session: Session) -> None:
            if counters.get(day, first_value) != first_value:
                sync_session.execute(
                    update(DailyCounter).where(DailyCounter.day == day).values(value=counters[day])
                )

        event.listen(self.session.sync_session, "before_commit", write_back)

    async def add(self, incident: Incident) -> Incident:
        self.session.add(incident)  # inserted with the transaction's other rows at flush
        return incident

    async def get(self, incident_id: str) -> Incident | None:
        return await self.session.get(Incident, incident_id)

    async def record(
        self, incident_id: str, at: datetime, kind: str, actor: TimelineActor | None,
        data: dict[str, Any] | None = None,
    ) -> None:
        defer_insert(self.session, TimelineEntry.__table__, {
            "incident_id": incident_id, "at": at, "kind": kind,
            "actor_platform": actor.platform if actor else None,
            "actor_id": actor.user_id if actor else None,
            "actor_name": actor.name if actor else None,
            "data": data or {},
        })

    async def timeline(self, incident_id: str) -> list[TimelineEntry]:
        await flush_deferred(self.session)
        rows = await self.session.scalars(
            select(TimelineEntry).where(TimelineEntry.incident_id == incident_id).order_by(TimelineEntry.id)
        )
        return list(rows)

    async def latest_by_reporter(
        self, platform: str, user_id: str, chat_id: str, since: datetime
    ) -> Incident | None:
        """The reporter's most recent incident from this conversation since `since`."""
        return await self.session.scalar(
            select(Incident)
            .where(
                Incident.reporter_platform == platform, Incident.reporter_id == user_id,
                Incident.source_chat_id == chat_id, Incident.created_at >= since,
            )
            .order_by(Incident.created_at.desc(), Incident.id.desc())
            .limit(1)
        )

    async def attach(self, incident_id: str, at: datetime, kind: str, platform: str, file_id: str) -> None:
        self.session.add(IncidentAttachment(
            incident_id=incident_id, added_at=at, kind=kind, platform=platform, platform_file_id=file_id,
        ))

    async def attachment_count(self, incident_id: str, kind: str) -> int:
        return await self.session.scalar(
            select(func.count()).select_from(IncidentAttachment)
            .where(IncidentAttachment.incident_id == incident_id, IncidentAttachment.kind == kind)
        ) or 0
