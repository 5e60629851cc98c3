"""Putting an alert's copies into the outbox, and the timers that follow them.

All copies of a round are written in one transaction: after a crash the outbox
simply carries on, and a conversation whose copy is recorded as delivered is
never sent another. The sender's progress message is redrawn by a timer from
the outbox's own counts, so it is right whoever delivered what.
"""
from __future__ import annotations

import logging

from handlers.context import Context
from core.events import ConversationRef
from core.messages import Button, Message, Priority, one_way
from handlers.broadcast import actions, tasks, views
from storage.broadcasts import SENDING, SENT, BroadcastRepository, DeliveryCounts, round_key
from storage.models import Broadcast

log = logging.getLogger(__name__)


def conversations_of(ctx: Context, unit_codes: list[str]) -> list[ConversationRef]:
    """Every active conversation of these units, each once (units may share a group)."""
    refs = [ref for code in unit_codes if code in ctx.org.units for ref in ctx.org.units[code].conversations]
    return ctx.active(list(dict.fromkeys(refs)))


def origin(broadcast: Broadcast) -> ConversationRef:
    return ConversationRef(broadcast.origin_platform, broadcast.origin_chat_id)


async def confirm_button(ctx: Context, broadcast: Broadcast, key: str, ref: ConversationRef) -> Button:
    return await ctx.button(ctx.t("alert.confirm"), actions.CONFIRM, {"broadcast": broadcast.id, "key": key}, ref)


async def send_round(ctx: Context, broadcast: Broadcast, unit_codes: list[str]) -> int:
    """Queue one copy per conversation of these units; returns how many."""
    broadcast.rounds += 1
    broadcast.last_round_at = ctx.now
    broadcast.status = SENDING
    broadcast.finished_at = None
    broadcast.shown_progress = None
    key = round_key(broadcast.id, broadcast.rounds)
    targets = conversations_of(ctx, unit_codes)
    for ref in targets:
        if ctx.org.conversation(ref).announce_only:  # a channel: confirmed in the unit's group
            message = one_way(views.alert_message(ctx.t, ctx.org.timezone, broadcast, resent=broadcast.rounds > 1),
                              ctx.t("channel.answer_in_group"))
        else:
            message = await tasks.copy_message(ctx, broadcast, key, ref, await confirm_button(ctx, broadcast, key, ref))
        ctx.send(ref, message, key=key, priority=Priority.URGENT)
    if broadcast.rounds == 1:
        broadcast.conversations = len(targets)
    _send_progress(ctx, broadcast, len(targets))
    log.info("broadcast %s round %s: %s conversations queued", broadcast.id, broadcast.rounds, len(targets))
    return len(targets)


async def redraw_progress(ctx: Context, broadcast: Broadcast) -> None:
    """The latest round's progress message, with the tasks' progress (a task was marked)."""
    repo = BroadcastRepository(ctx.session)
    counts = await repo.counts(round_key(broadcast.id, broadcast.rounds))
    total = counts.delivered + counts.failed + counts.waiting
    buttons: tuple[Button, ...] = ()
    if counts.done:
        buttons = (await ctx.button(ctx.t("broadcast.report_button"), actions.REPORT,
                                    {"broadcast": broadcast.id}, origin(broadcast)),)
    message = views.progress_message(ctx.t, broadcast, broadcast.rounds, total, counts, buttons,
                                     tasks=await tasks.progress_lines(ctx, broadcast))
    ctx.edit(origin(broadcast), views.progress_key(broadcast.id, broadcast.rounds), message)


def _send_progress(ctx: Context, broadcast: Broadcast, total: int) -> None:
    message = views.progress_message(ctx.t, broadcast, broadcast.rounds, total, DeliveryCounts(0, 0, total))
    ctx.send(origin(broadcast), message, key=views.progress_key(broadcast.id, broadcast.rounds))


async def start(ctx: Context, broadcast: Broadcast) -> None:
    broadcast.sent_at = ctx.now
    await send_round(ctx, broadcast, list(broadcast.units))
    if broadcast.references_id is not None:
        await _supersede(ctx, broadcast)
    from handlers.phone import alert_steps  # it re-sends through send_round

    alert_steps.schedule(ctx, broadcast)  # a red alert's escalation policy, if there is one (#18)


async def _supersede(ctx: Context, broadcast: Broadcast) -> None:
    """An update or cancel went out: the alert it replaces says so on every unit's copy."""
    earlier = await BroadcastRepository(ctx.session).get(broadcast.references_id or 0, for_update=True)
    if earlier is None or earlier.replaced_by_id is not None:
        return
    earlier.replaced_by_id = broadcast.id
    await redraw_copies(ctx, earlier)
    log.info("broadcast %s %s broadcast %s", broadcast.id, broadcast.msg_type, earlier.id)


async def redraw_copies(ctx: Context, broadcast: Broadcast) -> int:
    """Redraw every delivered copy of an alert as it now stands, without buttons: superseded or
    expired, there is nothing left to confirm. Copies still queued go out as they were queued."""
    repo = BroadcastRepository(ctx.session)
    keys = [round_key(broadcast.id, n) for n in range(1, broadcast.rounds + 1)]
    copies = await repo.delivered_copies(keys)
    for platform, chat, key in copies:
        ref = ConversationRef(platform, chat)
        message = await tasks.copy_message(ctx, broadcast, key, ref, None)
        if ctx.org.conversation(ref).announce_only:
            message = one_way(message, ctx.t("channel.answer_in_group"))
        ctx.edit(ref, key, message)
    return len(copies)


async def expire_due(ctx: Context) -> int:
    """Timer: alerts past their valid-until are marked expired on their copies, each once."""
    due = await BroadcastRepository(ctx.session).expiring(ctx.now)
    for broadcast in due:
        broadcast.expired_at = ctx.now
        if broadcast.replaced_by_id is None:  # a superseded copy already points at its successor
            await redraw_copies(ctx, broadcast)
        log.info("broadcast %s expired", broadcast.id)
    return len(due)


async def send_scheduled(ctx: Context) -> int:
    """Timer: scheduled alerts whose time has come go out, each once."""
    due = await BroadcastRepository(ctx.session).due(ctx.now)
    for broadcast in due:
        await start(ctx, broadcast)
    return len(due)


async def update_progress(ctx: Context) -> int:
    """Timer: redraw each running round's progress message when its figures moved."""
    repo = BroadcastRepository(ctx.session)
    changed = 0
    for broadcast in await repo.in_progress():
        key = round_key(broadcast.id, broadcast.rounds)
        counts = await repo.counts(key)
        total = counts.delivered + counts.failed + counts.waiting
        figures = f"{counts.delivered}/{counts.failed}/{counts.waiting}"
        if figures == broadcast.shown_progress:
            continue
        broadcast.shown_progress = figures
        buttons: tuple[Button, ...] = ()
        if counts.done:
            broadcast.status, broadcast.finished_at = SENT, ctx.now
            buttons = (await ctx.button(ctx.t("broadcast.report_button"), actions.REPORT,
                                        {"broadcast": broadcast.id}, origin(broadcast)),)
            log.info("broadcast %s round %s done: %s delivered, %s failed",
                     broadcast.id, broadcast.rounds, counts.delivered, counts.failed)
        message: Message = views.progress_message(ctx.t, broadcast, broadcast.rounds, total, counts, buttons,
                                                  tasks=await tasks.progress_lines(ctx, broadcast))
        ctx.edit(origin(broadcast), views.progress_key(broadcast.id, broadcast.rounds), message)
        changed += 1
    return changed
