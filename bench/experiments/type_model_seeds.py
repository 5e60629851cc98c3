"""How much the type model depends on the shuffle seed, and whether averaging the weights
of models trained with several seeds helps: out of fold on the train split's reports
(5 folds), the model alone's share of types right, for each seed and for the average.

Run: .venv/bin/python bench/experiments/type_model_seeds.py [--seeds 5]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import bench.train_type_model as trainer  # noqa: E402
from handlers.intake.type_model import by_feature, probabilities  # noqa: E402

FOLDS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    rows = trainer.reports("train")
    data = trainer.examples(rows)
    texts = [trainer.normalise(r["text"]).lower() for r in rows]
    seeds = [trainer.SEEDS[0] + i for i in range(args.seeds)]
    right: dict[object, int] = {s: 0 for s in [*seeds, "average"]}
    families = tuple(trainer.INCIDENT_TYPES)
    for fold in range(FOLDS):
        held = [i for i in range(len(data)) if i % FOLDS == fold]
        train = [data[i] for i in range(len(data)) if i % FOLDS != fold]
        models = [trainer.train(train, seed=seed) for seed in seeds]
        for name, model in [*zip(seeds, models), ("average", trainer.averaged(models))]:
            loaded = by_feature(families, model[0], model[1])
            for i in held:
                p = probabilities(loaded, texts[i])
                right[name] += max(p, key=p.__getitem__) == families[data[i][1]]
        print(f"fold {fold + 1}/{FOLDS} done", flush=True)
    print(f"{len(data)} train-split reports, out of fold, types right by the model alone:")
    for name in [*seeds, "average"]:
        print(f"  seed {name}: {right[name]} ({right[name] / len(data):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
