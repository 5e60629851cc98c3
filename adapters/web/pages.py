"""The board's pages as HTML: the layout, the board itself, an incident, the refusals.

The live part of each page (its <main>) is drawn by the same functions on first load
and on every change pushed over the stream, so both always look the same.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from core.i18n import LANGUAGES, Translator
from adapters.web.html import esc, tag, text
from adapters.web.incident import IncidentView
from adapters.web.mapview import map_svg
from adapters.web.snapshot import Board, IncidentRow, UnitOnIncident, minutes
from config.organisation import Organisation
from storage.models import Incident

STATE_CLASS = {"ordered": "silent", "acknowledged": "ack", "en_route": "moving", "on_scene": "scene",
               "declined": "declined", "pending_approval": "pending", "rejected": "declined"}
LEVEL_COLOURS = ("red", "orange", "yellow", "blue")
ASSET_VERSION = "2"  # bump when board.js or board.css change: browsers keep the old ones otherwise


def layout(t: Translator, org: Organisation, title: str, body: str, *, stream: str | None = None,
           viewer: str | None = None, here: str = "/board") -> str:
    """A whole page. `stream`: the SSE address that keeps <main> live (board.js)."""
    switch = " ".join(
        tag("a", esc(t(f"web.lang.{lang}")), href=f"{here}?lang={lang}", class_="lang",
            aria_current="true" if lang == t.language else None)
        for lang in LANGUAGES)
    signout = ""
    if viewer is not None:
        signout = tag("form", text("span", t("web.signed_in_as", name=viewer), class_="who")
                      + text("button", t("web.signout"), type="submit"),
                      method="post", action="/board/signout", class_="signout")
    header = tag("header", text("h1", org.name + " · " + t("web.title"))
                 + tag("nav", tag("a", esc(t("web.nav.board")), href="/board") + switch)
                 + (tag("span", esc(t("web.live.connecting")), id="live-state", class_="live-state",
                        data_live=t("web.live.on"), data_lost=t("web.live.lost")) if stream else "")
                 + signout)
    main = tag("main", body, id="live", data_stream=stream)
    head = (
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
        f'<link rel="stylesheet" href="/board/static/board.css?v={ASSET_VERSION}">'
        '<link rel="icon" href="/board/static/icon.svg" type="image/svg+xml">'  # else the browser asks for /favicon.ico
        + (f'<script src="/board/static/board.js?v={ASSET_VERSION}" defer></script>' if stream else "")
    )
    return f'<!doctype html><html lang="{esc(t.language)}"><head>{head}</head><body>{header}{main}</body></html>'


def message_page(t: Translator, org: Organisation, title_key: str, reason_key: str, status_note: str = "") -> str:
    """The sign-in page with the reason: nothing of the board is on it."""
    body = tag("section", text("h2", t(title_key)) + text("p", t(reason_key)) + text("p", t("web.signin.how"))
               + (text("p", status_note) if status_note else ""), class_="notice")
    return layout(t, org, t(title_key), body)


# -- the board ---------------------------------------------------------------------


def level_class(org: Organisation, incident: Incident) -> str:
    level = org.spec.response_level(incident.level) if incident.level else None
    colour = level.colour if level and level.colour in LEVEL_COLOURS else None
    return f"level-{colour}" if colour else ("level-none" if incident.level is None else "level-other")


def level_text(t: Translator, incident: Incident) -> str:
    if incident.level is None:
        return t("web.level.none")
    if incident.level_name:  # the colour's emoji (🔴一级) goes: the card is already in the level's colour
        return incident.level_name.lstrip("🔴🟠🟡🔵 ") or incident.level_name
    key = f"level.{incident.level}"
    return t(key) if t.has(key) else str(incident.level)


def casualties(t: Translator, incident: Incident) -> str:
    parts = [(t(f"count.{name}"), getattr(incident, name)) for name in ("dead", "injured", "trapped", "missing")]
    shown = [f"{label} {count}" for label, count in parts if count]
    return " · ".join(shown) if shown else t("value.no_casualties")


def counting_minutes(t: Translator, key: str, minutes: int, since: datetime) -> str:
    """Minutes since `since` as drawn now, and counted on by the page's script (board.js) from
    the board's clock: a card is drawn again when it changes, not every minute."""
    return text("span", t(key, minutes=minutes), class_="minutes", data_since=int(since.timestamp()),
                data_words=t(key, minutes="{minutes}"))


def unit_item(t: Translator, unit: UnitOnIncident) -> str:
    if unit.silent_minutes is not None and unit.silent_since is not None:
        note = (esc(t("web.unit.undelivered")) if unit.undelivered
                else counting_minutes(t, "web.unit.silent", unit.silent_minutes, unit.silent_since))
    else:
        note = counting_minutes(t, "web.unit.since", unit.since_minutes, unit.state_since)
    state = t(f"order.state.{unit.state}") if t.has(f"order.state.{unit.state}") else unit.state
    body = (text("span", unit.code, class_="code") + text("span", unit.name, class_="name")
            + text("span", state, class_="state") + tag("span", note, class_="note"))
    if unit.decline_reason:
        body += text("span", t("board.reason", reason=unit.decline_reason), class_="note")
    return tag("li", body, class_=f"unit {STATE_CLASS.get(unit.state, '')}", data_unit=unit.code,
               data_state=unit.state)


def incident_card(t: Translator, org: Organisation, row: IncidentRow) -> str:
    i = row.incident
    title = (tag("a", esc(i.id), href=f"/board/incident/{i.id}", class_="id")
             + text("span", level_text(t, i), class_="level")
             + (text("span", t("web.drill"), class_="drill-mark") if i.drill else "")
             + text("span", t(f"type.{i.type}") if t.has(f"type.{i.type}") else i.type, class_="type"))
    facts = tag("dl",
                text("dt", t("field.location")) + text("dd", i.location or t("value.not_stated"), class_="place")
                + text("dt", t("web.age")) + tag("dd", counting_minutes(t, "web.minutes", row.age_minutes, i.created_at))
                + text("dt", t("web.reports")) + text("dd", row.reports, class_="reports")
                + text("dt", t("field.casualties")) + text("dd", casualties(t, i), class_="casualties")
                + text("dt", t("field.commander")) + text("dd", i.commander or t("value.not_stated")))
    units = (tag("ul", "".join(unit_item(t, u) for u in row.units), class_="units") if row.units
             else text("p", t("incidents.no_units"), class_="muted"))
    silent = text("span", t("web.silent_units", count=row.silent), class_="silent-count") if row.silent else ""
    return tag("article", tag("h3", title) + silent + facts + units,
               class_=f"incident {level_class(org, i)}" + (" drill" if i.drill else ""), id=f"incident-{i.id}",
               data_incident=i.id)


@dataclass(frozen=True)
class Section:
    """One part of the board's <main> that a live update can replace on its own.

    `cards`: the incident cards inside it, (element id, html) in order; `frame`: the
    section with its cards' contents left out, so that when only cards changed (the
    frame is the same) an update sends those cards and not the whole section.
    """
    id: str
    html: str
    cards: tuple[tuple[str, str], ...] = ()
    frame: str = ""


CardDrawer = Callable[[IncidentRow], str]


def board_sections(t: Translator, org: Organisation, board: Board, tiles: str | None,
                   card: CardDrawer | None = None) -> list[Section]:
    """The board's <main> in its parts. `card`: how to draw one incident's card (the live
    feed passes one that keeps the cards it drew before)."""
    draw = card or (lambda row: incident_card(t, org, row))
    zone = org.timezone
    # The board's clock, to the second, for the page's script to count the cards' minutes on
    # from (the centre's own machines may be set wrong); shown to the minute.
    sections = [Section("updated", text("p", t("web.updated", time=board.now.astimezone(zone).strftime("%H:%M")),
                                         class_="updated", id="updated", data_now=int(board.now.timestamp())))]
    more = text("p", t("web.left_out", count=board.left_out), class_="muted") if board.left_out else ""
    sections.append(cards_section(
        "incidents", text("h2", t("web.incidents", count=len(board.incidents))) + more,
        [(f"incident-{row.incident.id}", draw(row)) for row in board.incidents],
        text("p", t("incidents.none"), class_="muted")))
    sections.append(plain_section("alerts", text("h2", t("web.alerts")) + _alerts(t, org, board)))
    sections.append(plain_section("rollcall", text("h2", t("web.rollcall")) + _rollcall(t, org, board, zone)))
    sections.append(plain_section("duty", text("h2", t("web.duty")) + _duty(t, board, zone)))
    sections.append(plain_section("map", text("h2", t("web.map")) + map_svg(t, org, board, tiles)))
    if board.drills:
        sections.append(cards_section(
            "drills", text("h2", t("web.drills", count=len(board.drills))),
            [(f"incident-{row.incident.id}", draw(row)) for row in board.drills], "", class_="drills"))
    return sections


def plain_section(section_id: str, body: str) -> Section:
    return Section(section_id, tag("section", body, id=section_id))


def cards_section(section_id: str, head: str, cards: list[tuple[str, str]], empty: str,
                   class_: str | None = None) -> Section:
    inner = "".join(html for _, html in cards) or empty
    html = tag("section", head + tag("div", inner, class_="cards"), id=section_id, class_=class_)
    frame = head + "\x00" + "\x00".join(card_id for card_id, _ in cards) + ("" if cards else empty)
    return Section(section_id, html, tuple(cards), frame)


def board_main(t: Translator, org: Organisation, board: Board, tiles: str | None) -> str:
    return "".join(section.html for section in board_sections(t, org, board, tiles))


def _unit_names(org: Organisation, codes: list[str]) -> str:
    return "、".join(f"{org.units[c].name} ({c})" if c in org.units else c for c in codes)


def _alerts(t: Translator, org: Organisation, board: Board) -> str:
    if not board.alerts:
        return text("p", t("web.alerts.none"), class_="muted")
    items = []
    for alert in board.alerts:
        b = alert.broadcast
        level = t(f"web.alert_level.{b.level}") if b.level and t.has(f"web.alert_level.{b.level}") else ""
        total = len(b.units)
        body = (text("p", b.text, class_="alert-text")
                + text("p", t("web.alerts.progress", confirmed=len(alert.confirmed), total=total), class_="progress")
                + tag("progress", "", value=len(alert.confirmed), max=max(total, 1)))
        if alert.unconfirmed:
            body += text("p", t("web.alerts.unconfirmed", units=_unit_names(org, alert.unconfirmed)),
                         class_="unconfirmed")
        items.append(tag("article", text("h3", level or t("web.alerts.alert")) + body,
                         class_=f"alert alert-{b.level or 'none'}", data_alert=b.id))
    return "".join(items)


def _rollcall(t: Translator, org: Organisation, board: Board, zone: ZoneInfo) -> str:
    row = board.rollcall
    if row is None:
        return text("p", t("web.rollcall.none"), class_="muted")
    run = row.run
    state = t("web.rollcall.closed") if run.stage == "closed" else t(
        "web.rollcall.deadline", time=run.deadline_at.astimezone(zone).strftime("%H:%M"))
    body = (text("p", f"{run.name} · {run.started_at.astimezone(zone).strftime('%m-%d %H:%M')} · {state}")
            + text("p", t("web.rollcall.progress", answered=len(row.answered) + len(row.absent),
                          total=len(run.units)), class_="progress"))
    if row.silent:
        body += text("p", t("web.rollcall.silent", units=_unit_names(org, row.silent)), class_="unconfirmed")
    if row.absent:
        body += text("p", t("web.rollcall.absent", units=_unit_names(org, row.absent)))
    return body


def _duty(t: Translator, board: Board, zone: ZoneInfo) -> str:
    rows = "".join(
        tag("tr", text("td", f"{d.name} ({d.code})")
            + text("td", "、".join(d.officers) or t("web.duty.nobody"))
            + text("td", d.since.astimezone(zone).strftime("%m-%d %H:%M") if d.since else ""))
        for d in board.duty)
    head = tag("tr", text("th", t("web.duty.unit")) + text("th", t("web.duty.officers")) + text("th", t("web.duty.since")))
    return tag("table", tag("thead", head) + tag("tbody", rows), class_="duty")


# -- one incident ------------------------------------------------------------------


def incident_main(t: Translator, org: Organisation, view: IncidentView, now: datetime) -> str:
    i, zone = view.incident, org.timezone

    def clock(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%m-%d %H:%M") if moment else ""

    status = t("web.status.closed") if i.status == "closed" else t("web.status.open")
    facts = [
        (t("field.status"), status), (t("field.type"), t(f"type.{i.type}") if t.has(f"type.{i.type}") else i.type),
        (t("field.location"), i.location or t("value.not_stated")), (t("field.level"), level_text(t, i)),
        (t("field.reported_at"), clock(i.created_at)), (t("web.age"), t("web.minutes", minutes=minutes(i.created_at, now))),
        (t("field.casualties"), casualties(t, i)), (t("field.commander"), i.commander or t("value.not_stated")),
        (t("field.situation"), i.situation or t("value.not_stated")),
    ]
    if view.point is not None:
        facts.append((t("field.coordinates"), f"{view.point.latitude:.5f}, {view.point.longitude:.5f}"))
    if i.status == "closed":  # the after-action figures, as the closed board in chat gives them
        def after(moment: datetime | None) -> str:
            return t("board.minutes", minutes=minutes(i.created_at, moment)) if moment else t("value.not_stated")
        facts += [(t("order.field.close_summary"), i.close_summary or t("value.not_stated")),
                  (t("board.to_first_ack"), after(view.first_ack)),
                  (t("board.to_first_on_scene"), after(view.first_on_scene)),
                  (t("board.to_close"), after(i.closed_at))]
    summary = tag("dl", "".join(text("dt", k) + text("dd", v) for k, v in facts))
    drill = text("p", t("web.drill_note"), class_="drill-mark") if i.drill else ""
    units = (tag("ul", "".join(unit_item(t, u) for u in view.units), class_="units") if view.units
             else text("p", t("incidents.no_units"), class_="muted"))
    reports = tag("ol", "".join(
        tag("li", text("span", f"{clock(r.at)} {r.name}", class_="who") + text("p", r.text, class_="report-text"))
        for r in view.reports), class_="reports")
    pins = tag("ul", "".join(text("li", f"{clock(p.at)} {p.name}: {p.latitude:.5f}, {p.longitude:.5f}")
                             for p in view.pins), class_="pins") if view.pins else text("p", t("web.pins.none"),
                                                                                         class_="muted")
    timeline = tag("ol", "".join(
        tag("li", text("span", clock(e.at), class_="at") + text("span", e.actor or "", class_="who")
            + text("span", t(f"web.timeline.{e.kind}") if t.has(f"web.timeline.{e.kind}") else e.kind, class_="what")
            + text("span", e.detail, class_="detail"))
        for e in view.timeline), class_="timeline")
    return (tag("section", tag("h2", esc(t("web.incident.title", id=i.id))) + drill + summary,
                class_=f"incident-page {level_class(org, i)}", data_incident=i.id)
            + tag("section", text("h2", t("web.units")) + units, id="units")
            + tag("section", text("h2", t("web.reports_texts")) + reports, id="reports")
            + tag("section", text("h2", t("web.pins")) + pins, id="pins")
            + tag("section", text("h2", t("web.timeline")) + timeline, id="timeline"))
