"""/dispatch, /close, and the card's Dispatch button with its draft."""
from __future__ import annotations

import logging

from handlers.replies import Reply
from handlers.context import HandlerContext
from config.unit_lookup import close_units
from core.events import ButtonEvent, CommandEvent, ConversationRef, MessageEvent
from core.messages import Button, Message
from core.text import clean_text
from handlers.dispatch import actions, levels, views
from handlers.dispatch.upper_centre import may_act, open_incident_to_act_on, refresh_upper, refusal, tell_upper
from handlers.dispatch.orders import dispatch_units, refresh_board, resume, stand_down
from storage.buttons import ResolvedButton
from storage.dispatch import DispatchRepository
from storage.incidents import IncidentRepository
from storage.models import DispatchDraft, Incident

log = logging.getLogger(__name__)

MAX_DRAFT_CHOICES = 12  # buttons on a draft: the plan first, then units able to help
INSTRUCTION_LIMIT = 1000


def _actor_key(ctx: HandlerContext) -> str:
    return f"{ctx.event.actor.platform}:{ctx.event.actor.user_id}"


def _unknown_units(ctx: HandlerContext, codes: list[str]) -> list[str]:
    problems = []
    for code in codes:
        if code not in ctx.org.units:
            close = close_units(_orderable(ctx), code)
            hint = ctx.t("dispatch.did_you_mean", codes=", ".join(close)) if close else ""
            problems.append(ctx.t("dispatch.unknown_unit", code=code) + hint)
        elif code not in _orderable(ctx):
            # Another region's unit: only through its upper centre (跨区域增援须经上级批准).
            region = ctx.org.units[code].region or ""
            problems.append(ctx.t("dispatch.other_region", code=code, region=ctx.org.region_name(region)))
    return problems


def _orderable(ctx: HandlerContext) -> dict[str, object]:
    """The units the sender may order directly: the centre its own region's, the upper
    centre's members any (they coordinate across regions)."""
    if ctx.is_centre_member:
        return dict(ctx.org.home_units())
    return dict(ctx.org.units)


async def dispatch_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/dispatch ID UNIT [UNIT…] [-- instruction]"""
    head, _, instruction = clean_text(event.args).partition("--")
    words = head.split()
    if len(words) < 2:
        ctx.reply(Message(text=ctx.t("dispatch.usage")))
        return
    incident = await open_incident_to_act_on(ctx, words[0])
    if incident is None:
        return
    level_words = [word for word in words[1:] if word.lower().startswith("level:")]
    codes = [word.upper() for word in words[1:] if word not in level_words]
    number = levels.parse_level(level_words[-1].partition(":")[2]) if level_words else None
    if level_words and (number is None or ctx.org.spec.response_level(number) is None):
        ctx.reply(Message(text=ctx.t("level.unknown", word=level_words[-1][:20], levels=levels.choices(ctx))))
        return
    if problems := _unknown_units(ctx, codes):
        ctx.reply(Message(text="\n".join(problems)))
        return
    if not codes:
        ctx.reply(Message(text=ctx.t("dispatch.usage")))
        return
    if number is not None:  # first, so the orders carry it and its acknowledgement timeout
        await levels.set_level(ctx, incident, number, "")
    await _dispatch_and_report(ctx, incident, codes, instruction.strip()[:INSTRUCTION_LIMIT])


async def _dispatch_and_report(ctx: HandlerContext, incident: Incident, codes: list[str], instruction: str) -> None:
    ordered, already = await dispatch_units(ctx, incident, codes, instruction, ctx.timeline_actor, _actor_key(ctx))
    lines = []
    if ordered:
        lines.append(ctx.t("dispatch.sent", id=incident.id, units=", ".join(ordered)))
    if already:
        lines.append(ctx.t("dispatch.already", units=", ".join(already)))
    ctx.reply(Message(text="\n".join(lines)))


async def close_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/close ID [summary]"""
    incident_id, _, summary = clean_text(event.args).strip().partition(" ")
    if not incident_id:
        ctx.reply(Message(text=ctx.t("close.usage")))
        return
    incident = await open_incident_to_act_on(ctx, incident_id)
    if incident is None:
        return
    incident.status, incident.closed_at, incident.closed_by = "closed", ctx.now, ctx.actor_name
    incident.close_summary = summary.strip()[:INSTRUCTION_LIMIT] or None
    await DispatchRepository(ctx.session).stop_escalations(incident.id)
    await IncidentRepository(ctx.session).record(incident.id, ctx.now, "closed", ctx.timeline_actor,
                                                  {"summary": incident.close_summary})
    orders = await DispatchRepository(ctx.session).orders_for(incident.id)
    told = await stand_down(ctx, incident)
    if orders:
        await refresh_board(ctx, incident)
    else:
        for ref in ctx.centre_conversations():
            ctx.send(ref, views.board_message(ctx.t, ctx.org, incident, orders, ctx.now))
    refresh_upper(ctx, incident)
    _tell_reporter(ctx, incident)
    tell_upper(ctx, incident, Message(text=ctx.t("upper.closed_notice", id=incident.id, name=ctx.actor_name,
                                                 summary=incident.close_summary or ctx.t("value.not_stated"))))
    done = ctx.t("close.done", id=incident.id)
    if told:
        done += "\n" + ctx.t("close.stood_down", units=", ".join(told))
    ctx.reply(Message(text=done))


def _tell_reporter(ctx: HandlerContext, incident: Incident) -> None:
    """Where the report came from hears it is over (not the summary: a reporting
    group may be wide, and the summary is the centre's)."""
    source = ConversationRef(incident.source_platform, incident.source_chat_id)
    if source == ctx.event.conversation.ref or source in ctx.centre_conversations():
        return  # closed where it was reported: the answer above says so
    ctx.send(source, Message(text=ctx.t("close.reporter_told", id=incident.id)),
             reply_to_message_id=incident.source_message_id)


async def reopen_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/reopen ID [reason]: the incident is live again; units still on it are told to go on."""
    incident_id, _, reason = clean_text(event.args).strip().partition(" ")
    if not incident_id:
        ctx.reply(Message(text=ctx.t("reopen.usage")))
        return
    # Held as last committed: a /reopen in the other bot process reopens it once, not twice.
    incident = await IncidentRepository(ctx.session).get_locked(incident_id)
    if incident is None:
        ctx.reply(Message(text=ctx.t("status.not_found", id=incident_id)))
        return
    if incident.status != "closed":
        ctx.reply(Message(text=ctx.t("reopen.not_closed", id=incident.id)))
        return
    incident.status, incident.closed_at, incident.closed_by = "open", None, None
    await IncidentRepository(ctx.session).record(incident.id, ctx.now, "reopened", ctx.timeline_actor,
                                                  {"reason": reason.strip()[:INSTRUCTION_LIMIT] or None,
                                                   "summary": incident.close_summary})
    incident.close_summary = None
    told = await resume(ctx, incident, reason.strip()[:INSTRUCTION_LIMIT])
    await refresh_board(ctx, incident)
    done = ctx.t("reopen.done", id=incident.id)
    if told:
        done += "\n" + ctx.t("reopen.resumed", units=", ".join(told))
    ctx.reply(Message(text=done))


MAX_LISTED = 40


async def incidents_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/incidents: every open incident, oldest first, with its age and its units' states."""
    incidents = await IncidentRepository(ctx.session).open_incidents(MAX_LISTED + 1)
    if not incidents:
        ctx.reply(Message(text=ctx.t("incidents.none")))
        return
    states = await DispatchRepository(ctx.session).states_for([i.id for i in incidents[:MAX_LISTED]])
    lines = [views.incident_line(ctx.t, incident, states.get(incident.id, []), ctx.now)
             for incident in incidents[:MAX_LISTED]]
    if len(incidents) > MAX_LISTED:
        lines.append(ctx.t("incidents.more", count=MAX_LISTED))
    ctx.reply_in_confidence(Message(title=ctx.t("incidents.title", count=len(lines)), text="\n".join(lines)))


# -- the card's Dispatch button and the draft it opens ---------------------------


def _candidates(ctx: HandlerContext, incident: Incident) -> list[str]:
    plan = ctx.org.spec.dispatch_plans.get(incident.type, [])
    units = _orderable(ctx)
    able = [code for code, u in ctx.org.units.items() if code in units and incident.type in u.capabilities]
    rest = list(units)
    return list(dict.fromkeys([*plan, *able, *rest]))[:MAX_DRAFT_CHOICES]


def _choices(ctx: HandlerContext, incident: Incident, draft: DispatchDraft) -> list[str]:
    """The usual choices, in their order, after any unit of the draft they leave out (a
    request for support may name one outside the first twelve)."""
    candidates = _candidates(ctx, incident)
    return [*(code for code in draft.units if code not in candidates), *candidates][:MAX_DRAFT_CHOICES]


async def _draft_buttons(ctx: HandlerContext, incident: Incident, draft: DispatchDraft) -> tuple[Button, ...]:
    ref = ctx.event.conversation.ref
    buttons = []
    for code in _choices(ctx, incident, draft):
        mark = "✅" if code in draft.units else "➕"
        buttons.append(await ctx.button(f"{mark} {code}", actions.TOGGLE, {"draft": draft.id, "unit": code}, ref))
    buttons.append(await ctx.button(ctx.t("draft.send"), actions.SEND, {"draft": draft.id}, ref))
    buttons.append(await ctx.button(ctx.t("draft.cancel"), actions.CANCEL, {"draft": draft.id}, ref))
    return tuple(buttons)


def _draft_key(draft: DispatchDraft) -> str:
    return views.DRAFT_INSTRUCTION.key(draft.id)


async def open_draft(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    incident = await IncidentRepository(ctx.session).get(str(button.data.get("incident")))
    if incident is not None and not may_act(ctx, incident):
        ctx.private_answer = refusal(ctx, incident)
        return
    if incident is None or incident.status == "closed":
        ctx.private_answer = ctx.t("dispatch.closed", id=button.data.get("incident"))
        return
    await post_draft(ctx, incident, list(ctx.org.spec.dispatch_plans.get(incident.type, [])), "")


async def post_draft(ctx: HandlerContext, incident: Incident, units: list[str], instruction: str) -> None:
    """A draft in the conversation pressed in: the plan's units, or those a request for support named."""
    ref = ctx.event.conversation.ref
    draft = await DispatchRepository(ctx.session).add_draft(DispatchDraft(
        incident_id=incident.id, units=units, instruction=instruction, platform=ref.platform,
        chat_id=ref.chat_id, created_at=ctx.now, created_by=ctx.actor_name, status="open",
    ))
    message = views.draft_message(ctx.t, ctx.org, incident, draft, await _draft_buttons(ctx, incident, draft))
    ctx.send(ref, message, key=_draft_key(draft))


async def _open_draft_for(ctx: HandlerContext, button: ResolvedButton) -> tuple[DispatchDraft, Incident] | None:
    if not (ctx.is_centre_member or (ctx.person and ctx.person.upper)):
        ctx.private_answer = ctx.t("button.refused_centre_only")
        return None
    repo = DispatchRepository(ctx.session)
    draft = await repo.draft(int(button.data.get("draft", 0)))
    if draft is None:
        ctx.private_answer = ctx.t("draft.gone")
        return None
    # Its incident held, then the draft read again: a Send pressed at once in the other bot
    # process (or a /dispatch of the same units) is then committed, and this press finds the
    # draft sent, or those units on the incident already, instead of failing on their
    # orders' unique (incident, unit, attempt) and ordering none of the others either.
    incident = await IncidentRepository(ctx.session).get_locked(draft.incident_id)
    await repo.as_committed(draft)
    if draft.status != "open":
        ctx.private_answer = ctx.t("draft.gone")
        return None
    if incident is not None and not may_act(ctx, incident):
        ctx.private_answer = refusal(ctx, incident)
        return None
    if incident is None or incident.status == "closed":
        ctx.private_answer = ctx.t("dispatch.closed", id=draft.incident_id)
        return None
    return draft, incident


async def toggle_unit(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    found = await _open_draft_for(ctx, button)
    if found is None:
        return
    draft, incident = found
    code = str(button.data.get("unit"))
    draft.units = [u for u in draft.units if u != code] if code in draft.units else [*draft.units, code]
    message = views.draft_message(ctx.t, ctx.org, incident, draft, await _draft_buttons(ctx, incident, draft))
    ctx.edit(event.conversation.ref, _draft_key(draft), message)


async def send_draft(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    found = await _open_draft_for(ctx, button)
    if found is None:
        return
    draft, incident = found
    if not draft.units:
        ctx.private_answer = ctx.t("draft.none")
        return
    draft.status = "sent"
    ctx.edit(event.conversation.ref, _draft_key(draft),
             views.draft_message(ctx.t, ctx.org, incident, draft, ()))
    await _dispatch_and_report(ctx, incident, list(draft.units), draft.instruction)


async def cancel_draft(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    found = await _open_draft_for(ctx, button)
    if found is None:
        return
    draft, incident = found
    draft.status = "cancelled"
    message = views.draft_message(ctx.t, ctx.org, incident, draft, ())
    ctx.edit(event.conversation.ref, _draft_key(draft),
             Message(title=ctx.t("draft.cancelled"), text=message.title, fields=message.fields))


async def instruction_reply(ctx: HandlerContext, event: MessageEvent, reply: Reply) -> bool:
    """A reply to a draft sets its instruction."""
    draft_id = reply.id()
    if draft_id is None or not (ctx.is_centre_member or (ctx.person and ctx.person.upper)):
        return False
    ref = event.conversation.ref
    draft = await DispatchRepository(ctx.session).draft(draft_id)
    if draft is None or draft.status != "open":
        return False
    incident = await IncidentRepository(ctx.session).get(draft.incident_id)
    if incident is None or not may_act(ctx, incident):
        return False
    draft.instruction = clean_text(event.text, INSTRUCTION_LIMIT).strip()
    message = views.draft_message(ctx.t, ctx.org, incident, draft, await _draft_buttons(ctx, incident, draft))
    ctx.edit(ref, _draft_key(draft), message)
    return True
