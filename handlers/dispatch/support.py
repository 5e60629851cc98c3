"""Requests for support (请求增援, #14 tiers): `/request ID UNIT|cap:CAPABILITY[xN] [-- reason]`,
or 请求支援 on the order of a unit on scene (the bot asks what is needed; the reply is the
same words).

Within the region the request reaches the centre with a dispatch ready to send: the
centre still decides, by pressing Send. A neighbouring region's units are asked for
through the upper centre, which approves or not (the requester cannot decide); once
approved, the orders go to that region's units, whose answers come back to the
incident's one board like any other unit's. Every step is on the timeline.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace

from core.events import ButtonEvent, CommandEvent, MessageEvent
from core.messages import Button, Field, Message, Priority
from core.text import clean_text
from handlers.context import Context, HandlerContext
from handlers.dispatch import actions
from handlers.dispatch.commands import post_draft
from handlers.dispatch.orders import ack_timeout, dispatch_units, units_on
from handlers.dispatch.upper_centre import escalate
from handlers.replies import Reply, ReplyKey
from storage.buttons import ResolvedButton
from storage.dispatch import DECLINED, REJECTED, DispatchRepository
from storage.incidents import IncidentRepository
from storage.models import Incident, SupportRequest
from storage.support import APPROVED, PENDING, REJECTED as NOT_APPROVED, TO_CENTRE, SupportRepository

log = logging.getLogger(__name__)

# The question 请求支援 asks the unit on scene; the reply says what it needs.
QUESTION = ReplyKey("dispatch.support_question", "order:{}:support")
REASON_LIMIT = 500
MAX_COUNT = 20


def request_key(request_id: int) -> str:
    return f"support:{request_id}"


class _Refused(Exception):
    """What to answer instead; nothing has changed."""


async def request_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/request ID UNIT|cap:CAPABILITY[xN] [-- reason]"""
    head, _, reason = clean_text(event.args).partition("--")
    words = head.split()
    if len(words) < 2:
        ctx.reply(Message(text=ctx.t("request.usage", id=words[0] if words else "20261122-0001")))
        return
    incident = await IncidentRepository(ctx.session).get(words[0])
    if incident is None:
        ctx.reply(Message(text=ctx.t("status.not_found", id=words[0][:20])))
        return
    unit = await _requesters_unit(ctx, incident)
    if unit is None and not ctx.is_centre_member:
        log.warning("refused /request %s by %s", incident.id, event.actor)
        ctx.reply(Message(text=ctx.t("request.refused", id=incident.id)))
        return
    await _request(ctx, incident, words[1:], reason.strip()[:REASON_LIMIT], unit)


async def _requesters_unit(ctx: HandlerContext, incident: Incident) -> str | None:
    """The requester's unit working on the incident, if any."""
    if ctx.person is None:
        return None
    return next((code for code in await units_on(ctx, incident) if ctx.person.is_member_of(code)), None)


async def _request(ctx: HandlerContext, incident: Incident, targets: list[str], reason: str,
                   unit: str | None) -> None:
    if incident.status == "closed":
        ctx.reply(Message(text=ctx.t("dispatch.closed", id=incident.id)))
        return
    try:
        codes, capability = await _resolve(ctx, incident, targets)
    except _Refused as refusal:
        ctx.reply(Message(text=str(refusal)))
        return
    region = ctx.org.units[codes[0]].region
    if region is not None and ctx.org.spec.upper_centre is None:
        ctx.reply(Message(text=ctx.t("request.no_upper", units=", ".join(codes), region=ctx.org.region_name(region))))
        return
    request = await SupportRepository(ctx.session).add(SupportRequest(
        incident_id=incident.id, units=codes, capability=capability, region=region, reason=reason,
        requested_at=ctx.now, requested_by=ctx.actor_name,
        requested_by_id=f"{ctx.event.actor.platform}:{ctx.event.actor.user_id}", requested_unit=unit,
        state=TO_CENTRE if region is None else PENDING, escalation_level=0,
        escalate_at=None if region is None else ctx.now + ack_timeout(ctx, incident),
    ))
    await IncidentRepository(ctx.session).record(incident.id, ctx.now, "support_requested", ctx.timeline_actor, {
        "request": request.id, "units": codes, "capability": capability, "region": region,
        "reason": reason or None, "unit": unit})
    if region is None:
        for ref in ctx.centre_conversations():
            button = await ctx.button(ctx.t("button.dispatch"), actions.SUPPORT_DISPATCH, {"request": request.id}, ref)
            ctx.send(ref, _request_message(ctx, incident, request, (button,)), priority=Priority.URGENT)
        ctx.reply(Message(text=ctx.t("request.sent_centre", units=", ".join(codes))))
        return
    # The upper centre decides: it gets the incident's card too, if it has not yet.
    await escalate(ctx, incident, ctx.t("request.escalation_reason", units=", ".join(codes)))
    await send_to_upper(ctx, incident, request)
    sent = ctx.t("request.sent_upper", units=", ".join(codes), region=ctx.org.region_name(region))
    for ref in ctx.centre_conversations():
        if ref != ctx.event.conversation.ref:
            ctx.send(ref, Message(text=f"{sent} ({ctx.actor_name})"))
    ctx.reply(Message(text=sent))


async def _resolve(ctx: HandlerContext, incident: Incident, targets: list[str]) -> tuple[list[str], str | None]:
    """(unit codes, capability asked for or None); raises _Refused naming the valid choices."""
    orders = await DispatchRepository(ctx.session).orders_for(incident.id)
    busy = {o.unit_code for o in orders if o.state not in (DECLINED, REJECTED)}
    region_words = [w for w in targets if w.lower().startswith("region:")]
    targets = [w for w in targets if w not in region_words]
    region = _region(ctx, region_words[-1].partition(":")[2]) if region_words else None
    if not targets:
        raise _Refused(ctx.t("request.usage", id=incident.id))
    if any(w.lower().startswith("cap:") for w in targets):
        return await _by_capability(ctx, incident, targets, busy, region)
    codes = list(dict.fromkeys(word.upper() for word in targets))
    unknown = [code for code in codes if code not in ctx.org.units]
    if unknown:
        raise _Refused(ctx.t("request.unknown_unit", code=unknown[0][:32], codes=", ".join(ctx.org.units)))
    if len({ctx.org.units[code].region for code in codes}) > 1:
        raise _Refused(ctx.t("request.one_region"))
    if region is not None and ctx.org.units[codes[0]].region != region:
        raise _Refused(ctx.t("request.not_in_region", units=", ".join(codes), region=ctx.org.region_name(region)))
    if on_it := [code for code in codes if code in busy]:
        raise _Refused(ctx.t("request.already_on", units=", ".join(on_it), id=incident.id))
    return codes, None


def _region(ctx: HandlerContext, word: str) -> str:
    """`region:WENDENG` (code or name, any case) → the region's code; unknown: the valid ones."""
    for region in ctx.org.spec.regions:
        if word.casefold() in (region.code.casefold(), region.name.casefold()):
            return region.code
    choices = "、".join(f"{r.code} {r.name}" for r in ctx.org.spec.regions) or ctx.t("request.no_regions")
    raise _Refused(ctx.t("request.unknown_region", region=word[:32], regions=choices))


async def _by_capability(ctx: HandlerContext, incident: Incident, targets: list[str],
                         busy: set[str], region: str | None) -> tuple[list[str], str | None]:
    """cap:rescue, cap:rescue x2, cap:rescuex2: this region's units first, then a neighbour's;
    with region:CODE, that region's only."""
    text = " ".join(targets)
    found = re.fullmatch(r"cap:(\S+?)(?:\s*[x×*]\s*(\d{1,3}))?", text.strip(), re.IGNORECASE)
    if found is None:
        raise _Refused(ctx.t("request.usage", id=incident.id))
    capability, count = found.group(1).lower(), int(found.group(2) or 1)
    if not 1 <= count <= MAX_COUNT:
        raise _Refused(ctx.t("request.bad_count", word=found.group(2)))
    offered = sorted({c.lower() for unit in ctx.org.units.values() for c in unit.capabilities})
    if capability not in offered:
        raise _Refused(ctx.t("request.unknown_capability", cap=capability[:32], caps=", ".join(offered)))
    able = [u for u in ctx.org.units.values() if capability in (c.lower() for c in u.capabilities)
            and u.code not in busy and (region is None or u.region == region)]
    if not able:
        raise _Refused(ctx.t("request.none_free", cap=capability, id=incident.id))
    home = [u.code for u in able if u.region is None]
    if home:
        return home[:count], capability
    region = able[0].region
    return [u.code for u in able if u.region == region][:count], capability


async def send_to_upper(ctx: Context, incident: Incident, request: SupportRequest, *, reminder: bool = False) -> None:
    """The request with 批准 / 不批准 in each upper-centre conversation; a reminder is a new
    message (edits notify nobody), and later edits go to it."""
    for ref in ctx.active(ctx.org.upper_conversations()):
        buttons = (await ctx.button(ctx.t("request.approve"), actions.SUPPORT_APPROVE, {"request": request.id}, ref),
                   await ctx.button(ctx.t("request.reject"), actions.SUPPORT_REJECT, {"request": request.id}, ref))
        message = _request_message(ctx, incident, request, buttons)
        if reminder:
            message = replace(message, title=ctx.t("request.title_reminder", id=incident.id))
        ctx.send(ref, message, key=request_key(request.id), priority=Priority.URGENT)


async def escalate_requests(ctx: Context) -> int:
    """Timer (with the orders' escalation): a request across regions nobody decides is sent
    again after the acknowledgement timeout, and after twice that both centres are alerted."""
    due = await SupportRepository(ctx.session).due_for_escalation(ctx.now)
    fired = 0  # requests reminded or alerted, not timers cleared on closed incidents
    for request in due:
        incident = await IncidentRepository(ctx.session).get(request.incident_id)
        if incident is None or incident.status == "closed":
            request.escalate_at = None
            continue
        fired += 1
        request.escalation_level += 1
        await IncidentRepository(ctx.session).record(incident.id, ctx.now, "support_escalated", None,
                                                     {"request": request.id, "level": request.escalation_level})
        if request.escalation_level == 1:
            request.escalate_at = ctx.now + ack_timeout(ctx, incident)
            await send_to_upper(ctx, incident, request, reminder=True)
            continue
        request.escalate_at = None
        alert = Message(text=ctx.t("request.undecided_alert", id=incident.id, units=", ".join(request.units),
                                   minutes=2 * int(ack_timeout(ctx, incident).total_seconds() // 60)))
        for ref in dict.fromkeys([*ctx.active(ctx.org.upper_conversations()), *ctx.centre_conversations()]):
            ctx.send(ref, alert, priority=Priority.URGENT)
    return fired


def _request_message(ctx: Context, incident: Incident, request: SupportRequest,
                     buttons: tuple[Button, ...] = ()) -> Message:
    units = ", ".join(f"{ctx.org.units[c].name} ({c})" if c in ctx.org.units else c for c in request.units)
    fields = (
        Field(ctx.t("field.type"), ctx.t(f"type.{incident.type}")),
        Field(ctx.t("field.location"), incident.location or ctx.t("value.not_stated")),
        Field(ctx.t("request.field.units"), units),
        Field(ctx.t("request.field.by"), request.requested_by + (f" ({request.requested_unit})"
                                                                 if request.requested_unit else "")),
        Field(ctx.t("request.field.reason"), request.reason or ctx.t("value.not_stated")),
    )
    if request.region is None:
        return Message(title=ctx.t("request.title", id=incident.id), text=ctx.t("request.help_centre"),
                       fields=fields, buttons=buttons)
    fields += (Field(ctx.t("request.field.region"), ctx.org.region_name(request.region)),)
    if request.state == PENDING:
        return Message(title=ctx.t("request.title_upper", id=incident.id), text=ctx.t("request.help_upper"),
                       fields=fields, buttons=buttons)
    decision = ctx.t("request.approved" if request.state == APPROVED else "request.rejected",
                     name=request.decided_by or "")
    return Message(title=ctx.t("request.title_decided", id=incident.id, decision=decision), fields=fields)


# -- the buttons ----------------------------------------------------------------------


async def _request_and_incident(ctx: HandlerContext, button: ResolvedButton
                                ) -> tuple[SupportRequest, Incident] | None:
    repo = SupportRepository(ctx.session)
    request = await repo.get(int(button.data.get("request", 0)))
    # Its incident held, then the request read again: two members of the upper centre
    # deciding at once from the two bot processes are then one decision and a
    # "decided already", not an approval and a rejection both sent out (or one approval
    # dispatching the units twice).
    incident = await IncidentRepository(ctx.session).get_locked(request.incident_id) if request else None
    if request is not None:
        await repo.as_committed(request)
    if request is None or incident is None:
        ctx.private_answer = ctx.t("button.unknown")
        return None
    if incident.status == "closed":
        ctx.private_answer = ctx.t("dispatch.closed", id=incident.id)
        return None
    return request, incident


async def dispatch_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    """A request within the region: the centre's draft, filled in with what was asked for."""
    if not ctx.is_centre_member:
        ctx.private_answer = ctx.t("button.refused_centre_only")
        return
    found = await _request_and_incident(ctx, button)
    if found is None:
        return
    request, incident = found
    await post_draft(ctx, incident, list(request.units), request.reason)


async def decide(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton, approve: bool) -> None:
    found = await _request_and_incident(ctx, button)
    if found is None:
        return
    request, incident = found
    if ctx.person is None or not ctx.person.upper:
        log.warning("refused a decision on support request %s by %s", request.id, event.actor)
        ctx.private_answer = ctx.t("request.upper_only")
        return
    if request.state != PENDING:
        ctx.private_answer = ctx.t("request.decided_already", state=_decision(ctx, request))
        return
    if ctx.is_account_holder(request.requested_by_id):
        ctx.private_answer = ctx.t("request.not_yourself")
        return
    request.state = APPROVED if approve else NOT_APPROVED
    request.decided_by, request.decided_at, request.escalate_at = ctx.actor_name, ctx.now, None
    await IncidentRepository(ctx.session).record(
        incident.id, ctx.now, "support_approved" if approve else "support_rejected", ctx.timeline_actor,
        {"request": request.id, "units": list(request.units), "region": request.region})
    for ref in ctx.active(ctx.org.upper_conversations()):
        ctx.edit(ref, request_key(request.id), _request_message(ctx, incident, request))
    units = ", ".join(request.units)
    region = ctx.org.region_name(request.region or "")
    if approve:
        actor = f"{event.actor.platform}:{event.actor.user_id}"
        await dispatch_units(ctx, incident, list(request.units), request.reason, ctx.timeline_actor, actor)
        # Each order tells the units' own centre (orders.send_order).
        notice = Message(text=ctx.t("request.approved_notice", id=incident.id, units=units, region=region,
                                    name=ctx.actor_name))
    else:
        notice = Message(text=ctx.t("request.rejected_notice", id=incident.id, units=units, name=ctx.actor_name))
    requester = ctx.active(ctx.org.units[request.requested_unit].conversations) \
        if request.requested_unit in ctx.org.units else []
    for ref in dict.fromkeys([*ctx.centre_conversations(), *requester]):
        ctx.send(ref, notice, priority=Priority.URGENT)
    ctx.private_answer = _decision(ctx, request)


def _decision(ctx: HandlerContext, request: SupportRequest) -> str:
    if request.state == PENDING:
        return ctx.t("request.title_upper", id=request.incident_id)
    return ctx.t("request.approved" if request.state == APPROVED else "request.rejected",
                 name=request.decided_by or "")



async def approve(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    await decide(ctx, event, button, approve=True)


async def reject(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    await decide(ctx, event, button, approve=False)


# -- 请求支援 on an order -----------------------------------------------------------------


async def ask_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    """The unit on scene asks for more: the bot asks what, as a question to reply to."""
    order = await DispatchRepository(ctx.session).order(int(button.data.get("order", 0)))
    incident = await IncidentRepository(ctx.session).get(order.incident_id) if order else None
    if order is None or incident is None:
        ctx.private_answer = ctx.t("button.unknown")
        return
    if incident.status == "closed":
        ctx.private_answer = ctx.t("dispatch.closed", id=incident.id)
        return
    if ctx.person is None or not ctx.person.is_member_of(order.unit_code):
        log.warning("refused 请求支援 by %s for %s", event.actor, order.unit_code)
        ctx.private_answer = ctx.t("request.button_refused")
        return
    ctx.send(event.conversation.ref, Message(text=ctx.t("request.ask")), key=QUESTION.key(order.id))
    ctx.private_answer = ctx.t("request.button")


async def answer(ctx: HandlerContext, event: MessageEvent, reply: Reply) -> bool:
    """A reply to "what support do you need?" by a member of the unit: a request."""
    order_id = reply.id()
    order = await DispatchRepository(ctx.session).order(order_id) if order_id is not None else None
    if order is None or ctx.person is None or not ctx.person.is_member_of(order.unit_code):
        return False
    incident = await IncidentRepository(ctx.session).get(order.incident_id)
    if incident is None:
        return False
    head, _, reason = clean_text(event.text).partition("--")
    if not head.split():
        ctx.reply(Message(text=ctx.t("request.usage", id=incident.id)))
        return True
    await _request(ctx, incident, head.split(), reason.strip()[:REASON_LIMIT], order.unit_code)
    return True
