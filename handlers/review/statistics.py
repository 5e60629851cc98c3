"""Statistics over a period (/stats, `liandong report month`, the monthly bulletin):
incidents by type, level and town; each unit's time to acknowledge and to reach the
scene (median and 90th percentile) against the targets; roll-call results and alert
confirmations per unit. Drills are counted apart and kept out of every real figure.

Reading (`load_period`) selects plain columns, no ORM objects: a month of 10,000
incidents is read in the bot's process, in a read-only snapshot. Everything else is
`stats_message` / `month_document`, built in a worker process.
"""
from __future__ import annotations

import math
import re
import statistics as stats
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from config.organisation import Organisation
from core.i18n import Translator
from core.messages import MAX_FILE_BYTES, Field, Message, OutgoingFile
from handlers.review import charts
from handlers.review.document import Document, Image, Table, pdf, write
from handlers.review.snapshot import Frame, Targets, targets_for
from handlers.review.texts import minutes, share
from handlers.rollcall.views import unit_records
from storage.models import (
    Broadcast, BroadcastReceipt, DispatchOrder, Incident, RollcallAnswer, RollcallRun,
)
from storage.broadcasts import is_real_broadcast
from storage.rollcalls import is_real_rollcall

MAX_DAYS = 366
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    """Local calendar days, both ends included."""

    first: date
    last: date

    @property
    def label(self) -> str:
        month_end = (self.first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if self.first.day == 1 and self.last == month_end:
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m-%d}..{self.last:%Y-%m-%d}"

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC."""
        start = datetime(self.first.year, self.first.month, self.first.day, tzinfo=zone)
        after = self.last + timedelta(days=1)
        end = datetime(after.year, after.month, after.day, tzinfo=zone)
        return start.astimezone(timezone.utc), end.astimezone(timezone.utc)

    def to_json(self) -> dict[str, str]:
        return {"first": self.first.isoformat(), "last": self.last.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> "Period":
        return cls(date.fromisoformat(data["first"]), date.fromisoformat(data["last"]))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        return cls(first, (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1))


class BadPeriod(ValueError):
    """What was wrong, as a translation key (and its values)."""

    def __init__(self, key: str, **values: Any):
        super().__init__(key)
        self.key, self.values = key, values


def _day(text: str, *, end: bool) -> date:
    if found := _DAY.match(text):
        year, month, day = (int(g) for g in found.groups())
        if 2000 <= year <= 2999:
            try:
                return date(year, month, day)
            except ValueError:
                pass
    elif found := _MONTH.match(text):
        year, month = int(found.group(1)), int(found.group(2))
        if 2000 <= year <= 2999 and 1 <= month <= 12:
            whole = Period.month(year, month)
            return whole.last if end else whole.first
    raise BadPeriod("stats.bad_period", text=text[:30])


def parse_period(text: str, today: date) -> Period:
    """"" (this month), YYYY-MM, or FROM..TO (each YYYY-MM-DD or YYYY-MM), at most 366 days."""
    text = text.strip()
    if not text:
        return Period.month(today.year, today.month)
    if ".." in text:
        start, _, stop = (part.strip() for part in text.partition(".."))
        first, last = _day(start, end=False), _day(stop, end=True)
    elif _MONTH.match(text):
        first, last = _day(text, end=False), _day(text, end=True)
    else:
        first = last = _day(text, end=False)
    if last < first:
        raise BadPeriod("stats.backwards", first=first.isoformat(), last=last.isoformat())
    if (last - first).days + 1 > MAX_DAYS:
        raise BadPeriod("stats.too_long", days=(last - first).days + 1, max=MAX_DAYS)
    return Period(first, last)


# -- what is read ----------------------------------------------------------------


@dataclass(frozen=True)
class UnitRollcalls:
    received: int
    on_time: int
    late: int
    absent: int
    silent: int
    absent_reasons: tuple[str, ...]


@dataclass(frozen=True)
class PeriodFacts:
    period: Period
    units: dict[str, str]  # code -> name, in the organisation's order
    # (type, level, town or None, drill) per incident
    incidents: list[tuple[str, int | None, str | None, bool]]
    # (unit, state, minutes to acknowledge or None, minutes to on scene or None, targets) per real order
    orders: list[tuple[str, str, float | None, float | None, Targets]]
    rollcalls: int
    rollcall_units: dict[str, UnitRollcalls]
    # unit -> (alerts it was sent, alerts it confirmed)
    alerts: dict[str, tuple[int, int]]
    has_targets: bool


async def load_period(session: AsyncSession, org: Organisation, period: Period) -> PeriodFacts:
    start, end = period.bounds(org.timezone)
    rows = (await session.execute(
        select(Incident.id, Incident.type, Incident.level, Incident.location, Incident.drill)
        .where(Incident.created_at >= start, Incident.created_at < end, Incident.merged_into.is_(None)))).all()
    towns: dict[str | None, str | None] = {}
    incidents = []
    levels: dict[str, int | None] = {}
    drills: set[str] = set()
    for incident_id, kind, level, location, drill in rows:
        if location not in towns:  # one gazetteer look-up per distinct place
            place = org.gazetteer.find(location) if location else None
            towns[location] = None if place is None else (place.town or (place.name if place.kind == "town" else None))
        incidents.append((kind, level, towns[location], bool(drill)))
        levels[incident_id] = level
        if drill:
            drills.add(incident_id)
    targets = {level: targets_for(org, level) for level in {None, *levels.values()}}
    order_rows = (await session.execute(
        select(DispatchOrder.incident_id, DispatchOrder.unit_code, DispatchOrder.state, DispatchOrder.ordered_at,
               DispatchOrder.acknowledged_at, DispatchOrder.on_scene_at)
        .join(Incident, Incident.id == DispatchOrder.incident_id)
        .where(Incident.created_at >= start, Incident.created_at < end, Incident.drill.is_(False)))).all()
    orders = []
    for incident_id, unit, state, ordered_at, acknowledged_at, on_scene_at in order_rows:
        orders.append((unit, state,
                       None if acknowledged_at is None else (acknowledged_at - ordered_at).total_seconds() / 60,
                       None if on_scene_at is None else (on_scene_at - ordered_at).total_seconds() / 60,
                       targets[levels.get(incident_id)]))
    runs = list(await session.scalars(
        select(RollcallRun).where(RollcallRun.started_at >= start, RollcallRun.started_at < end,
                                  is_real_rollcall())))
    answers = list(await session.scalars(
        select(RollcallAnswer).where(RollcallAnswer.rollcall_id.in_([r.id for r in runs]))
        .order_by(RollcallAnswer.answered_at, RollcallAnswer.id))) if runs else []
    records = unit_records(runs, answers)
    alerts: dict[str, list[int]] = {}
    sent = (await session.execute(select(Broadcast.id, Broadcast.units).where(
        Broadcast.sent_at >= start, Broadcast.sent_at < end, is_real_broadcast()))).all()
    confirmed = set((await session.execute(
        select(BroadcastReceipt.broadcast_id, BroadcastReceipt.unit_code)
        .where(BroadcastReceipt.broadcast_id.in_([b for b, _ in sent])).distinct())).all()) if sent else set()
    for broadcast_id, units in sent:
        for unit in units or ():
            tally = alerts.setdefault(unit, [0, 0])
            tally[0] += 1
            tally[1] += (broadcast_id, unit) in confirmed
    return PeriodFacts(
        period=period, units={code: unit.name for code, unit in org.units.items()},
        incidents=incidents, orders=orders, rollcalls=len(runs),
        rollcall_units={code: UnitRollcalls(r.received, r.on_time, r.late, r.absent, r.silent,
                                            tuple(r.absent_reasons)) for code, r in records.items()},
        alerts={code: (a, c) for code, (a, c) in alerts.items()}, has_targets=org.spec.targets is not None,
    )


# -- figures -----------------------------------------------------------------------


def percentile(values: list[float], share_: float) -> float | None:
    """Nearest rank: the smallest value with at least that share of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share_ * len(ordered)) - 1)]


@dataclass
class UnitTimes:
    orders: int = 0
    acknowledge: list[float] = field(default_factory=list)
    on_scene: list[float] = field(default_factory=list)
    ack_met: int = 0
    ack_measured: int = 0  # orders with an acknowledgement target
    scene_met: int = 0
    scene_measured: int = 0


def unit_times(facts: PeriodFacts) -> dict[str, UnitTimes]:
    """Per unit, over real orders the unit was tasked with (not awaiting or refused approval)."""
    found: dict[str, UnitTimes] = {}
    for unit, state, ack, scene, targets in facts.orders:
        if state in ("pending_approval", "rejected"):
            continue
        times = found.setdefault(unit, UnitTimes())
        times.orders += 1
        if ack is not None:
            times.acknowledge.append(ack)
        if scene is not None:
            times.on_scene.append(scene)
        if state == "declined":
            continue  # an answer, not a late one: the review lists declines apart
        if targets.acknowledge is not None:
            times.ack_measured += 1
            times.ack_met += ack is not None and ack <= targets.acknowledge
        if targets.on_scene is not None:
            times.scene_measured += 1
            times.scene_met += scene is not None and scene <= targets.on_scene
    order = [c for c in facts.units if c in found] + sorted(c for c in found if c not in facts.units)
    return {code: found[code] for code in order}


def _label(facts: PeriodFacts, code: str) -> str:
    return f"{code} {facts.units[code]}" if code in facts.units else code


def _town(t: Translator, town: str | None) -> str:
    return town or t("stats.town_unknown")


def month_document(t: Translator, zone: ZoneInfo, frame: Frame, facts: PeriodFacts,
                   images: dict[str, bytes]) -> Document:
    period = facts.period.label
    real = [i for i in facts.incidents if not i[3]]
    drills = [i for i in facts.incidents if i[3]]
    doc = Document(t("stats.title", period=period), t("stats.subtitle", organisation=frame.organisation,
                                                     zone=str(zone)))
    overview = doc.section(t("stats.section.incidents"))
    overview.paragraphs.append(t("stats.incident_counts", real=len(real), drills=len(drills)))
    if real:
        for key, values in (("type", Counter(t(f"type.{i[0]}") for i in real)),
                            ("level", Counter(_level(t, i[1]) for i in real)),
                            ("town", Counter(_town(t, i[2]) for i in real))):
            overview.tables.append(Table((t(f"stats.column.{key}"), t("stats.column.count")),
                                         tuple((name, str(n)) for name, n in values.most_common())))
    else:
        overview.paragraphs.append(t("stats.no_data"))
    times = unit_times(facts)
    response = doc.section(t("stats.section.response"))
    if not facts.has_targets:
        response.paragraphs.append(t("review.no_targets"))
    if times:
        response.tables.append(Table(
            (t("review.column.unit"), t("stats.column.orders"), t("stats.column.ack_median"),
             t("stats.column.ack_p90"), t("stats.column.scene_median"), t("stats.column.scene_p90"),
             t("stats.column.ack_met"), t("stats.column.scene_met")),
            tuple((_label(facts, code), str(u.orders),
                   minutes(t, stats.median(u.acknowledge) if u.acknowledge else None),
                   minutes(t, percentile(u.acknowledge, 0.9)),
                   minutes(t, stats.median(u.on_scene) if u.on_scene else None),
                   minutes(t, percentile(u.on_scene, 0.9)),
                   share(u.ack_met, u.ack_measured), share(u.scene_met, u.scene_measured))
                  for code, u in times.items())))
    else:
        response.paragraphs.append(t("stats.no_data"))
    duty = doc.section(t("stats.section.rollcalls"))
    duty.paragraphs.append(t("stats.rollcall_count", count=facts.rollcalls))
    if facts.rollcall_units:
        duty.tables.append(Table(
            (t("review.column.unit"), t("rollcall.report.csv.received"), t("rollcall.report.csv.on_time"),
             t("rollcall.report.csv.late"), t("rollcall.report.csv.absent"), t("rollcall.report.csv.silent"),
             t("review.column.reason")),
            tuple((_label(facts, code), str(r.received), str(r.on_time), str(r.late), str(r.absent), str(r.silent),
                   "；".join(r.absent_reasons) or "—")
                  for code, r in _in_org_order(facts, facts.rollcall_units))))
    else:
        duty.paragraphs.append(t("stats.no_data"))
    alerts = doc.section(t("stats.section.alerts"))
    if facts.alerts:
        alerts.tables.append(Table(
            (t("review.column.unit"), t("stats.column.alerts"), t("review.column.confirmed")),
            tuple((_label(facts, code), str(sent), share(confirmed, sent))
                  for code, (sent, confirmed) in _in_org_order(facts, facts.alerts))))
    else:
        alerts.paragraphs.append(t("stats.no_data"))
    drill = doc.section(t("stats.section.drills"))
    if drills:
        drill.tables.append(Table((t("stats.column.type"), t("stats.column.count")),
                                  tuple((name, str(n)) for name, n in
                                        Counter(t(f"type.{i[0]}") for i in drills).most_common())))
    else:
        drill.paragraphs.append(t("stats.no_drills"))
    charts_section = doc.section(t("stats.section.charts"))
    charts_section.images += [Image(name, png) for name, png in images.items()]
    return doc


def _in_org_order(facts: PeriodFacts, by_unit: dict[str, Any]) -> list[tuple[str, Any]]:
    codes = [c for c in facts.units if c in by_unit] + sorted(c for c in by_unit if c not in facts.units)
    return [(code, by_unit[code]) for code in codes]


def _level(t: Translator, level: int | None) -> str:
    if level is None:
        return t("stats.no_level")
    key = f"level.{level}"
    return t(key) if t.has(key) else str(level)


def stats_charts(t: Translator, facts: PeriodFacts) -> dict[str, bytes]:
    """A few images: incidents, response times against the targets, duty and alerts."""
    label = facts.period.label
    real = [i for i in facts.incidents if not i[3]]
    no_data = t("stats.no_data")

    def counts(key: str, values: Counter[str]) -> Any:
        def part(axes: Any) -> None:
            axes.set_title(t(f"stats.column.{key}"))
            if not values:
                charts.no_data_on(axes, no_data)
                return
            names, numbers = zip(*values.most_common(charts.MAX_BARS // 2))
            axes.barh(range(len(names)), numbers, color="#4e79a7")
            axes.set_yticks(range(len(names)), names)
            axes.invert_yaxis()
        return part

    incidents = charts.panels(t("stats.chart.incidents", period=label, real=len(real),
                                drills=len(facts.incidents) - len(real)), [
        counts("type", Counter(t(f"type.{i[0]}") for i in real)),
        counts("level", Counter(_level(t, i[1]) for i in real)),
        counts("town", Counter(_town(t, i[2]) for i in real)),
    ])
    times = unit_times(facts)

    def response(what: str) -> Any:
        def part(axes: Any) -> None:
            axes.set_title(t(f"stats.chart.{what}"))
            rows = [(code, getattr(u, what)) for code, u in times.items() if getattr(u, what)]
            rows = sorted(rows, key=lambda row: -len(row[1]))[:charts.MAX_BARS]  # the busiest units
            if not rows:
                charts.no_data_on(axes, no_data)
                return
            codes = [code for code, _ in rows]
            medians = [stats.median(v) for _, v in rows]
            p90s = [percentile(v, 0.9) or 0 for _, v in rows]
            ys = range(len(codes))
            axes.barh([y + 0.2 for y in ys], p90s, height=0.4, color="#f28e2b", label="P90")
            axes.barh([y - 0.2 for y in ys], medians, height=0.4, color="#4e79a7", label=t("stats.median"))
            axes.set_yticks(list(ys), codes)
            axes.invert_yaxis()
            axes.set_xlabel(t("stats.chart.minutes"))
            limits = {targets.acknowledge if what == "acknowledge" else targets.on_scene
                      for *_, targets in facts.orders}
            for limit in sorted(x for x in limits if x is not None):
                axes.axvline(limit, color="#c0392b", linestyle="--", linewidth=1.5)
                axes.text(limit, -0.9, t("review.target_minutes", minutes=limit), color="#c0392b", fontsize=8)
            axes.legend(fontsize=8, loc="lower right")
        return part

    response_png = charts.panels(t("stats.chart.response", period=label),
                                 [response("acknowledge"), response("on_scene")])

    def duty(axes: Any) -> None:
        axes.set_title(t("stats.section.rollcalls"))
        rows = _in_org_order(facts, facts.rollcall_units)[:charts.MAX_BARS]
        if not rows:
            charts.no_data_on(axes, no_data)
            return
        left = [0] * len(rows)
        for key, colour in (("on_time", "#59a14f"), ("late", "#f28e2b"), ("absent", "#9c755f"),
                            ("silent", "#e15759")):
            values = [getattr(r, key) for _, r in rows]
            axes.barh(range(len(rows)), values, left=left, color=colour, label=t(f"rollcall.report.csv.{key}"))
            left = [a + b for a, b in zip(left, values)]
        axes.set_yticks(range(len(rows)), [code for code, _ in rows])
        axes.invert_yaxis()
        axes.legend(fontsize=8, loc="lower right")

    def alerts(axes: Any) -> None:
        axes.set_title(t("stats.section.alerts"))
        rows = _in_org_order(facts, facts.alerts)[:charts.MAX_BARS]
        if not rows:
            charts.no_data_on(axes, no_data)
            return
        rates = [100 * confirmed / sent if sent else 0 for _, (sent, confirmed) in rows]
        axes.barh(range(len(rows)), rates, color="#76b7b2")
        axes.set_xlim(0, 100)
        axes.set_yticks(range(len(rows)), [code for code, _ in rows])
        axes.invert_yaxis()
        axes.set_xlabel(t("stats.chart.percent"))

    duty_png = charts.panels(t("stats.chart.duty", period=label), [duty, alerts])
    return {f"stats-{label}-incidents.png": incidents, f"stats-{label}-response.png": response_png,
            f"stats-{label}-duty.png": duty_png}


def stats_message(t: Translator, zone: ZoneInfo, frame: Frame, facts: PeriodFacts) -> Message:
    images = stats_charts(t, facts)
    document = pdf(month_document(t, zone, frame, facts, images))
    if len(document) > MAX_FILE_BYTES:  # the charts go with the message anyway: the tables alone
        document = pdf(month_document(t, zone, frame, facts, {}))
    real = [i for i in facts.incidents if not i[3]]
    times = unit_times(facts)
    all_ack = [v for u in times.values() for v in u.acknowledge]
    all_scene = [v for u in times.values() for v in u.on_scene]
    fields = (
        Field(t("stats.field.incidents"), t("stats.incident_counts", real=len(real),
                                            drills=len(facts.incidents) - len(real))),
        Field(t("stats.field.acknowledge"), t("stats.median_p90", median=minutes(t, stats.median(all_ack)
                                                                                 if all_ack else None),
                                              p90=minutes(t, percentile(all_ack, 0.9)))),
        Field(t("stats.field.on_scene"), t("stats.median_p90", median=minutes(t, stats.median(all_scene)
                                                                              if all_scene else None),
                                           p90=minutes(t, percentile(all_scene, 0.9)))),
        Field(t("stats.field.rollcalls"), str(facts.rollcalls)),
    )
    safe = facts.period.label.replace("..", "_")
    files = tuple(OutgoingFile(name.replace("..", "_"), png, "image/png") for name, png in images.items())
    return Message(title=t("stats.title", period=facts.period.label), text=t("stats.chat_text"), fields=fields,
                   files=(*files, OutgoingFile(f"stats-{safe}.pdf", document, "application/pdf")))


def month_file(t: Translator, zone: ZoneInfo, frame: Frame, facts: PeriodFacts, fmt: str) -> bytes:
    return write(month_document(t, zone, frame, facts, stats_charts(t, facts)), fmt, t.language)
