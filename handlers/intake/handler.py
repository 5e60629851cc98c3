"""Incident intake: reports typed in chat become incidents at once.

Free text is read in reporting conversations and private chats; `/report`
registers whatever it is given, anywhere. The reporter gets a receipt and every
command-centre conversation a card, in the same transaction as the incident.
"""
from __future__ import annotations

import logging
import re

from bot.context import HandlerContext
from bot.events import ButtonEvent, CommandEvent, MessageEvent
from bot.messages import Message, Priority
from bot.router import Router, centre_only
from bot.text import clean_text
from handlers.intake import duplicates, evidence, flood, followups, views
from handlers.intake.cards import CORRECT_ACTION, DRILL_ACTION, post_cards, refresh_cards
from handlers.intake.parser import ParsedReport, parse_report
from storage.buttons import ResolvedButton
from storage.incidents import IncidentRepository
from storage.models import Incident

log = logging.getLogger(__name__)

# Longer messages are read only this far (a report is a few lines; a 20,000
# character paste must not cost the bot anything).
MAX_REPORT_CHARS = 4000
INCIDENT_ID = re.compile(r"^\d{8}-\d{4,6}$")


def register(router: Router) -> None:
    router.on_message(evidence.on_photo_reply)
    router.on_message(followups.on_reply)
    router.on_message(on_message)
    router.on_location(evidence.on_location)
    router.command("report", report_command, "help.cmd.report")
    router.command("status", status_command, "help.cmd.status")
    router.on_button(DRILL_ACTION, mark_drill)
    router.on_button(CORRECT_ACTION, followups.explain_correction)
    router.on_button(duplicates.SPLIT_ACTION, duplicates.split_source)


async def on_message(ctx: HandlerContext, event: MessageEvent) -> bool:
    private = event.conversation.is_private
    if not (ctx.where.reporting or private):
        return False
    text = clean_text(event.text, MAX_REPORT_CHARS)
    parsed = parse_report(text)
    if not parsed.is_report:
        if private and text.strip():
            ctx.reply(Message(text=ctx.t("intake.not_a_report")))
        return private
    await register_incident(ctx, text, parsed, with_photos_of=event)
    _warn_if_cut(ctx, event.text)
    return True


async def report_command(ctx: HandlerContext, event: CommandEvent) -> None:
    text = clean_text(event.args, MAX_REPORT_CHARS).strip()
    if not text:
        ctx.reply(Message(text=ctx.t("report.usage")))
        return
    await register_incident(ctx, text, parse_report(text), forced=True)
    _warn_if_cut(ctx, event.args)


def _warn_if_cut(ctx: HandlerContext, original: str) -> None:
    if len(original) > MAX_REPORT_CHARS:
        ctx.reply(Message(text=ctx.t("intake.too_long", length=len(original), limit=MAX_REPORT_CHARS)))


async def register_incident(
    ctx: HandlerContext, text: str, parsed: ParsedReport, *, forced: bool = False,
    with_photos_of: MessageEvent | None = None,
) -> Incident:
    """A new incident, or, when it is one already registered, a further source of that one.

    Past a flood limit it is registered all the same, but summed up for the centre
    instead of announced (handlers/intake/flood.py).
    """
    admission = await flood.admit(ctx)
    if (same := await duplicates.find_duplicate(ctx, parsed)) is not None:
        await _link(ctx, same, text, with_photos_of, announce=admission.held is None)
        if admission.held is not None:
            await flood.hold(ctx, admission.held, same, text)
        return same
    repo = IncidentRepository(ctx.session)
    event = ctx.event
    incident = await repo.add(
        Incident(
            id=await repo.next_id(ctx.now, ctx.org.timezone),
            created_at=ctx.now, status="open", drill=False,
            type=parsed.type or "other", location=parsed.location, stated_time=parsed.time,
            dead=parsed.casualties.dead, injured=parsed.casualties.injured,
            trapped=parsed.casualties.trapped, missing=parsed.casualties.missing,
            text=text, language=parsed.language,
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


async def _link(ctx: HandlerContext, incident: Incident, text: str, with_photos_of: MessageEvent | None,
                *, announce: bool = True) -> None:
    await duplicates.link_source(ctx, incident, duplicates.source_of_event(ctx, incident, text), announce=announce)
    if with_photos_of is not None and with_photos_of.attachments:
        await evidence.attach_photos(ctx, incident, with_photos_of)
    if announce and not ctx.where.centre:  # there the centre's notice says it
        ctx.reply(views.duplicate_receipt(ctx.t, incident), key=views.receipt_key(incident.id))


async def status_command(ctx: HandlerContext, event: CommandEvent) -> None:
    incident_id = event.args.strip()
    if not INCIDENT_ID.match(incident_id):
        ctx.reply(Message(text=ctx.t("status.usage")))
        return
    incident = await IncidentRepository(ctx.session).get(incident_id)
    if incident is None or not await followups.may_update(ctx, incident):
        # Strangers learn nothing, not even that the id exists.
        ctx.reply(Message(text=ctx.t("status.not_found", id=incident_id)))
        return
    registered = incident.created_at.astimezone(ctx.org.timezone).strftime("%Y-%m-%d %H:%M")
    repo = IncidentRepository(ctx.session)
    photos = await repo.attachment_count(incident.id, "photo")
    reports = await repo.report_count(incident.id)
    ctx.reply_in_confidence(views.status_view(ctx.t, incident, photos, str(ctx.org.timezone), registered, reports))


async def mark_drill(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    if not centre_only(ctx.person):
        log.warning("refused drill mark by %s", event.actor)
        ctx.private_answer = ctx.t("button.refused_centre_only")
        return
    repo = IncidentRepository(ctx.session)
    incident = await repo.get(str(button.data.get("incident")))
    if incident is None:
        ctx.private_answer = ctx.t("button.unknown")
        return
    if incident.drill:
        ctx.private_answer = ctx.t("drill.already", id=incident.id)
        return
    incident.drill = True
    await repo.record(incident.id, ctx.now, "marked_drill", ctx.timeline_actor)
    await refresh_cards(ctx, incident)
    ctx.private_answer = ctx.t("drill.marked", id=incident.id, name=ctx.actor_name)
