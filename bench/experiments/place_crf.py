"""Experiment (not shipped code): does a character-level CRF help the intake's location?

Reads only the corpus's train split (bench/intake_accuracy.py's split_of). Five folds
inside train by a hash of the id; the CRF is trained on four and tags the fifth, so
every train report gets an out-of-fold CRF span. The rules' own train output is
in-sample (they were tuned on all of train): optimistic, and only a reference.

Run: PYTHONPATH=. .venv/bin/python bench/experiments/place_crf.py [--grid]
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

import pycrfsuite

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.intake_accuracy import CORPUS, split_of  # noqa: E402
from handlers.intake.parser import normalise, parse_report  # noqa: E402
from handlers.intake.place_model import features, run_around_peak  # noqa: E402
from handlers.intake.scoring import load, location_matches  # noqa: E402

FOLDS = 5
PBARS = (0.1, 0.2, 0.3, 0.4, 0.5)


def fold_of(row_id: str) -> int:
    return int(hashlib.sha256(("place-fold:" + row_id).encode()).hexdigest()[:8], 16) % FOLDS


def tags(raw: str, location: str | None) -> list[str]:
    t = ["O"] * len(raw)
    if location:
        s = raw.find(location)
        t[s] = "B"
        for j in range(s + 1, s + len(location)):
            t[j] = "I"
    return t


def spans(labels: list[str]) -> list[tuple[int, int]]:
    found, start = [], None
    for i, lab in enumerate(labels + ["O"]):
        if lab == "B" or (lab == "I" and start is None):
            if start is not None:
                found.append((start, i))
            start = i
        elif lab == "O" and start is not None:
            found.append((start, i))
            start = None
    return found


def train(rows, path: str, c1: float, c2: float, minfreq: float = 0) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for r in rows:
        trainer.append(features(normalise(r["text"])), tags(r["text"], r["expected"]["location"]))
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": 150, "feature.possible_transitions": True,
                        "feature.minfreq": minfreq})
    trainer.train(path)


def tag(tagger, raw: str) -> tuple[str | None, float]:
    """The CRF's place (first of its spans by confidence) and its confidence (min marginal over the span)."""
    if not raw.strip():
        return None, 1.0
    labels = tagger.tag(features(normalise(raw)))
    best, conf = None, 0.0
    for s, e in spans(labels):
        c = min(tagger.marginal(labels[j], j) for j in range(s, e))
        if c > conf:
            best, conf = (s, e), c
    if best is None:
        # confidence that there is no place: the least sure O
        return None, min(tagger.marginal("O", j) for j in range(len(labels)))
    return raw[best[0]:best[1]].strip() or None, conf


def posterior_place(tagger, raw: str, bar: float) -> str | None:
    """Where the Viterbi path has no place: the run of characters around the one least
    likely to be outside a place, while each is more likely than `bar` to be inside one."""
    if not raw.strip():
        return None
    tagger.set(features(normalise(raw)))
    run = run_around_peak([1.0 - tagger.marginal("O", j) for j in range(len(raw))], bar)
    return None if run is None else raw[run[0]:run[1]].strip() or None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--grid", action="store_true")
    args = ap.parse_args()
    rows = [r for p in sorted(CORPUS.glob("*.jsonl")) for r in load(p) if split_of(str(r["id"])) == "train"]
    reports = [r for r in rows if r["expected"]["is_report"]]
    rules = {}
    for r in reports:
        parsed = parse_report(r["text"])
        rules[r["id"]] = (parsed.is_report, parsed.location, parsed.confidence.location)
    grid = [(0.05, 0.01), (0.1, 0.05), (0.2, 0.1), (0.5, 0.01), (0.02, 0.2)] if args.grid else [(0.1, 0.05)]
    tmp = tempfile.mkdtemp()
    base = sum(location_matches(rules[r["id"]][1] if rules[r["id"]][0] else None, r["expected"]["location"])
               for r in reports)
    for c1, c2 in grid:
        crf, post = {}, {}
        for k in range(FOLDS):
            path = f"{tmp}/f{k}.crf"
            train([r for r in reports if fold_of(r["id"]) != k], path, c1, c2)
            tagger = pycrfsuite.Tagger()
            tagger.open(path)
            for r in reports:
                if fold_of(r["id"]) == k:
                    crf[r["id"]] = tag(tagger, r["text"])
                    for pbar in PBARS:
                        post[(r["id"], pbar)] = posterior_place(tagger, r["text"], pbar)
        evaluate(reports, rules, crf, f"c1={c1} c2={c2}")
        for pbar in PBARS:
            def fill(r, pbar=pbar):
                is_rep, loc, _ = rules[r["id"]]
                return (loc if loc is not None else post[(r["id"], pbar)]) if is_rep else None
            fired = [r for r in reports if rules[r["id"]][0] and rules[r["id"]][1] is None
                     and post[(r["id"], pbar)] is not None]
            gain = sum(location_matches(fill(r), r["expected"]["location"]) for r in reports) - base
            print(f"  posterior run where rules placeless, P(inside) > {pbar:.2f}: {gain:+d} (fired {len(fired)}, "
                  f"on rightly placeless {sum(r['expected']['location'] is None for r in fired)})")


def evaluate(reports, rules, crf, name) -> None:
    n = len(reports)

    def score(choose) -> int:
        return sum(location_matches(choose(r), r["expected"]["location"]) for r in reports)

    def rule_loc(r):
        is_rep, loc, _ = rules[r["id"]]
        return loc if is_rep else None

    base = score(rule_loc)
    print(f"== {name}: {n} train reports")
    print(f"  rules alone (in-sample)           {base} ({base / n:.1%})")
    print(f"  CRF alone (out of fold)           {score(lambda r: crf[r['id']][0])} ")
    print(f"  CRF alone, parsed reports only    "
          f"{score(lambda r: crf[r['id']][0] if rules[r['id']][0] else None)}")
    placeless = [r for r in reports if rules[r["id"]][0] and rules[r["id"]][1] is None]
    print(f"  parsed reports the rules left placeless: {len(placeless)} "
          f"(rightly {sum(r['expected']['location'] is None for r in placeless)})")
    for bar in (0.0, 0.5, 0.7, 0.8, 0.9, 0.95):
        def fill(r, bar=bar):
            is_rep, loc, _ = rules[r["id"]]
            if not is_rep:
                return None
            got, conf = crf[r["id"]]
            return got if loc is None and got is not None and conf > bar else loc
        fired = sum(1 for r in reports if rules[r["id"]][0] and rules[r["id"]][1] is None
                    and crf[r["id"]][0] is not None and crf[r["id"]][1] > bar)
        print(f"  CRF where rules placeless, conf > {bar:.2f}: {score(fill) - base:+d} (fired {fired})")
    for rbar in (0.6, 0.8, 1.0):
        for bar in (0.5, 0.7, 0.8, 0.9, 0.95):
            def over(r, bar=bar, rbar=rbar):
                is_rep, loc, rconf = rules[r["id"]]
                if not is_rep:
                    return None
                got, conf = crf[r["id"]]
                return got if rconf < rbar and got is not None and conf > bar else loc
            fired = sum(1 for r in reports if rules[r["id"]][0] and rules[r["id"]][2] < rbar
                        and crf[r["id"]][0] is not None and crf[r["id"]][1] > bar
                        and crf[r["id"]][0] != rules[r["id"]][1])
            print(f"  CRF overrides where rules conf < {rbar:.1f} and CRF conf > {bar:.2f}: "
                  f"{score(over) - base:+d} (changed {fired})")


if __name__ == "__main__":
    main()
