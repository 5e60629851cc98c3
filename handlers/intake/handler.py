"""Incident intake: reports typed in chat become incidents at once.

Free text is read in reporting conversations and private chats; `/report`
registers whatever it is given, anywhere, and so does a submitted report form,
with the type, place, time and counts as chosen in it. The reporter gets a receipt and every
command-centre conversation a card, in the same transaction as the incident.
"""
from __future__ import annotations

import logging
import re

from handlers.context import HandlerContext
from config.organisation import ConversationInfo, Organisation
from core.events import ButtonEvent, CommandEvent, Conversation, Event, FormEvent, MessageEvent
from core.messages import Message
from handlers.router import Router, centre_only
from core.text import clean_text
from handlers.dispatch import views as dispatch_views
from handlers.intake import duplicates, evidence, followups, merging, triage, views
from handlers.intake.cards import (
    CARDS, CORRECT_ACTION, DRILL_ACTION, DRILL_CONFIRM_ACTION, UNDRILL_ACTION, ask_drill_confirmation, redraw_cards,
    refresh_cards,
)
from handlers.intake.parser import MAX_CHARS, parse_report
from handlers.intake.read_ahead import ReadAhead
from handlers.intake.rights import may_update
from handlers.intake.registration import register_incident
from handlers.intake.reports import compose, parse_chosen, read_chosen
from storage.buttons import ResolvedButton
from storage.dispatch import DispatchRepository
from storage.incidents import IncidentRepository

log = logging.getLogger(__name__)

# Longer messages are read only this far (a 20,000 character paste must not
# cost the bot anything); the parser reads all of it.
MAX_REPORT_CHARS = MAX_CHARS
INCIDENT_ID = re.compile(r"^\d{8}-\d{4,6}$")
# One worker for the whole process (its bots and, in the tests, their many short lives):
# parsing is a pure function of the text.
READ_AHEAD = ReadAhead()


def register(router: Router) -> None:
    router.on_message(evidence.on_photo_reply)
    router.on_message(followups.on_reply)
    router.on_message(on_message)
    router.on_arrival(read_ahead)
    router.on_redraw(CARDS, redraw_cards)
    router.on_redraw(duplicates.NOTICE, duplicates.redraw_notice)
    router.on_location(evidence.on_location)
    router.command("report", report_command, "help.cmd.report")
    router.form("report", report_form)
    router.command("status", status_command, "help.cmd.status")
    router.command("merge", merging.merge_command, "help.cmd.merge", centre_only)
    router.on_button(DRILL_ACTION, ask_drill)
    router.on_button(DRILL_CONFIRM_ACTION, mark_drill)
    router.on_button(UNDRILL_ACTION, unmark_drill)
    router.on_button(CORRECT_ACTION, followups.explain_correction)
    router.on_button(duplicates.SPLIT_ACTION, duplicates.split_source)
    router.on_button(triage.REGISTER_ACTION, triage.register_press)
    router.on_button(triage.DISMISS_ACTION, triage.dismiss_press)


def _read_as_report(where: ConversationInfo, conversation: Conversation) -> bool:
    """Free text is read in reporting conversations and private chats."""
    return where.reporting or conversation.is_private


def read_ahead(org: Organisation, event: Event) -> None:
    """Start reading what on_message will read, while the event waits for its transaction."""
    if isinstance(event, MessageEvent) and _read_as_report(org.conversation(event.conversation.ref),
                                                            event.conversation):
        READ_AHEAD.offer(clean_text(event.text, MAX_REPORT_CHARS))


async def on_message(ctx: HandlerContext, event: MessageEvent) -> bool:
    private = event.conversation.is_private
    if not _read_as_report(ctx.where, event.conversation):
        return False
    text = clean_text(event.text, MAX_REPORT_CHARS)
    parsed = await READ_AHEAD.parsed(text)
    if not parsed.is_report and await duplicates.named_incident(ctx, text) is not None:
        parsed = parse_report(text, assume_report=True)  # "20261122-0001 人已救出": about that one
    if parsed.doubtful:  # neither registered nor dropped: a person decides
        await triage.hold(ctx, event, text)
        if private:
            ctx.reply(Message(text=ctx.t("triage.private_held")))
        return True
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
    await register_incident(ctx, text, parse_report(text, assume_report=True), forced=True)
    _warn_if_cut(ctx, event.args)


async def report_form(ctx: HandlerContext, event: FormEvent) -> None:
    """A submitted report form: registered, like `/report`, with what was chosen in it."""
    chosen = read_chosen(event.fields)
    if chosen.empty:
        ctx.reply(Message(text=ctx.t("report.usage")))
        return
    parsed = parse_chosen(chosen, ctx.t.language)
    await register_incident(ctx, compose(ctx.t, chosen), parsed, forced=True, chosen=chosen)


def _warn_if_cut(ctx: HandlerContext, original: str) -> None:
    if len(original) > MAX_REPORT_CHARS:
        ctx.reply(Message(text=ctx.t("intake.too_long", length=len(original), limit=MAX_REPORT_CHARS)))


async def status_command(ctx: HandlerContext, event: CommandEvent) -> None:
    incident_id = event.args.strip()
    if not INCIDENT_ID.match(incident_id):
        ctx.reply(Message(text=ctx.t("status.usage")))
        return
    incident = await IncidentRepository(ctx.session).get(incident_id)
    if incident is None or not await may_update(ctx, incident):
        # Strangers learn nothing, not even that the id exists.
        ctx.reply(Message(text=ctx.t("status.not_found", id=incident_id)))
        return
    registered = incident.created_at.astimezone(ctx.org.timezone).strftime("%Y-%m-%d %H:%M")
    repo = IncidentRepository(ctx.session)
    photos = await repo.attachment_count(incident.id, "photo")
    reports = await repo.report_count(incident.id)
    # The units and their states are for the centre and the units on the incident: not a
    # reporter's business, nor that of a unit the incident does not concern.
    orders = await DispatchRepository(ctx.session).statuses_for(incident.id) if ctx.person is not None else []
    if not ctx.is_centre_member and not any(ctx.person.is_member_of(o.unit_code) for o in orders):  # type: ignore[union-attr]
        orders = []
    units = dispatch_views.unit_lines(ctx.t, ctx.org, orders, ctx.now)
    ctx.reply_in_confidence(views.status_view(ctx.t, incident, photos, str(ctx.org.timezone), registered, reports,
                                              units))


async def ask_drill(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    """标记为演练 asks first: a real incident marked as a drill drops out of the statistics."""
    if not centre_only(ctx.person):
        log.warning("refused drill mark by %s", event.actor)
        ctx.private_answer = ctx.t("button.refused_centre_only")
        return
    incident = await IncidentRepository(ctx.session).get(str(button.data.get("incident")))
    if incident is None:
        ctx.private_answer = ctx.t("button.unknown")
        return
    if incident.drill:
        ctx.private_answer = ctx.t("drill.already", id=incident.id)
        return
    await ask_drill_confirmation(ctx, incident, event.conversation.ref)
    ctx.private_answer = ctx.t("drill.confirm", id=incident.id)


async def mark_drill(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    await _set_drill(ctx, event, button, drill=True)


async def unmark_drill(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    await _set_drill(ctx, event, button, drill=False)


async def _set_drill(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton, *, drill: bool) -> None:
    """A centre member marks an incident as a drill, or takes a wrong mark back; both on the timeline."""
    if not centre_only(ctx.person):
        log.warning("refused drill mark by %s", event.actor)
        ctx.private_answer = ctx.t("button.refused_centre_only")
        return
    repo = IncidentRepository(ctx.session)
    # Held as last committed: a mark in the other bot process at once is made once, and a
    # /merge there (which holds both incidents) sees the mark and refuses a drill with a real one.
    incident = await repo.get_locked(str(button.data.get("incident")))
    if incident is None:
        ctx.private_answer = ctx.t("button.unknown")
        return
    if incident.drill == drill:
        ctx.private_answer = ctx.t("drill.already" if drill else "drill.not_marked", id=incident.id)
        return
    incident.drill = drill
    await repo.record(incident.id, ctx.now, "marked_drill" if drill else "unmarked_drill", ctx.timeline_actor)
    await refresh_cards(ctx, incident)
    ctx.private_answer = ctx.t("drill.marked" if drill else "drill.unmarked", id=incident.id, name=ctx.actor_name)
