"""What the organisation's own traffic teaches: corrected incidents and triage decisions."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Incident, TimelineEntry, TriageItem
from storage.triage import OPEN


async def decided_triage(session: AsyncSession) -> list[TriageItem]:
    return list(await session.scalars(
        select(TriageItem).where(TriageItem.status != OPEN).order_by(TriageItem.id)
    ))


async def corrected_incident_ids(session: AsyncSession) -> list[str]:
    rows = await session.scalars(
        select(TimelineEntry.incident_id).where(TimelineEntry.kind == "corrected").distinct()
    )
    return sorted(rows)


async def readings(session: AsyncSession, incident_ids: list[str]) -> dict[str, tuple[Incident, list[TimelineEntry]]]:
    """Each incident with its 'reported' and 'corrected' entries, oldest first."""
    if not incident_ids:
        return {}
    incidents = {i.id: i for i in await session.scalars(select(Incident).where(Incident.id.in_(incident_ids)))}
    entries = await session.scalars(
        select(TimelineEntry).where(TimelineEntry.incident_id.in_(incident_ids),
                                    TimelineEntry.kind.in_(("reported", "corrected")))
        .order_by(TimelineEntry.id)
    )
    found: dict[str, tuple[Incident, list[TimelineEntry]]] = {i: (incidents[i], []) for i in incidents}
    for entry in entries:
        found[entry.incident_id][1].append(entry)
    return found
