"""Watching an order's copies until they have reached its unit, or failed for good.

An order whose every copy the platforms refused for good (the bot was removed
from the group, the chat is gone) reached nobody: it is reported like an order
to a unit with no conversation at all. Orders are watched from the database,
so a restart loses none; each is claimed inside its transaction.
"""
from __future__ import annotations

from datetime import timedelta

from handlers.context import Context
from handlers.dispatch import views
from handlers.dispatch.orders import report_undelivered
from storage.dispatch import DELIVERED, UNDELIVERED, DispatchRepository
from storage.incidents import IncidentRepository
from storage.outbox import OutboxRepository

# Retries of one copy end within minutes; a day leaves room for long outages.
WATCH_FOR = timedelta(days=1)


async def settle_deliveries(ctx: Context) -> int:
    """Timer: mark orders delivered, or report those that reached nobody; returns how many were reported."""
    orders = await DispatchRepository(ctx.session).awaiting_delivery(ctx.now - WATCH_FOR)
    if not orders:
        return 0
    counts = await OutboxRepository(ctx.session).send_counts([views.order_key(o.id) for o in orders])
    reported = 0
    for order in orders:
        sent = counts[views.order_key(order.id)]
        if sent.delivered:
            order.delivery = DELIVERED
        elif sent.failed and sent.done:
            incident = await IncidentRepository(ctx.session).get(order.incident_id)
            if incident is None or incident.status == "closed":
                order.delivery = UNDELIVERED  # nobody to tell any more: only stop watching
                continue
            await report_undelivered(ctx, incident, order, "undelivered.failed")
            reported += 1
    return reported
