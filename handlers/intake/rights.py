"""Who may add to an incident after it is reported, whatever they send.

A text reply, a location pin and a photo all change what the centre sees (a pin
can even move the incident onto another and merge the two), so all three are
allowed to the same people: registered members, the reporter, and reporters of
reports linked to it. Anyone else is refused, and nothing changes.
"""
from __future__ import annotations

import logging

from handlers.context import HandlerContext
from core.messages import Message
from storage.incidents import IncidentRepository
from storage.models import Incident

log = logging.getLogger(__name__)


async def may_update(ctx: HandlerContext, incident: Incident) -> bool:
    """Members, the reporter and reporters of linked reports (also who may see it with /status)."""
    if ctx.person is not None:
        return True
    actor = ctx.event.actor
    if (incident.reporter_platform, incident.reporter_id) == (actor.platform, actor.user_id):
        return True
    return await IncidentRepository(ctx.session).is_source_reporter(incident.id, actor.platform, actor.user_id)


async def refused_followup(ctx: HandlerContext, incident: Incident) -> bool:
    """Tell the sender why their follow-up changes nothing; False when it may go ahead."""
    if not await may_update(ctx, incident):
        log.warning("refused follow-up of %s by %s", incident.id, ctx.event.actor)
        ctx.reply(Message(text=ctx.t("followup.refused", id=incident.id)))
        return True
    if incident.status == "closed":
        ctx.reply(Message(text=ctx.t("followup.closed", id=incident.id)))
        return True
    return False
