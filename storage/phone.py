"""What the phone channel reads back from the outbox: the menu a call offered (for its
key presses), which step a call belonged to (for its status callbacks), and how many
SMS and calls went out in the last hour (for the caps)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.phone import CALL, PLATFORM, SMS, chat_id
from storage.deferred import flush_deferred
from storage.models import Broadcast, OutboxMessage, TimelineEntry
from storage.outbox import DELIVERED, FAILED, SENDING


@dataclass(frozen=True)
class Menu:
    chat_id: str              # the conversation the call or SMS went to (call:+86…, sms:+86…)
    tokens: tuple[str, ...]   # key 1 presses the first, key 2 the second


@dataclass(frozen=True)
class Sending:
    key: str | None  # the outbox key: what the SMS or call was about
    chat_id: str


class PhoneRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def menu_for(self, number: str, call_id: str | None) -> Menu | None:
        """The menu of that call, or else of the latest call or SMS to the number.

        A call in progress may not be recorded as delivered yet (the key can come
        within seconds of the answer), so rows still being sent count too."""
        query = (select(OutboxMessage.chat_id, OutboxMessage.payload)
                 .where(OutboxMessage.platform == PLATFORM, OutboxMessage.kind == "send",
                        OutboxMessage.chat_id.in_((chat_id(CALL, number), chat_id(SMS, number))),
                        OutboxMessage.status.in_((DELIVERED, SENDING)))
                 .order_by(OutboxMessage.id.desc()).limit(1))
        if call_id:
            query = query.where(OutboxMessage.platform_message_id == call_id)
        row = (await self.session.execute(query)).first()
        if row is None:
            return None
        tokens = tuple(b["token"] for b in row.payload.get("buttons", []))
        return Menu(row.chat_id, tokens) if tokens else None

    async def sending(self, provider_id: str) -> Sending | None:
        """The SMS or call the provider knows by this id."""
        row = (await self.session.execute(
            select(OutboxMessage.message_key, OutboxMessage.chat_id)
            .where(OutboxMessage.platform == PLATFORM, OutboxMessage.platform_message_id == provider_id)
            .limit(1))).first()
        return Sending(row.message_key, row.chat_id) if row else None

    async def sent_since(self, kind: str, since: datetime) -> int:
        """SMS or calls queued since then, failed ones excepted (they cost nothing); those
        queued by earlier transactions (the caller counts its own)."""
        return int(await self.session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.platform == PLATFORM, OutboxMessage.kind == "send",
                   OutboxMessage.chat_id.like(f"{kind}:%"), OutboxMessage.created_at >= since,
                   OutboxMessage.status != FAILED)) or 0)

    async def already_queued(self, kind: str, number: str, key: str) -> bool:
        """Whether an earlier transaction sent this number this step (no number called twice for one step)."""
        return bool(await self.session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.platform == PLATFORM, OutboxMessage.chat_id == chat_id(kind, number),
                   OutboxMessage.message_key == key, OutboxMessage.kind == "send")))




async def alerts_due(session: AsyncSession, now: datetime, limit: int = 20) -> list[Broadcast]:
    """Red alerts whose next escalation step is due, locked for this transaction (the other
    bot process skips them)."""
    return list(await session.scalars(
        select(Broadcast).where(Broadcast.escalate_at <= now).order_by(Broadcast.escalate_at).limit(limit)
        .with_for_update(skip_locked=True)))


async def phone_statuses(session: AsyncSession, incident_id: str) -> list[dict[str, object]]:
    """What providers reported of the incident's SMS and calls, oldest first (the timeline's
    phone_status entries: unit, via, to, status, step)."""
    await flush_deferred(session)
    rows = await session.scalars(
        select(TimelineEntry.data).where(TimelineEntry.incident_id == incident_id, TimelineEntry.kind == "phone_status")
        .order_by(TimelineEntry.id))
    return list(rows)
