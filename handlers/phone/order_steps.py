"""An order's escalation policy, step by step (organisation file: escalation.policies).

The order's `escalate_at` is the next step's due-time and `escalation_level` how many
steps ran; escalate_due claims due orders once across processes (FOR UPDATE SKIP
LOCKED) and hands each here. Each step's next due-time is counted from this one's,
so the policy keeps its own rhythm whatever the timers' pace.
"""
from __future__ import annotations

import re
from datetime import timedelta

from config.duty import on_duty
from config.schema import EscalationStep
from core.events import ConversationRef
from core.messages import Button, Message, Priority
from handlers.context import Context
from handlers.dispatch import actions, views
from handlers.dispatch.orders import duty_mentions, duty_officer_names, refresh_board, send_order
from handlers.phone.reach import Callee, phone_on, reach, step_text_key, tell_centre_who_was_missed
from storage.incidents import IncidentRepository
from storage.models import DispatchOrder, Incident


_SYMBOLS = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")


def policy_steps(ctx: Context, incident: Incident) -> list[EscalationStep]:
    return ctx.org.spec.escalation.steps_for(incident.level)


async def run_step(ctx: Context, incident: Incident, order: DispatchOrder, steps: list[EscalationStep]) -> None:
    index = order.escalation_level
    if index >= len(steps):
        order.escalate_at = None
        return
    step = steps[index]
    order.escalation_level = index + 1
    due = order.escalate_at or ctx.now
    following = steps[index + 1] if index + 1 < len(steps) else None
    order.escalate_at = due + timedelta(minutes=following.after_minutes - step.after_minutes) if following else None
    reached: list[str] = []
    if step.action == "chat_reminder":
        await send_order(ctx, incident, order, reminder=True)
    elif step.action == "centre":
        _alert_centre(ctx, incident, order, step.after_minutes)
    else:
        reached = await _phone_step(ctx, incident, order, step, index)
    await IncidentRepository(ctx.session).record(
        incident.id, ctx.now, "escalated", None,
        {"unit": order.unit_code, "level": order.escalation_level, "step": step.action, "to": step.to,
         "reached": reached})
    await refresh_board(ctx, incident)


def _alert_centre(ctx: Context, incident: Incident, order: DispatchOrder, minutes: int) -> None:
    unit = ctx.org.units[order.unit_code]
    names = "、".join(duty_officer_names(ctx, order.unit_code)) or ctx.t("value.not_stated")
    for ref in ctx.centre_conversations():
        ctx.send(ref, Message(
            text=ctx.t("escalation.centre_alert", unit=f"{unit.name} ({unit.code})", id=incident.id,
                       minutes=minutes, officers=names),
            mentions=duty_mentions(ctx, order.unit_code, ref.platform),
        ), priority=Priority.URGENT)


def callees(ctx: Context, unit_code: str, to: str) -> list[Callee]:
    """The duty officers now, or the next person on the unit's list after them."""
    officers = on_duty(ctx.org, unit_code, ctx.now).officers
    if to == "duty_officer":
        return [Callee(o.name, o.phone) for o in officers]
    on_duty_names = {o.name for o in officers}
    phones = {c.name: c.phone for c in ctx.org.contacts.get(unit_code, []) if c.phone}
    listed = [(m.name, m.phone or phones.get(m.name)) for m in ctx.org.spec_unit(unit_code).members]
    listed += [(c.name, c.phone) for c in ctx.org.contacts.get(unit_code, [])]
    for name, phone in listed:
        if name not in on_duty_names:
            return [Callee(name, phone)]
    return []


async def _phone_step(ctx: Context, incident: Incident, order: DispatchOrder, step: EscalationStep,
                      index: int) -> list[str]:
    unit = ctx.org.units[order.unit_code]
    people = callees(ctx, order.unit_code, step.to)
    about = ctx.t("phone.about_order", unit=unit.code, id=incident.id)
    if not phone_on(ctx):  # no provider and no console: the centre dials by hand
        if people:
            for ref in ctx.centre_conversations():
                ctx.send(ref, Message(text=ctx.t("phone.call_by_hand", about=about, people="、".join(
                    f"{c.name} {c.phone}" if c.phone else c.name for c in people))), priority=Priority.URGENT)
        return []
    # The level's colour mark (🔴) is for the eye: a voice would read it out, an SMS template may refuse it.
    level = _SYMBOLS.sub("", incident.level_name or "").strip() or ctx.t("value.not_stated")
    facts = dict(name=unit.name, id=incident.id, type=ctx.t(f"type.{incident.type}"),
                 place=incident.location or ctx.t("value.not_stated"), level=level, org=ctx.org.name)
    text = ctx.t(step_text_key(ctx, step.action, "order"), **facts)

    async def menu(ref: ConversationRef) -> tuple[Button, ...]:
        return (
            await ctx.button(ctx.t("phone.key_acknowledge"), actions.PRESS,
                             {"order": order.id, "state": "acknowledged"}, ref),
            await ctx.button(ctx.t("phone.key_decline"), actions.PRESS, {"order": order.id, "state": "declined"}, ref),
        )

    done = await reach(ctx, step.action, people, text, facts, f"{views.order_key(order.id)}:step{index}", menu)
    if not people:
        done.no_phone.append(ctx.t("phone.nobody_listed", unit=unit.code))
    tell_centre_who_was_missed(ctx, done, about)
    return done.sent
