"""Sending a roll-call, keeping its messages up to date, and its deadline.

The deadline is a due-time on the roll-call's row, claimed with SKIP LOCKED
like dispatch escalation: silent units get one reminder naming their duty
officers and a short grace, then the centre gets the summary and the
roll-call closes. A restart neither loses nor repeats a step.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from handlers.context import Context
from core.events import ConversationRef
from core.messages import Button, Message, Priority
from config.duty import Officer, on_duty
from config.organisation import Organisation, PersonInfo
from handlers.dispatch.orders import duty_mentions
from handlers.rollcall import actions, views
from storage.buttons import ButtonRepository
from storage.models import RollcallAnswer, RollcallRun
from storage.rollcalls import ABSENT, CLOSED, OPEN, PRESENT, REMINDED, RollcallRepository

log = logging.getLogger(__name__)

REMINDER_GRACE = timedelta(minutes=10)  # after the reminder; never longer than the deadline itself


def required_officers(org: Organisation, unit_code: str, answer: str, now: datetime) -> list[Officer]:
    """Who must answer for the unit: whoever is on duty now (every member when nobody is), or all."""
    members = [Officer.of(m) for m in org.spec_unit(unit_code).members]
    if answer == "duty_officer":
        return list(on_duty(org, unit_code, now).officers) or members
    return members


def required_people(org: Organisation, unit_code: str, answer: str, now: datetime) -> list[str]:
    return [o.name for o in required_officers(org, unit_code, answer, now)]


def may_answer(org: Organisation, run: RollcallRun, unit_code: str, person: PersonInfo | None,
               now: datetime) -> bool:
    if person is None or not person.is_member_of(unit_code) or unit_code not in run.units:
        return False
    if run.answer == "all":
        return True
    # Whoever was on duty when it went out may still answer after a handover or a change-over.
    # Matched by platform id: a member who took the duty officer's name is not the duty officer.
    return any(officer.is_person(person)
               for moment in (now, run.started_at)
               for officer in required_officers(org, unit_code, run.answer, moment))


def duty_officer_names(org: Organisation, unit_code: str, now: datetime) -> list[str]:
    return on_duty(org, unit_code, now).names


def unit_conversations(ctx: Context, unit_code: str) -> list[ConversationRef]:
    unit = ctx.org.units.get(unit_code)
    if unit is None:
        return []
    # A one-way channel cannot answer a roll-call: it goes to the unit's groups only.
    return [ref for ref in ctx.active(list(unit.conversations)) if not ctx.org.conversation(ref).announce_only]


def answer_token(run: RollcallRun, unit_code: str, status: str, where: ConversationRef) -> str:
    """The 到 / 不在岗 button of one unit's roll-call message in one conversation: derived
    from the run's record, so each redraw (one per answer in a storm) shows the same
    tokens instead of writing two rows. Pressing still needs the unit's membership."""
    seed = f"{run.id}|{run.schedule_key}|{unit_code}|{status}|{where}"
    return "rc" + hashlib.blake2s(seed.encode(), digest_size=9).hexdigest()


async def answer_buttons(ctx: Context, run: RollcallRun, unit_code: str, ref: ConversationRef,
                         *, first: bool = False) -> tuple[Button, ...]:
    tokens = {status: answer_token(run, unit_code, status, ref) for status in (PRESENT, ABSENT)}
    buttons = ButtonRepository(ctx.session)
    # Issued with the first drawing, always as a pair: so when the redraw follows a press on
    # one of them (the usual case) the pair exists and nothing is asked. Otherwise they are
    # looked up; missing — a conversation added since the roll-call went out, or a run whose
    # buttons predate derived tokens — they are issued now.
    if first:
        missing = list(tokens)
    elif buttons.cached_as_issued(*tokens.values()):
        missing = []
    else:
        existing = await buttons.existing(list(tokens.values()))
        missing = [status for status, token in tokens.items() if token not in existing]
    for status in missing:
        await buttons.issue(actions.ANSWER, {"rollcall": run.id, "unit": unit_code, "status": status},
                            ref, ctx.now, token=tokens[status])
    return tuple(Button(ctx.t(f"rollcall.button.{status}"), token) for status, token in tokens.items())


def new_run_values(
    *, key: str, scheduled_for: datetime, name: str, now: datetime, units: list[str], answer: str,
    deadline: timedelta, started_by: str | None = None,
) -> dict[str, object]:
    return {
        "schedule_key": key, "scheduled_for": scheduled_for, "name": name, "started_at": now,
        "started_by": started_by, "units": units, "answer": answer, "deadline_at": now + deadline,
        "stage": OPEN, "due_at": now + deadline, "closed_at": None,
    }


async def send_run(ctx: Context, run: RollcallRun) -> int:
    """One message per unit and conversation; returns how many."""
    sent = 0
    for code in run.units:
        for ref in unit_conversations(ctx, code):
            message = views.rollcall_message(ctx.t, ctx.org, run, code, [],
                                             await answer_buttons(ctx, run, code, ref, first=True))
            ctx.send(ref, message, key=views.unit_key(run.id, code), priority=Priority.BULK)
            sent += 1
    log.info("roll-call %s (%s) sent to %s units, %s conversations", run.id, run.name, len(run.units), sent)
    return sent


async def refresh_unit(ctx: Context, run: RollcallRun, unit_code: str) -> None:
    answers = await RollcallRepository(ctx.session).answers_for_unit(run.id, unit_code)
    for ref in unit_conversations(ctx, unit_code):
        buttons = () if run.stage == CLOSED else await answer_buttons(ctx, run, unit_code, ref)
        ctx.edit(ref, views.unit_key(run.id, unit_code),
                 views.rollcall_message(ctx.t, ctx.org, run, unit_code, answers, buttons), priority=Priority.BULK)


def refresh_unit_later(ctx: Context, run: RollcallRun, unit_code: str) -> None:
    """Redraw the unit's roll-call once at the end of the transaction.

    When the whole county answers within a minute, a batch holds many answers
    for one unit: one drawing and one edit per unit, not one per press.
    """
    async def draw(final: Context) -> None:
        await refresh_unit(final, run, unit_code)

    ctx.once_per_transaction(f"rollcall:{run.id}:{unit_code}", draw)


def reminder_grace(run: RollcallRun) -> timedelta:
    return min(REMINDER_GRACE, run.deadline_at - run.started_at)


async def process_deadlines(ctx: Context) -> int:
    """Timer: each roll-call whose deadline step is due takes it, once."""
    from handlers.phone import rollcall_steps  # it builds on this module's steps

    repo = RollcallRepository(ctx.session)
    due = await repo.due(ctx.now)
    for run in due:
        answers = await repo.answers([run.id])
        answered = {a.unit_code for a in answers}
        silent = [code for code in run.units if code not in answered and code in ctx.org.units]
        steps = ctx.org.spec.escalation.rollcall_steps()  # a policy (SMS, calls …) follows the reminder
        if run.stage == OPEN and silent:
            run.stage, run.due_at = REMINDED, ctx.now + reminder_grace(run)
            if steps:
                run.due_at = rollcall_steps.first_due(run, steps)
            for code in silent:
                await remind(ctx, run, code)
            log.info("roll-call %s: reminded %s silent units", run.id, len(silent))
        elif steps and run.stage == REMINDED:
            await rollcall_steps.run_step(ctx, run, answers, silent, steps)
        else:
            await close(ctx, run, answers)
    return len(due)


async def remind(ctx: Context, run: RollcallRun, unit_code: str) -> None:
    for ref in unit_conversations(ctx, unit_code):
        message = views.rollcall_message(
            ctx.t, ctx.org, run, unit_code, [], await answer_buttons(ctx, run, unit_code, ref),
            reminder=True, mentions=duty_mentions(ctx, unit_code, ref.platform),
        )
        # A new message, so it notifies; later edits go to it.
        ctx.send(ref, message, key=views.unit_key(run.id, unit_code), priority=Priority.BULK)


async def close(ctx: Context, run: RollcallRun, answers: list[RollcallAnswer]) -> None:
    run.stage, run.closed_at, run.due_at = CLOSED, ctx.now, None
    known = [code for code in run.units if code in ctx.org.units]
    expected = {code: len(required_people(ctx.org, code, run.answer, ctx.now)) for code in known}
    officers = {code: duty_officer_names(ctx.org, code, ctx.now) for code in known}
    summary = views.summary_message(ctx.t, ctx.org, run, expected, answers, officers)
    for ref in ctx.centre_conversations():
        ctx.send(ref, summary, key=f"rollcall-summary:{run.id}")
    for code in known:
        await refresh_unit(ctx, run, code)
    log.info("roll-call %s closed: %s answers", run.id, len(answers))


def notice_to_centre(ctx: Context, run: RollcallRun) -> None:
    for ref in ctx.centre_conversations():
        ctx.send(ref, Message(text=ctx.t("rollcall.started_notice", name=run.name, id=run.id,
                                         units=len(run.units), time=views.hhmm(run.deadline_at, ctx.org.timezone))))
