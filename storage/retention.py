"""Forgetting what is no longer needed: old button tokens, platform update ids,
delivered outbox rows, flood tallies, finished report jobs and the web board's expired
sign-in links and sessions. Nothing here is part of the record (incidents, timelines,
orders, alerts, roll-calls and drill runs are kept): these tables only grew, a row per
button, update, message, report asked and board signed in, for ever.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import BoardLink, BoardSession, ButtonToken, InboundEvent, OutboxMessage, ReportJob, ReportTally

BATCH = 5_000  # rows per statement, so a first clean-up of years never holds the database for long


@dataclass(frozen=True)
class Forgotten:
    buttons: int = 0
    update_ids: int = 0
    delivered: int = 0
    tallies: int = 0
    report_jobs: int = 0
    board_sign_ins: int = 0

    @property
    def total(self) -> int:
        return (self.buttons + self.update_ids + self.delivered + self.tallies + self.report_jobs
                + self.board_sign_ins)


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
        # Answered long ago (the answer itself went out through the outbox); a job still
        # pending or being built is never forgotten, however old.
        report_jobs=await _delete(session, ReportJob, ReportJob.id, ReportJob.status.in_(("done", "failed")),
                                  ReportJob.requested_at < moment),
        # A link or session expired that long ago opens nothing.
        board_sign_ins=(await _delete(session, BoardLink, BoardLink.token_hash, BoardLink.expires_at < moment)
                        + await _delete(session, BoardSession, BoardSession.token_hash,
                                        BoardSession.expires_at < moment)),
    )


async def _delete(session: AsyncSession, model: type, key: object, *conditions: object) -> int:
    doomed = select(key).where(*conditions).limit(BATCH).scalar_subquery()  # type: ignore[call-overload]
    result = await session.execute(delete(model).where(key.in_(doomed)))  # type: ignore[attr-defined]
    return result.rowcount or 0
