"""Triage: messages intake could not decide on, waiting for a centre member."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import TriageItem

OPEN, REGISTERED, DISMISSED = "open", "registered", "dismissed"


class TriageRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def open_item_of(self, platform: str, sender_id: str) -> TriageItem | None:
        """The sender's open item, locked: their next doubtful message folds into it."""
        return await self.session.scalar(
            select(TriageItem).where(TriageItem.status == OPEN, TriageItem.sender_platform == platform,
                                     TriageItem.sender_id == sender_id)
            .order_by(TriageItem.id.desc()).limit(1).with_for_update()
        )

    async def current_board_key(self) -> str | None:
        """The triage message open items are listed on; None when nothing is open."""
        return await self.session.scalar(
            select(TriageItem.board_key).where(TriageItem.status == OPEN).order_by(TriageItem.id).limit(1)
        )

    async def add(self, item: TriageItem) -> TriageItem:
        self.session.add(item)
        await self.session.flush()
        return item

    async def get(self, item_id: int) -> TriageItem | None:
        return await self.session.scalar(select(TriageItem).where(TriageItem.id == item_id).with_for_update())

    async def listed_on(self, board_key: str, limit: int) -> tuple[list[tuple[int, TriageItem]], int]:
        """The board's entries to show with their numbers, and how many are open.

        An entry's number is its place on the board (first listed is 1), so it never
        changes while the centre reads it. Shown: the first `limit` open entries, and
        the decided ones among them."""
        await self.session.flush()
        rows = (await self.session.execute(
            select(TriageItem.id, TriageItem.status).where(TriageItem.board_key == board_key).order_by(TriageItem.id)
        )).all()
        numbers = {item_id: n for n, (item_id, _) in enumerate(rows, 1)}
        open_ids = [item_id for item_id, status in rows if status == OPEN]
        last = open_ids[limit - 1] if len(open_ids) >= limit else rows[-1][0] if rows else 0
        wanted = [item_id for item_id, _ in rows if item_id <= last][-2 * limit:]
        items = list(await self.session.scalars(
            select(TriageItem).where(TriageItem.id.in_(wanted)).order_by(TriageItem.id)
        ))
        return [(numbers[item.id], item) for item in items], len(open_ids)

    async def decide(self, item: TriageItem, status: str, by: str, now: datetime,
                     incident_id: str | None = None) -> None:
        item.status, item.decided_by, item.decided_at, item.incident_id = status, by, now, incident_id
