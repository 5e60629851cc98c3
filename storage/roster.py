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

from storage.models import DutyChange, Invite, KnownPlace, RosterBinding, RosterEvent, RosterMember, RosterUnit
from storage.moves import moves
from storage.places import PlaceRepository
from storage.transaction import transaction_state

# Easy to read aloud and to type on a phone: no 0/O, 1/I/L.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_INVITE_DAYS = 365  # for the chat command and the CLI alike
MAX_INVITE_USES = 1000


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
    moves: dict[tuple[str, str], str] = field(default_factory=dict)  # (platform, old chat) -> new chat
    places: list[KnownPlace] = field(default_factory=list)


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
            moves=await moves(self.session),
            places=await PlaceRepository(self.session).all(),
        )

    async def members_of(self, platform: str, user_id: str) -> list[RosterMember]:
        return list(await self.session.scalars(select(RosterMember).where(
            RosterMember.platform == platform, RosterMember.user_id == user_id, RosterMember.removed_at.is_(None))))

    # -- changing ----------------------------------------------------------------

    async def record(self, kind: str, unit_code: str | None, actor: str, now: datetime,
                     detail: dict[str, Any] | None = None) -> None:
        """Log a change; the organisation is rebuilt once the transaction commits."""
        self.session.add(RosterEvent(at=now, kind=kind, unit_code=unit_code, actor=actor, detail=detail or {}))
        transaction_state(self.session).roster_changed = True

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

    # -- the contact register and the CLI (liandong roster …) ------------------------

    async def members_in(self, unit_code: str) -> list[RosterMember]:
        """The unit's live members and contacts, oldest first."""
        return list(await self.session.scalars(select(RosterMember).where(
            RosterMember.unit_code == unit_code, RosterMember.removed_at.is_(None)).order_by(RosterMember.id)))

    async def import_contacts(self, units: list[tuple[str, str, str]], contacts: list["ContactRow"], actor: str,
                              now: datetime, source: str) -> "ImportResult":
        """Add the units (code, name, kind) not yet here, and the register's contacts.

        A contact is matched by unit and name: an imported contact first, else a
        member who joined in chat under that name, whose phone, department, title
        and note the register then sets. Nothing is duplicated on a second import.
        """
        result = ImportResult()
        known = set(await self.session.scalars(select(RosterUnit.code)))
        for code, name, kind in units:
            if code in known:
                continue
            self.session.add(RosterUnit(code=code, name=name, kind=kind, capabilities=[], created_at=now,
                                        created_by=actor))
            known.add(code)
            result.units_added.append(code)
            await self.record("unit_add", code, actor, now, {"name": name, "kind": kind, "source": source})
        live: dict[tuple[str, str], list[RosterMember]] = {}
        for member in await self.session.scalars(select(RosterMember).where(
                RosterMember.unit_code.in_({c.unit_code for c in contacts}), RosterMember.removed_at.is_(None))
                .order_by(RosterMember.id)):
            live.setdefault((member.unit_code, member.name), []).append(member)
        touched: dict[str, dict[str, list[str]]] = {}
        for contact in contacts:
            matches = live.get((contact.unit_code, contact.name), [])
            target = next((m for m in matches if m.user_id is None), None) or next(iter(matches), None)
            fields = {"phone": contact.phone, "department": contact.department, "title": contact.title,
                      "note": contact.note}
            change = touched.setdefault(contact.unit_code, {"added": [], "updated": []})
            if target is None:
                member = RosterMember(unit_code=contact.unit_code, name=contact.name, role="member", platform=None,
                                      user_id=None, source="import", created_at=now, created_by=actor, **fields)
                self.session.add(member)
                live.setdefault((contact.unit_code, contact.name), []).append(member)
                result.added.append(contact)
                change["added"].append(contact.name)
            elif any(getattr(target, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(target, k, v)
                result.updated.append(contact)
                change["updated"].append(contact.name)
            else:
                result.unchanged += 1
        for unit_code, change in touched.items():
            if change["added"] or change["updated"]:
                await self.record("import", unit_code, actor, now, {**change, "source": source})
        await self.session.flush()
        return result


@dataclass
class ContactRow:
    """One contact of the register, its unit already decided."""

    unit_code: str
    name: str
    phone: str | None = None
    department: str | None = None
    title: str | None = None
    note: str | None = None


@dataclass
class ImportResult:
    units_added: list[str] = field(default_factory=list)
    added: list[ContactRow] = field(default_factory=list)
    updated: list[ContactRow] = field(default_factory=list)
    unchanged: int = 0
