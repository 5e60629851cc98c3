"""Silence is escalated: a reminder to the unit naming its duty officers, then
an alert to the command centre; an approval nobody gives, a reminder to the centre
with its buttons, then a plain alert. Due-times live in the database, so a restart
neither loses nor repeats one; each is claimed inside its transaction."""
from __future__ import annotations

from handlers.context import Context
from core.messages import Message, Priority
from handlers.dispatch.support import escalate_requests
from handlers.dispatch.orders import (
    ack_timeout, duty_mentions, duty_officer_names, refresh_board, send_approval_request, send_order,
)
from handlers.phone.order_steps import policy_steps, run_step
from storage.dispatch import PENDING_APPROVAL, DispatchRepository
from storage.models import DispatchOrder, Incident
from storage.incidents import IncidentRepository


async def escalate_due(ctx: Context) -> int:
    repo = DispatchRepository(ctx.session)
    incidents = IncidentRepository(ctx.session)
    due = await repo.due_for_escalation(ctx.now)
    fired = 0  # the metric counts escalations sent, not timers cleared on closed incidents
    for order in due:
        incident = await incidents.get(order.incident_id)
        if incident is None or incident.status == "closed":
            order.escalate_at = None
            continue
        fired += 1
        # A policy in the organisation file (SMS, calls …) replaces the chat-only default.
        if order.state != PENDING_APPROVAL and (steps := policy_steps(ctx, incident)):
            await run_step(ctx, incident, order, steps)
            continue
        order.escalation_level += 1
        if order.state == PENDING_APPROVAL:
            await _escalate_approval(ctx, incident, order)
        elif order.escalation_level == 1:
            order.escalate_at = ctx.now + ack_timeout(ctx, incident)
            await send_order(ctx, incident, order, reminder=True)
        else:
            order.escalate_at = None
            unit = ctx.org.units[order.unit_code]
            for ref in ctx.centre_conversations():
                officers = duty_mentions(ctx, order.unit_code, ref.platform)
                names = "、".join(duty_officer_names(ctx, order.unit_code)) or ctx.t("value.not_stated")
                ctx.send(ref, Message(
                    text=ctx.t("escalation.centre_alert", unit=f"{unit.name} ({unit.code})", id=incident.id,
                               minutes=2 * ctx.org.spec.escalation.ack_timeout_minutes, officers=names),
                    mentions=officers,
                ), priority=Priority.URGENT)
        await incidents.record(incident.id, ctx.now, "escalated", None,
                               {"unit": order.unit_code, "level": order.escalation_level})
        await refresh_board(ctx, incident)
    # Requests for support across regions wait on the upper centre the same way (#14, tiers).
    return fired + await escalate_requests(ctx)



async def _escalate_approval(ctx: Context, incident: Incident, order: DispatchOrder) -> None:
    """First the request again, with its buttons, as a new message (edits notify nobody);
    then the centre is told plainly that a unit waits on its decision."""
    if order.escalation_level == 1:
        order.escalate_at = ctx.now + ack_timeout(ctx, incident)
        await send_approval_request(ctx, incident, order, reminder=True)
        return
    order.escalate_at = None
    unit = ctx.org.units[order.unit_code]
    for ref in ctx.centre_conversations():
        ctx.send(ref, Message(text=ctx.t("escalation.approval_alert", unit=f"{unit.name} ({unit.code})",
                                         id=incident.id, name=order.ordered_by,
                                         minutes=2 * ctx.org.spec.escalation.ack_timeout_minutes)),
                 priority=Priority.URGENT)
