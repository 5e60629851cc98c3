"""What providers report about an SMS or call (queued, delivered, failed, answered, no
answer) goes on the incident's timeline — the after-action record — and a failed or
unanswered one is told to the centre, who may have to dial by hand."""
from __future__ import annotations

import logging
import re

from core.events import PhoneStatusEvent
from core.messages import Message, Priority
from core.phone import BUSY, FAILED, NO_ANSWER, split_chat_id
from handlers.context import HandlerContext
from handlers.dispatch.orders import refresh_board
from storage.dispatch import DispatchRepository
from storage.incidents import IncidentRepository
from storage.phone import PhoneRepository

log = logging.getLogger(__name__)

_ORDER_STEP = re.compile(r"^order:(\d+):step(\d+)$")
_FAILED = (FAILED, NO_ANSWER, BUSY)


async def record_status(ctx: HandlerContext, event: PhoneStatusEvent) -> None:
    sending = await PhoneRepository(ctx.session).sending(event.provider_id)
    found = _ORDER_STEP.match(sending.key or "") if sending else None
    if sending is None or found is None:
        log.info("phone status %s for an SMS or call of no order step", event.status)
        return
    order = await DispatchRepository(ctx.session).order(int(found.group(1)))
    if order is None:
        return
    kind, number = split_chat_id(sending.chat_id)
    person = ctx.org.person(event.actor.platform, number)
    name = person.name if person else number[-4:]
    await IncidentRepository(ctx.session).record(
        order.incident_id, ctx.now, "phone_status", None,
        {"unit": order.unit_code, "via": kind, "to": name, "status": event.status, "step": int(found.group(2))})
    incident = await IncidentRepository(ctx.session).get(order.incident_id)
    if incident is not None:
        await refresh_board(ctx, incident)  # the board shows each SMS's and call's latest status
    if event.status in _FAILED and order.state == "ordered":
        text = ctx.t("phone.status_failed", via=ctx.t(f"phone.via.{kind}"), name=name, unit=order.unit_code,
                     id=order.incident_id, status=ctx.t(f"phone.status.{event.status}"))
        for ref in ctx.centre_conversations():
            ctx.send(ref, Message(text=text), priority=Priority.URGENT)
