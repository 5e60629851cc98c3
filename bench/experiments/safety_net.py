"""Which messages the parser drops as chatter should go to triage instead: a safety net
for real reports lost, chosen on fresh batches rather than on the train split.

A report dropped as chatter is lost: the reporting group hears nothing and the centre
never sees it. The rules' vetoes (a drill, a notice, talk of the past) and the report
model's doubt bar were fitted to the chatter the team wrote; on text nobody has seen a
veto can silence a real report. This asks, of every message each round's *old* parser
dropped as chatter (its commit, as in fresh_batches.py: the code and models from before
the round's lines came in), what the same parser finds in it when told it is a report
(`assume_report`: no vetoes) — a casualty count, a hazard word strong or weak, a place, a
time — and counts, for each candidate net, the reports it would have caught and the
non-reports it would have put before the centre.

Needs the git history. Takes a few minutes.

Run: .venv/bin/python bench/experiments/safety_net.py
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.experiments.fresh_batches import ROUNDS, old_readings  # noqa: E402
from bench.intake_accuracy import CORPUS, split_of  # noqa: E402
from handlers.intake.scoring import load  # noqa: E402

_READ_BOTH_WAYS = """
import json, sys
from handlers.intake.parser import normalise, parse_report
from handlers.intake.report_model import report_probability
for line in sys.stdin:
    row = json.loads(line)
    parsed = parse_report(row["text"])
    told = parse_report(row["text"], assume_report=True)
    c = told.casualties
    print(json.dumps({"id": row["id"], "is_report": parsed.is_report, "doubtful": parsed.doubtful,
                      "casualties": c.dead + c.injured + c.missing + c.trapped,
                      "type_confidence": told.confidence.type, "place": told.location is not None,
                      "time": told.time is not None, "language": parsed.language,
                      "report_probability": report_probability(normalise(row["text"]).lower())}))
"""

STRONG, WEAK = 0.9, 0.7
Net = Callable[[dict[str, Any]], bool]
NETS: dict[str, Net] = {
    "a casualty count": lambda r: r["casualties"] > 0,
    "a strong hazard word": lambda r: r["type_confidence"] >= STRONG,
    "a hazard word, strong or weak": lambda r: r["type_confidence"] >= WEAK,
    "a casualty count and a hazard word": lambda r: r["casualties"] > 0 and r["type_confidence"] >= WEAK,
    "a casualty count and a strong word": lambda r: r["casualties"] > 0 and r["type_confidence"] >= STRONG,
    "a casualty count or a strong word": lambda r: r["casualties"] > 0 or r["type_confidence"] >= STRONG,
    "a strong word and a place": lambda r: r["type_confidence"] >= STRONG and r["place"],
    "a casualty count and a place": lambda r: r["casualties"] > 0 and r["place"],
    "a casualty count, model above 0.1": lambda r: r["casualties"] > 0 and r["report_probability"] > 0.1,
    "a casualty count, model above 0.2": lambda r: r["casualties"] > 0 and r["report_probability"] > 0.2,
    "a strong word, model above 0.1": lambda r: r["type_confidence"] >= STRONG and r["report_probability"] > 0.1,
    "a strong word, model above 0.2": lambda r: r["type_confidence"] >= STRONG and r["report_probability"] > 0.2,
    "model above 0.3": lambda r: r["report_probability"] > 0.3,
    "model above 0.2": lambda r: r["report_probability"] > 0.2,
    # the shipped doubt bar, and what a lower bar where the rules count casualties or name a
    # hazard would add to it
    "model above 0.4 (shipped)": lambda r: r["report_probability"] > 0.4,
    "…or a casualty count, model above 0.2": lambda r: r["report_probability"] > 0.4 or (
        r["casualties"] > 0 and r["report_probability"] > 0.2),
    "…or a casualty count, model above 0.1": lambda r: r["report_probability"] > 0.4 or (
        r["casualties"] > 0 and r["report_probability"] > 0.1),
    "…or a casualty count, model above 0.05": lambda r: r["report_probability"] > 0.4 or (
        r["casualties"] > 0 and r["report_probability"] > 0.05),
    "…or a casualty count": lambda r: r["report_probability"] > 0.4 or r["casualties"] > 0,
    "…or a strong word, model above 0.2": lambda r: r["report_probability"] > 0.4 or (
        r["type_confidence"] >= STRONG and r["report_probability"] > 0.2),
    "…or a strong word, model above 0.1": lambda r: r["report_probability"] > 0.4 or (
        r["type_confidence"] >= STRONG and r["report_probability"] > 0.1),
    "…or either, model above 0.2": lambda r: r["report_probability"] > 0.4 or (
        (r["casualties"] > 0 or r["type_confidence"] >= STRONG) and r["report_probability"] > 0.2),
    "…or either, model above 0.1": lambda r: r["report_probability"] > 0.4 or (
        (r["casualties"] > 0 or r["type_confidence"] >= STRONG) and r["report_probability"] > 0.1),
}


def main() -> int:
    corpus = {path.stem: load(path) for path in sorted(CORPUS.glob("*.jsonl"))}
    caught = {name: [0, 0] for name in NETS}  # reports, non-reports
    dropped = [0, 0]
    messages = 0
    for name, commit, files in ROUNDS:
        rows = [r for stem in files for r in corpus[stem] if split_of(r["id"]) == "train"]
        messages += len(rows)
        read = old_readings(commit, rows, _READ_BOTH_WAYS)
        round_dropped = [0, 0]
        for row in rows:
            reading = read[row["id"]]
            if reading["is_report"] or reading["doubtful"]:
                continue
            which = 0 if row["expected"]["is_report"] else 1
            round_dropped[which] += 1
            for net, applies in NETS.items():
                caught[net][which] += applies(reading)
            if which == 0:
                shown = {k: reading[k] for k in ("casualties", "type_confidence", "place", "report_probability")}
                print(f"    lost: {row['id']} {shown} {row['text'][:70]!r}")
        print(f"round {name} ({commit}): {len(rows)} train-split messages; the old parser dropped "
              f"{round_dropped[0]} reports and {round_dropped[1]} non-reports as chatter")
        dropped = [dropped[0] + round_dropped[0], dropped[1] + round_dropped[1]]
    print(f"all rounds: {messages} messages; dropped as chatter {dropped[0]} reports (lost) and {dropped[1]} non-reports")
    print("a net that sends a dropped message to triage would have caught:")
    for net, (reports, others) in caught.items():
        print(f"  {net:<40} {reports:>3} lost reports, {others:>4} non-reports into triage")
    return 0


if __name__ == "__main__":
    sys.exit(main())
