"""Choose the intake's doubt threshold (handlers/intake/report_model.py, DOUBT_ABOVE)
from the corpus's train split alone, by cross-validation.

Why: the report model is trained on the whole train split, so on train it has seen
every line it is asked about and its train figures flatter it; the test split and the
held-out set are for measuring only, never for choosing. So the train split is cut in
FOLDS parts by a hash of each line's id; for each part, the model is trained exactly as
bench/train_report_model.py trains it (its own `train`, same features, settings and
seed) on the other parts and asked about this one. With these out-of-fold probabilities,
for each threshold t of the grid the parser's own path is replayed:

* a message the rules register, or doubt by themselves, is unchanged;
* a message the rules reject where the parser asks the model (parser.py, the one call
  of `report_probability`) goes to triage when its out-of-fold probability is > t;
* a message the rules reject before the model is asked stays rejected; that includes
  what a veto rejects (the vetoes' own second opinion, VETO_DOUBT_ABOVE, is a separate bar
  chosen on fresh batches, and is switched off here so that only DOUBT_ABOVE's call is seen).

(A last column, not used by the rule, shows how many of all train reports the model
puts above t out of fold: what it would catch had the rules missed them. The rules were
tuned on the train split, so there they miss almost nothing, and lost alone may not
tell thresholds apart.)

lost(t): real reports neither registered nor in triage; triage(t): the share of all
train lines in triage. Rule (fixed before the table was first printed): the largest t
whose triage share is at most TRIAGE_CAP and whose lost count is the least any t under
that cap achieves.

What it chooses is a candidate, not a decision: it is measured once on the test split and
the held-out set against a bar fixed beforehand, and shipped only if it clears it. Its
first run (2026-12-06) chose 0.9 and failed that bar; DOUBT_ABOVE stayed 0.7
(bench/corpus/README.md, "Choosing the doubt threshold out of fold"). It is 0.4 now,
with VETO_DOUBT_ABOVE, chosen on fresh batches instead (bench/experiments/fresh_batches.py;
bench/corpus/README.md, "The thirteenth round").

Only the train split is read; nothing of the test split or the held-out set.
Deterministic (the hash folds and the trainer's fixed seed).

Run: .venv/bin/python bench/choose_doubt.py
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import handlers.intake.parser as parser  # noqa: E402
from handlers.intake.report_model import DOUBT_ABOVE, features  # noqa: E402
from handlers.intake.scoring import load  # noqa: E402
from bench.intake_accuracy import CORPUS, split_of  # noqa: E402
from bench.train_report_model import _sigmoid, train  # noqa: E402

FOLDS = 5
GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(15))  # 0.2, 0.25, … 0.9
TRIAGE_CAP = 0.08


def fold_of(row_id: str) -> int:
    """The line's fold, fixed by its id alone (salted, so folds do not follow the split's hash)."""
    return int(hashlib.sha256(f"fold:{row_id}".encode()).hexdigest()[:8], 16) % FOLDS


@dataclass(frozen=True)
class Line:
    fold: int
    report: bool  # expected is_report
    path: str  # "registered", "rule doubt", "asked" (the model decides), "rejected"
    asked: str | None  # the text the parser hands the model, when it asks


def replay(rows: list[dict]) -> list[Line]:
    """Each train line's path through the parser, with the model's answer left open."""
    asked: list[str] = []

    def record(normalised_lower: str) -> float:
        asked.append(normalised_lower)
        return 0.0  # below any threshold: the parser returns "not a report", sure

    real, real_vetoed = parser.report_probability, parser._vetoed
    parser.report_probability = record
    parser._vetoed = lambda low, language: parser._not_a_report(language)  # the vetoes alone
    try:
        lines = []
        for row in rows:
            asked.clear()
            parsed = parser.parse_report(row["text"])
            path = ("registered" if parsed.is_report else "rule doubt" if parsed.doubtful
                    else "asked" if asked else "rejected")
            lines.append(Line(fold_of(str(row["id"])), bool(row["expected"]["is_report"]), path,
                              asked[0] if asked else None))
        return lines
    finally:
        parser.report_probability, parser._vetoed = real, real_vetoed


def out_of_fold(rows: list[dict], lines: list[Line]) -> list[float]:
    """Each line's probability from a model trained without its fold (of the text the parser
    hands the model, for a line where it asks)."""
    data = [(features(parser.normalise(row["text"]).lower()), 1.0 if row["expected"]["is_report"] else 0.0)
            for row in rows]  # as bench/train_report_model.py's examples(), in the same order
    found = [0.0] * len(lines)
    for fold in range(FOLDS):
        weights, bias = train([d for d, line in zip(data, lines) if line.fold != fold])
        for i, line in enumerate(lines):
            if line.fold == fold:
                grams = features(line.asked) if line.asked is not None else data[i][0]
                found[i] = _sigmoid(bias + sum(weights.get(f, 0.0) for f in grams))
    return found


def table(lines: list[Line], probability: list[float]) -> list[tuple[float, int, int, int]]:
    """(t, lost, in triage, train reports the model puts above t) for each t of the grid."""
    out = []
    for t in GRID:
        lost = triage = 0
        for i, line in enumerate(lines):
            doubted = line.path == "rule doubt" or (line.path == "asked" and probability[i] > t)
            triage += doubted
            lost += line.report and line.path != "registered" and not doubted
        above = sum(line.report and probability[i] > t for i, line in enumerate(lines))
        out.append((t, lost, triage, above))
    return out


def choose(rows: list[tuple[float, int, int, int]], lines: int) -> float:
    """The rule: under the triage cap, the fewest lost; of those thresholds, the largest."""
    allowed = [(t, lost) for t, lost, triage, _ in rows if triage <= TRIAGE_CAP * lines]
    least = min(lost for _, lost in allowed)
    return max(t for t, lost in allowed if lost == least)


def main() -> int:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    rows = [row for path in sorted(CORPUS.glob("*.jsonl")) for row in load(path) if split_of(row["id"]) == "train"]
    lines = replay(rows)
    counts = {p: sum(line.path == p for line in lines) for p in ("registered", "rule doubt", "asked", "rejected")}
    print(f"train split: {len(lines)} lines, {sum(line.report for line in lines)} reports; "
          f"folds {[sum(line.fold == k for line in lines) for k in range(FOLDS)]}")
    print("parser paths: " + ", ".join(f"{p} {n} ({sum(line.report for line in lines if line.path == p)} reports)"
                                      for p, n in counts.items()))
    found = table(lines, out_of_fold(rows, lines))
    reports = sum(line.report for line in lines)
    print(f"out of fold ({FOLDS} folds), model asked where the rules reject; last column, not used by the rule:\n"
          f"the share of all train reports the model puts above t (had the rules missed them)")
    print("     t   lost   triage        reports above t")
    for t, lost, triage, above in found:
        mark = "  (today)" if t == DOUBT_ABOVE else ""
        print(f"  {t:4.2f}  {lost:5}  {triage / len(lines):6.1%} ({triage:>3})  {above / reports:6.1%} ({above}){mark}")
    chosen = choose(found, len(lines))
    print(f"rule: the largest t with triage ≤ {TRIAGE_CAP:.0%} and the fewest lost under that cap: t = {chosen}"
          + ("" if chosen != DOUBT_ABOVE else " (today's: nothing to change)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
