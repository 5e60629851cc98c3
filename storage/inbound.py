"""Remembering platform update ids so a redelivered update changes nothing."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundEvent
from storage.upsert import insert_for

EventKey = tuple[str, str]  # (platform, platform event id)


async def first_deliveries(session: AsyncSession, keys: list[EventKey], now: datetime) -> set[EventKey]:
    """Which of these (platform, event id) pairs are seen for the first time.

    One round trip for a whole batch. The rows are written in the same
    transaction as the events' effects: if handling fails and rolls back, a
    redelivery is handled again. A key twice in `keys` counts as first once.

    The keys go as executemany parameters, not as a multi-row VALUES: the
    statement is then compiled once and cached (SQLAlchemy batches it into
    multi-row INSERT … RETURNING itself), where a VALUES list of a new length
    was compiled afresh for every batch, ~20 ms for 256 events.
    """
    unique = list(dict.fromkeys(keys))
    if not unique:
        return set()
    table = InboundEvent.__table__
    stmt = (
        insert_for(session, table)
        .on_conflict_do_nothing(index_elements=[table.c.platform, table.c.event_id])
        .returning(table.c.platform, table.c.event_id)
    )
    rows = await session.execute(stmt, [{"platform": p, "event_id": e, "received_at": now} for p, e in unique])
    return {(row.platform, row.event_id) for row in rows}


async def first_delivery(session: AsyncSession, platform: str, event_id: str, now: datetime) -> bool:
    return (platform, event_id) in await first_deliveries(session, [(platform, event_id)], now)
