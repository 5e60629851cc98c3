"""Remembering platform update ids so a redelivered update changes nothing."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundEvent
from storage.upsert import insert_for

EventKey = tuple[str, str]  # (platform, platform event id)


async def first_deliveries(session: AsyncSession, keys: list[EventKey], now: datetime) -> set[EventKey]:
    """Which of these (platform, event id) pairs are seen for the first time.

    One statement for a whole batch. The rows are written in the same
    transaction as the events' effects: if handling fails and rolls back, a
    redelivery is handled again. A key twice in `keys` counts as first once.
    """
    unique = list(dict.fromkeys(keys))
    if not unique:
        return set()
    table = InboundEvent.__table__
    stmt = (
        insert_for(session, table)
        .values([{"platform": p, "event_id": e, "received_at": now} for p, e in unique])
        .on_conflict_do_nothing(index_elements=[table.c.platform, table.c.event_id])
        .returning(table.c.platform, table.c.event_id)
    )
    return {(row.platform, row.event_id) for row in await session.execute(stmt)}


async def first_delivery(session: AsyncSession, platform: str, event_id: str, now: datetime) -> bool:
    return (platform, event_id) in await first_deliveries(session, [(platform, event_id)], now)
