"""/broadcast (typed, or a broadcast form) with its preview, /broadcasts, /broadcast-report, and the alert's buttons."""
from __future__ import annotations

import dataclasses
import logging

from handlers.context import HandlerContext
from core.events import ButtonEvent, CommandEvent, FormEvent
from core.messages import Button, Message, OutgoingFile
from core.phone import PLATFORM as PHONE
from core.text import clean_text
from handlers.broadcast import actions, cap_in, cap_out, fanout, tasks, views
from handlers.broadcast.request import TEXT_LIMIT, BroadcastRequest, parse_request, request_from_form
from storage.broadcasts import (
    ALERT, CANCEL, CANCELLED, PREVIEW, SCHEDULED, SENDING, SENT, UPDATE, BroadcastRepository, round_key,
)
from storage.buttons import ResolvedButton
from storage.models import Broadcast, BroadcastReceipt

log = logging.getLogger(__name__)

RECENT_LISTED = 5
# `/broadcast update ID …` and `/broadcast cancel ID [reason]` (#17): the first word.
UPDATE_WORDS = ("update", "更新")
CANCEL_WORDS = ("cancel", "撤销", "解除")


def _actor_key(ctx: HandlerContext) -> str:
    return f"{ctx.event.actor.platform}:{ctx.event.actor.user_id}"


async def broadcast_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/broadcast [level] [to:all|kind:…|unit:…|cap:…] [at:WHEN] TEXT → a preview."""
    # Cut far above the limit only to bound the work: an overlong text is refused, never cut.
    args = clean_text(event.args, TEXT_LIMIT * 2)
    first, _, rest = args.strip().partition(" ")
    if first.lower() in UPDATE_WORDS + CANCEL_WORDS:
        await _update_or_cancel(ctx, UPDATE if first.lower() in UPDATE_WORDS else CANCEL, rest.strip())
        return
    await _preview(ctx, parse_request(args, ctx.org, ctx.now))


async def _update_or_cancel(ctx: HandlerContext, kind: str, args: str) -> None:
    """A preview of an update or cancel of a sent alert: the same units, told it replaces the earlier one."""
    wanted, _, rest = args.partition(" ")
    wanted = wanted.lstrip("#")
    if not (wanted.isdigit() and len(wanted) <= 12):
        ctx.reply(Message(text=ctx.t(f"broadcast.{kind}_usage")))
        return
    earlier = await BroadcastRepository(ctx.session).get(int(wanted))
    if earlier is None or earlier.sent_at is None:
        ctx.reply(Message(text=ctx.t("broadcast.not_found", id=wanted)))
        return
    if problem := replace_problem(ctx, earlier):
        ctx.reply(Message(text=problem))
        return
    if kind == UPDATE:
        request = parse_request(rest, ctx.org, ctx.now, earlier=earlier)
    else:
        request = BroadcastRequest(
            level=earlier.level, audience=list(earlier.audience), units=list(earlier.units),
            text=rest.strip() or ctx.t("alert.cancel_text", id=earlier.id), area=earlier.area or "",
            event=earlier.event or "", sender_name=earlier.sender_name or "",
        )
    await _preview(ctx, request, msg_type=kind, references=earlier)


def replace_problem(ctx: HandlerContext, earlier: Broadcast) -> str | None:
    """Why an alert can no longer be updated or cancelled, or None."""
    if earlier.msg_type == CANCEL:
        return ctx.t("broadcast.is_cancel", id=earlier.id)
    if earlier.replaced_by_id is not None:
        return ctx.t("broadcast.already_replaced", id=earlier.id, by=earlier.replaced_by_id)
    if earlier.status not in (SENDING, SENT):
        return ctx.t("broadcast.not_found", id=earlier.id)
    return None


async def broadcast_form(ctx: HandlerContext, event: FormEvent) -> None:
    """A submitted broadcast form → a preview, as for the typed /broadcast it stands for."""
    fields = tuple((name, clean_text(value, TEXT_LIMIT * 2)) for name, value in event.fields)
    await _preview(ctx, request_from_form(fields, ctx.org, ctx.now))


async def _preview(ctx: HandlerContext, request: BroadcastRequest, *, msg_type: str = ALERT,
                   references: Broadcast | None = None) -> None:
    """The request's problems, or its preview with Send / Cancel, where it was asked for."""
    if request.problems:
        lines = [ctx.t(key, **params) for key, params in request.problems]
        ctx.reply(Message(text="\n".join([*lines, ctx.t("broadcast.usage"), ctx.t("broadcast.usage_cap")])))
        return
    conversations = fanout.conversations_of(ctx, request.units)
    if not conversations:
        ctx.reply(Message(text="\n".join([ctx.t("broadcast.problem.unreachable"), ctx.t("broadcast.usage")])))
        return
    where = ctx.event.conversation.ref
    broadcast = await BroadcastRepository(ctx.session).add(Broadcast(
        created_at=ctx.now, created_by=ctx.actor_name, created_by_id=_actor_key(ctx),
        level=request.level, text=request.text, audience=request.audience, units=request.units,
        status=PREVIEW, scheduled_for=request.scheduled_for,
        origin_platform=where.platform, origin_chat_id=where.chat_id, conversations=0, rounds=0,
        **cap_columns(request), msg_type=msg_type, references_id=references.id if references else None,
    ))
    log.info("broadcast %s previewed by %s: %s units, %s conversations",
             broadcast.id, ctx.actor_name, len(request.units), len(conversations))
    buttons = (
        await ctx.button(ctx.t("broadcast.send"), actions.SEND, {"broadcast": broadcast.id}, where),
        await ctx.button(ctx.t("broadcast.cancel"), actions.CANCEL, {"broadcast": broadcast.id}, where),
    )
    preview = views.preview_message(ctx.t, ctx.org.timezone, broadcast, len(conversations), buttons)
    ctx.send(where, preview, key=views.preview_key(broadcast.id))


def cap_columns(request: BroadcastRequest) -> dict[str, object]:
    """The request's CAP fields as the broadcast's columns (empty ones stored as none)."""
    return dict(area=request.area or None, event=request.event or None, expires_at=request.expires_at,
                instruction=request.instruction or None, sender_name=request.sender_name or None,
                tasks=list(request.tasks) or None)


async def _for_centre(ctx: HandlerContext, button: ResolvedButton) -> Broadcast | None:
    if not ctx.is_centre_member:
        log.warning("refused broadcast button %s by %s", button.action, ctx.event.actor)
        ctx.private_answer = ctx.t("button.refused_centre_only")
        return None
    broadcast = await BroadcastRepository(ctx.session).get(int(button.data.get("broadcast", 0)), for_update=True)
    if broadcast is None:
        ctx.private_answer = ctx.t("button.unknown")
    return broadcast


def _redraw_preview(ctx: HandlerContext, broadcast: Broadcast) -> None:
    conversations = len(fanout.conversations_of(ctx, broadcast.units))
    ctx.edit(fanout.origin(broadcast), views.preview_key(broadcast.id),
             views.decided_preview(ctx.t, ctx.org.timezone, broadcast, conversations))


async def send_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    broadcast = await _for_centre(ctx, button)
    if broadcast is None:
        return
    if broadcast.status != PREVIEW:
        ctx.private_answer = ctx.t("broadcast.already", status=ctx.t(f"broadcast.status.{broadcast.status}"))
        return
    if broadcast.references_id is not None:
        earlier = await BroadcastRepository(ctx.session).get(broadcast.references_id, for_update=True)
        if earlier is not None and (problem := replace_problem(ctx, earlier)):
            ctx.private_answer = problem  # another update went out first: this one would fork the alert
            return
    broadcast.decided_by = ctx.actor_name
    if broadcast.scheduled_for is not None and broadcast.scheduled_for > ctx.now:
        broadcast.status = SCHEDULED
        ctx.private_answer = ctx.t("broadcast.scheduled_answer",
                                   time=views.local_time(broadcast.scheduled_for, ctx.org.timezone))
    else:  # a preview left until after its time goes out now
        await fanout.start(ctx, broadcast)
        ctx.private_answer = ctx.t("broadcast.sending_answer", conversations=broadcast.conversations)
    log.info("broadcast %s %s by %s", broadcast.id, broadcast.status, ctx.actor_name)
    _redraw_preview(ctx, broadcast)


async def cancel_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    broadcast = await _for_centre(ctx, button)
    if broadcast is None:
        return
    if broadcast.status not in (PREVIEW, SCHEDULED):
        ctx.private_answer = ctx.t("broadcast.already", status=ctx.t(f"broadcast.status.{broadcast.status}"))
        return
    broadcast.status, broadcast.decided_by = CANCELLED, ctx.actor_name
    log.info("broadcast %s cancelled by %s", broadcast.id, ctx.actor_name)
    _redraw_preview(ctx, broadcast)
    ctx.private_answer = ctx.t("broadcast.cancelled_answer", id=broadcast.id)


async def confirm_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    """收到: recorded once per unit and member, for the units this conversation serves."""
    repo = BroadcastRepository(ctx.session)
    broadcast = await repo.get(int(button.data.get("broadcast", 0)))
    key = str(button.data.get("key", ""))
    if broadcast is None:
        ctx.private_answer = ctx.t("button.unknown")
        return
    units_here = [code for code in ctx.where.units if code in broadcast.units]
    if event.conversation.ref.platform == PHONE:  # a key on a call: the unit the call was about
        units_here = [code for code in [str(button.data.get("unit", ""))] if code in broadcast.units]
    mine = [code for code in units_here if ctx.person is not None and ctx.person.is_member_of(code)]
    if not mine:
        log.warning("refused alert confirmation by %s in %s", event.actor, event.conversation.ref)
        ctx.private_answer = ctx.t("alert.not_your_unit", units=", ".join(units_here) or "—")
        return
    actor = event.actor
    fresh = []
    for code in mine:
        if await repo.receipt(broadcast.id, code, actor.platform, actor.user_id) is None and \
                await repo.add_receipt(BroadcastReceipt(
                    broadcast_id=broadcast.id, unit_code=code, platform=actor.platform, user_id=actor.user_id,
                    name=ctx.actor_name, chat_id=event.conversation.ref.chat_id, confirmed_at=ctx.now,
                )):
            fresh.append(code)
    if not fresh:
        ctx.private_answer = ctx.t("alert.already_confirmed")
        return
    ctx.private_answer = ctx.t("alert.confirmed", units=", ".join(fresh))
    if event.conversation.ref.platform == PHONE:
        return  # a phone keeps what it got: nothing to redraw there
    # The unit sees it is handled; the pressed token still stands for this button.
    message = await tasks.copy_message(ctx, broadcast, key, event.conversation.ref,
                                       Button(ctx.t("alert.confirm"), event.token))
    ctx.edit(event.conversation.ref, key, message)


async def _report(ctx: HandlerContext, broadcast: Broadcast) -> Message:
    repo = BroadcastRepository(ctx.session)
    keys = [round_key(broadcast.id, n) for n in range(1, broadcast.rounds + 1)]
    delivered = await repo.delivered_chats(keys)
    failed = await repo.failed_chats(keys) - delivered
    receipts = await repo.receipts(broadcast.id)
    confirmed = {r.unit_code for r in receipts}
    silent = [code for code in broadcast.units if code not in confirmed]
    buttons: tuple[Button, ...] = ()
    if silent and broadcast.status == SENT:
        # The button stands for one round after the rounds shown: pressed twice, or after
        # someone else re-sent from another report, it must not send the alert again.
        buttons = (await ctx.button(ctx.t("broadcast.resend", count=len(silent)), actions.RESEND,
                                    {"broadcast": broadcast.id, "after_round": broadcast.rounds},
                                    ctx.event.conversation.ref),)
    report = views.report_message(
        ctx.t, ctx.org.timezone, broadcast, conversations=broadcast.conversations,
        delivered=len(delivered), failed=len(failed),
        confirmed_units=[code for code in broadcast.units if code in confirmed],
        silent_units=silent, receipts=len(receipts), buttons=buttons,
    )
    if broadcast.tasks:  # each task's units done, those not done, and a re-send to them
        behind = await tasks.not_done(ctx, broadcast)
        lines = [report.text, await tasks.progress_lines(ctx, broadcast),
                 ctx.t("broadcast.report.tasks_not_done", units=", ".join(behind[:views.NAMES_SHOWN]) or "—")]
        extra: tuple[Button, ...] = ()
        if behind and broadcast.status == SENT:
            extra = (await ctx.button(ctx.t("broadcast.resend_tasks", count=len(behind)), actions.RESEND,
                                      {"broadcast": broadcast.id, "after_round": broadcast.rounds, "tasks": True},
                                      ctx.event.conversation.ref),)
        report = dataclasses.replace(report, text="\n".join(lines), buttons=(*report.buttons, *extra))
    # The alert as other systems read it (CAP 1.2), to forward to whoever needs it.
    document = await cap_out.cap_document(repo, ctx.org, broadcast)
    return dataclasses.replace(report, files=(
        OutgoingFile(ctx.t("cap.file_name", id=broadcast.id), document, "application/cap+xml"),))


async def report_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/broadcast-report [ID] — the latest alert when no id is given."""
    repo = BroadcastRepository(ctx.session)
    wanted = event.args.strip().lstrip("#")
    if wanted and not (wanted.isdigit() and len(wanted) <= 12):  # a longer number overflows the id column
        ctx.reply(Message(text=ctx.t("broadcast.report.usage")))
        return
    broadcast = await (repo.get(int(wanted)) if wanted else repo.latest())
    if broadcast is None or broadcast.sent_at is None:
        ctx.reply(Message(text=ctx.t("broadcast.not_found", id=wanted or "—")))
        return
    ctx.reply(await _report(ctx, broadcast))


async def report_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    broadcast = await _for_centre(ctx, button)
    if broadcast is not None:
        ctx.send(event.conversation.ref, await _report(ctx, broadcast))


async def resend_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    broadcast = await _for_centre(ctx, button)
    if broadcast is None:
        return
    after_round = button.data.get("after_round")
    if isinstance(after_round, int) and broadcast.rounds > after_round and broadcast.last_round_at:
        ctx.private_answer = ctx.t("broadcast.already_resent",
                                   time=broadcast.last_round_at.astimezone(ctx.org.timezone).strftime("%H:%M"))
        return
    if broadcast.status != SENT:
        ctx.private_answer = ctx.t("broadcast.still_sending")
        return
    confirmed = {r.unit_code for r in await BroadcastRepository(ctx.session).receipts(broadcast.id)}
    silent = [code for code in broadcast.units if code not in confirmed]
    if button.data.get("tasks"):  # the report's re-send to units with a task not done
        silent = await tasks.not_done(ctx, broadcast)
    if not silent:
        ctx.private_answer = ctx.t("broadcast.all_confirmed")
        return
    conversations = await fanout.send_round(ctx, broadcast, silent)
    log.info("broadcast %s re-sent by %s to %s units", broadcast.id, ctx.actor_name, len(silent))
    ctx.private_answer = ctx.t("broadcast.resending", units=len(silent), conversations=conversations)


async def list_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/broadcasts — alerts waiting for their time (each with Cancel), then the latest sent."""
    repo = BroadcastRepository(ctx.session)
    where = event.conversation.ref
    scheduled = await repo.scheduled()
    lines = [ctx.t("broadcast.list.scheduled") if scheduled else ctx.t("broadcast.list.none_scheduled")]
    lines += [views.list_line(ctx.t, ctx.org.timezone, b) for b in scheduled]
    recent = await repo.recent(RECENT_LISTED)
    if recent:
        lines.append(ctx.t("broadcast.list.recent"))
        lines += [views.list_line(ctx.t, ctx.org.timezone, b) for b in recent]
    buttons = tuple([
        await ctx.button(ctx.t("broadcast.cancel_id", id=b.id), actions.CANCEL, {"broadcast": b.id}, where)
        for b in scheduled
    ])
    ctx.reply(Message(title=ctx.t("broadcast.list.title"), text="\n".join(lines), buttons=buttons))


async def cap_edit_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    """修改 on a draft from an outside warning: the /broadcast line it stands for, to change and send."""
    broadcast = await _for_centre(ctx, button)
    if broadcast is None:
        return
    if broadcast.status != PREVIEW:
        ctx.private_answer = ctx.t("broadcast.already", status=ctx.t(f"broadcast.status.{broadcast.status}"))
        return
    ctx.send(event.conversation.ref, Message(
        text=ctx.t("cap.edit_answer") + "\n" + cap_in.edit_command(broadcast, ctx.org.timezone)))
