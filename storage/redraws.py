"""Views of incidents waiting to be redrawn after commit (see bot/pipeline.py).

Marked in the transaction that changed the incident, cleared in the one that queues
the redraw: what a process that died in between had not redrawn is still here when
it, or another, starts."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PendingRedraw
from storage.upsert import insert_for_dialect

Redraw = tuple[str, str]  # (kind, incident id)
# Built once (building costs more than running them, several times a second in a storm).
_CLEAR_EVERY_OWNER = delete(PendingRedraw).where(
    PendingRedraw.kind == bindparam("kind"), PendingRedraw.incident_id.in_(bindparam("ids", expanding=True)))
_CLEAR = _CLEAR_EVERY_OWNER.where(PendingRedraw.owner == bindparam("owner"))
# Marks go out as one executemany of one statement per database: a multi-row VALUES
# list is a new statement for every number of rows, compiled afresh each transaction.
_MARK = {dialect: insert_for_dialect(dialect, PendingRedraw.__table__).on_conflict_do_nothing()
         for dialect in ("sqlite", "postgresql")}


class RedrawRepository:
    def __init__(self, session: AsyncSession, owner: str):
        self.session = session
        self.owner = owner  # the bot process marking and clearing

    async def mark(self, redraws: Iterable[Redraw], now: datetime) -> None:
        rows = [{"owner": self.owner, "kind": kind, "incident_id": incident_id, "asked_at": now}
                for kind, incident_id in redraws]
        if rows:
            await self.session.execute(_MARK[self.session.get_bind().dialect.name], rows)

    async def clear(self, redraws: Iterable[Redraw], *, of_every_owner: bool = False) -> None:
        # One kind at a time: scalar INs (a row-value IN made SQLite scan, see storage/outbox.py).
        by_kind: dict[str, list[str]] = {}
        for kind, incident_id in redraws:
            by_kind.setdefault(kind, []).append(incident_id)
        for kind, ids in by_kind.items():
            if of_every_owner:
                await self.session.execute(_CLEAR_EVERY_OWNER, {"kind": kind, "ids": ids})
            else:
                await self.session.execute(_CLEAR, {"kind": kind, "ids": ids, "owner": self.owner})

    async def left_over(self) -> list[Redraw]:
        """Every process's marks: at start, those of a process that died (a living one's are
        redrawn twice, which changes nothing)."""
        rows = await self.session.execute(
            select(PendingRedraw.kind, PendingRedraw.incident_id).distinct())
        return sorted((kind, incident_id) for kind, incident_id in rows)
