"""Requests for support (#14, tiers): more forces asked for an incident."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SupportRequest

TO_CENTRE = "to_centre"  # within the region: the centre decides by dispatching
PENDING = "pending"      # across regions: waiting for the upper centre
APPROVED = "approved"
REJECTED = "rejected"


class SupportRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, request: SupportRequest) -> SupportRequest:
        self.session.add(request)
        await self.session.flush()  # the id goes into the request's buttons
        return request

    async def get(self, request_id: int) -> SupportRequest | None:
        return await self.session.get(SupportRequest, request_id)

    async def as_committed(self, request: SupportRequest) -> None:
        """Read the request again (this transaction's own changes written first, so kept)."""
        await self.session.flush()
        await self.session.refresh(request)

    async def due_for_escalation(self, now: datetime, limit: int = 100) -> list[SupportRequest]:
        """Requests the upper centre has left undecided too long, locked for this transaction."""
        return list(await self.session.scalars(
            select(SupportRequest)
            .where(SupportRequest.escalate_at <= now, SupportRequest.state == PENDING)
            .order_by(SupportRequest.escalate_at)
            .limit(limit)
            .with_for_update(skip_locked=True)  # the other bot process takes the others
        ))
