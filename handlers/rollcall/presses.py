"""到 / 不在岗 presses and the reasons for absence given by reply."""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.replies import Reply
from handlers.context import HandlerContext
from core.events import ButtonEvent, MessageEvent
from core.messages import Message
from core.phone import PLATFORM as PHONE
from core.text import clean_text
from handlers.rollcall import views
from handlers.rollcall.runs import may_answer, refresh_unit, refresh_unit_later
from storage.buttons import ResolvedButton
from storage.models import RollcallRun
from storage.preload import keep_loaded
from storage.rollcalls import ABSENT, CLOSED, PRESENT, AnswerRecord, RollcallRepository

log = logging.getLogger(__name__)

REASON_LIMIT = 1000


async def preload(session: AsyncSession, data: list[dict[str, Any]]) -> None:
    """The roll-calls a batch of presses answers, in one query."""
    ids = list({d.get("rollcall") for d in data if isinstance(d.get("rollcall"), int)})
    if ids:
        keep_loaded(session, list(await session.scalars(select(RollcallRun).where(RollcallRun.id.in_(ids)))))
        units = list({str(d.get("unit")) for d in data if d.get("unit")})
        await RollcallRepository(session).preload_answers(ids, units)


async def press(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    repo = RollcallRepository(ctx.session)
    run = await repo.get(int(button.data.get("rollcall", 0)))
    unit_code, status = str(button.data.get("unit", "")), str(button.data.get("status", ""))
    if run is None or status not in (PRESENT, ABSENT):
        ctx.private_answer = ctx.t("button.unknown")
        return
    if run.stage == CLOSED and run.closed_at is not None:
        ctx.private_answer = ctx.t("rollcall.closed_at", time=views.hhmm(run.closed_at, ctx.org.timezone))
        return
    if not may_answer(ctx.org, run, unit_code, ctx.person, ctx.now):
        log.warning("refused roll-call answer by %s for %s", event.actor, unit_code)
        ctx.private_answer = ctx.t(f"rollcall.not_yours.{run.answer}", unit=unit_code)
        return
    actor = event.actor
    existing = await repo.answer_of(run.id, unit_code, actor.platform, actor.user_id)
    if existing is not None:
        ctx.private_answer = ctx.t("rollcall.already", status=ctx.t(f"rollcall.status.{existing.status}"),
                                   time=views.hhmm(existing.answered_at, ctx.org.timezone))
        return
    answer = await repo.add_answer(AnswerRecord(
        rollcall_id=run.id, unit_code=unit_code, platform=actor.platform, user_id=actor.user_id,
        name=ctx.actor_name, status=status, answered_at=ctx.now, late=ctx.now > run.deadline_at,
    ), need_id=status == ABSENT)
    refresh_unit_later(ctx, run, unit_code)
    if status == ABSENT and event.conversation.ref.platform != PHONE:  # a key on a call cannot type a reason
        ctx.send(event.conversation.ref, Message(text=ctx.t("rollcall.ask_reason", name=ctx.actor_name)),
                 key=views.reason_key(answer.id))
    key = "rollcall.recorded_late" if answer.late else "rollcall.recorded"
    ctx.private_answer = ctx.t(key, status=ctx.t(f"rollcall.status.{status}"), unit=unit_code)


async def absence_reason(ctx: HandlerContext, event: MessageEvent, reply: Reply) -> bool:
    """A reply to "why are you not on duty?" is recorded on that answer."""
    answer_id = reply.id()
    repo = RollcallRepository(ctx.session)
    answer = await repo.answer(answer_id) if answer_id is not None else None
    actor = event.actor
    if answer is None or (answer.platform, answer.user_id) != (actor.platform, actor.user_id):
        return False
    answer.reason = clean_text(event.text, REASON_LIMIT).strip() or None
    run = await repo.get(answer.rollcall_id)
    if run is not None:
        await refresh_unit(ctx, run, answer.unit_code)
        if run.stage == CLOSED:  # the summary has gone: the centre hears it now
            for centre in ctx.centre_conversations():
                ctx.send(centre, Message(text=ctx.t("rollcall.reason_after_close", unit=answer.unit_code,
                                                    name=answer.name, id=run.id, reason=answer.reason or "")))
    ctx.reply(Message(text=ctx.t("rollcall.reason_thanks")))
    return True
