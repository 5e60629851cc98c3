"""Registering a report: a new incident, or a further report of one already registered.

The reporter gets a receipt and every command-centre conversation a card, in
the same transaction as the incident. Past a flood limit a report is registered
all the same, but summed up for the centre instead of announced.
"""
from __future__ import annotations

import dataclasses
import logging
import re

from handlers.context import HandlerContext
from core.events import MessageEvent
from core.messages import Priority
from handlers.intake import duplicates, evidence, flood, views
from handlers.intake.cards import CORRECT_ACTION, post_cards
from handlers.intake.followups import apply_changes
from handlers.intake.parser import ParsedReport
from handlers.intake.reports import Chosen, incident_fields
from handlers.intake.rights import may_update
from handlers.intake.stated_counts import Added, stated_counts
from storage.incidents import IncidentRepository
from storage.models import Incident

log = logging.getLogger(__name__)


async def register_incident(
    ctx: HandlerContext, text: str, parsed: ParsedReport, *, forced: bool = False,
    with_photos_of: MessageEvent | None = None, chosen: Chosen | None = None, drill: bool = False,
) -> Incident:
    """A new incident, or, when it is one already registered, a further source of that one.

    chosen: what a form's reporter chose (already in `parsed`); then only their own
    words are read for an incident's id, follow-up words and increments, the place
    they typed is the place, and the counts they chose are figures they state.

    Past a flood limit it is registered all the same, but summed up for the centre
    instead of announced (handlers/intake/flood.py).

    drill: a drill's inject (handlers/drill): a drill incident from the start, never joined
    to a real one by its place (only an id it names links it).
    """
    admission = await flood.admit(ctx)
    words = chosen.text if chosen is not None else text
    typed_place = chosen.place if chosen is not None else None
    place = ctx.org.gazetteer.find(typed_place or text)
    if place is not None and typed_place is None and (parsed.location is None or place.name not in parsed.location):
        parsed = dataclasses.replace(parsed, location=place.name)  # a known place beats a guessed phrase
    named = await duplicates.named_incident(ctx, words)
    if (same := named or (None if drill else await duplicates.find_duplicate(ctx, parsed))) is not None:
        # Rights are asked before the link makes them one of its reporters, and only when
        # the report would change a figure (a storm of the same report costs no query).
        changes = _figures_from(same, words, parsed, follow_up=named is not None or is_follow_up(words),
                                chosen_counts=dict(chosen.counts) if chosen is not None else {})
        allowed = bool(changes) and admission.held is None and await may_update(ctx, same)
        await _link(ctx, same, text, with_photos_of, announce=admission.held is None)
        if admission.held is not None:
            await flood.hold(ctx, admission.held, same, text)
        elif allowed:
            await apply_changes(ctx, same, changes, "updated", text, answer=False)
        return same
    repo = IncidentRepository(ctx.session)
    event = ctx.event
    incident = await repo.add(
        Incident(
            id=await repo.next_id(ctx.now, ctx.org.timezone),
            created_at=ctx.now, status="open", drill=drill,
            **incident_fields(parsed), text=text, unsure=",".join(parsed.unsure_fields),
            reporter_platform=event.actor.platform, reporter_id=event.actor.user_id,
            reporter_name=ctx.actor_name, reporter_registered=ctx.person is not None,
            source_platform=event.conversation.ref.platform,
            source_chat_id=event.conversation.ref.chat_id,
            source_message_id=event.platform_message_id,
        )
    )
    await repo.record(
        incident.id, ctx.now, "reported", ctx.timeline_actor,
        {"text": text, "conversation": str(event.conversation.ref), "forced": forced,
         "parsed": parsed.to_dict()},
    )
    if place is not None and place.latitude is not None and place.longitude is not None:
        incident.latitude, incident.longitude = place.latitude, place.longitude  # on the map at once
    await duplicates.remember(ctx, incident)
    photos = 0
    if with_photos_of is not None and with_photos_of.attachments:
        await evidence.attach_photos(ctx, incident, with_photos_of)
        photos = len(with_photos_of.attachments)
    if admission.held is not None:
        await repo.record(incident.id, ctx.now, "held", ctx.timeline_actor,
                          {"scope": admission.held.scope, "held": admission.held.held})
        await flood.hold(ctx, admission.held, incident, text)
        return incident
    if not ctx.where.centre:  # in a centre room the card itself is the receipt
        # The reporter can correct what the bot understood, from the receipt itself.
        correct = await ctx.button(ctx.t("button.correct"), CORRECT_ACTION, {"incident": incident.id, "receipt": True},
                                   event.conversation.ref)
        ctx.reply(views.receipt(ctx.t, incident, (correct,)), key=views.receipt_key(incident.id))
    await post_cards(ctx, incident, photos, priority=Priority.LOW if admission.repeat else Priority.NORMAL)
    log.info("incident %s registered from %s", incident.id, event.conversation.ref)
    return incident


# Words that mark a message as a follow-up of a known incident (续报, update:).
_FOLLOW_UP = re.compile(r"续报|跟进|更新|进展|最新情况|\bupdate\b|\bfollow[- ]?up\b|\bsitrep\b", re.IGNORECASE)


def is_follow_up(text: str) -> bool:
    return bool(_FOLLOW_UP.search(text[:200]))


def _figures_from(incident: Incident, text: str, parsed: ParsedReport, *, follow_up: bool,
                  chosen_counts: dict[str, int] | None = None) -> dict[str, object]:
    """What a further report that is not a reply would change: a follow-up's figures as it
    states them (increments add, totals replace); another witness's only where they are
    higher (a second passer-by seeing fewer does not lower the count). Counts chosen in a
    form are totals, whatever the words say."""
    if not any(parsed.casualties.to_dict().values()) and not chosen_counts:
        return {}
    stated = stated_counts(text, parsed.casualties)
    stated.update(chosen_counts or {})
    if not follow_up:
        stated = {field: value for field, value in stated.items()
                  if isinstance(value, Added) or value > getattr(incident, field)}
    return dict(stated)


async def _link(ctx: HandlerContext, incident: Incident, text: str, with_photos_of: MessageEvent | None,
                *, announce: bool = True) -> None:
    await duplicates.link_source(ctx, incident, duplicates.source_of_event(ctx, incident, text), announce=announce)
    if with_photos_of is not None and with_photos_of.attachments:
        await evidence.attach_photos(ctx, incident, with_photos_of)
    if announce and not ctx.where.centre:  # there the centre's notice says it
        ctx.reply(views.duplicate_receipt(ctx.t, incident), key=views.receipt_key(incident.id))


