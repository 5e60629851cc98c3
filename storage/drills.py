"""Removing drill incidents (`liandong drill reset`): after an exercise, the incidents
marked as drill and every row that hangs off them, so real statistics and the next
drill start clean. Real incidents are never touched."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ButtonToken, DispatchDraft, DispatchOrder, Incident, IncidentAttachment, IncidentSource, OutboxMessage,
    TimelineEntry,
)

# Rows with an incident_id foreign key, by what the operator is told.
DEPENDENTS: tuple[tuple[str, Any], ...] = (
    ("timeline entries", TimelineEntry),
    ("further reports", IncidentSource),
    ("attachments", IncidentAttachment),
    ("dispatch orders", DispatchOrder),
    ("dispatch drafts", DispatchDraft),
)


@dataclass(frozen=True)
class DrillRows:
    incidents: list[Incident]
    dependents: dict[str, int] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [incident.id for incident in self.incidents]


async def find_drills(session: AsyncSession) -> DrillRows:
    """The drill incidents, oldest first, and how many dependent rows each kind has."""
    incidents = list((await session.scalars(
        select(Incident).where(Incident.drill.is_(True)).order_by(Incident.created_at, Incident.id))).all())
    ids = [incident.id for incident in incidents]
    counts: dict[str, int] = {}
    if ids:
        for label, model in DEPENDENTS:
            counts[label] = await session.scalar(
                select(func.count()).select_from(model).where(model.incident_id.in_(ids))) or 0
    return DrillRows(incidents, counts)


async def purge_drills(session: AsyncSession, ids: Iterable[str]) -> DrillRows:
    """Delete those of ids that are drill incidents, with their dependent rows, their
    buttons and their messages not yet sent. Returns what was deleted."""
    wanted = list(ids)
    incidents = list((await session.scalars(
        select(Incident).where(Incident.id.in_(wanted), Incident.drill.is_(True)))).all()) if wanted else []
    ids = [incident.id for incident in incidents]
    counts: dict[str, int] = {}
    if not ids:
        return DrillRows([], counts)
    for label, model in DEPENDENTS:
        result = await session.execute(delete(model).where(model.incident_id.in_(ids)))
        counts[label] = result.rowcount or 0
    # Buttons on their cards resolve to "expired" from now on; nothing more about them goes out.
    tokens = (await session.execute(select(ButtonToken.token, ButtonToken.data))).all()
    stale = [token for token, data in tokens if isinstance(data, dict) and data.get("incident") in ids]
    for start in range(0, len(stale), 500):
        await session.execute(delete(ButtonToken).where(ButtonToken.token.in_(stale[start:start + 500])))
    for incident_id in ids:
        await session.execute(delete(OutboxMessage).where(
            OutboxMessage.message_key.like(f"incident:{incident_id}:%"), OutboxMessage.status == "pending"))
    await session.execute(delete(Incident).where(Incident.id.in_(ids)))
    # An incident merged into a drill that is now gone stays closed, and says into nothing.
    await session.execute(update(Incident).where(Incident.merged_into.in_(ids)).values(merged_into=None))
    return DrillRows(incidents, counts)
