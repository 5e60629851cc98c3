"""An outside CAP 1.2 warning → a draft broadcast in the centre (#17).

Whatever brought it (POST /cap/inbound, a polled feed, a file dropped in a
centre conversation), a valid alert becomes a preview with 发送 Send · 修改 Edit ·
忽略 Ignore: nothing reaches a unit before a centre member presses Send. The
level comes from the colour (蓝/黄/橙/红) or else the severity, the audience from
its area and event (handlers/broadcast/area.py), the text from headline,
description and instruction. An Exercise is drafted marked as a drill; a Test
is refused. The same warning (sender and identifier) is never drafted twice; its
update or cancel becomes an update or cancel of what was sent from it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.cap.model import COLOUR_WORDS, SEVERITY_LEVEL, CapAlert, cap_time
from core.cap.reader import CapRefused
from core.events import ConversationRef
from core.messages import Field, Message
from handlers.broadcast import actions, area, fanout, views
from handlers.context import Context
from storage.broadcasts import (
    ALERT, CANCEL, CANCELLED, PREVIEW, SCHEDULED, SENDING, SENT, UPDATE, BroadcastRepository,
)
from storage.models import Broadcast

log = logging.getLogger(__name__)

# Units a warning concerns, by words of its event: the capabilities that answer it.
EVENT_CAPABILITIES = (
    (("洪", "内涝", "暴雨", "台风", "flood", "rain", "typhoon", "storm surge"), ("water_rescue", "rescue")),
    (("火", "fire"), ("fire",)),
    (("地质", "滑坡", "泥石流", "崩塌", "地震", "landslide", "geolog", "earthquake"), ("geological", "rescue", "search")),
    (("危化", "化学", "泄漏", "hazmat", "chemical"), ("hazmat",)),
)
TEXT_LIMIT = 4000


@dataclass(frozen=True)
class Drafted:
    outcome: str  # drafted | withdrawn (a draft never sent, taken down by its cancel)
    broadcast_id: int


def level_of(alert: CapAlert) -> str | None:
    """The colour the issuer gave (a parameter, or 红色/Red… in the event or headline), else the severity's."""
    values = [value.strip().lower() for _, value in alert.parameters]
    for level, words in COLOUR_WORDS.items():
        if any(value in words for value in values):
            return level
    titles = f"{alert.event} {alert.headline}"
    for level, words in COLOUR_WORDS.items():
        if words[0] in titles or f" {level} " in f" {titles.lower()} ":
            return level
    return SEVERITY_LEVEL.get(alert.severity)


def _audience(ctx: Context, alert: CapAlert) -> tuple[list[str], list[str]]:
    """(selectors, units): by the area's places when it names or covers some (their units, and units
    with a capability the event calls for that answer region-wide); else units with such a
    capability; else every unit."""
    words = f"{alert.event} {alert.headline} {alert.category}".lower()
    wanted = {cap for keys, caps in EVENT_CAPABILITIES if any(k in words for k in keys) for cap in caps}
    offered = {c for unit in ctx.org.units.values() for c in unit.capabilities}
    chosen = sorted(wanted & offered)
    places = area.places_in(ctx.org, alert.areas, alert.area)
    if area.units_covering(ctx.org, places):  # else the area says nothing about units: by the event alone
        by_area = area.audience_for(ctx.org, places, set(chosen))
        return [f"unit:{','.join(by_area)}"], by_area
    if chosen:
        units = [u.code for u in ctx.org.units.values() if set(u.capabilities) & set(chosen)]
        return [f"cap:{','.join(chosen)}"], units
    return [], list(ctx.org.units)


def _text(alert: CapAlert) -> str:
    parts = [alert.headline]
    if alert.description and alert.description != alert.headline:
        parts.append(alert.description)
    return "\n".join(p for p in parts if p)[:TEXT_LIMIT] or alert.event


async def _earlier(repo: BroadcastRepository, alert: CapAlert) -> Broadcast:
    """The broadcast an update or cancel refers to, as it now stands (after our own updates)."""
    found = None
    for ref in alert.references:
        found = await repo.by_cap_identity(ref.sender, ref.identifier) or found
    if found is None:
        raise CapRefused("unknown_reference", " ".join(r.text() for r in alert.references) or "—")
    while found.replaced_by_id is not None and (later := await repo.get(found.replaced_by_id)) is not None:
        found = later
    return found


async def draft_from_cap(ctx: Context, alert: CapAlert) -> Drafted:
    """Draft the warning in the centre, or raise CapRefused saying why not."""
    if alert.status == "Test":  # a technical test of the issuer's link: nobody is to act on it
        raise CapRefused("test_status", alert.status)
    if alert.status not in ("Actual", "Exercise"):  # System, Draft: not for the public
        raise CapRefused("not_actual", alert.status)
    if alert.expires is not None and alert.expires <= ctx.now:
        raise CapRefused("expired", cap_time(alert.expires))
    if alert.msg_type != "Cancel" and not (alert.headline or alert.description or alert.event):
        raise CapRefused("no_info")
    repo = BroadcastRepository(ctx.session)
    if await repo.by_cap_identity(alert.sender, alert.identifier) is not None:
        raise CapRefused("duplicate", alert.identifier)
    centre = ctx.centre_conversations()
    if not centre:  # checked before anything changes: a refusal leaves no trace
        raise CapRefused("no_centre")
    kind, earlier = ALERT, None
    if alert.msg_type in ("Update", "Cancel"):
        earlier = await _earlier(repo, alert)
        if earlier.status in (SENDING, SENT):
            kind = UPDATE if alert.msg_type == "Update" else CANCEL
        else:
            if earlier.status in (PREVIEW, SCHEDULED):  # drafted, never sent: the issuer took it back
                earlier.status, earlier.decided_by = CANCELLED, alert.sender_name or alert.sender
                conversations = len(fanout.conversations_of(ctx, earlier.units))
                ctx.edit(fanout.origin(earlier), views.preview_key(earlier.id),
                         views.decided_preview(ctx.t, ctx.org.timezone, earlier, conversations))
            if alert.msg_type == "Cancel":  # remembered, so the same cancel is not taken twice
                row = _row(ctx, alert, centre[0], CANCEL, earlier, CANCELLED)
                if not await repo.add_unique_cap(row):
                    raise CapRefused("duplicate", alert.identifier)
                return Drafted("withdrawn", row.id)
            earlier = None  # an update of a draft never sent is drafted afresh
    broadcast = _row(ctx, alert, centre[0], kind, earlier, PREVIEW)
    if not await repo.add_unique_cap(broadcast):
        raise CapRefused("duplicate", alert.identifier)
    await _show_draft(ctx, broadcast, alert)
    log.info("CAP %s from %s drafted as broadcast %s (%s)", alert.identifier, alert.sender, broadcast.id, kind)
    return Drafted("drafted", broadcast.id)


def _row(ctx: Context, alert: CapAlert, where: ConversationRef, kind: str, earlier: Broadcast | None,
         status: str) -> Broadcast:
    if earlier is not None:
        audience, units = list(earlier.audience), list(earlier.units)
    else:
        audience, units = _audience(ctx, alert)
    text = _text(alert) if alert.headline or alert.description else ctx.t("alert.cancel_text", id=earlier.id if earlier else "")
    if alert.status == "Exercise":  # a drill: every copy a unit gets says so first, as drill incidents do
        text = _drill_marked(ctx.t("drill.mark"), text)
    return Broadcast(
        created_at=ctx.now, created_by=alert.sender_name or alert.sender, created_by_id=f"cap:{alert.sender}"[:100],
        level=level_of(alert) or (earlier.level if earlier else None), text=text, audience=audience, units=units,
        status=status, origin_platform=where.platform, origin_chat_id=where.chat_id,
        conversations=0, rounds=0, area=alert.area[:500] or None, event=alert.event[:100] or None,
        expires_at=alert.expires, instruction=alert.instruction or None,
        sender_name=(alert.sender_name or alert.sender)[:200], msg_type=kind,
        references_id=earlier.id if earlier is not None and kind != ALERT else None,
        cap_sender=alert.sender[:255], cap_identifier=alert.identifier[:255], cap_sent=cap_time(alert.sent),
    )


def _drill_marked(mark: str, text: str) -> str:
    """The drill mark at the start of the text, once (an exercise's update keeps it)."""
    return text if text.startswith(mark) else f"{mark}{text}"


async def _show_draft(ctx: Context, broadcast: Broadcast, alert: CapAlert) -> None:
    where = fanout.origin(broadcast)
    data = {"broadcast": broadcast.id}
    buttons = (
        await ctx.button(ctx.t("cap.send"), actions.SEND, data, where),
        await ctx.button(ctx.t("cap.edit"), actions.CAP_EDIT, data, where),
        await ctx.button(ctx.t("cap.ignore"), actions.CANCEL, data, where),
    )
    conversations = len(fanout.conversations_of(ctx, broadcast.units))
    preview = views.preview_message(ctx.t, ctx.org.timezone, broadcast, conversations, buttons)
    fields = (*preview.fields, Field(ctx.t("cap.field.source"), f"{alert.sender_name or alert.sender} · {alert.sender}"),
              Field(ctx.t("cap.field.identifier"), alert.identifier))
    places = area.places_in(ctx.org, alert.areas, alert.area)
    if places:  # so the centre sees why the audience is what it is
        fields = (*fields, Field(ctx.t("cap.field.places"), "、".join(places)))
    title = ctx.t("cap.draft_title", id=broadcast.id)
    if alert.status == "Exercise":
        title = _drill_marked(ctx.t("drill.mark"), title)
    ctx.send(where, Message(title=title, text=preview.text, fields=fields,
                            buttons=buttons), key=views.preview_key(broadcast.id))


def edit_command(broadcast: Broadcast, zone: ZoneInfo) -> str:
    """The typed /broadcast that stands for a draft, for a centre member to change and send."""
    def word(value: str) -> str:
        return value.replace(" ", "_")

    parts = ["/broadcast"]
    if broadcast.msg_type in (UPDATE, CANCEL) and broadcast.references_id:
        parts += [broadcast.msg_type, str(broadcast.references_id)]
    if broadcast.msg_type != CANCEL:
        if broadcast.level:
            parts.append(broadcast.level)
        if broadcast.msg_type == ALERT:
            parts += broadcast.audience
        if broadcast.area:
            parts.append("area:" + word(broadcast.area.replace("、", ",")))
        if broadcast.event:
            parts.append("event:" + word(broadcast.event))
        if broadcast.sender_name:
            parts.append("from:" + word(broadcast.sender_name))
        if broadcast.expires_at:
            parts.append(f"until:{broadcast.expires_at.astimezone(zone):%Y-%m-%dT%H:%M}")
    line = " ".join(parts) + " " + broadcast.text
    if broadcast.instruction and broadcast.msg_type != CANCEL:
        line += "\n措施：" + broadcast.instruction
    return line
