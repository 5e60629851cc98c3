"""Train the intake's second opinion on the incident type (handlers/intake/type_model.py)
on the reports of the corpus's train split, and write handlers/intake/type_model.json.

Only the train split of bench/corpus/ is read (the same stable hash split as
bench/intake_accuracy.py); the test split and the held-out set are for measuring.
Multinomial (softmax) logistic regression with AdaGrad and a little L2, trained with five
fixed seeds and the weights averaged, so the same corpus gives the same file. Weights too
small to matter are dropped to keep the file small.

Where the model is asked and how sure it must be were chosen on fresh batches, not
here: bench/experiments/fresh_batches.py (the rules were tuned on all of train, so out of
fold on train they look right nearly everywhere and no second opinion can show its worth).

Run: .venv/bin/python bench/train_type_model.py [--check]
(--check: train, and fail if the shipped file differs — the corpus changed and the
model was not retrained.)
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.intake import type_model  # noqa: E402
from handlers.intake.parser import INCIDENT_TYPES, normalise  # noqa: E402
from handlers.intake.report_model import features  # noqa: E402
from handlers.intake.scoring import load  # noqa: E402
from bench.intake_accuracy import split_of, training_files  # noqa: E402

# Few epochs and small steps: on fresh batches 20 epochs did no better than 10 and 5.
EPOCHS, L2, STEP = 10, 1e-4, 0.1
# One model per seed, their weights averaged: out of fold on the train split's reports
# (bench/experiments/type_model_seeds.py, 2026-12-06, 2,379 reports) single seeds named
# 80.6-81.5 % of types right alone, the average of these five 84.7 %.
SEEDS = (2026, 2027, 2028, 2029, 2030)
KEEP_ABOVE = 0.1  # |weight|; smaller ones barely move a probability, and the file stays small
Model = tuple[list[float], dict[str, dict[str, float]]]  # bias per family, {family: {feature: weight}}


def reports(split: str) -> list[dict[str, Any]]:
    return [row for path in training_files() for row in load(path)
            if split_of(row["id"]) == split and row["expected"]["is_report"]]


def examples(rows: list[dict[str, Any]]) -> list[tuple[list[str], int]]:
    # sorted: the same sums in the same order on every run
    return [(sorted(features(normalise(row["text"]).lower())), INCIDENT_TYPES.index(row["expected"]["type"]))
            for row in rows]


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def train(data: list[tuple[list[str], int]], keep_above: float = KEEP_ABOVE, seed: int = SEEDS[0]) -> Model:
    k = len(INCIDENT_TYPES)
    weights: dict[str, list[float]] = {}
    squares: dict[str, list[float]] = {}
    bias, bias_squares = [0.0] * k, [1e-8] * k
    order = list(data)
    shuffle = random.Random(seed)
    for _ in range(EPOCHS):
        shuffle.shuffle(order)
        for found, label in order:
            scores = list(bias)
            for f in found:
                row = weights.get(f)
                if row is not None:
                    scores = [s + w for s, w in zip(scores, row)]
            errors = _softmax(scores)
            errors[label] -= 1.0
            for c in range(k):
                bias_squares[c] += errors[c] * errors[c]
                bias[c] -= STEP * errors[c] / math.sqrt(bias_squares[c])
            for f in found:
                row = weights.setdefault(f, [0.0] * k)
                sq = squares.setdefault(f, [1e-8] * k)
                for c in range(k):
                    gradient = errors[c] + L2 * row[c]
                    sq[c] += gradient * gradient
                    row[c] -= STEP * gradient / math.sqrt(sq[c])
    # Softmax is unchanged when one n-gram's weights all move by the same amount (every
    # family's score moves alike); centred on their median, most are near zero and pruned.
    for row in weights.values():
        middle = statistics.median(row)
        row[:] = [w - middle for w in row]
    # Stored per family ({family: {feature: weight}}): a family's name once, not once per n-gram.
    kept = {name: {f: round(row[c], 2) for f, row in sorted(weights.items()) if abs(row[c]) > keep_above}
            for c, name in enumerate(INCIDENT_TYPES)}
    return [round(b, 2) for b in bias], kept


def averaged(models: list[Model]) -> Model:
    """The mean of the models' biases and weights (a weight a model dropped counts as 0)."""
    n = len(models)
    bias = [round(sum(column) / n, 2) for column in zip(*(b for b, _ in models))]
    total: dict[str, dict[str, float]] = {}
    for _, weights in models:
        for name, row in weights.items():
            for f, w in row.items():
                total.setdefault(name, {})[f] = total.setdefault(name, {}).get(f, 0.0) + w
    return bias, {name: {f: round(w / n, 2) for f, w in sorted(row.items()) if round(w / n, 2)}
                  for name, row in total.items()}


def train_averaged(data: list[tuple[list[str], int]], keep_above: float = KEEP_ABOVE) -> Model:
    """One model per seed, trained side by side on the machine's CPUs, then averaged."""
    with ProcessPoolExecutor(max_workers=min(len(SEEDS), os.cpu_count() or 1)) as pool:
        return averaged(list(pool.map(train, [data] * len(SEEDS), [keep_above] * len(SEEDS), SEEDS)))


def model_json(model: Model) -> str:
    bias, weights = model
    return json.dumps({"about": "handlers/intake/type_model.py; made by bench/train_type_model.py",
                       "families": list(INCIDENT_TYPES), "bias": bias, "weights": weights},
                      ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if the shipped model is not what training gives")
    args = parser.parse_args()
    rows = reports("train")
    text = model_json(train_averaged(examples(rows)))
    print(f"{sum(map(len, json.loads(text)['weights'].values()))} weights kept, {len(text.encode()) // 1024} KB")
    if args.check:
        same = type_model.MODEL_FILE.exists() and type_model.MODEL_FILE.read_text(encoding="utf-8") == text
        print("the shipped model is what training gives" if same else "the shipped model differs: retrain")
        return 0 if same else 1
    type_model.MODEL_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {type_model.MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
