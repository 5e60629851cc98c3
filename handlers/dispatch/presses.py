"""A unit's answers to its order, the reasons for declining, and approvals."""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.replies import Reply
from handlers.context import HandlerContext
from core.events import ButtonEvent, MessageEvent
from core.messages import Message, Priority
from core.phone import PLATFORM as PHONE
from core.text import clean_text
from handlers.dispatch import views
from handlers.dispatch.orders import ack_timeout, refresh_board, refresh_order, send_order
from storage.buttons import ResolvedButton
from storage.dispatch import DECLINED, FINAL, FLOW, PENDING_APPROVAL, DispatchRepository
from storage.incidents import IncidentRepository
from storage.models import DispatchOrder, Incident

log = logging.getLogger(__name__)

REASON_LIMIT = 1000


async def preload(session: AsyncSession, data: list[dict[str, Any]]) -> None:
    await DispatchRepository(session).preload_orders([d.get("order") for d in data])


async def _order_and_incident(ctx: HandlerContext, button: ResolvedButton) -> tuple[DispatchOrder, Incident] | None:
    order = await DispatchRepository(ctx.session).order(int(button.data.get("order", 0)))
    incident = await IncidentRepository(ctx.session).get(order.incident_id) if order else None
    if order is None or incident is None:
        ctx.private_answer = ctx.t("button.unknown")
        return None
    if incident.status == "closed":
        ctx.private_answer = ctx.t("dispatch.closed", id=incident.id)
        return None
    return order, incident


async def press(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    found = await _order_and_incident(ctx, button)
    if found is None:
        return
    order, incident = found
    if ctx.person is None or not ctx.person.is_member_of(order.unit_code):
        log.warning("refused order press by %s for %s", event.actor, order.unit_code)
        ctx.private_answer = ctx.t("order.not_your_unit", unit=order.unit_code)
        return
    target = str(button.data.get("state"))
    moves = target != order.state and _moves_forward(order.state, target)
    # Every press is on the record, also those that change nothing: who pressed what, when.
    await IncidentRepository(ctx.session).record(
        incident.id, ctx.now, "order_press", ctx.timeline_actor,
        {"unit": order.unit_code, "state": target, "changed": moves},
    )
    if target == order.state:
        ctx.private_answer = ctx.t("order.already", state=ctx.t(f"order.state.{target}"))
        return
    if not moves:
        ctx.private_answer = ctx.t("order.no_going_back", state=ctx.t(f"order.state.{order.state}"))
        return
    by = ctx.actor_name + (ctx.t("phone.by_phone") if event.conversation.ref.platform == PHONE else "")
    order.state, order.state_at, order.state_by, order.escalate_at = target, ctx.now, by, None
    for state in FLOW[1:FLOW.index(target) + 1] if target in FLOW else ():
        if getattr(order, f"{state}_at") is None:  # on scene implies acknowledged: timings need it
            setattr(order, f"{state}_at", ctx.now)
    await refresh_order(ctx, incident, order)
    await refresh_board(ctx, incident)
    if target == DECLINED:
        _alert_centre(ctx, Message(text=ctx.t("order.declined_alert", unit=order.unit_code, id=incident.id,
                                              name=ctx.actor_name)))
        if event.conversation.ref.platform != PHONE:  # a key on a call cannot type a reason
            ctx.send(event.conversation.ref, Message(text=ctx.t("order.ask_reason")),
                     key=views.DECLINE_REASON.key(order.id))
    ctx.private_answer = ctx.t("order.recorded", state=ctx.t(f"order.state.{target}"))


def _moves_forward(current: str, target: str) -> bool:
    if current in FINAL or current == PENDING_APPROVAL:
        return False
    if target == DECLINED:
        return True
    return target in FLOW and FLOW.index(target) > FLOW.index(current)


def _alert_centre(ctx: HandlerContext, message: Message) -> None:
    for ref in ctx.centre_conversations():
        ctx.send(ref, message, priority=Priority.URGENT)


async def decline_reason(ctx: HandlerContext, event: MessageEvent, reply: Reply) -> bool:
    """A reply to "why can't you comply?" goes to the centre at once."""
    order_id = reply.id()
    order = await DispatchRepository(ctx.session).order(order_id) if order_id is not None else None
    if order is None or ctx.person is None or not ctx.person.is_member_of(order.unit_code):
        return False
    incident = await IncidentRepository(ctx.session).get(order.incident_id)
    if incident is None:
        return False
    order.decline_reason = clean_text(event.text, REASON_LIMIT).strip()
    await IncidentRepository(ctx.session).record(
        incident.id, ctx.now, "decline_reason", ctx.timeline_actor,
        {"unit": order.unit_code, "reason": order.decline_reason},
    )
    _alert_centre(ctx, Message(text=ctx.t("order.reason_alert", unit=order.unit_code, id=incident.id,
                                          name=ctx.actor_name, reason=order.decline_reason)))
    await refresh_board(ctx, incident)
    ctx.reply(Message(text=ctx.t("order.reason_thanks")))
    return True


async def decide(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton, approve: bool) -> None:
    found = await _order_and_incident(ctx, button)
    if found is None:
        return
    order, incident = found
    if not ctx.is_centre_member:
        ctx.private_answer = ctx.t("button.refused_centre_only")
        return
    if order.state != PENDING_APPROVAL:
        ctx.private_answer = ctx.t("approval.already", state=ctx.t(f"order.state.{order.state}"))
        return
    if ctx.is_account_holder(order.ordered_by_id):
        ctx.private_answer = ctx.t("approval.not_yourself")
        return
    order.decided_by, order.state_at, order.state_by = ctx.actor_name, ctx.now, ctx.actor_name
    if approve:
        # The order goes out now, and its silence is counted from now.
        order.state, order.ordered_at = "ordered", ctx.now
        order.escalate_at, order.escalation_level = ctx.now + ack_timeout(ctx, incident), 0
        await send_order(ctx, incident, order)
    else:
        order.state, order.escalate_at = "rejected", None
    await IncidentRepository(ctx.session).record(
        incident.id, ctx.now, "approved" if approve else "rejected", ctx.timeline_actor, {"unit": order.unit_code},
    )
    for ref in ctx.centre_conversations():
        ctx.edit(ref, f"{views.order_key(order.id)}:approval", views.approval_message(ctx.t, ctx.org, incident, order))
    await refresh_board(ctx, incident)
    ctx.private_answer = ctx.t("order.recorded", state=views.approval_decision(ctx.t, order))



async def approve(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    await decide(ctx, event, button, approve=True)


async def reject(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    await decide(ctx, event, button, approve=False)
