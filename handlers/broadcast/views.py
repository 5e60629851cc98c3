"""How an alert, its preview, its progress and its report look in chat."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.i18n import Translator
from core.messages import Button, Field, Message
from core.text import shorten
from storage.broadcasts import DeliveryCounts
from storage.models import Broadcast, BroadcastReceipt

LEVEL_MARK = {"blue": "🔵", "yellow": "🟡", "orange": "🟠", "red": "🔴", None: "📢"}
NAMES_SHOWN = 30
PREVIEW_CHARS = 1500  # a report lists this many silent units, then "and N more"


def progress_key(broadcast_id: int, round_no: int) -> str:
    return f"alert-progress:{broadcast_id}:{round_no}"


def preview_key(broadcast_id: int) -> str:
    return f"alert-preview:{broadcast_id}"


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def level_title(t: Translator, level: str | None) -> str:
    name = t(f"alert.level.{level or 'none'}")
    return f"{LEVEL_MARK[level]} {name}"


def alert_message(
    t: Translator, zone: ZoneInfo, broadcast: Broadcast, buttons: tuple[Button, ...] = (),
    confirmed_by: list[BroadcastReceipt] | None = None, *, resent: bool = False,
) -> Message:
    """One unit's copy; a re-sent copy says so, lest it read as a second alert."""
    fields = [
        Field(t("alert.field.from"), broadcast.sender_name or broadcast.created_by),
        Field(t("alert.field.time"), local_time(broadcast.sent_at or broadcast.created_at, zone)),
        *cap_fields(t, zone, broadcast),
    ]
    if confirmed_by:
        names = "、".join(f"{r.name} {r.confirmed_at.astimezone(zone):%H:%M}" for r in confirmed_by)
        fields.append(Field(t("alert.field.confirmed"), names))
    title = alert_title(t, broadcast)
    if resent:
        title = t("alert.resent_title", title=title)
    text = broadcast.text
    mark = t("drill.mark")
    if text.startswith(mark):  # a drill's alert (handlers/drill drafts it so): the mark first, in the title
        title, text = f"{mark}{title}", text[len(mark):]
    if broadcast.instruction:
        text = f"{text}\n{t('alert.instruction', text=broadcast.instruction)}"
    return Message(title=title, text=text, fields=tuple(fields), buttons=buttons)


def alert_title(t: Translator, broadcast: Broadcast) -> str:
    """The level, and what became of the alert: an update or cancel of which, superseded, expired."""
    title = level_title(t, broadcast.level)
    if broadcast.msg_type == "update":
        title = t("alert.update_title", title=title, id=broadcast.references_id or "")
    elif broadcast.msg_type == "cancel":
        title = t("alert.cancel_title", id=broadcast.references_id or "")
    if broadcast.replaced_by_id is not None:
        title = t("alert.superseded_title", title=title, id=broadcast.replaced_by_id)
    elif broadcast.expired_at is not None:
        title = t("alert.expired_title", title=title)
    return title


def cap_fields(t: Translator, zone: ZoneInfo, broadcast: Broadcast) -> list[Field]:
    """Area, event and valid-until, where the alert has them."""
    fields = []
    if broadcast.event:
        fields.append(Field(t("alert.field.event"), broadcast.event))
    if broadcast.area:
        fields.append(Field(t("alert.field.area"), broadcast.area))
    if broadcast.expires_at:
        fields.append(Field(t("alert.field.until"), local_time(broadcast.expires_at, zone)))
    return fields


def audience_text(broadcast: Broadcast) -> str:
    return " ".join(broadcast.audience) or "to:all"


def preview_message(
    t: Translator, zone: ZoneInfo, broadcast: Broadcast, conversations: int, buttons: tuple[Button, ...] = (),
) -> Message:
    fields = [
        Field(t("broadcast.field.audience"), t("broadcast.audience_size", selectors=audience_text(broadcast),
                                               units=len(broadcast.units), conversations=conversations)),
    ]
    if broadcast.scheduled_for:
        fields.append(Field(t("broadcast.field.scheduled"), local_time(broadcast.scheduled_for, zone)))
    if broadcast.sender_name:
        fields.append(Field(t("alert.field.from"), broadcast.sender_name))
    fields += cap_fields(t, zone, broadcast)
    alert = alert_message(t, zone, broadcast)
    text = alert.text
    if len(text) > PREVIEW_CHARS:  # the preview must fit one message, with its buttons
        text = shorten(text, PREVIEW_CHARS) + "\n" + t("broadcast.preview_cut", length=len(alert.text))
    return Message(
        title=t("broadcast.preview_title", id=broadcast.id),
        text=f"{alert.title}\n{text}", fields=tuple(fields), buttons=buttons,
    )


def decided_preview(t: Translator, zone: ZoneInfo, broadcast: Broadcast, conversations: int) -> Message:
    """The preview once Send or Cancel was pressed: no buttons, and what happened."""
    preview = preview_message(t, zone, broadcast, conversations)
    outcome = {
        "cancelled": t("broadcast.cancelled_by", name=broadcast.decided_by or ""),
        "scheduled": t("broadcast.scheduled_by", name=broadcast.decided_by or "",
                       time=local_time(broadcast.scheduled_for, zone)),
    }.get(broadcast.status, t("broadcast.sent_by", name=broadcast.decided_by or ""))
    return Message(title=t("broadcast.decided_title", id=broadcast.id), text=preview.text,
                   fields=(*preview.fields, Field(t("field.status"), outcome)))


def progress_message(
    t: Translator, broadcast: Broadcast, round_no: int, total: int, counts: DeliveryCounts,
    buttons: tuple[Button, ...] = (), tasks: str = "",
) -> Message:
    title_key = "broadcast.progress_title" if round_no <= 1 else "broadcast.resend_progress_title"
    if counts.done:
        text = t("broadcast.progress_done", delivered=counts.delivered, failed=counts.failed, total=total)
    else:
        text = t("broadcast.progress", delivered=counts.delivered, total=total, failed=counts.failed)
    if tasks:  # each task's units done (#17)
        text = f"{text}\n{tasks}"
    return Message(title=t(title_key, id=broadcast.id, level=level_title(t, broadcast.level)), text=text,
                   buttons=buttons)


def report_message(
    t: Translator, zone: ZoneInfo, broadcast: Broadcast, *, conversations: int, delivered: int, failed: int,
    confirmed_units: list[str], silent_units: list[str], receipts: int, buttons: tuple[Button, ...] = (),
) -> Message:
    shown = ", ".join(silent_units[:NAMES_SHOWN])
    if len(silent_units) > NAMES_SHOWN:
        shown += t("broadcast.report.more", count=len(silent_units) - NAMES_SHOWN)
    fields = (
        Field(t("broadcast.report.sent"), f"{local_time(broadcast.sent_at, zone)} · {broadcast.decided_by or ''}"),
        Field(t("broadcast.report.delivered"), t("broadcast.report.of", count=delivered, total=conversations)),
        Field(t("broadcast.report.failed"), str(failed)),
        Field(t("broadcast.report.confirmed"), t("broadcast.report.units_of", count=len(confirmed_units),
                                                 total=len(broadcast.units), people=receipts)),
        Field(t("broadcast.report.silent"), shown or t("broadcast.report.none")),
    )
    return Message(
        title=t("broadcast.report.title", id=broadcast.id, level=level_title(t, broadcast.level)),
        text=shorten(broadcast.text, 200), fields=fields, buttons=buttons,
    )


def list_line(t: Translator, zone: ZoneInfo, broadcast: Broadcast) -> str:
    when = local_time(broadcast.scheduled_for or broadcast.sent_at, zone)
    return t("broadcast.list_line", id=broadcast.id, level=level_title(t, broadcast.level), time=when,
             selectors=audience_text(broadcast), text=shorten(broadcast.text.replace("\n", " "), 60))
