"""Views of incidents waiting to be redrawn after commit (see bot/pipeline.py).

Marked in the transaction that changed the incident, cleared in the one that queues
the redraw: what a process that died in between had not redrawn is still here when
it, or another, starts."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PendingRedraw
from storage.upsert import insert_for

Redraw = tuple[str, str]  # (kind, incident id)


class RedrawRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def mark(self, redraws: Iterable[Redraw], now: datetime) -> None:
        rows = [{"kind": kind, "incident_id": incident_id, "asked_at": now} for kind, incident_id in redraws]
        if rows:
            await self.session.execute(insert_for(self.session, PendingRedraw).values(rows).on_conflict_do_nothing())

    async def clear(self, redraws: Iterable[Redraw]) -> None:
        # One kind at a time: scalar INs (a row-value IN made SQLite scan, see storage/outbox.py).
        by_kind: dict[str, list[str]] = {}
        for kind, incident_id in redraws:
            by_kind.setdefault(kind, []).append(incident_id)
        for kind, ids in by_kind.items():
            await self.session.execute(delete(PendingRedraw).where(
                PendingRedraw.kind == kind, PendingRedraw.incident_id.in_(ids)))

    async def left_over(self) -> list[Redraw]:
        rows = await self.session.execute(
            select(PendingRedraw.kind, PendingRedraw.incident_id).order_by(PendingRedraw.asked_at))
        return [(kind, incident_id) for kind, incident_id in rows]
