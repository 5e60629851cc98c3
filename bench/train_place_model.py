"""Train the intake's second opinion on the place (handlers/intake/place_model.py) on
the corpus's train split, and write handlers/intake/place_model.crfsuite.

Only the train split's reports are read (the same stable hash split as
bench/intake_accuracy.py); the test split and the held-out set are for measuring.
Each character is tagged B / I / O from the labelled place (its first occurrence in
the text; a report with no place is all O). L-BFGS with the settings chosen by 5-fold
cross-validation inside the train split (bench/experiments/place_crf.py); the same
corpus gives the same file.

Run: .venv/bin/python bench/train_place_model.py [--check]
(--check: train, and fail if the shipped file differs — the corpus changed and the
model was not retrained.)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pycrfsuite

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.intake_accuracy import split_of, training_files  # noqa: E402
from handlers.intake.parser import normalise  # noqa: E402
from handlers.intake.place_model import MODEL_FILE, features  # noqa: E402
from handlers.intake.scoring import load  # noqa: E402

C1, C2, ITERATIONS = 0.1, 0.05, 150


def tags(raw: str, location: str | None) -> list[str]:
    labels = ["O"] * len(raw)
    if location:
        start = raw.find(location)
        labels[start:start + len(location)] = ["B"] + ["I"] * (len(location) - 1)
    return labels


def train(rows: list[dict], path: Path) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for row in rows:
        trainer.append(features(normalise(row["text"])), tags(row["text"], row["expected"]["location"]))
    trainer.set_params({"c1": C1, "c2": C2, "max_iterations": ITERATIONS, "feature.possible_transitions": True})
    trainer.train(str(path))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="fail if the shipped model is not what training gives")
    args = ap.parse_args(argv)
    rows = [row for path in training_files() for row in load(path)
            if split_of(str(row["id"])) == "train" and row["expected"]["is_report"]]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / MODEL_FILE.name
        train(rows, out)
        if args.check:
            same = MODEL_FILE.exists() and MODEL_FILE.read_bytes() == out.read_bytes()
            print(f"{MODEL_FILE.name}: {'as trained' if same else 'DIFFERS from training on today’s corpus'}")
            return 0 if same else 1
        MODEL_FILE.write_bytes(out.read_bytes())
    print(f"{len(rows)} train reports → {MODEL_FILE} ({MODEL_FILE.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
