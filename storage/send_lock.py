"""One sender per platform across bot processes on PostgreSQL.

Each process paces its sends to the platform's limits, but the limits are the
platform's, not the process's: two processes sending at once drew 751 × 429 in
the two-process benchmark. So only the process holding a session-level advisory
lock sends a platform's outbox; the others keep taking updates and writing rows,
and one of them takes over when the holder's connection ends (however the
process ends, PostgreSQL releases the lock with its session).
"""
from __future__ import annotations

import hashlib
from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


def lock_key(platform: str) -> int:
    """A stable signed 64-bit key for the platform's lock."""
    return int.from_bytes(hashlib.blake2s(f"liandong-outbox:{platform}".encode(), digest_size=8).digest(),
                          "big", signed=True)


class SendLock:
    def __init__(self, connection: AsyncConnection, key: int):
        self._connection = connection
        self._key = key

    async def still_held(self) -> bool:
        """False once the session that holds the lock has gone (another process may hold it now):
        the lock lives exactly as long as the session, so a live session holds it."""
        try:
            await self._connection.scalar(text("SELECT 1"))
            await self._connection.commit()
            return True
        except Exception:  # the connection is gone, and the lock with it
            return False


@asynccontextmanager
async def send_lock(engine: AsyncEngine, platform: str) -> AsyncIterator[SendLock | None]:
    """The platform's send lock, held until the block ends; None when another process holds it."""
    key = lock_key(platform)
    async with engine.connect() as connection:
        got = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        await connection.commit()  # a session lock: it outlives the transaction
        if not got:
            yield None
            return
        try:
            yield SendLock(connection, key)
        finally:
            try:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                await connection.commit()
            except Exception:  # the session has gone, and the lock with it
                pass
