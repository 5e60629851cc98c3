"""Intake parser accuracy per field on the team's labelled corpus, train and test
split, and on the development sample; and parse speed.

Run: .venv/bin/python bench/intake_accuracy.py [FILE ...] [--errors] [--min-parses 20000]

Without FILE: the corpus in bench/corpus/*.jsonl, split by a stable hash of each
line's id into train (70 %) and test (30 %); the independent held-out set in
bench/heldout/*.jsonl (written by another hand, who never saw the rules); and the
development sample ../shared/data/intake-dev.jsonl when it is there. The test
split and the held-out set are for measuring only: their errors are never printed
(`--errors` lists the train split's), so nobody tunes the rules on them. With
FILE(s): those files, whole.

Scoring is handlers/intake/scoring.py's (the same as `liandong intake eval`).
Targets on text nobody tuned on: is_report ≥ 97 %, type ≥ 95 %, time ≥ 95 %,
casualties ≥ 92 %, location ≥ 88 %, no real report lost (neither registered
nor in triage), speed ≥ 5,000 messages/s.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.intake.parser import parse_report  # noqa: E402
from handlers.intake.scoring import evaluate, load  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "corpus"
HELDOUT = Path(__file__).resolve().parent / "heldout"
DEV_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "intake-dev.jsonl"
MIN_SPEED = 5000.0
# Corpus files the shipped models were not trained on: rounds 27-32 (2026-12-07). Retrained with
# them, the report model lost more real reports on the test split (1 -> 6) and the held-out set
# (0 -> 1), so the models of round 26 were kept (bench/corpus/README.md); the trainers leave these
# files out, so that training still gives the shipped files. The rules read all of them, and every
# split is measured on all of them. Empty this set when a retraining is shipped again.
NOT_TRAINED_ON = frozenset({
    "zh-northeast", "zh-militia", "zh-tunnel", "en-retiree",          # round 27
    "zh-drone", "zh-insurer", "zh-sichuan", "en-surf",                 # round 28
    "zh-ferry", "zh-dance", "zh-guard", "en-hiker",                    # round 29
    "zh-dutyoffice", "zh-public", "en-dutyofficer", "mixed-bilingual",  # round 30
    "zh-fisheries", "zh-telecom", "zh-parents", "en-windfarm",         # round 31
    "zh-factorysafety", "zh-roadpatrol", "en-hotelstaff", "zh-villagecadre",  # round 32
})
TEST_SHARE = 3  # in 10


def training_files() -> list[Path]:
    """The corpus files the models are trained on (all but NOT_TRAINED_ON), in a fixed order."""
    return [path for path in sorted(CORPUS.glob("*.jsonl")) if path.stem not in NOT_TRAINED_ON]


def split_of(row_id: str) -> str:
    """train or test, fixed by the id alone: a line never changes sides."""
    return "test" if int(hashlib.sha256(row_id.encode()).hexdigest()[:8], 16) % 10 < TEST_SHARE else "train"


def speed(texts: list[str], min_parses: int) -> float:
    """Messages per second, single-threaded, over at least min_parses parses."""
    rounds = max(1, -(-min_parses // max(1, len(texts))))
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            parse_report(text)
    return rounds * len(texts) / (time.perf_counter() - start)


def _report(name: str, rows: list[dict[str, Any]], errors: bool, *, held_out: bool = False) -> bool:
    result = evaluate(rows)
    print(f"{name}: {len(rows)} messages")
    print("\n".join(result.summary(name_lost=not held_out)))
    if errors:
        for ident, field, got, want in result.errors:
            print(f"  ✗ {ident} {field}: got {got!r}, want {want!r}")
    return result.passed()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--min-parses", type=int, default=20000)
    ap.add_argument("--errors", action="store_true", help="list every wrong field (never the test split's)")
    args = ap.parse_args(argv)
    texts: list[str] = []
    passed = True
    if args.files:
        for path in args.files:
            rows = load(path)
            texts += [r["text"] for r in rows]
            passed &= _report(str(path), rows, args.errors)
    else:
        corpus = [row for path in sorted(CORPUS.glob("*.jsonl")) for row in load(path)]
        train = [r for r in corpus if split_of(str(r["id"])) == "train"]
        test = [r for r in corpus if split_of(str(r["id"])) == "test"]
        texts += [r["text"] for r in corpus]
        _report("corpus, train split", train, args.errors)
        passed &= _report("corpus, test split (never tuned on)", test, errors=False, held_out=True)
        heldout = [row for path in sorted(HELDOUT.glob("*.jsonl")) for row in load(path)]
        if heldout:
            texts += [r["text"] for r in heldout]
            passed &= _report("independent held-out set (another hand; never tuned on)", heldout, errors=False,
                              held_out=True)
        if DEV_FILE.exists():
            dev = load(DEV_FILE)
            texts += [r["text"] for r in dev]
            _report(f"development sample {DEV_FILE.name}", dev, args.errors)
    rate = speed(texts, args.min_parses)
    print(f"speed: {rate:,.0f} messages/s (single thread)  target ≥ {MIN_SPEED:,.0f}  "
          f"{'ok' if rate >= MIN_SPEED else 'BELOW TARGET'}")
    return 0 if passed and rate >= MIN_SPEED else 1


if __name__ == "__main__":
    sys.exit(main())
