"""Remembering platform update ids so a redelivered update changes nothing."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboundEvent
from storage.upsert import insert_for


async def first_delivery(session: AsyncSession, platform: str, event_id: str, now: datetime) -> bool:
    """True the first time this (platform, event id) is seen in this transaction's world.

    The row is written in the same transaction as the event's effects: if
    handling fails and rolls back, a redelivery is handled again.
    """
    table = InboundEvent.__table__
    stmt = (
        insert_for(session, table)
        .values(platform=platform, event_id=event_id, received_at=now)
        .on_conflict_do_nothing(index_elements=[table.c.platform, table.c.event_id])
        .returning(table.c.id)
    )
    return (await session.execute(stmt)).first() is not None
