"""Silence is escalated: a reminder to the unit naming its duty officers, then
an alert to the command centre. Due-times live in the database, so a restart
neither loses nor repeats one; each is claimed inside its transaction."""
from __future__ import annotations

from handlers.context import Context
from core.messages import Message, Priority
from handlers.dispatch.orders import ack_timeout, duty_mentions, duty_officer_names, refresh_board, send_order
from storage.dispatch import DispatchRepository
from storage.incidents import IncidentRepository


async def escalate_due(ctx: Context) -> int:
    repo = DispatchRepository(ctx.session)
    incidents = IncidentRepository(ctx.session)
    due = await repo.due_for_escalation(ctx.now)
    for order in due:
        incident = await incidents.get(order.incident_id)
        if incident is None or incident.status == "closed":
            order.escalate_at = None
            continue
        order.escalation_level += 1
        if order.escalation_level == 1:
            order.escalate_at = ctx.now + ack_timeout(ctx)
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
    return len(due)
