"""How orders, drafts, approval requests and the status board look in chat."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Sequence
from zoneinfo import ZoneInfo

from core.events import ConversationRef
from core.i18n import Translator
from core.messages import Button, Field, Mention, Message
from config.organisation import Organisation
from handlers.intake.views import casualties_text, map_fields, summary_fields
from handlers.incident_tokens import incident_token
from handlers.replies import ReplyKey
from storage.dispatch import DECLINED, FINAL, FLOW, PENDING_APPROVAL, UNDELIVERED, OrderStatus
from storage.models import DispatchDraft, DispatchOrder, Incident

STATE_MARK = {
    "ordered": "⚠️", "acknowledged": "✅", "en_route": "🚒", "on_scene": "📍",
    DECLINED: "⛔", PENDING_APPROVAL: "⏳", "rejected": "✖️",
}
UNDELIVERED_MARK = "📵"

# Questions a unit or the centre answers by replying (handlers/replies.py).
SITUATION = ReplyKey("dispatch.situation", "order:{}")  # the commander's reply to an order: a situation report
DECLINE_REASON = ReplyKey("dispatch.decline_reason", "order:{}:reason")  # "why can't you comply?"
DRAFT_INSTRUCTION = ReplyKey("dispatch.draft_instruction", "draft:{}")  # a draft: the reply is its instruction


def order_key(order_id: int) -> str:
    return f"order:{order_id}"


def board_key(incident_id: str) -> str:
    return f"incident:{incident_id}:board"


def board_token(incident: Incident, where: ConversationRef, purpose: str = "tc") -> str:
    """A button of the board in one centre conversation (tc: 现场指挥, lv: 响应级别)."""
    return incident_token(incident, where, purpose)


def clock_time(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M") if moment else ""


def minutes_between(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def state_text(t: Translator, order: OrderStatus, zone: ZoneInfo) -> str:
    return _state_text(t, order.state, order.state_by, order.state_at, zone)


def _state_text(t: Translator, state: str, state_by: str | None, state_at: datetime | None, zone: ZoneInfo) -> str:
    name = t(f"order.state.{state}")
    if state_by and state not in ("ordered", PENDING_APPROVAL):
        return t("order.state_by", state=name, name=state_by, time=clock_time(state_at, zone))
    return name


# The summary field each incident field is shown in, to mark what changed on an order.
_SHOWN_IN = {"type": "field.type", "location": "field.location", "time": "field.time", "level": "field.level",
             **{count: "field.casualties" for count in ("dead", "injured", "trapped", "missing")}}


def _marked(t: Translator, fields: tuple[Field, ...], changed: frozenset[str]) -> tuple[Field, ...]:
    labels = {t(_SHOWN_IN[name]) for name in changed if name in _SHOWN_IN}
    return tuple(Field(f.label, t("order.changed", value=f.value)) if f.label in labels else f for f in fields)


def order_message(
    t: Translator, org: Organisation, incident: Incident, order: DispatchOrder,
    buttons: tuple[Button, ...] = (), mentions: tuple[Mention, ...] = (), reminder: bool = False,
    changed: frozenset[str] = frozenset(),
) -> Message:
    unit = org.units[order.unit_code]
    fields = _marked(t, summary_fields(t, incident), changed) + map_fields(t, incident) + (
        Field(t("order.field.unit"), f"{unit.name} ({unit.code})"),
        Field(t("order.field.instruction"), order.instruction or t("value.not_stated")),
        Field(t("order.field.ordered_by"), f"{order.ordered_by} {clock_time(order.ordered_at, org.timezone)}"),
        Field(t("field.status"), state_text(t, order, org.timezone)),
    )
    if incident.status == "closed":  # stood down: no buttons, the centre's summary instead
        fields += (Field(t("order.field.close_summary"), incident.close_summary or t("value.not_stated")),)
        return Message(title=t("order.title_closed", id=incident.id), fields=fields)
    title_key = "order.title_reminder" if reminder else "order.title"
    return Message(title=t(title_key, id=incident.id), fields=fields, buttons=buttons, mentions=mentions)


def unit_lines(t: Translator, org: Organisation, orders: Sequence[OrderStatus], now: datetime) -> list[str]:
    """A line per order, silent units first: they are what the centre must act on."""
    lines = []
    for order in sorted(orders, key=lambda o: (o.state != "ordered", o.id)):
        waited = minutes_between(order.ordered_at, order.state_at if order.state != "ordered" else now)
        lines.append(_board_line(t, org, order.unit_code, order.state, order.state_by, order.state_at, waited,
                                 order.decline_reason, order.delivery == UNDELIVERED))
    return lines


def incident_line(t: Translator, incident: Incident, orders: Sequence[tuple[str, str]], now: datetime) -> str:
    """One open incident in a list: id, drill mark, type, place, age, and each unit's state."""
    units = "、".join(f"{STATE_MARK.get(state, '')}{unit}" for unit, state in orders) or t("incidents.no_units")
    return t("incidents.line", id=incident.id, drill=t("incidents.drill") if incident.drill else "",
             type=t(f"type.{incident.type}"), place=incident.location or t("value.not_stated"),
             minutes=minutes_between(incident.created_at, now), units=units)


def press_labels(t: Translator, order: DispatchOrder) -> list[tuple[str, str]]:
    """(state, label) of the buttons an order still offers."""
    if order.state in FINAL or order.state == PENDING_APPROVAL:
        return []
    ahead = FLOW[FLOW.index(order.state) + 1:]
    return [(state, t(f"order.button.{state}")) for state in (*ahead, DECLINED)]


def board_message(t: Translator, org: Organisation, incident: Incident, orders: Sequence[OrderStatus],
                  now: datetime) -> Message:
    lines = unit_lines(t, org, orders, now)
    fields = summary_fields(t, incident)
    if incident.status == "closed":
        fields += timing_fields(t, incident, orders)
        if incident.close_summary:
            fields += (Field(t("order.field.close_summary"), incident.close_summary),)
    title = t("board.title_closed" if incident.status == "closed" else "board.title", id=incident.id)
    return Message(title=title, text="\n".join(lines), fields=fields)


@lru_cache(maxsize=4096)
def _board_line(t: Translator, org: Organisation, unit_code: str, state: str, state_by: str | None,
                state_at: datetime | None, waited: int, decline_reason: str | None, undelivered: bool) -> str:
    """One order's line on the board, from everything it shows.

    Cached: in an ack storm the board of hundreds of orders is redrawn for every
    batch of presses, and all but a few lines are as they were the batch before.
    """
    unit = org.units.get(unit_code)
    name = unit.name if unit else unit_code
    if state == "ordered" and undelivered:  # nobody received it: the centre must phone
        return f"{UNDELIVERED_MARK} {unit_code} {name} — {t('board.undelivered')}"
    line = f"{STATE_MARK.get(state, '')} {unit_code} {name} — {_state_text(t, state, state_by, state_at, org.timezone)}"
    if state == "ordered":
        line += " · " + t("board.silent_for", minutes=waited)
    elif state in FLOW:
        line += " · " + t("board.after", minutes=waited)
    if decline_reason:
        line += " · " + t("board.reason", reason=decline_reason)
    return line


def timing_fields(t: Translator, incident: Incident, orders: Sequence[OrderStatus]) -> tuple[Field, ...]:
    def first(moments: list[datetime | None]) -> str:
        present = [m for m in moments if m is not None]
        if not present:
            return t("value.not_stated")
        return t("board.minutes", minutes=minutes_between(incident.created_at, min(present)))

    closed = t("board.minutes", minutes=minutes_between(incident.created_at, incident.closed_at)) \
        if incident.closed_at else t("value.not_stated")
    return (
        Field(t("board.to_first_ack"), first([o.acknowledged_at for o in orders])),
        Field(t("board.to_first_on_scene"), first([o.on_scene_at for o in orders])),
        Field(t("board.to_close"), closed),
    )


def draft_message(t: Translator, org: Organisation, incident: Incident, draft: DispatchDraft,
                  buttons: tuple[Button, ...]) -> Message:
    chosen = ", ".join(draft.units) or t("draft.none")
    return Message(
        title=t("draft.title", id=incident.id),
        text=t("draft.help"),
        fields=(
            Field(t("field.type"), t(f"type.{incident.type}")),
            Field(t("field.casualties"), casualties_text(t, incident)),
            Field(t("draft.units"), chosen),
            Field(t("order.field.instruction"), draft.instruction or t("value.not_stated")),
        ),
        buttons=buttons,
    )


def approval_decision(t: Translator, order: DispatchOrder) -> str:
    """What was decided, not where the order has got to since."""
    return t("order.state.rejected") if order.state == "rejected" else t("approval.approved")


def approval_message(t: Translator, org: Organisation, incident: Incident, order: DispatchOrder,
                     buttons: tuple[Button, ...] = (), reminder: bool = False) -> Message:
    unit = org.units[order.unit_code]
    decided = ""
    if order.decided_by:
        decided = t("approval.decided", state=approval_decision(t, order), name=order.decided_by)
    title_key = "approval.title_decided" if decided else "approval.title_reminder" if reminder else "approval.title"
    return Message(
        title=t(title_key, unit=f"{unit.name} ({unit.code})", id=incident.id),
        text=decided or t("approval.help", name=order.ordered_by),
        fields=(Field(t("order.field.instruction"), order.instruction or t("value.not_stated")),),
        buttons=buttons,
    )
