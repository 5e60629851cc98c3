"""A red alert some units have not confirmed (escalation.policies with applies_to: red_alerts).

When a red alert goes out its first step is set `after_minutes` later; each step is for
the units that have not pressed 收到 by then: the alert again in their conversations
(a chat reminder), an SMS or a call to their duty officers (key 1 confirms), or the
centre told which units have not confirmed. The alert's `escalate_at` is the next step's
due-time and `escalation_step` how many ran; the timer claims it once across processes.
"""
from __future__ import annotations

from datetime import timedelta

from config.schema import EscalationStep
from core.events import ConversationRef
from core.messages import Button, Message, Priority
from handlers.broadcast import actions
from handlers.broadcast.fanout import send_round
from handlers.context import Context
from handlers.phone.order_steps import callees
from handlers.phone.reach import phone_on, reach, step_text_key, tell_centre_who_was_missed
from storage.broadcasts import BroadcastRepository
from storage.models import Broadcast
from storage.phone import alerts_due

RED = "red"


def steps(ctx: Context) -> list[EscalationStep]:
    return ctx.org.spec.escalation.steps_applying_to("red_alerts")


def schedule(ctx: Context, broadcast: Broadcast) -> None:
    """A red alert went out: its first step, when a policy says so."""
    policy = steps(ctx)
    if broadcast.level == RED and policy:
        broadcast.escalate_at, broadcast.escalation_step = ctx.now + timedelta(minutes=policy[0].after_minutes), 0


async def escalate_alerts(ctx: Context) -> int:
    """Timer: each red alert whose step is due takes it, once."""
    policy = steps(ctx)
    due = await alerts_due(ctx.session, ctx.now)
    for broadcast in due:
        confirmed = await BroadcastRepository(ctx.session).units_confirmed(broadcast.id)
        silent = [code for code in broadcast.units if code not in confirmed and code in ctx.org.units]
        index = broadcast.escalation_step
        if not silent or index >= len(policy):
            broadcast.escalate_at = None
            continue
        step = policy[index]
        broadcast.escalation_step = index + 1
        following = policy[index + 1] if index + 1 < len(policy) else None
        broadcast.escalate_at = (broadcast.escalate_at + timedelta(minutes=following.after_minutes - step.after_minutes)
                                 if following and broadcast.escalate_at else None)
        if step.action == "chat_reminder":
            await send_round(ctx, broadcast, silent)
        elif step.action == "centre":
            for ref in ctx.centre_conversations():
                ctx.send(ref, Message(text=ctx.t("phone.alert_unconfirmed", id=broadcast.id, minutes=step.after_minutes,
                                                 units="、".join(silent))), priority=Priority.URGENT)
        elif phone_on(ctx):
            await _phone_step(ctx, broadcast, silent, step, index)
    return len(due)


async def _phone_step(ctx: Context, broadcast: Broadcast, silent: list[str], step: EscalationStep, index: int) -> None:
    key = f"alert:{broadcast.id}:phone{index}"
    excerpt = " ".join(broadcast.text.split())[:60]
    for code in silent:
        unit = ctx.org.units[code]
        text = ctx.t(step_text_key(ctx, step.action, "alert"),
                     org=ctx.org.name, unit=unit.name, text=excerpt)
        facts = dict(org=ctx.org.name, name=unit.name, id=f"#{broadcast.id}", type=ctx.t("phone.red_alert"),
                      place=excerpt, level=ctx.t("phone.red_alert"))

        async def menu(ref: ConversationRef, code: str = code) -> tuple[Button, ...]:
            return (await ctx.button(ctx.t("alert.confirm"), actions.CONFIRM,
                                     {"broadcast": broadcast.id, "key": key, "unit": code}, ref),)

        done = await reach(ctx, step.action, callees(ctx, code, step.to), text, facts, f"{key}:{code}", menu)
        tell_centre_who_was_missed(ctx, done, ctx.t("phone.about_alert", unit=code, id=broadcast.id))
