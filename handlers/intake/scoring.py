"""Scoring the intake parser against labelled messages (the dev file's JSONL schema).

Shared by `liandong intake eval` and bench/intake_accuracy.py, so an office's own
figures and the team's are counted the same way:

* is_report — over all lines; a doubtful message (sent to triage) counts as not a report.
* type, location — over lines whose expected is_report is true.
* time, casualties — over all lines (non-reports must give null / all zeros);
  casualties is right only when all four counts are exact.
* location is right when both are null, or one contains the other, or they share
  at least half the characters of the longer one (multiset intersection). That
  forgives a span that runs on into the event (人民路化工厂起火 for 人民路化工厂), which
  the card would still show, so the exact spans are counted too (no target).
* lost — real reports neither registered nor put before the centre: the one
  number that must stay at zero. doubtful — the share of all lines sent to triage.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from handlers.intake.parser import parse_report

TARGETS = {"is_report": 0.97, "type": 0.95, "time": 0.95, "casualties": 0.92, "location": 0.88}
FIELDS = tuple(TARGETS)


def location_matches(got: str | None, want: str | None) -> bool:
    if got is None or want is None:
        return got is None and want is None
    if got in want or want in got:
        return True
    shared = sum((Counter(got) & Counter(want)).values())
    return shared * 2 >= max(len(got), len(want))


def _same_span(got: str | None, want: str | None) -> bool:
    return (got or "").strip().lower() == (want or "").strip().lower()


@dataclass
class Score:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in FIELDS})
    errors: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    lines: int = 0
    exact_places: Score = field(default_factory=Score)  # the span exactly as labelled
    doubtful: int = 0
    lost: list[str] = field(default_factory=list)  # ids of real reports neither registered nor in triage

    def passed(self) -> bool:
        return not self.lost and all(self.scores[k].rate >= t for k, t in TARGETS.items())

    def summary(self, *, name_lost: bool = True) -> list[str]:
        """name_lost=False for a split nobody may tune on: its lost reports are counted, not named."""
        lines = []
        for name, target in TARGETS.items():
            s = self.scores[name]
            mark = "ok" if s.rate >= target else "BELOW TARGET"
            lines.append(f"  {name:<11} {s.rate:7.1%}  ({s.right}/{s.total})  target ≥ {target:.0%}  {mark}")
        exact = self.exact_places
        lines.append(f"  {'  exact span':<11} {exact.rate:7.1%}  ({exact.right}/{exact.total})  the place exactly as labelled")
        share = self.doubtful / self.lines if self.lines else 0.0
        lines.append(f"  doubtful    {share:7.1%}  ({self.doubtful}/{self.lines}) sent to triage")
        lines.append(f"  lost        {len(self.lost):>7}  real reports neither registered nor in triage"
                     + (f": {', '.join(self.lost[:10])}" if self.lost and name_lost else ""))
        return lines


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(rows: Iterable[dict[str, Any]]) -> Evaluation:
    result = Evaluation()
    for row in rows:
        want = row["expected"]
        parsed = parse_report(row["text"])
        got = parsed.to_dict()
        ident = str(row.get("id", "?"))
        result.lines += 1
        result.doubtful += parsed.doubtful
        if want["is_report"] and not parsed.is_report and not parsed.doubtful:
            result.lost.append(ident)

        def check(name: str, ok: bool, g: Any, w: Any) -> None:
            result.scores[name].add(ok)
            if not ok:
                result.errors.append((ident, name, g, w))

        check("is_report", got["is_report"] == want["is_report"], got["is_report"], want["is_report"])
        check("time", got["time"] == want["time"], got["time"], want["time"])
        check("casualties", got["casualties"] == want["casualties"], got["casualties"], want["casualties"])
        if want["is_report"]:
            check("type", got["type"] == want["type"], got["type"], want["type"])
            check("location", location_matches(got["location"], want["location"]), got["location"], want["location"])
            result.exact_places.add(_same_span(got["location"], want["location"]))
    return result
