"""Issuing orders and keeping their messages and the board up to date."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from handlers.context import Context
from core.messages import Button, Mention, Message, Priority, one_way
from core.events import ConversationRef
from config.duty import on_duty
from handlers.dispatch import actions, views
from handlers.dispatch.upper_centre import refresh_upper, tell_upper
from storage.dispatch import DECLINED, FINAL, FLOW, PENDING_APPROVAL, REJECTED, UNDELIVERED, DispatchRepository
from storage.buttons import ButtonRepository
from handlers.phone.board import with_phone_statuses
from storage.incidents import IncidentRepository, TimelineActor
from storage.models import DispatchOrder, Incident


def ack_timeout(ctx: Context, incident: Incident | None = None) -> timedelta:
    """How long a unit has to acknowledge: its incident's level may ask for less."""
    steps = ctx.org.spec.escalation.steps_for(incident.level if incident is not None else None)
    if steps:  # an escalation policy: its first step comes when it says
        return timedelta(minutes=steps[0].after_minutes)
    level = ctx.org.spec.response_level(incident.level) if incident is not None and incident.level else None
    minutes = level.ack_timeout_minutes if level and level.ack_timeout_minutes else None
    return timedelta(minutes=minutes or ctx.org.spec.escalation.ack_timeout_minutes)


async def dispatch_units(
    ctx: Context, incident: Incident, unit_codes: list[str], instruction: str,
    actor: TimelineActor, actor_key: str,
) -> tuple[list[str], list[str]]:
    """Order each unit out; returns (units ordered or sent for approval, units already on it)."""
    repo = DispatchRepository(ctx.session)
    existing = await repo.orders_for(incident.id)
    wanted = set(unit_codes)
    # An order that reached nobody is sent again once asked for again (the unit has
    # since bound a group, say); every other order stands as it is.
    resent = [o for o in existing if o.unit_code in wanted and o.state == "ordered" and o.delivery == UNDELIVERED]
    for order in resent:
        order.delivery, order.escalation_level = None, 0
        order.escalate_at = ctx.now + ack_timeout(ctx, incident)
        await IncidentRepository(ctx.session).record(incident.id, ctx.now, "dispatched_again", actor,
                                                     {"unit": order.unit_code})
        await send_order(ctx, incident, order)
    resent_codes = [o.unit_code for o in resent]
    # A unit that declined (or was not approved) may be asked again: a new order, the
    # old one stays on the record. Any other order of the unit stands.
    standing = [o for o in existing if o.state not in (DECLINED, REJECTED)]
    already = {o.unit_code for o in standing} - set(resent_codes)
    new_codes = [code for code in dict.fromkeys(unit_codes) if code not in already and code not in resent_codes]
    for code in new_codes:
        unit = ctx.org.units[code]
        state = PENDING_APPROVAL if unit.requires_approval else "ordered"
        attempt = 1 + sum(1 for o in existing if o.unit_code == code)
        order = await repo.add(DispatchOrder(
            incident_id=incident.id, unit_code=code, state=state, instruction=instruction, attempt=attempt,
            ordered_at=ctx.now, ordered_by=actor.name or "", ordered_by_id=actor_key,
            state_at=ctx.now, escalation_level=0,
            # An approval nobody gives is escalated like an order nobody acknowledges.
            escalate_at=ctx.now + ack_timeout(ctx, incident),
        ))
        await IncidentRepository(ctx.session).record(
            incident.id, ctx.now, "approval_requested" if state == PENDING_APPROVAL else "dispatched",
            actor, {"unit": code, "instruction": instruction},
        )
        if state == PENDING_APPROVAL:
            await send_approval_request(ctx, incident, order)
        else:
            await send_order(ctx, incident, order)
    if new_codes or resent:
        await refresh_board(ctx, incident, first=not existing)
    return resent_codes + new_codes, [code for code in unit_codes if code in already]


async def order_buttons(ctx: Context, order: DispatchOrder, ref: ConversationRef) -> tuple[Button, ...]:
    buttons = [
        await ctx.button(label, actions.PRESS, {"order": order.id, "state": state}, ref)
        for state, label in views.press_labels(ctx.t, order)
    ]
    if order.state == "on_scene":  # the unit on scene may ask for more (#14, tiers)
        buttons.append(await ctx.button(ctx.t("request.button"), actions.SUPPORT_ASK, {"order": order.id}, ref))
    return tuple(buttons)


async def _buttons_for(ctx: Context, order: DispatchOrder, ref: ConversationRef) -> tuple[Button, ...]:
    """No tokens are made for a one-way channel, where nobody could press them."""
    return () if ctx.org.conversation(ref).announce_only else await order_buttons(ctx, order, ref)


def duty_officer_names(ctx: Context, unit_code: str) -> list[str]:
    """Named whatever platform they are on: the centre must know whom to call."""
    return on_duty(ctx.org, unit_code, ctx.now).names


def duty_mentions(ctx: Context, unit_code: str, platform: str) -> tuple[Mention, ...]:
    """The unit's current duty officers, by their id on the platform the message goes to."""
    officers = on_duty(ctx.org, unit_code, ctx.now).officers
    return tuple(Mention(user_id, o.name) for o in officers if (user_id := o.user_id(platform)))


async def send_order(ctx: Context, incident: Incident, order: DispatchOrder, *, reminder: bool = False) -> None:
    """Send the order to every conversation of its unit; with none to send to, tell the centre."""
    refs = ctx.active(ctx.org.units[order.unit_code].conversations)
    if not refs and not reminder:
        await report_undelivered(ctx, incident, order, "undelivered.no_conversation")
    for ref in refs:
        mentions = duty_mentions(ctx, order.unit_code, ref.platform) if reminder else ()
        message = views.order_message(ctx.t, ctx.org, incident, order, await _buttons_for(ctx, order, ref),
                                      mentions, reminder)
        if ctx.org.conversation(ref).announce_only:
            message = one_way(message, ctx.t("channel.answer_in_group"))
        # A reminder is a new message (it must notify), and later edits go to it.
        ctx.send(ref, message, key=views.order_key(order.id), priority=Priority.URGENT)
    if not reminder and (region := ctx.org.units[order.unit_code].region) is not None:
        # A neighbouring region's centre hears whenever one of its units is sent (#14, tiers).
        told = Message(text=ctx.t("request.region_notice", units=order.unit_code, centre=ctx.org.name,
                                  id=incident.id, name=order.ordered_by))
        for ref in ctx.active(ctx.org.region_conversations(region)):
            ctx.send(ref, told, priority=Priority.URGENT)
    if not reminder and ctx.org.units[order.unit_code].notify:  # drawn only for a unit that names one
        copy = views.order_message(ctx.t, ctx.org, incident, order)
        tell_authorities(ctx, [order.unit_code], Message(title=ctx.t("notify.order", unit=order.unit_code),
                                                        text=copy.title, fields=copy.fields))


def tell_authorities(ctx: Context, unit_codes: list[str], message: Message) -> None:
    """A copy, read-only, for the conversations the units name under `notify` (报备)."""
    refs = [ref for code in unit_codes for ref in ctx.active(ctx.org.units[code].notify)]
    for ref in dict.fromkeys(refs):
        ctx.send(ref, message)


async def report_undelivered(ctx: Context, incident: Incident, order: DispatchOrder, reason_key: str) -> None:
    """An order into the void: 未送达 on the board, and the centre told at once whom to call.

    Chat escalation has nowhere to go for such a unit (its reminder would be lost
    too), so its last step, the centre, is taken now; the phone is the way left.
    """
    order.delivery = UNDELIVERED
    order.escalate_at = None
    unit = ctx.org.units[order.unit_code]
    officers = on_duty(ctx.org, order.unit_code, ctx.now).officers
    contacts = "、".join(f"{o.name} {o.phone}" if o.phone else o.name for o in officers)
    lines = [ctx.t(reason_key),
             ctx.t("undelivered.call", officers=contacts) if officers else ctx.t("undelivered.no_officer"),
             ctx.t("undelivered.again", id=incident.id, code=unit.code)]
    title = ctx.t("undelivered.title", unit=f"{unit.name} ({unit.code})", id=incident.id)
    for ref in ctx.centre_conversations():  # centre only: it carries phone numbers
        ctx.send(ref, Message(title=title, text="\n".join(lines)), priority=Priority.URGENT)
    await IncidentRepository(ctx.session).record(incident.id, ctx.now, "undelivered", None,
                                                 {"unit": order.unit_code, "reason": reason_key})
    await refresh_board(ctx, incident)


async def refresh_orders(ctx: Context, incident: Incident, changed: frozenset[str] = frozenset()) -> None:
    """Redraw every order still in progress (its incident's figures changed); the
    `changed` incident fields (type, location, time, dead, …) are marked as new."""
    for order in await DispatchRepository(ctx.session).orders_for(incident.id):
        if order.state not in FINAL and order.state != PENDING_APPROVAL:
            await refresh_order(ctx, incident, order, changed)


# Figures whose rise must reach people at once: an edited card or order notifies nobody.
GRAVER = ("dead", "trapped", "missing")


async def units_on(ctx: Context, incident: Incident) -> list[str]:
    """The units working on the incident: ordered, on the way or on scene — not those that
    declined, were not approved or await approval. (On scene ends escalation, not the work:
    the unit there is the one that most needs to hear of a graver level, and may command.)"""
    orders = await DispatchRepository(ctx.session).orders_for(incident.id)
    return list(dict.fromkeys(o.unit_code for o in orders if o.state in FLOW))


async def tell_everyone_on(ctx: Context, incident: Incident, notice: Message) -> list[str]:
    """A new message (edits notify nobody) to the centre and to every unit on the
    incident; the units told."""
    codes = await units_on(ctx, incident)
    units = (ref for code in codes for ref in ctx.active(ctx.org.units[code].conversations))
    refs = [*ctx.centre_conversations(), *units]
    for ref in dict.fromkeys(refs):
        ctx.send(ref, notice, priority=Priority.URGENT)
    tell_upper(ctx, incident, notice)
    return codes


async def announce_graver(ctx: Context, incident: Incident, rises: dict[str, tuple[int, int]]) -> None:
    """More dead, trapped or missing: said to the centre and to every unit on the incident,
    besides the redrawn card and orders."""
    changes = " · ".join(ctx.t("graver.change", field=ctx.t(f"count.{field}"), old=old, new=new)
                         for field, (old, new) in rises.items())
    await tell_everyone_on(ctx, incident, Message(text=ctx.t("graver.notice", id=incident.id, changes=changes)))


async def refresh_order(ctx: Context, incident: Incident, order: DispatchOrder,
                        changed: frozenset[str] = frozenset()) -> None:
    for ref in ctx.active(ctx.org.units[order.unit_code].conversations):
        message = views.order_message(ctx.t, ctx.org, incident, order, await _buttons_for(ctx, order, ref),
                                      changed=changed)
        if ctx.org.conversation(ref).announce_only:
            message = one_way(message, ctx.t("channel.answer_in_group"))
        ctx.edit(ref, views.order_key(order.id), message)


async def stand_down(ctx: Context, incident: Incident) -> list[str]:
    """The incident is closed: every unit still on it is told in a new message (an edit
    notifies nobody) and its order is redrawn without buttons; approvals nobody gave
    lapse. Returns the units told."""
    told = []
    for order in await DispatchRepository(ctx.session).orders_for(incident.id):
        if order.state == PENDING_APPROVAL:
            order.state, order.state_at, order.escalate_at = REJECTED, ctx.now, None
            await IncidentRepository(ctx.session).record(incident.id, ctx.now, "approval_lapsed", None,
                                                         {"unit": order.unit_code})
            continue
        if order.state in (DECLINED, REJECTED):
            continue
        await refresh_order(ctx, incident, order)
        notice = Message(text=ctx.t("order.stood_down", id=incident.id, unit=order.unit_code,
                                    summary=incident.close_summary or ctx.t("value.not_stated")))
        for ref in ctx.active(ctx.org.units[order.unit_code].conversations):
            ctx.send(ref, notice, priority=Priority.URGENT)
        told.append(order.unit_code)
    for code in told:  # each authority hears of its own unit
        tell_authorities(ctx, [code], Message(text=ctx.t("order.stood_down_copy", id=incident.id, units=code,
                                                         summary=incident.close_summary or ctx.t("value.not_stated"))))
    return told


async def resume(ctx: Context, incident: Incident, reason: str) -> list[str]:
    """The incident is open again: every unit that was stood down is told to go on (a new
    message) and its order gets its buttons back; silence is counted again from now.

    The orders are held and read as last committed: a press in the other bot process holds
    its order, not the incident, and may be declining one just now (a key pressed on a
    call, handled in the middle of its batch, can find the incident open in a row that
    batch read before the /close)."""
    told = []
    for order in await DispatchRepository(ctx.session).orders_for(incident.id, held=True):
        if order.state in FINAL or order.state == PENDING_APPROVAL:
            continue
        if order.state == "ordered":
            order.escalate_at, order.escalation_level = ctx.now + ack_timeout(ctx, incident), 0
        await refresh_order(ctx, incident, order)
        notice = Message(text=ctx.t("order.resumed", id=incident.id, unit=order.unit_code,
                                    reason=reason or ctx.t("value.not_stated")))
        for ref in ctx.active(ctx.org.units[order.unit_code].conversations):
            ctx.send(ref, notice, priority=Priority.URGENT)
        told.append(order.unit_code)
    return told


async def send_approval_request(ctx: Context, incident: Incident, order: DispatchOrder, *,
                                reminder: bool = False) -> None:
    """Ask the centre to approve; a reminder is a new message (it must notify) that later edits go to."""
    for ref in ctx.centre_conversations():
        buttons = (
            await ctx.button(ctx.t("approval.approve"), actions.APPROVE, {"order": order.id}, ref),
            await ctx.button(ctx.t("approval.reject"), actions.REJECT, {"order": order.id}, ref),
        )
        ctx.send(ref, views.approval_message(ctx.t, ctx.org, incident, order, buttons, reminder),
                 key=f"{views.order_key(order.id)}:approval", priority=Priority.URGENT)


BOARD = "board"  # the redraw's kind (handlers.router.Router.on_redraw)


async def refresh_board(ctx: Context, incident: Incident, *, first: bool = False) -> None:
    """One board per incident in each centre conversation, edited in place.

    Sent with the transaction that dispatches the first order. Every later change
    redraws it after commit (Context.redraw_after_commit), once for the batch of presses or
    a storm's few batches, with the incident held so that the drawing reads what both
    bot processes have committed."""
    if first:
        ctx.once_per_transaction(f"board:{incident.id}", lambda final: _draw_board(final, incident, first=True))
    else:
        ctx.redraw_after_commit(BOARD, incident.id)
    refresh_upper(ctx, incident)


async def redraw_board(ctx: Context, incident_id: str) -> None:
    """After commit (see refresh_board), the incident held: the last drawing reads every process's presses."""
    incident = ctx.work.incidents_held.get(incident_id)
    if incident is not None:
        await _draw_board(ctx, incident, first=False)


async def _draw_board(ctx: Context, incident: Incident, *, first: bool) -> None:
    orders = await DispatchRepository(ctx.session).statuses_for(incident.id)
    board = views.board_message(ctx.t, ctx.org, incident, orders, ctx.now)
    board = await with_phone_statuses(ctx, incident, board)  # SMS and calls of escalation (#18)
    for ref in ctx.centre_conversations():
        shown = board
        if incident.status != "closed":  # 现场指挥 / Take command, as /commander ID; 响应级别 / Level
            token, level_token = views.board_token(incident, ref), views.board_token(incident, ref, "lv")
            if first:  # issued once; every redraw shows the same tokens, at no row's cost
                buttons = ButtonRepository(ctx.session)
                await buttons.issue(actions.TAKE_COMMAND, {"incident": incident.id}, ref, ctx.now, token=token)
                await buttons.issue(actions.LEVEL_MENU, {"incident": incident.id}, ref, ctx.now,
                                    token=level_token)
            shown = replace(board, buttons=(Button(ctx.t("button.take_command"), token),
                                            Button(ctx.t("button.set_level"), level_token)))
        if first:
            ctx.send(ref, shown, key=views.board_key(incident.id))
        else:
            ctx.edit(ref, views.board_key(incident.id), shown)
