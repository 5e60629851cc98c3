"""Locations and photos that belong to an incident.

A location or photo sent as a reply to the bot's receipt (or to a centre card)
goes to that incident. A location shared on its own goes to the sender's latest
report from the same conversation, if it is recent: a reporter typically sends
the text first and then drops a pin.
"""
from __future__ import annotations

from datetime import timedelta

from handlers.context import HandlerContext
from core.events import Event, LocationEvent, MessageEvent
from core.messages import Message
from handlers.intake import duplicates, views
from handlers.intake.cards import refresh_cards
from handlers.intake.rights import may_update, refused_followup
from storage.incidents import IncidentRepository
from storage.models import Incident

RECENT_REPORT = timedelta(minutes=30)


async def replied_to(ctx: HandlerContext, event: Event) -> tuple[str | None, Incident | None]:
    """The key of the bot's message this one replies to, and the incident it is about."""
    if event.reply_to_message_id is None or ctx.reply_to is None:  # the router resolves replies
        return None, None
    ref = event.conversation.ref
    key = ctx.reply_to.key
    incident_id = views.incident_of_key(key)
    repo = IncidentRepository(ctx.session)
    if incident_id is None:
        # A reply to the report itself is a reply to its receipt (on Slack a reply in the
        # report's thread names the report as its parent, not the bot's receipt in it) —
        # for those who may add to it: others replying to someone's report are just talking.
        reported = await repo.reported_by_message(ref.platform, ref.chat_id, event.reply_to_message_id)
        incident = await repo.get(reported) if reported else None
        if incident is not None and await may_update(ctx, incident):
            return views.receipt_key(incident.id), incident
        return key, None
    return key, await repo.get(incident_id)


async def incident_replied_to(ctx: HandlerContext, event: Event) -> Incident | None:
    return (await replied_to(ctx, event))[1]


async def on_location(ctx: HandlerContext, event: LocationEvent) -> bool:
    if not (-90 <= event.latitude <= 90 and -180 <= event.longitude <= 180):
        return False
    incident = await incident_replied_to(ctx, event)
    if incident is None and (ctx.where.reporting or event.conversation.is_private):
        incident = await IncidentRepository(ctx.session).latest_by_reporter(
            event.actor.platform, event.actor.user_id, event.conversation.ref.chat_id, ctx.now - RECENT_REPORT,
        )
    # Held as last committed: the pin may merge it (merge_if_near), which must not happen
    # while the other bot process dispatches to it or merges it by hand.
    incident = await duplicates.followed(ctx, incident, held=True)
    if incident is None:
        return False
    if await refused_followup(ctx, incident):
        return True
    incident.latitude, incident.longitude = event.latitude, event.longitude
    await IncidentRepository(ctx.session).record(
        incident.id, ctx.now, "location", ctx.timeline_actor,
        {"latitude": event.latitude, "longitude": event.longitude},
    )
    # The pin may show this is an incident already reported nearby.
    if (same := await duplicates.merge_if_near(ctx, incident)) is not None:
        ctx.reply(views.duplicate_receipt(ctx.t, same), key=views.receipt_key(same.id))
        return True
    await refresh_cards(ctx, incident)
    ctx.reply(Message(text=ctx.t("evidence.location_added", id=incident.id)))
    return True


async def on_photo_reply(ctx: HandlerContext, event: MessageEvent) -> bool:
    """Photos sent in reply to a receipt or card join that incident."""
    if not event.attachments:
        return False
    incident = await duplicates.followed(ctx, await incident_replied_to(ctx, event))
    if incident is None:
        return False
    if await refused_followup(ctx, incident):
        return True
    await attach_photos(ctx, incident, event)
    await refresh_cards(ctx, incident)
    ctx.reply(Message(text=ctx.t("evidence.photo_added", id=incident.id)))
    return True


async def attach_photos(ctx: HandlerContext, incident: Incident, event: MessageEvent) -> None:
    repo = IncidentRepository(ctx.session)
    for attachment in event.attachments:
        await repo.attach(incident.id, ctx.now, attachment.kind, event.actor.platform, attachment.platform_file_id)
        await repo.record(incident.id, ctx.now, f"{attachment.kind}_added", ctx.timeline_actor,
                          {"file_id": attachment.platform_file_id, "caption": event.text[:500]})
