"""The web board's rows: one-time sign-in links, sessions, and a cheap mark of change.

Links and sessions are kept as SHA-256 hashes of their secrets: whoever reads the
database (a backup, a dump) cannot open the board with what they find there.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    BoardLink, BoardSession, Broadcast, BroadcastReceipt, DutyChange, RollcallAnswer, RollcallRun, RosterEvent,
    TimelineEntry,
)

LINK_TTL = timedelta(minutes=10)
FORGET_AFTER = timedelta(days=1)
TOKEN_BYTES = 24  # 32 characters of URL-safe base64: not guessable, short enough to paste


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Redeemed:
    """What opening a sign-in link gave: a session secret for the cookie, or why not."""

    session_secret: str | None = None
    person: str | None = None
    refused: str | None = None  # "unknown" (forged or mistyped), "expired", "used"


class BoardAccessRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def issue_link(self, person: str, name: str, now: datetime, ttl: timedelta = LINK_TTL) -> str:
        """A fresh link secret (returned once, in clear). Links and sessions ended a day
        ago are forgotten here: they open nothing, and /board is asked for rarely."""
        await self.session.execute(delete(BoardLink).where(BoardLink.expires_at < now - FORGET_AFTER))
        await self.session.execute(delete(BoardSession).where(BoardSession.expires_at < now - FORGET_AFTER))
        secret = secrets.token_urlsafe(TOKEN_BYTES)
        self.session.add(BoardLink(token_hash=secret_hash(secret), person=person, name=name,
                                   created_at=now, expires_at=now + ttl))
        return secret

    async def redeem(self, secret: str, now: datetime, session_ttl: timedelta) -> Redeemed:
        """Spend a link (once) for a session. The row is locked so two browsers racing
        with one link cannot both get in."""
        link = await self.session.scalar(
            select(BoardLink).where(BoardLink.token_hash == secret_hash(secret)).with_for_update())
        if link is None:
            return Redeemed(refused="unknown")
        if link.used_at is not None:
            return Redeemed(refused="used")
        if link.expires_at <= now:
            return Redeemed(refused="expired")
        link.used_at = now
        session_secret = secrets.token_urlsafe(TOKEN_BYTES)
        self.session.add(BoardSession(token_hash=secret_hash(session_secret), person=link.person, name=link.name,
                                      created_at=now, expires_at=now + session_ttl))
        return Redeemed(session_secret=session_secret, person=link.person)

    async def live_session(self, secret: str, now: datetime) -> BoardSession | None:
        row = await self.session.get(BoardSession, secret_hash(secret))
        if row is None or row.ended_at is not None or row.expires_at <= now:
            return None
        return row

    async def end_session(self, secret: str, now: datetime) -> None:
        await self.session.execute(update(BoardSession).where(
            BoardSession.token_hash == secret_hash(secret), BoardSession.ended_at.is_(None)).values(ended_at=now))

    async def end_sessions_of(self, person: str, now: datetime) -> int:
        """/board revoke: every browser of this person is signed out."""
        result = await self.session.execute(update(BoardSession).where(
            BoardSession.person == person, BoardSession.ended_at.is_(None), BoardSession.expires_at > now,
        ).values(ended_at=now))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Tables whose new rows mean the board looks different. Every change to an incident or
# an order is on the timeline (presses, figures, levels, closing); alerts, receipts,
# roll-calls, answers and duty handovers have rows of their own; a roster change may
# rename a unit or a member.
_GROWING = (TimelineEntry, BroadcastReceipt, RollcallAnswer, DutyChange, RosterEvent, Broadcast, RollcallRun)
# How far below the highest id to count rows: on PostgreSQL ids are handed out before
# commit, so a transaction holding a lower id may commit after a higher one was seen.
# Counting the recent rows (an index range, cheap) notices it where max(id) would not.
_RECENT = 500


@lru_cache(maxsize=1)
def _change_mark_query() -> Select:  # type: ignore[type-arg]
    """Built once: making this statement anew (seventeen subqueries) cost more than
    running it, twice a second while a board is open. The floors are parameters."""
    columns = []
    for n, table in enumerate(_GROWING):
        columns.append(select(func.coalesce(func.max(table.id), 0)).scalar_subquery())
        columns.append(select(func.count()).select_from(table).where(table.id > bindparam(f"floor_{n}"))
                       .scalar_subquery())
    columns.append(select(func.count()).select_from(Broadcast).where(
        Broadcast.status.in_(("sending", "sent", "cancelled"))).scalar_subquery())
    columns.append(select(func.count()).select_from(RollcallRun).where(RollcallRun.stage != "open").scalar_subquery())
    # A session ended (/board revoke, sign-out): open streams look whether it was theirs.
    columns.append(select(func.count()).select_from(BoardSession).where(BoardSession.ended_at.is_not(None))
                   .scalar_subquery())
    return select(*columns)


async def change_mark(session: AsyncSession, floors: tuple[int, ...] | None = None) -> tuple[int, ...]:
    """A tuple that changes whenever the board may have: per growing table its highest id
    and how many rows lie above `floor` (the last highest id seen, less a margin), then
    the alerts and roll-calls whose status moved and the sessions ended. One round trip."""
    floors = floors or (0,) * len(_GROWING)
    row = (await session.execute(_change_mark_query(), {f"floor_{n}": floor for n, floor in enumerate(floors)})).one()
    return tuple(int(value) for value in row)


def floors_of(mark: tuple[int, ...]) -> tuple[int, ...]:
    """The floors for the next change_mark: each table's highest id less the margin."""
    return tuple(max(0, mark[2 * i] - _RECENT) for i in range(len(_GROWING)))
