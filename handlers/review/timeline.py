"""An incident's timeline as people read it: each entry's time, who and what, in
pages for chat and whole for export (CSV, Excel, Markdown).

A reporter sees their own incident without the organisation's internal notes: the
same rule as /status (units, their states, escalations, approvals and summaries
are the organisation's business)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from config.register.exporting import spreadsheet_safe
from core.i18n import Translator
from handlers.review.snapshot import Entry

PAGE_SIZE = 15
# What a reporter may see of their incident; anything else is internal. Further
# reports ("source") are there with who sent them: every reporter, not only the first.
FOR_REPORTER = frozenset({
    "reported", "source", "updated", "corrected", "location", "photo_added", "level", "closed", "reopened",
    "merged", "merged_in",
})
# Free text a reporter does not see even in an entry they may see.
HIDDEN_FROM_REPORTER = ("summary", "reason")


@dataclass(frozen=True)
class Line:
    time: str
    who: str
    what: str


def visible(entries: list[Entry] | tuple[Entry, ...], *, internal: bool) -> list[Entry]:
    if internal:
        return list(entries)
    return [Entry(e.at, e.kind, e.actor, {k: v for k, v in e.data.items() if k not in HIDDEN_FROM_REPORTER})
            for e in entries if e.kind in FOR_REPORTER]


def describe(t: Translator, entry: Entry) -> str:
    """One entry in words; a kind without its own words is shown by name with its data."""
    d = entry.data
    unit = str(d.get("unit", ""))
    key = f"timeline.kind.{entry.kind}"
    values = {
        "unit": unit, "text": str(d.get("text", ""))[:200], "field": str(d.get("field", "")),
        "old": _value(d.get("old")), "new": _value(d.get("new")),
        "state": t(f"order.state.{d['state']}") if t.has(f"order.state.{d.get('state')}") else str(d.get("state", "")),
        "reason": str(d.get("reason") or ""), "summary": str(d.get("summary") or ""),
        "level": str(d.get("level", "")), "name": str(d.get("name") or d.get("new") or ""),
        "into": str(d.get("into", "")), "source": str(d.get("source", "")),
        "instruction": str(d.get("instruction") or ""),
    }
    if entry.kind == "phone_status":
        values["via"], values["status"] = phone_words(t, d)
        values["to"] = str(d.get("to", ""))
    if entry.kind == "order_press" and not d.get("changed", True):
        key = "timeline.kind.order_press_again"
    text = (t(key, **values) if t.has(key) else f"{entry.kind} {_compact(d)}").strip()
    if entry.kind in ("closed", "reopened") and (more := d.get("summary") or d.get("reason")):
        text += f"：{more}" if t.language == "zh" else f": {more}"
    return text


def phone_words(t: Translator, data: dict[str, object]) -> tuple[str, str]:
    """An escalation's SMS or call (#18) in words: how (短信/电话) and how it went (已送达, 无人接听…);
    a status the provider adds later is shown as it came."""
    via, status = str(data.get("via", "")), str(data.get("status", ""))
    return (t(f"phone.via.{via}") if t.has(f"phone.via.{via}") else via,
            t(f"phone.status.{status}") if t.has(f"phone.status.{status}") else status)


def _value(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def _compact(data: dict[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in data.items() if v not in (None, "", [], {}) and k != "parsed")[:200]


def lines(t: Translator, zone: ZoneInfo, entries: list[Entry]) -> list[Line]:
    return [Line(e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), e.actor or t("timeline.bot"), describe(t, e))
            for e in entries]


def pages(count: int) -> int:
    return max(1, -(-count // PAGE_SIZE))


def page_text(t: Translator, zone: ZoneInfo, entries: list[Entry], page: int) -> str:
    shown = lines(t, zone, entries[(page - 1) * PAGE_SIZE: page * PAGE_SIZE])
    if not shown:
        return t("timeline.empty")
    return "\n".join(f"{line.time[11:]} {line.who}：{line.what}" if t.language == "zh"
                     else f"{line.time[11:]} {line.who}: {line.what}" for line in shown)


EXPORT_FORMATS = ("csv", "xlsx", "md")


def export(t: Translator, zone: ZoneInfo, incident_id: str, entries: list[Entry], fmt: str) -> bytes:
    header = [t("timeline.column.time"), t("timeline.column.who"), t("timeline.column.what")]
    rows = [[line.time, line.who, line.what] for line in lines(t, zone, entries)]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([[spreadsheet_safe(cell) for cell in row] for row in rows])
        return out.getvalue().encode("utf-8-sig")  # the BOM: Excel then reads UTF-8
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = incident_id
        sheet.append(header)
        for row in rows:
            sheet.append([spreadsheet_safe(cell) for cell in row])
        for column, width in zip("ABC", (20, 16, 80)):
            sheet.column_dimensions[column].width = width
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    if fmt == "md":
        cell = lambda text: text.replace("|", "\\|").replace("\n", " ")  # noqa: E731
        table = ["| " + " | ".join(header) + " |", "|---|---|---|",
                 *("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)]
        return (f"# {t('timeline.title', id=incident_id)}\n\n" + "\n".join(table) + "\n").encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}")
