"""Keeping rows loaded ahead of use alive for the transaction.

The session's identity map holds unchanged objects weakly: rows loaded in one
query for a whole batch would be collected before the handlers look them up
with `session.get`, which would then query again, one row at a time.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.transaction import transaction_state



def keep_loaded(session: AsyncSession, rows: list[Any]) -> None:
    transaction_state(session).preloaded.extend(rows)
