"""Tasks on an alert (#17): `task:转移低洼地区群众` lines become, on each unit's copy,
a button per task that goes 收到 → 已部署 / Done, and a reply to the copy ("2 转移 120 人")
records a count and marks the task done. The centre's progress message shows each
task's units done; the report lists the units not done, with a re-send to them.
"""
from __future__ import annotations

import logging
import re

from core.events import ButtonEvent, ConversationRef, MessageEvent
from core.i18n import Translator
from core.messages import Button, Message
from handlers.broadcast import actions, views
from handlers.context import Context, HandlerContext
from handlers.replies import Reply, ReplyKey
from storage.broadcasts import DONE, RECEIVED, BroadcastRepository, round_key
from storage.buttons import ResolvedButton
from storage.models import Broadcast, BroadcastTaskMark

log = logging.getLogger(__name__)

# A unit's copy, first round and re-sends: a reply to it may carry a task's count.
COPY = ReplyKey("broadcast.copy", "alert:{}")
RESENT_COPY = ReplyKey("broadcast.copy_resent", "alert:{}:r{}")
_TASK_NUMBER = re.compile(r"\s*(?:任务|task\s*)?(\d{1,2})\s*[:：.、]?\s*(.*)", re.IGNORECASE | re.DOTALL)
UNITS_SHOWN = 10


def task_lines(t: Translator, broadcast: Broadcast, marks: list[BroadcastTaskMark]) -> str:
    """The tasks as a unit sees them on its copy: each with the units of this copy that marked it."""
    lines = [t("task.heading")]
    for number, task in enumerate(broadcast.tasks or [], 1):
        done = [m for m in marks if m.task_no == number]
        states = "、".join(
            f"{m.unit_code} {t('task.state.' + m.state)}" + (f"（{m.count}）" if m.count else "") for m in done)
        lines.append(f"{number}. {task}" + (f" — {states}" if states else ""))
    return "\n".join(lines)


async def task_buttons(ctx: Context, broadcast: Broadcast, key: str, ref: ConversationRef,
                       marks: list[BroadcastTaskMark]) -> tuple[Button, ...]:
    """One button per task not yet done by every unit of this copy: its next step."""
    units_here = [code for code in ctx.org.conversation(ref).units if code in broadcast.units]
    buttons = []
    for number, _ in enumerate(broadcast.tasks or [], 1):
        states = {m.unit_code: m.state for m in marks if m.task_no == number}
        if units_here and all(states.get(code) == DONE for code in units_here):
            continue
        step = "task.done_button" if any(states.get(code) == RECEIVED for code in units_here) else "task.received_button"
        buttons.append(await ctx.button(ctx.t(step, n=number), actions.TASK,
                                        {"broadcast": broadcast.id, "key": key, "task": number}, ref))
    return tuple(buttons)


async def copy_message(ctx: Context, broadcast: Broadcast, key: str, ref: ConversationRef,
                       confirm: Button | None) -> Message:
    """A unit's copy as it now stands: receipts, tasks and their buttons (none once it is closed)."""
    repo = BroadcastRepository(ctx.session)
    units_here = [code for code in ctx.org.conversation(ref).units if code in broadcast.units]
    confirmed = await repo.receipts_for_units(broadcast.id, units_here)
    closed = broadcast.replaced_by_id is not None or broadcast.expired_at is not None
    buttons: tuple[Button, ...] = ()
    if not closed:
        buttons = (confirm,) if confirm is not None else ()
    message = views.alert_message(ctx.t, ctx.org.timezone, broadcast, buttons, confirmed,
                                  resent=key != round_key(broadcast.id, 1))
    if not broadcast.tasks:
        return message
    marks = await repo.task_marks(broadcast.id, units_here)
    if not closed:
        buttons += await task_buttons(ctx, broadcast, key, ref, marks)
    return Message(title=message.title, text=f"{message.text}\n\n{task_lines(ctx.t, broadcast, marks)}",
                   fields=message.fields, buttons=buttons)


def _members_units(ctx: HandlerContext, broadcast: Broadcast) -> tuple[list[str], list[str]]:
    units_here = [code for code in ctx.where.units if code in broadcast.units]
    mine = [code for code in units_here if ctx.person is not None and ctx.person.is_member_of(code)]
    return units_here, mine


async def task_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    """收到, then 已部署: for the presser's units in this conversation."""
    repo = BroadcastRepository(ctx.session)
    broadcast = await repo.get(int(button.data.get("broadcast", 0)))
    number = button.data.get("task")
    if broadcast is None or not isinstance(number, int) or not 1 <= number <= len(broadcast.tasks or []):
        ctx.private_answer = ctx.t("button.unknown")
        return
    units_here, mine = _members_units(ctx, broadcast)
    if not mine:
        ctx.private_answer = ctx.t("alert.not_your_unit", units=", ".join(units_here) or "—")
        return
    if broadcast.replaced_by_id is not None or broadcast.expired_at is not None:
        ctx.private_answer = ctx.t("task.closed")
        return
    marks = {m.unit_code: m for m in await repo.task_marks(broadcast.id, mine) if m.task_no == number}
    state = DONE if any(m.state == RECEIVED for m in marks.values()) else RECEIVED
    for code in mine:
        await repo.mark_task(broadcast.id, code, number, state, ctx.actor_name, ctx.now)
    ctx.private_answer = ctx.t(f"task.marked_{state}", n=number, units=", ".join(mine))
    log.info("broadcast %s task %s %s by %s for %s", broadcast.id, number, state, ctx.actor_name, mine)
    await _redraw(ctx, broadcast, str(button.data.get("key", "")), event.conversation.ref)


async def on_count_reply(ctx: HandlerContext, event: MessageEvent, reply: Reply) -> bool:
    """A reply to a copy with a figure: "转移 120 人" (the first task not done), "2 抽水泵3台" (task 2)."""
    broadcast = await BroadcastRepository(ctx.session).get(reply.id() or 0)
    if broadcast is None or not broadcast.tasks:
        return False
    units_here, mine = _members_units(ctx, broadcast)
    if not mine:
        return False
    text = event.text.strip()
    # Only a short reply with a figure is a count; anything else (a report, "好的") goes on to intake.
    if not text or len(text) > 100 or not any(c.isdigit() for c in text):
        return False
    repo = BroadcastRepository(ctx.session)
    number, count = 0, text
    if (found := _TASK_NUMBER.fullmatch(text)) and found.group(2) and 1 <= int(found.group(1)) <= len(broadcast.tasks):
        number, count = int(found.group(1)), found.group(2).strip()
    if not number:
        done = {m.task_no for m in await repo.task_marks(broadcast.id, mine) if m.state == DONE}
        number = next((n for n in range(1, len(broadcast.tasks) + 1) if n not in done), len(broadcast.tasks))
    for code in mine:
        await repo.mark_task(broadcast.id, code, number, DONE, ctx.actor_name, ctx.now, count=count)
    ctx.reply(Message(text=ctx.t("task.counted", n=number, task=broadcast.tasks[number - 1], count=count,
                                 units=", ".join(mine))))
    if reply.key:
        await _redraw(ctx, broadcast, reply.key, event.conversation.ref)
    return True


async def _redraw(ctx: HandlerContext, broadcast: Broadcast, key: str, ref: ConversationRef) -> None:
    from handlers.broadcast.fanout import confirm_button, redraw_progress  # fanout imports this module

    ctx.edit(ref, key, await copy_message(ctx, broadcast, key, ref, await confirm_button(ctx, broadcast, key, ref)))
    await redraw_progress(ctx, broadcast)


async def not_done(ctx: Context, broadcast: Broadcast) -> list[str]:
    """Units with a task not done."""
    marks = await BroadcastRepository(ctx.session).task_marks(broadcast.id)
    done = {(m.unit_code, m.task_no) for m in marks if m.state == DONE}
    tasks = range(1, len(broadcast.tasks or []) + 1)
    return [code for code in broadcast.units if any((code, n) not in done for n in tasks)]


async def progress_lines(ctx: Context, broadcast: Broadcast) -> str:
    """For the centre: per task, how many units did it, and which."""
    marks = await BroadcastRepository(ctx.session).task_marks(broadcast.id)
    lines = []
    for number, task in enumerate(broadcast.tasks or [], 1):
        done = [m.unit_code + (f"（{m.count}）" if m.count else "") for m in marks
                if m.task_no == number and m.state == DONE]
        shown = "、".join(done[:UNITS_SHOWN]) + ("…" if len(done) > UNITS_SHOWN else "")
        lines.append(ctx.t("task.progress_line", n=number, task=task, done=len(done), total=len(broadcast.units),
                           units=shown or "—"))
    return "\n".join(lines)
