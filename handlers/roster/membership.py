"""Leaving a unit, and a centre member removing someone: only what chat added.

People declared in the organisation file stay until the file is edited: the
file is the declared base, and a chat command must not silently contradict it.
"""
from __future__ import annotations

import logging

from handlers.context import HandlerContext
from core.events import CommandEvent
from core.messages import Message
from handlers.roster.invites import resolve_unit
from storage.models import RosterMember
from storage.roster import RosterRepository

log = logging.getLogger(__name__)


def _in_file(ctx: HandlerContext, unit_code: str, name: str) -> bool:
    return any(m.name == name for m in ctx.org.spec_unit(unit_code).members) if unit_code in ctx.org.units else False


async def _remove(ctx: HandlerContext, member: RosterMember, kind: str) -> None:
    repo = RosterRepository(ctx.session)
    await repo.remove_member(member, ctx.actor_name, ctx.now)
    await repo.record(kind, member.unit_code, ctx.actor_name, ctx.now,
                      {"name": member.name, "platform": member.platform, "user_id": member.user_id})
    log.info("%s: %s removed from %s by %s", kind, member.name, member.unit_code, ctx.actor_name)
    for ref in ctx.centre_conversations():
        ctx.send(ref, Message(text=ctx.t("roster.left_notice", name=member.name, unit=member.unit_code,
                                         by=ctx.actor_name)))


async def leave_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/leave [UNIT] — the sender leaves a unit they joined in chat."""
    actor = event.actor
    joined = await RosterRepository(ctx.session).members_of(actor.platform, actor.user_id)
    wanted = event.args.strip().upper()
    if wanted:
        joined = [m for m in joined if m.unit_code == wanted]
    if not joined:
        in_file = ctx.person is not None and (not wanted or ctx.person.is_member_of(wanted))
        ctx.reply(Message(text=ctx.t("roster.leave_file_only") if in_file else ctx.t("roster.leave_not_member")))
        return
    if len(joined) > 1:
        ctx.reply(Message(text=ctx.t("roster.leave_which", units=", ".join(m.unit_code for m in joined))))
        return
    await _remove(ctx, joined[0], "leave")
    ctx.reply(Message(text=ctx.t("roster.left", unit=joined[0].unit_code)))


async def remove_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/remove UNIT NAME — a centre member removes someone added in chat or imported."""
    unit, _, name = event.args.strip().partition(" ")
    name = name.strip()
    if not unit or not name:
        ctx.reply(Message(text=ctx.t("roster.remove_usage")))
        return
    code, problem = resolve_unit(ctx, unit)
    if code is None:
        ctx.reply(Message(text=problem or ""))
        return
    found = [m for m in await RosterRepository(ctx.session).members_in(code) if m.name == name]
    if not found:
        key = "roster.remove_in_file" if _in_file(ctx, code, name) else "roster.remove_not_found"
        ctx.reply(Message(text=ctx.t(key, name=name, unit=code)))
        return
    for member in found:
        await _remove(ctx, member, "remove")
    ctx.reply(Message(text=ctx.t("roster.removed", name=name, unit=code)))
