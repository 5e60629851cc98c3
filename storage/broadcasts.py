"""Broadcast alerts, their receipts, and their deliveries as the outbox sees them."""
from __future__ import annotations

from datetime import datetime

from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Broadcast, BroadcastReceipt, BroadcastTaskMark, OutboxMessage
from storage.outbox import DELIVERED, FAILED, DeliveryCounts, OutboxRepository

PREVIEW, SCHEDULED, SENDING, SENT, CANCELLED = "preview", "scheduled", "sending", "sent", "cancelled"
# What a broadcast is to the alert it references (CAP's msgType, lower-case).
ALERT, UPDATE, CANCEL = "alert", "update", "cancel"
RECEIVED, DONE = "received", "done"  # a unit's progress on one of an alert's tasks


def round_key(broadcast_id: int, round_no: int) -> str:
    """The outbox key of one round's copies: the first send, then each re-send."""
    return f"alert:{broadcast_id}" if round_no <= 1 else f"alert:{broadcast_id}:r{round_no}"



def is_real_broadcast() -> Any:
    """Not a drill's alert: a drill drafts its alerts beginning with the drill mark (handlers/drill),
    and those are kept out of real statistics like drill incidents."""
    from core.i18n import LANGUAGES, Translator

    marks = {Translator(language)("drill.mark") for language in LANGUAGES}
    return and_(*(Broadcast.text.not_like(f"{mark}%") for mark in marks))

class BroadcastRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, broadcast: Broadcast) -> Broadcast:
        self.session.add(broadcast)
        await self.session.flush()  # the id goes into the buttons
        return broadcast

    async def get(self, broadcast_id: int, *, for_update: bool = False) -> Broadcast | None:
        """`for_update`: the row is locked, so Send, Cancel and the scheduler cannot cross."""
        return await self.session.get(Broadcast, broadcast_id, with_for_update=for_update)

    async def latest(self) -> Broadcast | None:
        return await self.session.scalar(
            select(Broadcast).where(Broadcast.status.in_((SENDING, SENT))).order_by(Broadcast.id.desc()).limit(1)
        )

    async def units_confirmed(self, broadcast_id: int) -> set[str]:
        """Units of which somebody pressed 收到 / Received."""
        return set(await self.session.scalars(
            select(BroadcastReceipt.unit_code).where(BroadcastReceipt.broadcast_id == broadcast_id).distinct()))

    async def scheduled(self) -> list[Broadcast]:
        return list(await self.session.scalars(
            select(Broadcast).where(Broadcast.status == SCHEDULED).order_by(Broadcast.scheduled_for)
        ))

    async def recent(self, limit: int) -> list[Broadcast]:
        return list(await self.session.scalars(
            select(Broadcast).where(Broadcast.status.in_((SENDING, SENT)))
            .order_by(Broadcast.id.desc()).limit(limit)
        ))

    async def due(self, now: datetime, limit: int = 20) -> list[Broadcast]:
        """Scheduled alerts whose time has come, locked for this transaction."""
        return list(await self.session.scalars(
            select(Broadcast)
            .where(Broadcast.status == SCHEDULED, Broadcast.scheduled_for <= now)
            .order_by(Broadcast.scheduled_for).limit(limit)
            .with_for_update(skip_locked=True)  # a second bot process takes the others
        ))

    async def in_progress(self, limit: int = 20) -> list[Broadcast]:
        return list(await self.session.scalars(
            select(Broadcast).where(Broadcast.status == SENDING).order_by(Broadcast.id).limit(limit)
            .with_for_update(skip_locked=True)
        ))

    async def counts(self, key: str) -> DeliveryCounts:
        """Where one round's copies stand, counted from the outbox rows themselves."""
        return (await OutboxRepository(self.session).send_counts([key]))[key]

    async def delivered_chats(self, keys: list[str]) -> set[tuple[str, str]]:
        """(platform, chat) pairs that got a copy in any of these rounds."""
        rows = await self.session.execute(
            select(OutboxMessage.platform, OutboxMessage.chat_id).distinct()
            .where(OutboxMessage.message_key.in_(keys), OutboxMessage.kind == "send",
                   OutboxMessage.status == DELIVERED)
        )
        return {(platform, chat) for platform, chat in rows.all()}

    async def failed_chats(self, keys: list[str]) -> set[tuple[str, str]]:
        rows = await self.session.execute(
            select(OutboxMessage.platform, OutboxMessage.chat_id)
            .where(OutboxMessage.message_key.in_(keys), OutboxMessage.kind == "send",
                   OutboxMessage.status == FAILED)
        )
        return {(platform, chat) for platform, chat in rows.all()}

    async def receipts(self, broadcast_id: int) -> list[BroadcastReceipt]:
        return list(await self.session.scalars(
            select(BroadcastReceipt).where(BroadcastReceipt.broadcast_id == broadcast_id)
            .order_by(BroadcastReceipt.confirmed_at, BroadcastReceipt.id)
        ))

    async def receipts_for_units(self, broadcast_id: int, unit_codes: list[str]) -> list[BroadcastReceipt]:
        return list(await self.session.scalars(
            select(BroadcastReceipt).where(BroadcastReceipt.broadcast_id == broadcast_id,
                                           BroadcastReceipt.unit_code.in_(unit_codes))
            .order_by(BroadcastReceipt.confirmed_at, BroadcastReceipt.id)
        ))

    async def receipt(self, broadcast_id: int, unit_code: str, platform: str, user_id: str) -> BroadcastReceipt | None:
        return await self.session.scalar(
            select(BroadcastReceipt).where(
                BroadcastReceipt.broadcast_id == broadcast_id, BroadcastReceipt.unit_code == unit_code,
                BroadcastReceipt.platform == platform, BroadcastReceipt.user_id == user_id,
            )
        )

    async def add_receipt(self, receipt: BroadcastReceipt) -> bool:
        """False when that member already confirmed for that unit (a double tap that
        reached the other bot process first). Flushed now: a second press in the
        same batch must find this one."""
        try:
            async with self.session.begin_nested():
                self.session.add(receipt)
        except IntegrityError:
            return False
        return True

    # CAP 1.2 (#17): alerts by an outside warning's identity, their copies, expiry, tasks.

    async def by_cap_identity(self, sender: str, identifier: str) -> Broadcast | None:
        return await self.session.scalar(
            select(Broadcast).where(Broadcast.cap_sender == sender, Broadcast.cap_identifier == identifier))

    async def add_unique_cap(self, broadcast: Broadcast) -> bool:
        """False when that outside warning was drafted already (by another request, at the same time)."""
        try:
            async with self.session.begin_nested():
                self.session.add(broadcast)
        except IntegrityError:
            return False
        return True

    async def delivered_copies(self, keys: list[str]) -> list[tuple[str, str, str]]:
        """(platform, chat, key) of every copy delivered under these keys: the messages to redraw."""
        rows = await self.session.execute(
            select(OutboxMessage.platform, OutboxMessage.chat_id, OutboxMessage.message_key).distinct()
            .where(OutboxMessage.message_key.in_(keys), OutboxMessage.kind == "send",
                   OutboxMessage.status == DELIVERED)
        )
        return [(platform, chat, key) for platform, chat, key in rows.all()]

    async def expiring(self, now: datetime, limit: int = 20) -> list[Broadcast]:
        """Sent alerts past their valid-until whose copies are not yet marked expired."""
        return list(await self.session.scalars(
            select(Broadcast)
            .where(Broadcast.expired_at.is_(None), Broadcast.expires_at <= now,
                   Broadcast.status.in_((SENDING, SENT)))
            .order_by(Broadcast.expires_at).limit(limit).with_for_update(skip_locked=True)
        ))

    async def sent_for_feed(self, limit: int) -> list[Broadcast]:
        """Alerts, updates and cancels that went out, newest first (the Atom feed)."""
        return list(await self.session.scalars(
            select(Broadcast).where(Broadcast.sent_at.is_not(None)).order_by(Broadcast.id.desc()).limit(limit)))

    async def task_marks(self, broadcast_id: int, unit_codes: list[str] | None = None) -> list[BroadcastTaskMark]:
        query = select(BroadcastTaskMark).where(BroadcastTaskMark.broadcast_id == broadcast_id)
        if unit_codes is not None:
            query = query.where(BroadcastTaskMark.unit_code.in_(unit_codes))
        return list(await self.session.scalars(query.order_by(BroadcastTaskMark.unit_code, BroadcastTaskMark.task_no)))

    async def mark_task(self, broadcast_id: int, unit_code: str, task_no: int, state: str, name: str,
                        now: datetime, count: str | None = None) -> BroadcastTaskMark:
        """Set a unit's progress on a task; done is never taken back to received."""
        mark = await self.session.scalar(
            select(BroadcastTaskMark).where(
                BroadcastTaskMark.broadcast_id == broadcast_id, BroadcastTaskMark.unit_code == unit_code,
                BroadcastTaskMark.task_no == task_no).with_for_update())
        if mark is None:
            mark = BroadcastTaskMark(broadcast_id=broadcast_id, unit_code=unit_code, task_no=task_no,
                                     state=state, name=name, marked_at=now, count=count)
            self.session.add(mark)
        else:
            if mark.state != DONE:
                mark.state = state
            mark.name, mark.marked_at = name, now
            if count is not None:
                mark.count = count
        await self.session.flush()
        return mark
