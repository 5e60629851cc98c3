"""The after-action review's figures, computed from an incident's facts alone.

Pure: no database, no clock (an incident still open is measured to `until`, the
moment the review was asked for), so the same facts always give the same review.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.review.snapshot import BroadcastFacts, Entry, IncidentFacts, OrderFacts, Targets

# Orders that never became a unit's task: not measured against the targets.
NOT_TASKED = ("pending_approval", "rejected")


@dataclass(frozen=True)
class KeyTime:
    key: str  # reported | first_dispatch | first_acknowledged | first_on_scene | closed
    at: datetime | None
    since_report: timedelta | None


@dataclass(frozen=True)
class OrderRow:
    order: OrderFacts
    to_acknowledge: timedelta | None
    to_on_scene: timedelta | None
    end: datetime  # where its bar ends on the chart: close, or when the review was made


@dataclass(frozen=True)
class Miss:
    """An order slower than a target; `took` None: it never happened."""

    unit: str
    attempt: int
    what: str  # acknowledge | on_scene
    took: timedelta | None
    target_minutes: int


@dataclass(frozen=True)
class Review:
    facts: IncidentFacts
    until: datetime
    key_times: tuple[KeyTime, ...]
    rows: tuple[OrderRow, ...]
    declines: tuple[OrderFacts, ...]
    escalations: tuple[Entry, ...]
    approvals: tuple[Entry, ...]
    broadcasts: tuple[BroadcastFacts, ...]
    misses: tuple[Miss, ...]
    targets: Targets


def _first(moments: list[datetime | None]) -> datetime | None:
    present = [m for m in moments if m is not None]
    return min(present) if present else None


def review(facts: IncidentFacts, until: datetime) -> Review:
    orders = list(facts.orders)
    tasked = [o for o in orders if o.state not in NOT_TASKED]
    closed_at = facts.closed_at if facts.status == "closed" else None
    marks = [
        ("reported", facts.created_at),
        ("first_dispatch", _first([o.ordered_at for o in tasked])),
        ("first_acknowledged", _first([o.acknowledged_at for o in orders])),
        ("first_on_scene", _first([o.on_scene_at for o in orders])),
        ("closed", closed_at),
    ]
    key_times = tuple(KeyTime(key, at, None if at is None else at - facts.created_at) for key, at in marks)
    end = closed_at or until
    rows = tuple(
        OrderRow(o, None if o.acknowledged_at is None else o.acknowledged_at - o.ordered_at,
                 None if o.on_scene_at is None else o.on_scene_at - o.ordered_at,
                 max(end, o.state_at))
        for o in orders)
    return Review(
        facts=facts, until=until, key_times=key_times, rows=rows,
        declines=tuple(o for o in orders if o.state == "declined"),
        # Reminders in chat and, where the policy has them, the SMS and calls that chased
        # the unit (#18): each call's or message's statuses as the provider reported them.
        escalations=tuple(sorted((e for e in facts.entries if e.kind in ("escalated", "phone_status")),
                                 key=lambda e: e.at)),
        approvals=tuple(e for e in facts.entries
                        if e.kind in ("approval_requested", "approved", "rejected", "approval_lapsed")),
        broadcasts=facts.broadcasts, misses=tuple(_misses(rows, facts.targets, end)), targets=facts.targets,
    )


def _misses(rows: tuple[OrderRow, ...], targets: Targets, end: datetime) -> list[Miss]:
    """Each tasked order slower than a target, or that never got there while the target
    passed (a declined order answered: it is listed with the declines instead)."""
    found = []
    for row in rows:
        order = row.order
        if order.state in NOT_TASKED or order.state == "declined":
            continue
        for what, took, minutes in (("acknowledge", row.to_acknowledge, targets.acknowledge),
                                    ("on_scene", row.to_on_scene, targets.on_scene)):
            if minutes is None:
                continue
            limit = timedelta(minutes=minutes)
            if took is not None and took > limit:
                found.append(Miss(order.unit, order.attempt, what, took, minutes))
            elif took is None and end - order.ordered_at > limit:
                found.append(Miss(order.unit, order.attempt, what, None, minutes))
    return found
