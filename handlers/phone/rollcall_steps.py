"""A silent roll-call's escalation policy (escalation.policies with applies_to: rollcalls).

At the deadline silent units get today's chat reminder; the policy's steps follow, each
at `after_minutes` past the deadline, for the units still silent then: an SMS or a call
to whoever must answer for the unit (its duty officer, or the next on its list), with the
answers as keys (1 到, 2 不在岗), a chat reminder again, or the centre's summary, which
closes the roll-call. The run's `due_at` is the next step's due-time and
`escalation_step` how many ran; the timer claims the run once across processes.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from config.schema import EscalationStep
from core.events import ConversationRef
from core.messages import Button
from handlers.context import Context
from handlers.phone.order_steps import callees
from handlers.phone.reach import Callee, phone_on, reach, step_text_key, tell_centre_who_was_missed
from handlers.rollcall import actions, views
from handlers.rollcall.runs import close, remind, reminder_grace, required_officers
from storage.models import RollcallAnswer, RollcallRun
from storage.rollcalls import ABSENT, PRESENT


def first_due(run: RollcallRun, steps: list[EscalationStep]) -> datetime:
    return run.deadline_at + timedelta(minutes=steps[0].after_minutes)


async def run_step(ctx: Context, run: RollcallRun, answers: list[RollcallAnswer], silent: list[str],
                   steps: list[EscalationStep]) -> None:
    index = run.escalation_step
    if not silent or index >= len(steps):
        await close(ctx, run, answers)
        return
    step = steps[index]
    run.escalation_step = index + 1
    following = steps[index + 1] if index + 1 < len(steps) else None
    run.due_at = (run.deadline_at + timedelta(minutes=following.after_minutes) if following
                  else ctx.now + reminder_grace(run))  # the last step, then the summary
    if step.action == "centre":
        await close(ctx, run, answers)
    elif step.action == "chat_reminder":
        for code in silent:
            await remind(ctx, run, code)
    else:
        await _phone_step(ctx, run, silent, step, index)


def _who(ctx: Context, run: RollcallRun, unit_code: str, to: str) -> list[Callee]:
    if to == "next_member":
        return callees(ctx, unit_code, to)
    return [Callee(o.name, o.phone) for o in required_officers(ctx.org, unit_code, run.answer, ctx.now)]


async def _phone_step(ctx: Context, run: RollcallRun, silent: list[str], step: EscalationStep, index: int) -> None:
    if not phone_on(ctx):
        return  # the summary names the silent units and their duty officers for the centre to phone
    for code in silent:
        unit = ctx.org.units[code]
        facts = dict(org=ctx.org.name, name=unit.name, id=f"#{run.id}", type=run.name,
                     place=unit.code, level=views.hhmm(run.deadline_at, ctx.org.timezone))
        text = ctx.t(step_text_key(ctx, step.action, "rollcall"),
                     org=ctx.org.name, unit=unit.name, name=run.name, id=run.id,
                     time=views.hhmm(run.deadline_at, ctx.org.timezone))

        async def menu(ref: ConversationRef, code: str = code) -> tuple[Button, ...]:
            return tuple([
                await ctx.button(ctx.t(f"rollcall.button.{status}"), actions.ANSWER,
                                 {"rollcall": run.id, "unit": code, "status": status}, ref)
                for status in (PRESENT, ABSENT)
            ])

        people = _who(ctx, run, code, step.to)
        done = await reach(ctx, step.action, people, text, facts, f"rollcall:{run.id}:{code}:step{index}", menu)
        tell_centre_who_was_missed(ctx, done, ctx.t("phone.about_rollcall", unit=code, name=run.name, id=run.id))
