"""A drill's evaluation (#16): each expectation of the scenario met or missed with the
time it actually took, per-unit scores, what went slower than target, and the comparison
with the previous run of the same scenario.

Measured from: dispatch and on_scene from the report inject's arrival; acknowledge from
the unit's order (a unit is not blamed for a slow centre); confirm_alert from the alert
the centre sent for the broadcast inject; answer_rollcall from the roll-call's start.

`measure` reads what happened from the database; `evaluate` is plain arithmetic on it,
so the figures are the same whenever the evaluation is built (at the end, or by
`liandong drill report`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from config.scenario import Scenario
from storage.models import Broadcast, BroadcastReceipt, DispatchOrder, DrillInject, RollcallAnswer, RollcallRun

CENTRE = "centre"  # who a dispatch expectation without a unit measures
MET, MISSED, PENDING, NOT_REACHED = "met", "missed", "pending", "not_reached"


@dataclass
class Happened:
    """What the units and the centre did, per inject id."""

    fired: dict[str, datetime] = field(default_factory=dict)  # inject id -> when it arrived
    # report inject id -> unit -> (ordered_at, acknowledged_at, on_scene_at) of its first order
    orders: dict[str, dict[str, tuple[datetime, datetime | None, datetime | None]]] = field(default_factory=dict)
    # broadcast / roll-call inject id -> (start, units asked, unit -> first answer)
    answers: dict[str, tuple[datetime, list[str], dict[str, datetime]]] = field(default_factory=dict)


async def measure(session: Any, scenario: Scenario, injects: list[DrillInject]) -> Happened:
    happened = Happened()
    script = scenario.injects
    for row in injects:
        inject = script[row.position] if row.position < len(script) else None
        if inject is None or row.fired_at is None or inject.id is None:
            continue
        happened.fired[inject.id] = row.fired_at
        result = row.result or {}
        if "incident" in result and inject.kind == "report":
            happened.orders[inject.id] = await _orders(session, str(result["incident"]))
        elif "rollcall" in result:
            run = await session.get(RollcallRun, int(result["rollcall"]))
            answers = await session.scalars(select(RollcallAnswer).where(RollcallAnswer.rollcall_id == run.id)
                                             .order_by(RollcallAnswer.answered_at))
            happened.answers[inject.id] = (run.started_at, list(run.units), _firsts(
                (a.unit_code, a.answered_at) for a in answers))
        elif inject.broadcast is not None:
            alert = await session.scalar(
                select(Broadcast).where(Broadcast.created_at >= row.fired_at, Broadcast.status != "cancelled",
                                        Broadcast.text.contains(inject.broadcast.text[:200]))
                .order_by(Broadcast.created_at).limit(1))
            if alert is not None:
                receipts = await session.scalars(select(BroadcastReceipt).where(
                    BroadcastReceipt.broadcast_id == alert.id).order_by(BroadcastReceipt.confirmed_at))
                happened.answers[inject.id] = (alert.created_at, list(alert.units), _firsts(
                    (r.unit_code, r.confirmed_at) for r in receipts))
    return happened


async def _orders(session: Any, incident_id: str) -> dict[str, tuple[datetime, datetime | None, datetime | None]]:
    rows = await session.scalars(select(DispatchOrder).where(DispatchOrder.incident_id == incident_id)
                                 .order_by(DispatchOrder.ordered_at, DispatchOrder.id))
    firsts: dict[str, tuple[datetime, datetime | None, datetime | None]] = {}
    for order in rows:
        earlier = firsts.get(order.unit_code)
        if earlier is None:
            firsts[order.unit_code] = (order.ordered_at, order.acknowledged_at, order.on_scene_at)
        else:  # a redispatch after a decline: the unit's first press of each kind counts
            firsts[order.unit_code] = (earlier[0], earlier[1] or order.acknowledged_at,
                                       earlier[2] or order.on_scene_at)
    return firsts


def _firsts(pairs: Any) -> dict[str, datetime]:
    firsts: dict[str, datetime] = {}
    for unit, at in pairs:
        firsts.setdefault(unit, at)
    return firsts


def evaluate(scenario: Scenario, happened: Happened, now: datetime, *, ended: bool,
             previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """The evaluation as plain data (stored with the run, shown in chat, in the document)."""
    outcomes: list[dict[str, Any]] = []
    for number, expectation in enumerate(scenario.expectations):
        for unit, actual, since in _measured(scenario, expectation, happened):
            within = expectation.within.total_seconds()
            if since is None:
                state = NOT_REACHED if ended else PENDING
            elif actual is not None:
                state = MET if actual <= within else MISSED
            else:
                state = MISSED if ended or now >= since + expectation.within else PENDING
            outcomes.append({"number": number, "expect": expectation.expect, "of": expectation.of,
                             "unit": unit, "within": int(within),
                             "actual": None if actual is None else int(actual), "state": state})
    scores: dict[str, list[int]] = {}
    for outcome in outcomes:
        if outcome["state"] in (MET, MISSED):
            score = scores.setdefault(outcome["unit"], [0, 0])
            score[0] += outcome["state"] == MET
            score[1] += 1
    return {"outcomes": outcomes, "scores": scores,
            "compared": _compared(scores, (previous or {}).get("scores") or {}),
            "previous_run": (previous or {}).get("run")}


def settled(evaluation: dict[str, Any]) -> bool:
    return all(o["state"] in (MET, MISSED) for o in evaluation["outcomes"])


def _measured(scenario: Scenario, expectation: Any, happened: Happened) -> list[tuple[str, float | None, datetime | None]]:
    """(who, seconds it took or None, when the clock started or None) per unit measured."""
    since = happened.fired.get(expectation.of)
    if since is None:
        return [(expectation.unit or CENTRE, None, None)]
    kind = expectation.expect
    if kind in ("confirm_alert", "answer_rollcall"):
        start, asked, firsts = happened.answers.get(expectation.of, (since, [], {}))
        units = _units(expectation.unit, [u for u in asked if u in scenario.participants] or
                       list(scenario.participants), firsts)
        return [(unit, _took(start, firsts.get(unit)), start) for unit in units]
    orders = happened.orders.get(expectation.of, {})
    if kind == "dispatch":
        if expectation.unit in (None, "each", "first"):
            first = min((o[0] for o in orders.values()), default=None)
            return [(CENTRE, _took(since, first), since)]
        order = orders.get(expectation.unit)
        return [(expectation.unit, _took(since, order[0] if order else None), since)]
    if kind == "acknowledge":
        acks = {unit: o[1] for unit, o in orders.items() if o[1] is not None}
        units = _units(expectation.unit, [u for u in orders if u in scenario.participants], acks)
        return [(unit, _took(orders[unit][0], orders[unit][1]) if unit in orders else None,
                 orders[unit][0] if unit in orders else since) for unit in units]
    arrivals = {unit: o[2] for unit, o in orders.items() if o[2] is not None}
    units = _units(expectation.unit, [u for u in orders if u in scenario.participants], arrivals)
    return [(unit, _took(since, arrivals.get(unit)), since) for unit in units]


def _units(wanted: str | None, concerned: list[str], done: dict[str, datetime]) -> list[str]:
    """The units an expectation measures: one named; each concerned; or the first to do it."""
    if wanted == "each":
        return concerned or ["each"]
    if wanted == "first":
        firsts = sorted((at, unit) for unit, at in done.items() if unit in concerned)
        return [firsts[0][1]] if firsts else ["first"]
    return [wanted or CENTRE]


def _took(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else max(0.0, (end - start).total_seconds())


def _compared(scores: dict[str, list[int]], before: dict[str, list[int]]) -> dict[str, str]:
    """Per unit in both runs: better, worse or same (share of targets met)."""
    compared = {}
    for unit, (met, total) in scores.items():
        if unit in before and total and before[unit][1]:
            now_share, then_share = met / total, before[unit][0] / before[unit][1]
            compared[unit] = "better" if now_share > then_share else "worse" if now_share < then_share else "same"
    return compared
