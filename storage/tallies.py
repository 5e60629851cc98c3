"""Counting reports per sender and conversation in fixed windows (flood limits).

Counting is on every report's path, so it must cost next to nothing: a process
reads a window's count from the database once, counts on in memory, and writes
its increments in one statement per transaction, at commit. Two processes each
see the other's reports up to the moment they first looked, so together they
may let a sender a little past a limit; the limits are a brake on floods, not
an exact quota.
"""
from __future__ import annotations

import weakref
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import ReportTally
from storage.transaction import transaction_state
from storage.upsert import insert_for_dialect

Key = tuple[str, str, datetime]  # scope, subject, window start
# Per database engine: the counts this process has seen (read once, then counted on).
_SEEN: "weakref.WeakKeyDictionary[Any, dict[Key, int]]" = weakref.WeakKeyDictionary()
MAX_REMEMBERED = 50_000  # windows kept in memory; older ones are dropped first


class TallyRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def bump(self, scope: str, subject: str, window_start: datetime) -> int:
        """Count one more in the window; the count after it."""
        key: Key = (scope, subject[:100], window_start)
        seen = _SEEN.setdefault(self.session.get_bind(), {})
        state = transaction_state(self.session)
        increments = state.tally_increments
        if "tallies" not in state.hooks:
            state.hooks.add("tallies")
            event.listen(self.session.sync_session, "before_commit", _write_increments)
            event.listen(self.session.sync_session, "after_commit", _remember_increments)
        if key not in seen:
            if len(seen) >= MAX_REMEMBERED:
                for old in sorted(seen, key=lambda k: k[2])[: MAX_REMEMBERED // 10]:
                    del seen[old]
            stored = await self.session.scalar(select(ReportTally.count).where(
                ReportTally.scope == key[0], ReportTally.subject == key[1], ReportTally.window_start == key[2]))
            seen[key] = int(stored or 0)
        increments[key] = increments.get(key, 0) + 1
        return seen[key] + increments[key]


def _write_increments(sync_session: Session) -> None:
    increments = transaction_state(sync_session).tally_increments
    if not increments:
        return
    table = ReportTally.__table__
    stmt = insert_for_dialect(sync_session.get_bind().dialect.name, table)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.scope, table.c.subject, table.c.window_start],
                                      set_={"count": table.c.count + stmt.excluded.count})
    sync_session.execute(stmt, [{"scope": s, "subject": u, "window_start": w, "count": n}
                                for (s, u, w), n in increments.items()])


def _remember_increments(sync_session: Session) -> None:
    """Once committed, this process's own reports are part of what it has seen."""
    state = transaction_state(sync_session)
    increments, state.tally_increments = state.tally_increments, {}
    seen = _SEEN.get(sync_session.get_bind())
    if seen is None:
        return
    for key, count in increments.items():
        if key in seen:
            seen[key] += count
