"""Which registrations the report model all but rules out should go to triage instead:
report_model.DISBELIEVED_BELOW, chosen on fresh batches rather than on the train split.

Each round's train-split lines are read with the parser and report model *from before that
round* (its commit in a temporary git worktree, as in fresh_batches.py). Of the messages that
parser registered, those the model put below each bar are counted — reports and not — by
whether casualties were stated, whether it was a cry for help, and whether the rules held a
strong hazard word at a named place (the evidence the shipped rule never doubts).

What it showed (2026-12-07, rounds 7-25), below 0.01: on thin evidence 3 reports and 27
non-reports (the shipped rule); a strong hazard at a named place 1 and 40, left registering
all the same, because the model puts short hand-written reports unlike the corpus ("Fire at the
Elm St depot around 4.30 this afternoon") below 0.001; casualties stated 5 and 15; a cry for
help 0 and 4.

Needs the git history (a clone, not an unpacked archive). Takes a minute or two.

Run: .venv/bin/python bench/experiments/thin_registrations.py
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.experiments.fresh_batches import ROUNDS, old_readings  # noqa: E402
from bench.intake_accuracy import CORPUS, split_of  # noqa: E402
from handlers.intake.scoring import load  # noqa: E402

BARS = (0.001, 0.01, 0.05, 0.2)

# Run inside the old commit's worktree: what its parser registered, and on what evidence.
_READ = """
import json, sys
from handlers.intake import classify
from handlers.intake.parser import normalise, parse_report
from handlers.intake.report_model import report_probability
for line in sys.stdin:
    row = json.loads(line)
    parsed = parse_report(row["text"])
    low = normalise(row["text"]).lower()
    print(json.dumps({"id": row["id"], "is_report": parsed.is_report,
                      "casualties": any(parsed.to_dict()["casualties"].values()),
                      "sure": parsed.confidence.is_report >= 0.9 and parsed.location is not None
                              and parsed.confidence.type >= 0.9,
                      "help": classify.distress(low), "probability": report_probability(low)}))
"""


def main() -> int:
    corpus = {path.stem: load(path) for path in sorted(CORPUS.glob("*.jsonl"))}
    tally: dict[tuple[Any, ...], int] = {}
    for name, commit, files in ROUNDS:
        rows = [r for stem in files for r in corpus[stem] if split_of(r["id"]) == "train"]
        old = old_readings(commit, rows, _READ)
        for row in rows:
            read = old[row["id"]]
            if not read["is_report"]:
                continue
            kind = ("casualties" if read["casualties"] else "cry for help" if read["help"]
                    else "strong hazard at a place" if read["sure"] else "thin")
            for bar in BARS:
                if read["probability"] < bar:
                    key = (bar, kind, row["expected"]["is_report"])
                    tally[key] = tally.get(key, 0) + 1
    print("messages the old parsers registered, by the old report model's answer:")
    for bar in BARS:
        for kind in ("thin", "strong hazard at a place", "casualties", "cry for help"):
            print(f"  below {bar:<6} {kind:<26} {tally.get((bar, kind, True), 0):>4} reports, "
                  f"{tally.get((bar, kind, False), 0):>4} not")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
