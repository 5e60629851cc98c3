"""The upper centre (上级指挥中心, #14 tiers): `/escalate ID [reason]`, or raising an incident
to a level that says `tell_upper_centre`, sends the centre above a summary card of the
incident. The card stays current — it is redrawn whenever the centre's card or board is —
and the upper centre's members may act on an incident escalated to them (dispatch, level,
close), named on the timeline as the upper centre's.

Kept apart from the card and board modules it is drawn with: an incident never escalated
costs one attribute check here, nothing more.
"""
from __future__ import annotations

import logging

from core.events import CommandEvent, ConversationRef
from core.messages import Field, Message, Priority
from core.text import clean_text
from handlers.context import Context, HandlerContext
from handlers.dispatch import actions, views
from handlers.intake.views import map_fields, summary_fields
from storage.dispatch import DispatchRepository
from storage.incidents import IncidentRepository
from storage.models import Incident

log = logging.getLogger(__name__)

REASON_LIMIT = 500


def card_key(incident_id: str) -> str:
    return f"incident:{incident_id}:upper"


def may_act(ctx: HandlerContext, incident: Incident) -> bool:
    """The centre acts on every incident; the upper centre's members on those escalated to it."""
    if ctx.is_centre_member:
        return True
    return bool(ctx.person and ctx.person.upper and incident.escalated_at is not None)


def refusal(ctx: HandlerContext, incident: Incident) -> str:
    """Why the presser or sender may not act on the incident (logged: it may be a probe)."""
    log.warning("refused action on %s by %s", incident.id, ctx.event.actor)
    if ctx.person is not None and ctx.person.upper:
        return ctx.t("upper.not_escalated", id=incident.id)
    return ctx.t("button.refused_centre_only")


async def open_incident_to_act_on(ctx: HandlerContext, incident_id: str) -> Incident | None:
    """The open incident a command names, when this person may act on it; otherwise the
    reason is answered (no such incident, closed, or not theirs) and None returned."""
    # Held with its state as last committed: two centre members closing it, setting its
    # level or dispatching to it at once from the two bot processes would otherwise each
    # decide from the state both first read (closed twice; a level's old → new naming a
    # level it no longer had). The second now waits for the first's commit.
    incident = await IncidentRepository(ctx.session).get_locked(incident_id)
    if incident is None:
        ctx.reply(Message(text=ctx.t("status.not_found", id=incident_id)))
        return None
    if incident.status == "closed":
        ctx.reply(Message(text=ctx.t("dispatch.closed", id=incident.id)))
        return None
    if not may_act(ctx, incident):
        ctx.reply(Message(text=refusal(ctx, incident)))
        return None
    return incident


async def upper_card(ctx: Context, incident: Incident) -> list[tuple[ConversationRef, Message]]:
    """(conversation, card) for each of the upper centre's conversations."""
    orders = await DispatchRepository(ctx.session).statuses_for(incident.id)
    lines = views.unit_lines(ctx.t, ctx.org, orders, ctx.now) or [ctx.t("upper.no_units")]
    fields = summary_fields(ctx.t, incident) + map_fields(ctx.t, incident)
    if incident.situation:
        fields += (Field(ctx.t("upper.field.situation"), incident.situation),)
    fields += (Field(ctx.t("upper.field.escalated_by"),
                     f"{incident.escalated_by or ''} {views.clock_time(incident.escalated_at, ctx.org.timezone)}"),)
    closed = incident.status == "closed"
    if closed:
        fields += (Field(ctx.t("order.field.close_summary"), incident.close_summary or ctx.t("value.not_stated")),)
    title = ctx.t("upper.card.title_closed" if closed else "upper.card.title", id=incident.id,
                  centre=ctx.org.name, drill=ctx.t("incidents.drill") if incident.drill else "")
    cards = []
    for ref in ctx.active(ctx.org.upper_conversations()):
        buttons = ()
        if not closed:
            buttons = (await ctx.button(ctx.t("button.dispatch"), actions.DISPATCH, {"incident": incident.id}, ref),)
        text = "\n".join(lines) if closed else "\n".join([*lines, "", ctx.t("upper.card.help", id=incident.id)])
        cards.append((ref, Message(title=title, text=text, fields=fields, buttons=buttons)))
    return cards


def refresh_upper(ctx: Context, incident: Incident) -> None:
    """Redraw the upper centre's card at the end of the transaction, once, if it has one."""
    if incident.escalated_at is None:
        return

    async def draw(end: Context) -> None:
        for ref, card in await upper_card(end, incident):
            end.edit(ref, card_key(incident.id), card)

    ctx.once_per_transaction(f"upper:{incident.id}", draw)


async def escalate(ctx: HandlerContext, incident: Incident, reason: str) -> bool:
    """Send the incident up; False when it already was (nothing changes)."""
    if incident.escalated_at is not None:
        return False
    incident.escalated_at, incident.escalated_by = ctx.now, ctx.actor_name
    await IncidentRepository(ctx.session).record(incident.id, ctx.now, "escalated_upper", ctx.timeline_actor,
                                                  {"reason": reason or None})
    for ref, card in await upper_card(ctx, incident):
        ctx.send(ref, card, key=card_key(incident.id), priority=Priority.URGENT)
        # The card is edited from now on; the why is a message of its own, which notifies.
        ctx.send(ref, Message(text=ctx.t("upper.escalated_notice", id=incident.id, centre=ctx.org.name,
                                         name=ctx.actor_name, reason=reason or ctx.t("value.not_stated"))),
                 priority=Priority.URGENT)
    upper = ctx.org.spec.upper_centre
    notice = Message(text=ctx.t("upper.escalated_centre", id=incident.id, name=ctx.actor_name,
                                upper=(upper.name if upper and upper.name else ctx.t("upper.name")),
                                reason=reason or ctx.t("value.not_stated")))
    for ref in ctx.centre_conversations():
        ctx.send(ref, notice)
    return True


def tell_upper(ctx: Context, incident: Incident, notice: Message) -> None:
    """A new message (edits notify nobody) to the upper centre, for an incident escalated to it."""
    if incident.escalated_at is None:
        return
    for ref in ctx.active(ctx.org.upper_conversations()):
        ctx.send(ref, notice, priority=Priority.URGENT)


async def escalate_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/escalate ID [reason]"""
    incident_id, _, reason = clean_text(event.args).strip().partition(" ")
    if not incident_id:
        ctx.reply(Message(text=ctx.t("escalate.usage")))
        return
    if ctx.org.spec.upper_centre is None:
        ctx.reply(Message(text=ctx.t("upper.none")))
        return
    # Held as last committed: an /escalate in the other bot process at once sends it up
    # once (one card and one urgent notice to the upper centre), the second is told who did.
    incident = await IncidentRepository(ctx.session).get_locked(incident_id)
    if incident is None:
        ctx.reply(Message(text=ctx.t("status.not_found", id=incident_id)))
        return
    if incident.status == "closed":
        ctx.reply(Message(text=ctx.t("dispatch.closed", id=incident.id)))
        return
    if not await escalate(ctx, incident, reason.strip()[:REASON_LIMIT]):
        ctx.reply(Message(text=ctx.t("escalate.already", id=incident.id, name=incident.escalated_by or "")))
