"""How much the report model's doubt depends on the shuffle seed, and whether averaging
the weights of models trained with several seeds steadies it.

The model is trained by SGD over shuffled examples, so a different order gives a
different model; near the doubt bar (DOUBT_ABOVE) a report may fall either side, which
the lost count of a retrained model showed. Out of fold on the train split only
(5 folds): for each seed, the reports the model puts at or below the bar and the
non-reports above it; then the same for the weights averaged over the seeds.

Run: .venv/bin/python bench/experiments/report_model_seeds.py [--seeds 5]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import bench.train_report_model as trainer  # noqa: E402
from handlers.intake.report_model import DOUBT_ABOVE  # noqa: E402

FOLDS = 5


def probability(model: tuple[dict[str, float], float], found: set[str]) -> float:
    weights, bias = model
    return trainer._sigmoid(bias + sum(weights.get(f, 0.0) for f in found))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    data = trainer.examples("train")
    seeds = [trainer.SEEDS[0] + i for i in range(args.seeds)]
    below: dict[object, set[int]] = {s: set() for s in [*seeds, "average"]}  # reports at or below the bar
    above: dict[object, set[int]] = {s: set() for s in [*seeds, "average"]}  # non-reports above it
    for fold in range(FOLDS):
        held = [i for i in range(len(data)) if i % FOLDS == fold]
        train = [data[i] for i in range(len(data)) if i % FOLDS != fold]
        models = [trainer.train(train, seed) for seed in seeds]
        for name, model in [*zip(seeds, models), ("average", trainer.averaged(models))]:
            for i in held:
                found, label = data[i]
                p = probability(model, found)
                if label == 1.0 and p <= DOUBT_ABOVE:
                    below[name].add(i)
                elif label == 0.0 and p > DOUBT_ABOVE:
                    above[name].add(i)
        print(f"fold {fold + 1}/{FOLDS} done", flush=True)
    reports = sum(1 for _, label in data if label == 1.0)
    print(f"{len(data)} train lines, {reports} reports; out of fold, at the bar {DOUBT_ABOVE}:")
    for name in [*seeds, "average"]:
        print(f"  seed {name}: {len(below[name])} reports at or below, {len(above[name])} non-reports above")
    singles = [below[s] for s in seeds]
    print(f"reports below for some seed but not all: {len(set.union(*singles) - set.intersection(*singles))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
