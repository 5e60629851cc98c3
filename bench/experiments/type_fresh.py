"""Where the type model (handlers/intake/type_model.py) may overrule the rules, and how
sure it must be: chosen on fresh batches, not on the train split.

The rules were tuned on all of the train split, so out of fold there they look right
nearly everywhere and no second opinion can show what it is worth on new text. Each
round of the corpus, though, was written before any rule was tuned on it. So each
round's train-split reports are read here with the parser *from before that round*
(its commit, checked out in a temporary git worktree) and with a type model trained on
today's train split without that round's files, and the type is scored under each
policy: the model asked where the rules found no family, also where they found only a
weak word, or everywhere; its answer taken above each bar.

Needs the git history (a clone, not an unpacked archive). Takes a few minutes.

Run: .venv/bin/python bench/experiments/type_fresh.py [--keep-above 0.1 0.2]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.intake_accuracy import CORPUS, split_of  # noqa: E402
from bench.train_type_model import examples, train  # noqa: E402
from handlers.intake import type_model  # noqa: E402
from handlers.intake.parser import INCIDENT_TYPES, normalise  # noqa: E402
from handlers.intake.scoring import load  # noqa: E402

# Each round: the commit just before its rules (its files in, the report and place models
# retrained, no rule tuned on it yet), and its files.
ROUNDS = (
    ("7", "d4d7364", ("en-factory", "zh-aqua", "zh-reservoir", "zh-rider", "zh-school")),
    ("8", "e7e2f10", ("en-expat", "zh-construction", "zh-elder", "zh-grid", "zh-police")),
    ("9", "4256dbb", ("mixed-abbrev", "zh-agri", "zh-dialect", "zh-energy", "zh-hospital", "zh-mall",
                      "zh-repost", "zh-scenic", "zh-transport", "zh-volunteer")),
    ("10", "f40eca5", ("en-mixed-crew", "zh-cantonese", "zh-city", "zh-kids", "zh-longform", "zh-night",
                       "zh-teen", "zh-typhoon", "zh-winter", "zh-women")),
    ("11", "a2b46a1", ("zh-mine", "zh-island", "zh-stream", "en-radio", "en-sport", "mixed-pinyin")),
)
# The confidence the parser gives its type: no family, a weak word, a strong one.
NO_FAMILY, WEAK, STRONG = 0.4, 0.7, 0.9
POLICIES = {"no family": {NO_FAMILY}, "no or weak family": {NO_FAMILY, WEAK}, "always": {NO_FAMILY, WEAK, STRONG}}
BARS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)

# Run inside the old commit's worktree: its parser's type and type confidence per line.
_READ_WITH_OLD_PARSER = """
import json, sys
from handlers.intake.parser import parse_report
for line in sys.stdin:
    row = json.loads(line)
    parsed = parse_report(row["text"])
    print(json.dumps({"id": row["id"], "is_report": parsed.is_report, "type": parsed.type,
                      "type_confidence": parsed.confidence.type}))
"""


def old_readings(commit: str, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), commit], cwd=ROOT, check=True)
        try:
            done = subprocess.run([sys.executable, "-c", _READ_WITH_OLD_PARSER], cwd=tree, check=True,
                                  input="".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                  capture_output=True, text=True, env={"PYTHONPATH": str(tree), "PATH": ""})
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)
    return {d["id"]: d for d in map(json.loads, done.stdout.splitlines())}


def score_round(files: tuple[str, ...], commit: str, keep_above: float) -> dict[Any, int]:
    corpus = {path.stem: load(path) for path in sorted(CORPUS.glob("*.jsonl"))}
    fresh = [r for stem in files for r in corpus[stem] if split_of(r["id"]) == "train" and r["expected"]["is_report"]]
    known = [r for stem, rows in corpus.items() if stem not in files for r in rows
             if split_of(r["id"]) == "train" and r["expected"]["is_report"]]
    model = type_model.by_feature(INCIDENT_TYPES, *train(examples(known), keep_above))
    old = old_readings(commit, fresh)
    right: dict[Any, int] = {"reports": len(fresh), "rules": 0, "model alone": 0}
    for row in fresh:
        want, read = row["expected"]["type"], old[row["id"]]
        chances = type_model.probabilities(model, normalise(row["text"]).lower())
        best = max(chances, key=chances.__getitem__)
        right["rules"] += read["type"] == want
        right["model alone"] += best == want
        for name, asked in POLICIES.items():
            for bar in BARS:
                taken = read["is_report"] and read["type_confidence"] in asked and chances[best] >= bar
                right[name, bar] = right.get((name, bar), 0) + ((best if taken else read["type"]) == want)
    return right


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep-above", type=float, nargs="+", default=[0.1])
    args = parser.parse_args()
    for keep_above in args.keep_above:
        total: dict[Any, int] = {}
        for name, commit, files in ROUNDS:
            right = score_round(files, commit, keep_above)
            print(f"round {name} ({commit}): {right['reports']} train-split reports, rules {right['rules']}, "
                  f"model alone {right['model alone']}, model where no family above 0.6 {right['no family', 0.6]}")
            total = {k: total.get(k, 0) + v for k, v in right.items()}
        print(f"weights kept above {keep_above}: {total.pop('reports')} reports, type right")
        for key, count in total.items():
            label = key if isinstance(key, str) else f"{key[0]}, above {key[1]}"
            print(f"  {label:<32} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
