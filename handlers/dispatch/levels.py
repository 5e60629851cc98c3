"""Response levels (响应级别): `/level ID N [reason]`, or `level:N` in `/dispatch`.

A level is one of the organisation's (`response_levels`, 一级 to 四级 by default; 1
is the gravest). Setting it is on the timeline with who and why, said in a new
message to the centre and to every unit on the incident, and drawn on the card, the
board and every order; a level may ask units to acknowledge faster.
"""
from __future__ import annotations

import re

from config.schema import ResponseLevel
from core.events import ButtonEvent, CommandEvent
from core.i18n import Translator
from core.messages import Message
from core.text import clean_text
from handlers.context import Context, HandlerContext
from handlers.dispatch import actions
from handlers.dispatch.orders import refresh_board, refresh_orders, tell_authorities, tell_everyone_on
from handlers.dispatch.upper_centre import escalate, may_act, open_incident_to_act_on, refusal
from handlers.intake.cards import refresh_cards
from storage.buttons import ResolvedButton
from storage.incidents import IncidentRepository
from storage.models import Incident

COLOUR_MARK = {"red": "🔴", "orange": "🟠", "yellow": "🟡", "blue": "🔵"}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_CHINESE = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_LEVEL = re.compile(r"^(?:level\s*)?([1-9]|[ivx]+|[一二三四五六七八九])\s*(?:级(?:响应)?)?$", re.IGNORECASE)
REASON_LIMIT = 500


def parse_level(text: str) -> int | None:
    """`2`, `II`, `二`, `二级`, `Level II` → 2; anything else → None."""
    found = _LEVEL.match(text.strip())
    if found is None:
        return None
    word = found.group(1).lower()
    return int(word) if word.isdigit() else _ROMAN.get(word) or _CHINESE.get(word)


def level_label(t: Translator, level: ResponseLevel) -> str:
    key = f"level.{level.level}"
    name = level.name or (t(key) if t.has(key) else str(level.level))
    return f"{COLOUR_MARK.get(level.colour or '', '')}{name}"


def choices(ctx: Context) -> str:
    return "、".join(f"{level.level} {level_label(ctx.t, level)}" for level in ctx.org.spec.response_levels)


async def set_level(ctx: HandlerContext, incident: Incident, number: int, reason: str) -> bool:
    """Set the level; False (and nothing changed) when it is the level already."""
    level = ctx.org.spec.response_level(number)
    assert level is not None, "checked by the caller"
    if incident.level == number:
        return False
    old, old_name = incident.level, incident.level_name
    incident.level, incident.level_name = number, level_label(ctx.t, level)
    await IncidentRepository(ctx.session).record(incident.id, ctx.now, "level", ctx.timeline_actor, {
        "old": old, "new": number, "name": incident.level_name, "reason": reason or None})
    key = "level.raised" if old is None or number < old else "level.lowered"
    notice = Message(text=ctx.t(key, id=incident.id, level=incident.level_name,
                                old=old_name or ctx.t("value.not_stated"),
                                reason=reason or ctx.t("value.not_stated"), name=ctx.actor_name))
    tell_authorities(ctx, await tell_everyone_on(ctx, incident, notice), notice)
    await refresh_cards(ctx, incident)
    await refresh_orders(ctx, incident, frozenset({"level"}))
    if await IncidentRepository(ctx.session).has_orders(incident.id):
        await refresh_board(ctx, incident)
    if level.tell_upper_centre and ctx.org.spec.upper_centre is not None:  # a level that says so sends it up
        await escalate(ctx, incident, ctx.t("upper.by_level", level=incident.level_name,
                                            reason=reason or ctx.t("value.not_stated")))
    return True


async def level_menu_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    """The board's 响应级别 / Level: the levels offered as buttons, in this conversation."""
    incident = await _incident_to_act_on(ctx, button)
    if incident is None:
        return
    ref = event.conversation.ref
    choices_shown = tuple([
        await ctx.button(level_label(ctx.t, level), actions.LEVEL_SET, {"incident": incident.id, "level": level.level},
                         ref)
        for level in ctx.org.spec.response_levels])
    ctx.send(ref, Message(text=ctx.t("level.choose", id=incident.id,
                                     level=incident.level_name or ctx.t("value.not_stated")),
                          buttons=choices_shown))
    ctx.private_answer = ctx.t("level.choose_below")


async def level_set_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    """One of the offered levels: as /level ID N, with no reason given."""
    incident = await _incident_to_act_on(ctx, button)
    number = button.data.get("level")
    if incident is None:
        return
    if not isinstance(number, int) or ctx.org.spec.response_level(number) is None:
        ctx.private_answer = ctx.t("button.unknown")  # a level the organisation file no longer has
        return
    if await set_level(ctx, incident, number, ""):
        ctx.private_answer = ctx.t("level.set_private", id=incident.id, level=incident.level_name)
    else:
        ctx.private_answer = ctx.t("level.same", id=incident.id, level=incident.level_name)


async def _incident_to_act_on(ctx: HandlerContext, button: ResolvedButton) -> Incident | None:
    """The button's incident when the presser may set its level now; else None, and why said privately."""
    # Held as last committed, as for /level: the old → new of a level set at once in the
    # other bot process names the level that process set.
    incident = await IncidentRepository(ctx.session).get_locked(str(button.data.get("incident")))
    if incident is None:
        ctx.private_answer = ctx.t("button.unknown")
    elif incident.status == "closed":
        ctx.private_answer = ctx.t("dispatch.closed", id=incident.id)
    elif not may_act(ctx, incident):
        ctx.private_answer = refusal(ctx, incident)
    else:
        return incident
    return None


async def level_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/level ID N [reason]"""
    incident_id, _, rest = clean_text(event.args).strip().partition(" ")
    word, _, reason = rest.strip().partition(" ")
    if not incident_id or not word:
        ctx.reply(Message(text=ctx.t("level.usage", levels=choices(ctx))))
        return
    incident = await open_incident_to_act_on(ctx, incident_id)
    if incident is None:
        return
    number = parse_level(word)
    if number is None or ctx.org.spec.response_level(number) is None:
        ctx.reply(Message(text=ctx.t("level.unknown", word=word[:20], levels=choices(ctx))))
        return
    if not await set_level(ctx, incident, number, reason.strip()[:REASON_LIMIT]):
        ctx.reply(Message(text=ctx.t("level.same", id=incident.id, level=incident.level_name)))
