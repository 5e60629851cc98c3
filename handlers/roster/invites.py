"""Joining a unit and binding a conversation to it, with a one-time code.

`/invite UNIT` (centre) makes a code; `/join CODE` in a private chat makes the
sender a member; `/bind CODE` in a group, by a member of that unit, makes the
group one of the unit's conversations. Codes are stored hashed, expire, and a
join spends one of their uses. Every change is on the roster's record, and the
organisation is rebuilt once the transaction commits.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from handlers.context import HandlerContext
from core.timeparse import parse_duration
from core.events import CommandEvent
from core.messages import Message
from config.unit_lookup import lookup_unit
from storage.models import Invite, RosterBinding, RosterMember
from storage.roster import MAX_INVITE_DAYS, MAX_INVITE_USES, RosterRepository

log = logging.getLogger(__name__)

DEFAULT_VALID_FOR = timedelta(days=7)


def resolve_unit(ctx: HandlerContext, text: str) -> tuple[str | None, str | None]:
    """(unit code, None), or (None, why not): unknown, or several units match (listed)."""
    found = lookup_unit(ctx.org, text)
    if found.code is not None:
        return found.code, None
    if found.several:
        listed = "\n".join(f"{code} {ctx.org.units[code].name}" for code in found.several)
        return None, ctx.t("roster.unit_ambiguous", text=text[:40], units=listed)
    return None, ctx.t("roster.unknown_unit", code=text[:40], close=", ".join(found.close) or "—")


async def invite_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/invite UNIT [duty_officer] [uses:N] [expires:7d] — centre members."""
    words = event.args.split()
    if not words:
        ctx.reply(Message(text=ctx.t("roster.invite_usage")))
        return
    code, problem = resolve_unit(ctx, words[0])
    role, uses, valid_for, problems = "member", 1, DEFAULT_VALID_FOR, []
    if problem:
        problems.append(problem)
    for word in words[1:]:
        name, _, value = word.partition(":")
        if word in ("duty_officer", "member"):
            role = word
        elif name == "uses" and value.isdigit() and 1 <= int(value) <= MAX_INVITE_USES:
            uses = int(value)
        elif name == "expires" and (duration := parse_duration(value)) and duration <= timedelta(days=MAX_INVITE_DAYS):
            valid_for = duration
        else:
            problems.append(ctx.t("roster.invite_bad_option", option=word[:40]))
    if problems or code is None:
        ctx.reply(Message(text="\n".join([*problems, ctx.t("roster.invite_usage")])))
        return
    secret = await RosterRepository(ctx.session).create_invite(code, role, uses, ctx.now + valid_for,
                                                                ctx.actor_name, ctx.now)
    expires = (ctx.now + valid_for).astimezone(ctx.org.timezone).strftime("%Y-%m-%d %H:%M")
    ctx.reply(Message(text=ctx.t("roster.invite_made", code=secret, unit=code, role=ctx.t(f"roster.role.{role}"),
                                 uses=uses, expires=expires), secret=True))


async def _usable_invite(ctx: HandlerContext, code: str, *, spend: bool) -> Invite | None:
    """The invite behind a code, or None after telling the sender why not."""
    invite = await RosterRepository(ctx.session).invite(code) if code else None
    if invite is None:
        log.warning("unknown invite code from %s", ctx.event.actor)
        ctx.reply(Message(text=ctx.t("roster.code_unknown")))
        return None
    if invite.expires_at <= ctx.now:
        ctx.reply(Message(text=ctx.t("roster.code_expired")))
        return None
    if spend and invite.uses_left <= 0:
        ctx.reply(Message(text=ctx.t("roster.code_used")))
        return None
    if invite.unit_code not in ctx.org.units:
        ctx.reply(Message(text=ctx.t("roster.code_unknown")))
        return None
    return invite


async def join_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/join CODE — in a private chat with the bot."""
    if not event.conversation.is_private:
        # The code was just shown to the whole group: it is not spent, but it is not safe either.
        ctx.reply(Message(text=ctx.t("roster.join_in_private")))
        return
    invite = await _usable_invite(ctx, event.args.strip(), spend=True)
    if invite is None:
        return
    unit = ctx.org.units[invite.unit_code]
    if ctx.person is not None and ctx.person.is_member_of(unit.code):
        ctx.reply(Message(text=ctx.t("roster.already_member", unit=f"{unit.name} ({unit.code})")))
        return
    repo, actor = RosterRepository(ctx.session), event.actor
    name = ctx.person.name if ctx.person else actor.display_name.strip()[:100] or actor.user_id
    # Not linked to an imported contact of the same name: a display name is whatever
    # its owner typed, and must not make them the owner of someone's record.
    await repo.add(RosterMember(
        unit_code=unit.code, name=name, role=invite.role, platform=actor.platform, user_id=actor.user_id,
        source="chat", created_at=ctx.now, created_by=name,
    ))
    invite.uses_left -= 1
    await repo.record("join", unit.code, name, ctx.now,
                      {"platform": actor.platform, "user_id": actor.user_id, "role": invite.role})
    log.info("%s joined %s as %s", name, unit.code, invite.role)
    ctx.reply(Message(text=ctx.t("roster.joined", unit=f"{unit.name} ({unit.code})",
                                 role=ctx.t(f"roster.role.{invite.role}"))))
    for ref in ctx.centre_conversations():
        ctx.send(ref, Message(text=ctx.t("roster.joined_notice", name=name, unit=unit.code,
                                         role=ctx.t(f"roster.role.{invite.role}"), platform=actor.platform)))


async def bind_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/bind CODE — in the group to bind, by a member of the code's unit."""
    if event.conversation.is_private:
        ctx.reply(Message(text=ctx.t("roster.bind_in_group")))
        return
    # A code proves the centre meant this unit to get a conversation. Joins spend its
    # uses; it binds one conversation, so the member who joined with it can bind next.
    invite = await _usable_invite(ctx, event.args.strip(), spend=False)
    if invite is None:
        return
    unit = ctx.org.units[invite.unit_code]
    # In a Telegram channel only its admins can post, and they post as the channel,
    # unnamed: there the code alone proves the centre meant this unit to have it.
    channel = event.conversation.is_channel
    if not channel and (ctx.person is None or not ctx.person.is_member_of(unit.code)):
        log.warning("refused /bind for %s by %s", unit.code, event.actor)
        ctx.reply(Message(text=ctx.t("roster.bind_members_only", unit=unit.code)))
        return
    ref = event.conversation.ref
    if ref in unit.conversations:
        ctx.reply(Message(text=ctx.t("roster.already_bound", unit=unit.code)))
        return
    if problem := _not_bindable(ctx, unit.code):
        log.warning("refused /bind of %s to %s by %s: %s", ref, unit.code, event.actor, problem)
        ctx.reply(Message(text=problem))
        return
    if invite.binds_left <= 0:
        ctx.reply(Message(text=ctx.t("roster.code_bound_already")))
        return
    invite.binds_left -= 1
    repo = RosterRepository(ctx.session)
    await repo.add(RosterBinding(unit_code=unit.code, platform=ref.platform, chat_id=ref.chat_id,
                                 title=(event.conversation.title or "")[:200] or None,
                                 created_at=ctx.now, created_by=ctx.actor_name, announce_only=channel))
    await repo.record("bind", unit.code, ctx.actor_name, ctx.now, {"platform": ref.platform, "chat_id": ref.chat_id})
    log.info("%s bound %s to %s", ctx.actor_name, ref, unit.code)
    ctx.reply(Message(text=ctx.t("roster.bound_channel" if channel else "roster.bound",
                                 unit=f"{unit.name} ({unit.code})")))
    for centre in ctx.centre_conversations():
        ctx.send(centre, Message(text=ctx.t("roster.bound_notice", name=ctx.actor_name, unit=unit.code,
                                            chat=event.conversation.title or ref.chat_id, platform=ref.platform)))


def _not_bindable(ctx: HandlerContext, unit_code: str) -> str | None:
    """Why this conversation cannot become the unit's: it is the centre's, the reporting
    one, or another unit's. Orders for one unit must not land in the centre or in a
    public group, and a group is one unit's (who may press its buttons is by unit)."""
    where = ctx.where
    if where.centre:
        return ctx.t("roster.bind_refused.centre")
    if where.reporting:
        return ctx.t("roster.bind_refused.reporting")
    others = [code for code in where.units if code != unit_code]
    if others:
        return ctx.t("roster.bind_refused.other_unit", units=", ".join(others))
    return None


async def unbind_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/unbind — in a bound group, by a member of its unit or a centre member."""
    ref = event.conversation.ref
    units = [code for code in ctx.where.units  # a channel's post is its admins'
             if event.conversation.is_channel or ctx.is_centre_member
             or (ctx.person is not None and ctx.person.is_member_of(code))]
    if not units:
        ctx.reply(Message(text=ctx.t("roster.unbind_nothing")))
        return
    removed = 0
    repo = RosterRepository(ctx.session)
    for code in units:
        count = await repo.remove_bindings(code, ref.platform, ref.chat_id, ctx.actor_name, ctx.now)
        if count:
            await repo.record("unbind", code, ctx.actor_name, ctx.now, {"platform": ref.platform, "chat_id": ref.chat_id})
            removed += count
    ctx.reply(Message(text=ctx.t("roster.unbound", units=", ".join(units)) if removed
                      else ctx.t("roster.unbind_from_file")))
