"""Charts as PNG bytes, drawn with matplotlib's object API (no pyplot: no global
figure state, safe in a worker process or thread).

Every chart has something on it: with no data it says so in words, never an
empty image.
"""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Callable, Sequence
from zoneinfo import ZoneInfo

import matplotlib

matplotlib.use("Agg")  # no display: a server draws to files

from matplotlib import dates as mdates  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from core.i18n import Translator  # noqa: E402
from handlers.review.figures import OrderRow, Review  # noqa: E402
from handlers.review.fonts import rc  # noqa: E402
from handlers.review.snapshot import OrderFacts  # noqa: E402

DPI = 110
# One colour per stage of an order, as the board names them.
STAGE_COLOURS = {
    "waiting": "#b0b7c3", "acknowledged": "#4e79a7", "en_route": "#f28e2b", "on_scene": "#59a14f",
    "declined": "#e15759", "approval": "#d4c6e6",
}
ACK_TARGET, SCENE_TARGET = "#c0392b", "#8e44ad"


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    return out.getvalue()


def draw(make: Callable[[], Figure]) -> bytes:
    """Draw a figure with the CJK font in effect, as PNG."""
    with matplotlib.rc_context(rc()):
        return _png(make())


def _no_data(axes: Axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=14, color="#555555", transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


def review_chart(t: Translator, zone: ZoneInfo, review: Review) -> bytes:
    """Each order as a bar through its states on a time axis, the targets drawn on it."""
    return draw(lambda: _review_figure(t, zone, review))


# Bars on one chart: beyond this the image grows past what chats show (Telegram refuses a
# photo whose sides add up to over 10,000 px); the document's table lists every order.
MAX_BARS = 40


def _review_figure(t: Translator, zone: ZoneInfo, review: Review) -> Figure:
    rows = review.rows[:MAX_BARS]
    figure = Figure(figsize=(10, 1.6 + 0.55 * max(len(rows), 2)))
    axes = figure.add_subplot()
    facts = review.facts
    axes.set_title(t("review.chart.title", id=facts.id, type=t(f"type.{facts.type}"),
                     place=facts.location or t("value.not_stated")), fontsize=12)
    if not rows:
        _no_data(axes, t("review.chart.no_orders"))
        return figure
    for y, row in enumerate(reversed(rows)):
        order = row.order
        for start, stop, stage in _stages(row.order, row.end):
            axes.barh(y, mdates.date2num(stop) - mdates.date2num(start), left=mdates.date2num(start), height=0.5,
                      color=STAGE_COLOURS[stage], edgecolor="white", linewidth=0.5)
        for minutes, colour in ((review.targets.acknowledge, ACK_TARGET), (review.targets.on_scene, SCENE_TARGET)):
            if minutes is not None and order.state not in ("pending_approval", "rejected", "declined"):
                at = mdates.date2num(order.ordered_at + timedelta(minutes=minutes))
                axes.plot([at, at], [y - 0.38, y + 0.38], color=colour, linewidth=2, linestyle="--")
    labels = [f"{r.order.unit} {r.order.unit_name}" + (f" #{r.order.attempt}" if r.order.attempt > 1 else "")
              for r in reversed(rows)]
    axes.set_yticks(range(len(rows)), labels)
    axes.axvline(mdates.date2num(facts.created_at), color="#333333", linewidth=1)
    if facts.status == "closed" and facts.closed_at is not None:
        axes.axvline(mdates.date2num(facts.closed_at), color="#333333", linewidth=1, linestyle=":")
    axes.xaxis.set_major_locator(_round_minutes(facts.created_at, max(r.end for r in rows)))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M" if _one_day(facts.created_at, rows) else "%m-%d %H:%M",
                                                        tz=zone))
    axes.set_xlabel(t("review.chart.time_axis", zone=str(zone)) + (
        t("review.chart.more", shown=MAX_BARS, total=len(review.rows)) if len(review.rows) > MAX_BARS else ""))
    axes.grid(axis="x", color="#dddddd", linewidth=0.5)
    axes.set_axisbelow(True)
    legend = [Patch(color=STAGE_COLOURS[s], label=t(f"review.chart.stage.{s}"))
              for s in ("waiting", "acknowledged", "en_route", "on_scene", "declined")]
    if review.targets.acknowledge is not None:
        legend.append(Line2D([], [], color=ACK_TARGET, linestyle="--",
                             label=t("review.chart.target_ack", minutes=review.targets.acknowledge)))
    if review.targets.on_scene is not None:
        legend.append(Line2D([], [], color=SCENE_TARGET, linestyle="--",
                             label=t("review.chart.target_scene", minutes=review.targets.on_scene)))
    axes.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=4, fontsize=9, frameon=False)
    return figure


def _round_minutes(start: datetime, end: datetime) -> mdates.DateLocator:
    """Ticks on round minutes (every 5, 10, 15, 30 … minutes), about six of them."""
    minutes = (end - start).total_seconds() / 60
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720):
        if minutes / step <= 8:
            return (mdates.MinuteLocator(byminute=range(0, 60, step)) if step < 60
                    else mdates.HourLocator(byhour=range(0, 24, step // 60)))
    return mdates.DayLocator()


def _one_day(start: datetime, rows: tuple[OrderRow, ...]) -> bool:
    return max(r.end for r in rows) - start < timedelta(hours=20)


def _stages(o: OrderFacts, end: datetime) -> list[tuple[datetime, datetime, str]]:
    """The spans of one order's bar: from the order through each state it reached."""
    if o.state in ("pending_approval", "rejected"):  # a short bar: it went no further
        return [(o.ordered_at, max(o.state_at, o.ordered_at + timedelta(seconds=30)), "approval")]
    if o.state == "declined":  # waited (or acknowledged), then a mark where it declined
        first = "acknowledged" if o.acknowledged_at is not None else "waiting"
        mark = max(timedelta(seconds=60), (end - o.ordered_at) / 80)
        return [(o.ordered_at, o.state_at, first), (o.state_at, o.state_at + mark, "declined")]
    marks = [(o.ordered_at, "waiting"), (o.acknowledged_at, "acknowledged"),
             (o.en_route_at, "en_route"), (o.on_scene_at, "on_scene")]
    reached = [(at, stage) for at, stage in marks if at is not None]
    return [(start, max(stop, start), stage)
            for (start, stage), (stop, _) in zip(reached, [*reached[1:], (end, "")])]


# -- statistics ----------------------------------------------------------------


def panels(title: str, parts: Sequence[Callable[[Axes], None]]) -> bytes:
    """Several small charts side by side in one image, each drawn by its callable."""
    def make() -> Figure:
        figure = Figure(figsize=(6 * len(parts), 6.5))
        figure.suptitle(title, fontsize=13)
        for index, part in enumerate(parts, start=1):
            part(figure.add_subplot(1, len(parts), index))
        figure.tight_layout()
        return figure
    return draw(make)


def no_data_on(axes: Axes, text: str) -> None:
    _no_data(axes, text)
