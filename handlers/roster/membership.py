"""Leaving a unit, and a centre member removing someone: only what chat added.

People declared in the organisation file stay until the file is edited: the
file is the declared base, and a chat command must not silently contradict it.
Who `/remove` names is decided by config/removal.py, the same rule as
`liandong roster remove`.
"""
from __future__ import annotations

import logging

from handlers.context import HandlerContext
from core.events import CommandEvent
from core.messages import Message
from handlers.roster.invites import resolve_unit
from config.removal import decide_removal, entry_label
from storage.models import RosterMember
from storage.roster import RosterRepository

log = logging.getLogger(__name__)


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
    """/remove UNIT NAME|telegram:ID|slack:ID — a centre member removes someone added in chat or
    imported (config/removal.py decides whom)."""
    unit, _, name = event.args.strip().partition(" ")
    name = name.strip()
    if not unit or not name:
        ctx.reply(Message(text=ctx.t("roster.remove_usage")))
        return
    code, problem = resolve_unit(ctx, unit)
    if code is None:
        ctx.reply(Message(text=problem or ""))
        return
    decision = decide_removal(ctx.org, code, await RosterRepository(ctx.session).members_in(code), name)
    if decision.outcome == "in_file":
        ctx.reply(Message(text=ctx.t("roster.remove_in_file", name=name, unit=code)))
    elif decision.outcome == "not_found":
        close = [ctx.t("roster.remove_close", names=", ".join(decision.close))] if decision.close else []
        ctx.reply(Message(text="\n".join([ctx.t("roster.remove_not_found", name=name, unit=code), *close])))
    elif decision.outcome == "ambiguous":
        entries = "\n".join(f"{m.name} ({entry_label(m) if m.user_id else ctx.t('roster.remove_contact')})"
                            for m in decision.members)
        example = next((entry_label(m) for m in decision.members if m.user_id), "telegram:ID")
        ctx.reply(Message(text=ctx.t("roster.remove_ambiguous", name=name, unit=code, entries=entries,
                                     example=example)))
    else:
        member = decision.members[0]
        await _remove(ctx, member, "remove")
        ctx.reply(Message(text=ctx.t("roster.removed", name=member.name, unit=code)))
