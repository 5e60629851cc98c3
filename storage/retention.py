"""Forgetting what is no longer needed: old button tokens, platform update ids,
delivered outbox rows and flood tallies. Nothing here is part of the record
(incidents, timelines, orders, alerts and roll-calls are kept): these tables
only grew, a row per button, update and message, for ever.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ButtonToken, InboundEvent, OutboxMessage, ReportTally

BATCH = 5_000  # rows per statement, so a first clean-up of years never holds the database for long


@dataclass(frozen=True)
class Forgotten:
    buttons: int = 0
    update_ids: int = 0
    delivered: int = 0
    tallies: int = 0

    @property
    def total(self) -> int:
        return self.buttons + self.update_ids + self.delivered + self.tallies


async def forget_before(session: AsyncSession, moment: datetime) -> Forgotten:
    """One batch of each kind older than `moment` (call again while anything was removed).

    A button older than that no longer works (the press answers "unknown button"),
    an edit of a message delivered before it finds nothing to edit, and a platform
    redelivering an update that old would see it handled again; the default of
    90 days keeps all three far from anything a platform or a person does.
    """
    return Forgotten(
        buttons=await _delete(session, ButtonToken, ButtonToken.token, ButtonToken.created_at < moment),
        update_ids=await _delete(session, InboundEvent, InboundEvent.id, InboundEvent.received_at < moment),
        delivered=await _delete(session, OutboxMessage, OutboxMessage.id,
                                OutboxMessage.status == "delivered", OutboxMessage.delivered_at < moment),
        tallies=await _delete(session, ReportTally, ReportTally.window_start, ReportTally.window_start < moment),
    )


async def _delete(session: AsyncSession, model: type, key: object, *conditions: object) -> int:
    doomed = select(key).where(*conditions).limit(BATCH).scalar_subquery()  # type: ignore[call-overload]
    result = await session.execute(delete(model).where(key.in_(doomed)))  # type: ignore[attr-defined]
    return result.rowcount or 0
