"""Requests for support (#14, tiers): more forces asked for an incident."""
from __future__ import annotations

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
