"""Dispatch orders and drafts."""
from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DispatchDraft, DispatchOrder, Incident
from storage.preload import keep_loaded

# The forward path of an order; declined ends it from any point before on scene.
FLOW = ("ordered", "acknowledged", "en_route", "on_scene")
DECLINED, PENDING_APPROVAL, REJECTED = "declined", "pending_approval", "rejected"
FINAL = ("on_scene", DECLINED, REJECTED)
# An order's delivery: None while its copies are going out, then one of these.
DELIVERED, UNDELIVERED = "delivered", "undelivered"


class OrderStatus(Protocol):
    """What the status board shows of an order: a DispatchOrder, or a plain row of it."""

    @property
    def id(self) -> int: ...
    @property
    def unit_code(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def ordered_at(self) -> datetime: ...
    @property
    def state_at(self) -> datetime: ...
    @property
    def state_by(self) -> str | None: ...
    @property
    def decline_reason(self) -> str | None: ...
    @property
    def acknowledged_at(self) -> datetime | None: ...
    @property
    def on_scene_at(self) -> datetime | None: ...
    @property
    def delivery(self) -> str | None: ...


_STATUS_COLUMNS = tuple(DispatchOrder.__table__.c[name] for name in (
    "id", "unit_code", "state", "ordered_at", "state_at", "state_by", "decline_reason",
    "acknowledged_at", "on_scene_at", "delivery",
))


class DispatchRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def orders_for(self, incident_id: str, *, held: bool = False) -> list[DispatchOrder]:
        """The incident's orders, oldest first.

        `held`: locked (PostgreSQL), in id order as a batch of presses takes them, and read as
        last committed (this transaction's own changes written first, so kept): for a
        decision taken from their states, which a press in the other bot process may be
        changing just then."""
        query = select(DispatchOrder).where(DispatchOrder.incident_id == incident_id).order_by(DispatchOrder.id)
        if held:
            await self.session.flush()
            query = query.with_for_update().execution_options(populate_existing=True)
        return list(await self.session.scalars(query))

    async def states_for(self, incident_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
        """(unit, state) of each incident's orders, in one query: for lists of incidents."""
        table = DispatchOrder.__table__
        rows = await self.session.execute(
            select(table.c.incident_id, table.c.unit_code, table.c.state)
            .where(table.c.incident_id.in_(incident_ids)).order_by(table.c.id))
        found: dict[str, list[tuple[str, str]]] = {}
        for incident_id, unit_code, state in rows.all():
            found.setdefault(incident_id, []).append((unit_code, state))
        return found

    async def statuses_for(self, incident_id: str) -> list[OrderStatus]:
        """The incident's orders as plain rows, for drawing the board.

        The board is redrawn for every batch of presses; as ORM objects its
        hundreds of orders cost more than the presses themselves. The session
        is flushed first, so the rows include this transaction's changes.
        """
        await self.session.flush()
        table = DispatchOrder.__table__
        rows = await self.session.execute(
            select(*_STATUS_COLUMNS).where(table.c.incident_id == incident_id).order_by(table.c.id)
        )
        return list(rows.all())

    async def preload_orders(self, order_ids: list[int]) -> None:
        """Orders and their incidents into the session, for a batch of presses.

        The orders are locked (PostgreSQL), in id order so two batches cannot deadlock:
        a press decides from the order's state, and two processes deciding from the
        same old state would each write over the other (接令 in one after 到场 in the
        other put the unit back to acknowledged). The second batch reads the state the
        first committed. (Read afresh even if loaded already: a key pressed on a call is
        preloaded in the middle of its batch, where an earlier event may have read its order.)
        """
        ids = sorted({i for i in order_ids if isinstance(i, int)})
        if ids:
            orders = list(await self.session.scalars(
                select(DispatchOrder).where(DispatchOrder.id.in_(ids)).order_by(DispatchOrder.id).with_for_update()
                .execution_options(populate_existing=True)))
            incident_ids = list({o.incident_id for o in orders})
            incidents = list(await self.session.scalars(select(Incident).where(Incident.id.in_(incident_ids))))
            keep_loaded(self.session, [*orders, *incidents])

    async def order(self, order_id: int) -> DispatchOrder | None:
        return await self.session.get(DispatchOrder, order_id)

    async def add(self, order: DispatchOrder) -> DispatchOrder:
        self.session.add(order)
        await self.session.flush()  # the id goes into the order's buttons
        return order

    async def due_for_escalation(self, now: datetime, limit: int = 100) -> list[DispatchOrder]:
        """Orders whose silence timer has run out (unacknowledged, or awaiting approval),
        locked for this transaction."""
        return list(await self.session.scalars(
            select(DispatchOrder)
            .where(DispatchOrder.escalate_at <= now, DispatchOrder.state.in_(("ordered", PENDING_APPROVAL)))
            .order_by(DispatchOrder.escalate_at)
            .limit(limit)
            .with_for_update(skip_locked=True)  # the other bot process takes the others
        ))

    async def awaiting_delivery(self, since: datetime, limit: int = 500) -> list[DispatchOrder]:
        """Orders not yet acknowledged whose copies may still be going out, locked for this transaction."""
        return list(await self.session.scalars(
            select(DispatchOrder)
            .where(DispatchOrder.state == "ordered", DispatchOrder.delivery.is_(None),
                   DispatchOrder.ordered_at >= since)
            .order_by(DispatchOrder.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ))

    async def stop_escalations(self, incident_id: str) -> None:
        await self.session.execute(
            update(DispatchOrder).where(DispatchOrder.incident_id == incident_id).values(escalate_at=None)
        )

    async def draft(self, draft_id: int) -> DispatchDraft | None:
        return await self.session.get(DispatchDraft, draft_id)

    async def as_committed(self, draft: DispatchDraft) -> None:
        """Read the draft again (this transaction's own changes written first, so kept)."""
        await self.session.flush()
        await self.session.refresh(draft)

    async def add_draft(self, draft: DispatchDraft) -> DispatchDraft:
        self.session.add(draft)
        await self.session.flush()
        return draft
