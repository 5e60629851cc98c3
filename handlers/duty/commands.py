"""/onduty (a member takes the unit's duty) and /duty (who is on duty now, everywhere).

Who is on duty is decided in config/duty.py; a handover is a `DutyChange` row
plus a roster event, so the organisation is rebuilt once the transaction
commits and the next escalation or roll-call reminder names the new holder.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from handlers.context import HandlerContext
from config.unit_lookup import close_units
from core.events import CommandEvent, ConversationRef
from core.messages import Mention, Message
from config.duty import Duty, current_duty, on_duty
from config.organisation import DutyHolder
from storage.models import DutyChange
from storage.roster import RosterRepository

log = logging.getLogger(__name__)

MAX_UNITS_LISTED = 60
ARGS_LIMIT = 500


def _unit_label(ctx: HandlerContext, code: str) -> str:
    return f"{ctx.org.units[code].name} ({code})"


def _local(ctx: HandlerContext, moment: datetime) -> str:
    return moment.astimezone(ctx.org.timezone).strftime("%m-%d %H:%M")


def _unknown_unit(ctx: HandlerContext, code: str) -> str:
    close = close_units(ctx.org.units, code)
    return ctx.t("duty.unknown_unit", code=code[:32], close=", ".join(close) or "—")


# -- /onduty -------------------------------------------------------------------------


def _chosen_unit(ctx: HandlerContext, event: CommandEvent) -> str | None:
    """The unit the sender takes the duty of, or None after telling them why not."""
    person = ctx.person
    mine = [code for code in (person.unit_roles if person else {}) if code in ctx.org.units]
    words = event.args[:ARGS_LIMIT].split()
    if words:
        code = words[0].upper()
        if code not in ctx.org.units:
            ctx.reply(Message(text=_unknown_unit(ctx, code)))
            return None
        if code not in mine:
            log.warning("refused /onduty %s by %s", code, event.actor)
            ctx.reply(Message(text=ctx.t("duty.not_member_of", unit=_unit_label(ctx, code))))
            return None
        return code
    if not mine:
        log.warning("refused /onduty by %s: not a member of any unit", event.actor)
        ctx.reply(Message(text=ctx.t("duty.members_only")))
        return None
    here = [code for code in ctx.where.units if code in mine]  # typed in one of their units' groups
    candidates = here if len(here) == 1 else mine
    if len(candidates) > 1:
        ctx.reply(Message(text=ctx.t("duty.which_unit", units=", ".join(candidates))))
        return None
    return candidates[0]


async def _latest_handover(ctx: HandlerContext, code: str) -> DutyHolder | None:
    """From the database: a handover earlier in this same batch is not in the organisation yet."""
    row = await ctx.session.scalar(
        select(DutyChange).where(DutyChange.unit_code == code).order_by(DutyChange.id.desc()).limit(1))
    return DutyHolder(row.name, row.platform, row.user_id, row.at) if row is not None else ctx.org.duty.get(code)


def _is_me(ctx: HandlerContext, duty: Duty) -> bool:
    actor = ctx.event.actor
    return len(duty.officers) == 1 and duty.officers[0].user_id(actor.platform) == actor.user_id


async def onduty_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/onduty [UNIT] — the sender becomes the unit's duty officer from now."""
    code = _chosen_unit(ctx, event)
    if code is None:
        return
    before = current_duty(ctx.org.spec_unit(code), await _latest_handover(ctx, code),
                          ctx.org.contacts.get(code, []), ctx.now, ctx.org.timezone)
    if _is_me(ctx, before):
        ctx.reply(Message(text=ctx.t("duty.already", unit=_unit_label(ctx, code))))
        return
    actor, name = event.actor, ctx.actor_name
    repo = RosterRepository(ctx.session)
    await repo.add(DutyChange(unit_code=code, name=name, platform=actor.platform, user_id=actor.user_id,
                              at=ctx.now, by=name))
    previous = [o for o in before.officers if o.user_id(actor.platform) != actor.user_id]
    await repo.record("onduty", code, name, ctx.now, {
        "platform": actor.platform, "user_id": actor.user_id, "previous": [o.name for o in previous]})
    log.info("%s took the duty of %s from %s", name, code, [o.name for o in previous] or "nobody")
    text = ctx.t("duty.handover", unit=_unit_label(ctx, code), name=name, time=_local(ctx, ctx.now),
                 previous="、".join(o.name for o in previous) or ctx.t("duty.nobody"))
    told: list[ConversationRef] = []
    for ref in ctx.active(list(ctx.org.units[code].conversations)):
        # The previous holder is told where the unit talks, by a mention on that platform.
        mentions = tuple(Mention(uid, o.name) for o in previous if (uid := o.user_id(ref.platform)))
        ctx.send(ref, Message(text=text, mentions=mentions))
        told.append(ref)
    for ref in ctx.centre_conversations():
        if ref not in told:
            ctx.send(ref, Message(text=text))
            told.append(ref)
    if event.conversation.ref not in told:
        ctx.reply(Message(text=ctx.t("duty.taken", unit=_unit_label(ctx, code), time=_local(ctx, ctx.now))))


# -- /duty -----------------------------------------------------------------------------


def _line(ctx: HandlerContext, duty: Duty) -> str:
    unit = _unit_label(ctx, duty.unit_code)
    if not duty.officers:
        return ctx.t("duty.line_none", unit=unit)
    officers = "、".join(ctx.t("duty.officer", name=o.name, phone=o.phone or ctx.t("duty.no_phone"))
                        for o in duty.officers)
    since = _local(ctx, duty.since) if duty.since else ""
    return ctx.t("duty.line", unit=unit, officers=officers, source=ctx.t(f"duty.source.{duty.source}", since=since))


async def duty_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/duty [UNIT…] — every unit for the centre; one's own units for everyone else."""
    person = ctx.person
    visible = list(ctx.org.units) if ctx.is_centre_member else [
        code for code in ctx.org.units if person is not None and person.is_member_of(code)]
    if not visible:
        ctx.reply(Message(text=ctx.t("duty.members_only_view")))
        return
    problems, wanted = [], []
    for word in event.args[:ARGS_LIMIT].split():
        code = word.upper()
        if code in visible:
            wanted.append(code)
        elif code in ctx.org.units:
            problems.append(ctx.t("duty.not_yours", unit=code))
        else:
            problems.append(_unknown_unit(ctx, code))
    if problems:
        ctx.reply(Message(text="\n".join(problems)))
        return
    codes = list(dict.fromkeys(wanted)) or visible
    lines = [_line(ctx, on_duty(ctx.org, code, ctx.now)) for code in codes[:MAX_UNITS_LISTED]]
    if len(codes) > MAX_UNITS_LISTED:
        lines.append(ctx.t("duty.more", count=len(codes) - MAX_UNITS_LISTED))
    ctx.reply_in_confidence(Message(title=ctx.t("duty.title", time=_local(ctx, ctx.now)), text="\n".join(lines)))
