"""Append-only rows written in one multi-row INSERT per table at commit.

Timeline entries and outbox messages have autoincrement ids the bot never needs
back. Added through the ORM, SQLite makes SQLAlchemy insert them one by one (it
must read each new id back in order); collected here they go out as one
executemany per table, after the ORM's own rows (whose keys they reference).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Table, event, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.transaction import transaction_state



def defer_insert(session: AsyncSession, table: Table, row: dict[str, Any]) -> None:
    state = transaction_state(session)
    pending = state.deferred_rows
    if "deferred" not in state.hooks:
        state.hooks.add("deferred")
        event.listen(session.sync_session, "before_commit", _write_pending)
    pending.setdefault(table, []).append(row)


def deferred_rows(session: AsyncSession, table: Table) -> list[dict[str, Any]]:
    """Rows of this table added in this transaction and not yet written (mutable)."""
    return transaction_state(session).deferred_rows.get(table, [])


async def flush_deferred(session: AsyncSession) -> None:
    """Write what is waiting now, e.g. before reading those tables back."""
    await session.run_sync(_write_pending)


def _write_pending(sync_session: Session) -> None:
    pending = transaction_state(sync_session).deferred_rows
    if not any(pending.values()):
        return
    sync_session.flush()  # the rows they reference go first
    for table, rows in pending.items():
        if rows:
            sync_session.execute(insert(table), rows)
            rows.clear()
