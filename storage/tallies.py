"""Counting reports per sender and conversation in fixed windows (flood limits)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReportTally
from storage.upsert import insert_for


class TallyRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def bump(self, scope: str, subject: str, window_start: datetime) -> int:
        """Count one more in the window; the count after it. Atomic across processes."""
        table = ReportTally.__table__
        stmt = insert_for(self.session, table).values(
            scope=scope, subject=subject[:100], window_start=window_start, count=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.scope, table.c.subject, table.c.window_start],
            set_={"count": table.c.count + 1},
        ).returning(table.c.count)
        return int((await self.session.execute(stmt)).scalar_one())

    async def forget_before(self, moment: datetime) -> int:
        """Drop windows that ended long ago (retention)."""
        result = await self.session.execute(delete(ReportTally).where(ReportTally.window_start < moment))
        return result.rowcount or 0
