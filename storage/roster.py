"""The roster in the database: units, members, bindings, invites, duty, and the
log of every change to them (whose highest id is the roster's version)."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DutyChange, Invite, RosterBinding, RosterEvent, RosterMember, RosterUnit

ROSTER_CHANGED = "liandong.roster_changed"  # session.info flag: reload the organisation after commit
# Easy to read aloud and to type on a phone: no 0/O, 1/I/L.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def code_hash(code: str) -> str:
    normalised = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


@dataclass
class RosterSnapshot:
    """Everything the database adds to the organisation file, at one version."""

    version: int = 0
    units: list[RosterUnit] = field(default_factory=list)
    members: list[RosterMember] = field(default_factory=list)
    bindings: list[RosterBinding] = field(default_factory=list)
    duty: dict[str, DutyChange] = field(default_factory=dict)  # unit code -> latest handover


class RosterRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    # -- reading -----------------------------------------------------------------

    async def version(self) -> int:
        return await self.session.scalar(select(func.max(RosterEvent.id))) or 0

    async def snapshot(self) -> RosterSnapshot:
        latest = select(func.max(DutyChange.id)).group_by(DutyChange.unit_code)
        duty = await self.session.scalars(select(DutyChange).where(DutyChange.id.in_(latest)))
        return RosterSnapshot(
            version=await self.version(),
            units=list(await self.session.scalars(select(RosterUnit).order_by(RosterUnit.code))),
            members=list(await self.session.scalars(
                select(RosterMember).where(RosterMember.removed_at.is_(None)).order_by(RosterMember.id))),
            bindings=list(await self.session.scalars(
                select(RosterBinding).where(RosterBinding.removed_at.is_(None)).order_by(RosterBinding.id))),
            duty={d.unit_code: d for d in duty},
        )

    async def members_of(self, platform: str, user_id: str) -> list[RosterMember]:
        return list(await self.session.scalars(select(RosterMember).where(
            RosterMember.platform == platform, RosterMember.user_id == user_id, RosterMember.removed_at.is_(None))))

    async def contact(self, unit_code: str, name: str) -> RosterMember | None:
        """An imported contact of this unit with this name and no chat id yet."""
        return await self.session.scalar(select(RosterMember).where(
            RosterMember.unit_code == unit_code, RosterMember.name == name, RosterMember.user_id.is_(None),
            RosterMember.removed_at.is_(None)).limit(1))

    async def binding(self, unit_code: str, platform: str, chat_id: str) -> RosterBinding | None:
        return await self.session.scalar(select(RosterBinding).where(
            RosterBinding.unit_code == unit_code, RosterBinding.platform == platform,
            RosterBinding.chat_id == chat_id, RosterBinding.removed_at.is_(None)))

    # -- changing ----------------------------------------------------------------

    async def record(self, kind: str, unit_code: str | None, actor: str, now: datetime,
                     detail: dict[str, Any] | None = None) -> None:
        """Log a change; the organisation is rebuilt once the transaction commits."""
        self.session.add(RosterEvent(at=now, kind=kind, unit_code=unit_code, actor=actor, detail=detail or {}))
        self.session.info[ROSTER_CHANGED] = True

    async def add(self, row: RosterUnit | RosterMember | RosterBinding | DutyChange) -> None:
        self.session.add(row)
        await self.session.flush()

    async def remove_member(self, member: RosterMember, by: str, now: datetime) -> None:
        member.removed_at, member.removed_by = now, by

    async def remove_bindings(self, unit_code: str | None, platform: str, chat_id: str, by: str,
                              now: datetime) -> int:
        query = update(RosterBinding).where(
            RosterBinding.platform == platform, RosterBinding.chat_id == chat_id, RosterBinding.removed_at.is_(None))
        if unit_code is not None:
            query = query.where(RosterBinding.unit_code == unit_code)
        result = await self.session.execute(query.values(removed_at=now, removed_by=by))
        return result.rowcount or 0

    # -- invites -----------------------------------------------------------------

    async def create_invite(self, unit_code: str, role: str, uses: int, expires_at: datetime, by: str,
                            now: datetime) -> str:
        """A fresh code (returned once, in clear); only its hash is stored."""
        code = new_code()
        self.session.add(Invite(code_hash=code_hash(code), unit_code=unit_code, role=role, uses_left=uses,
                                expires_at=expires_at, created_at=now, created_by=by))
        await self.record("invite", unit_code, by, now, {"role": role, "uses": uses,
                                                         "expires_at": expires_at.isoformat()})
        return code

    async def invite(self, code: str) -> Invite | None:
        """The invite for this code, locked: two people cannot spend its last use at once."""
        return await self.session.scalar(
            select(Invite).where(Invite.code_hash == code_hash(code)).with_for_update())
