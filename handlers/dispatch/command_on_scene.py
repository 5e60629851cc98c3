"""On-scene command (现场指挥): `/commander ID` by a member of a unit on the incident, or
by a centre member, takes command at the scene, or takes it over (handover is the
same command by the next person). The commander is shown on the card, the board and
every order; their replies to their unit's order are situation reports, put on the
timeline and on the centre's card.
"""
from __future__ import annotations

import logging

from core.events import ButtonEvent, CommandEvent, MessageEvent
from core.messages import Message
from core.text import clean_text
from handlers.context import HandlerContext
from handlers.dispatch.orders import refresh_board, refresh_orders, tell_everyone_on, units_on
from handlers.intake.cards import refresh_cards
from handlers.replies import Reply
from storage.dispatch import DispatchRepository
from storage.buttons import ResolvedButton
from storage.incidents import IncidentRepository
from storage.models import Incident

log = logging.getLogger(__name__)

SITUATION_LIMIT = 1000


async def commander_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/commander ID"""
    incident_id = clean_text(event.args).strip().split(" ")[0]
    if not incident_id:
        ctx.reply(Message(text=ctx.t("commander.usage")))
        return
    incident = await IncidentRepository(ctx.session).get_locked(incident_id)  # see take_command
    if incident is None or ctx.person is None:
        ctx.reply(Message(text=ctx.t("status.not_found", id=incident_id)))
        return
    if refused := await take_command(ctx, incident):
        ctx.reply(Message(text=refused))


async def take_command_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    """The board's 现场指挥 / Take command: the same as /commander ID by the presser."""
    incident = await IncidentRepository(ctx.session).get_locked(str(button.data.get("incident")))  # see take_command
    if incident is None:
        ctx.private_answer = ctx.t("button.unknown")
        return
    refused = await take_command(ctx, incident)
    ctx.private_answer = refused or ctx.t("commander.taken_private", id=incident.id)


async def take_command(ctx: HandlerContext, incident: Incident) -> str | None:
    """The sender takes command on scene, or takes it over; what to answer instead, if refused.

    The incident is held by the caller, as last committed: two taking command at once
    from the two bot processes are then one handover after the other, each naming who
    had command before it, not both a first taking of command."""
    event = ctx.event
    if incident.status == "closed":
        return ctx.t("dispatch.closed", id=incident.id)
    unit = None
    if ctx.person is not None:
        unit = next((code for code in await units_on(ctx, incident) if ctx.person.is_member_of(code)), None)
    if unit is None and not ctx.is_centre_member:
        log.warning("refused command on scene of %s by %s", incident.id, event.actor)
        return ctx.t("commander.refused", id=incident.id)
    me = f"{event.actor.platform}:{event.actor.user_id}"
    if incident.commander_id == me:
        return ctx.t("commander.already", id=incident.id)
    before = incident.commander
    incident.commander, incident.commander_id, incident.commander_unit = ctx.actor_name, me, unit
    await IncidentRepository(ctx.session).record(incident.id, ctx.now, "commander", ctx.timeline_actor,
                                                  {"unit": unit, "before": before})
    key = "commander.handover" if before else "commander.taken"
    notice = Message(text=ctx.t(key, id=incident.id, name=ctx.actor_name,
                                unit=unit or ctx.t("commander.centre"), before=before or ""))
    await tell_everyone_on(ctx, incident, notice)
    await refresh_cards(ctx, incident)
    await refresh_orders(ctx, incident)
    await refresh_board(ctx, incident)
    return None


async def situation_report(ctx: HandlerContext, event: MessageEvent, reply: Reply) -> bool:
    """The commander's reply to their unit's order: on the timeline and the centre's card.
    Anyone else's reply is not for this handler."""
    order_id = reply.id()
    order = await DispatchRepository(ctx.session).order(order_id) if order_id is not None else None
    repo = IncidentRepository(ctx.session)
    incident = await repo.get(order.incident_id) if order else None
    if incident is None or not _is_commanders_word(incident, event):
        return False
    # Asked again of the incident held as last committed: after a handover in the other
    # bot process meanwhile, this is an ordinary reply, not the commander's word on the card.
    await repo.lock(incident)
    if not _is_commanders_word(incident, event):
        return False
    incident.situation = clean_text(event.text, SITUATION_LIMIT).strip()
    await repo.record(incident.id, ctx.now, "situation", ctx.timeline_actor, {"text": incident.situation})
    await refresh_cards(ctx, incident)
    ctx.reply(Message(text=ctx.t("commander.situation_thanks", id=incident.id)))
    return True


def _is_commanders_word(incident: Incident, event: MessageEvent) -> bool:
    return (incident.commander_id == f"{event.actor.platform}:{event.actor.user_id}"
            and incident.status != "closed" and bool(event.text.strip()))
