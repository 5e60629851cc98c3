"""Intake parser accuracy per field, and parse speed.

Run: .venv/bin/python bench/intake_accuracy.py [FILE] [--min-parses 20000] [--errors]

FILE is JSONL in the intake-dev format: one object per line with "text" and
"expected" = {is_report, type, location, time, casualties{dead,injured,trapped,missing}}.
Default: ../shared/data/intake-dev.jsonl.

How each field is scored:

* is_report — over all lines.
* type, location — over lines whose expected is_report is true.
* time, casualties — over all lines (non-reports must give null / all zeros).
* casualties is right only when all four counts are exact.
* location is right when both are null, or both are strings and one contains
  the other, or they *share* at least half their characters: the size of the
  multiset intersection of their characters (Counter(a) & Counter(b)) is at
  least half the length of the longer string.

Speed: the file's texts are parsed over and over, single-threaded, until at
least --min-parses parses are done; the figure is messages per second.

Targets: is_report ≥ 97%, type ≥ 95%, time ≥ 95%, casualties ≥ 95%,
location ≥ 90%, speed ≥ 5,000 messages/s.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.intake.parser import parse_report  # noqa: E402

DEV_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "intake-dev.jsonl"
TARGETS = {"is_report": 0.97, "type": 0.95, "time": 0.95, "casualties": 0.95, "location": 0.90}
MIN_SPEED = 5000.0


def location_matches(got: str | None, want: str | None) -> bool:
    """Contains either way, or shares ≥ half the characters of the longer string (multiset)."""
    if got is None or want is None:
        return got is None and want is None
    if got in want or want in got:
        return True
    shared = sum((Counter(got) & Counter(want)).values())
    return shared * 2 >= max(len(got), len(want))


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
class Report:
    scores: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in TARGETS})
    errors: list[tuple[str, str, Any, Any]] = field(default_factory=list)

    def passed(self) -> bool:
        return all(self.scores[k].rate >= t for k, t in TARGETS.items())


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(rows: list[dict[str, Any]]) -> Report:
    report = Report()
    for row in rows:
        want = row["expected"]
        got = parse_report(row["text"]).to_dict()
        ident = str(row.get("id", "?"))

        def check(name: str, ok: bool, g: Any, w: Any) -> None:
            report.scores[name].add(ok)
            if not ok:
                report.errors.append((ident, name, g, w))

        check("is_report", got["is_report"] == want["is_report"], got["is_report"], want["is_report"])
        check("time", got["time"] == want["time"], got["time"], want["time"])
        check("casualties", got["casualties"] == want["casualties"], got["casualties"], want["casualties"])
        if want["is_report"]:
            check("type", got["type"] == want["type"], got["type"], want["type"])
            check("location", location_matches(got["location"], want["location"]), got["location"], want["location"])
    return report


def speed(texts: list[str], min_parses: int) -> float:
    """Messages per second, single-threaded, over at least min_parses parses."""
    rounds = max(1, -(-min_parses // max(1, len(texts))))
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            parse_report(text)
    return rounds * len(texts) / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", nargs="?", type=Path, default=DEV_FILE)
    ap.add_argument("--min-parses", type=int, default=20000)
    ap.add_argument("--errors", action="store_true", help="list every wrong field")
    args = ap.parse_args(argv)
    rows = load(args.file)
    report = evaluate(rows)
    print(f"{args.file}: {len(rows)} messages")
    for name, target in TARGETS.items():
        s = report.scores[name]
        mark = "ok" if s.rate >= target else "BELOW TARGET"
        print(f"  {name:<11} {s.rate:7.1%}  ({s.right}/{s.total})  target ≥ {target:.0%}  {mark}")
    rate = speed([r["text"] for r in rows], args.min_parses)
    print(f"  speed       {rate:,.0f} messages/s (single thread)  target ≥ {MIN_SPEED:,.0f}  "
          f"{'ok' if rate >= MIN_SPEED else 'BELOW TARGET'}")
    if args.errors:
        for ident, name, got, want in report.errors:
            print(f"  ✗ {ident} {name}: got {got!r}, want {want!r}")
    return 0 if report.passed() and rate >= MIN_SPEED else 1


if __name__ == "__main__":
    sys.exit(main())
