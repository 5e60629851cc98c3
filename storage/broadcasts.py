"""Broadcast alerts, their receipts, and their deliveries as the outbox sees them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Broadcast, BroadcastReceipt, OutboxMessage
from storage.outbox import DELIVERED, FAILED, DeliveryCounts, OutboxRepository

PREVIEW, SCHEDULED, SENDING, SENT, CANCELLED = "preview", "scheduled", "sending", "sent", "cancelled"


def round_key(broadcast_id: int, round_no: int) -> str:
    """The outbox key of one round's copies: the first send, then each re-send."""
    return f"alert:{broadcast_id}" if round_no <= 1 else f"alert:{broadcast_id}:r{round_no}"


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
