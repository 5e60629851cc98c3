"""A second opinion on the incident type: a small multinomial (softmax) logistic
regression over the type families, on the same character n-grams and Latin words as
`report_model`, trained on the corpus's train split (`bench/train_type_model.py`).

The rules name a type from word lists; where a report carries no word they know (a
casualty or a cry for help alone) they can only say "other". `second_opinion` asks the
model only there, and takes its answer only when it is confident; any word of the
rules stands (see `second_opinion` for why).

The weights are the mean of five models trained in different example orders (out of fold
on the train split the mean named types right more often than any one of them). They ship
with the package (`type_model.json`, about 2.5 MB), loaded once on first use; no
download, no numerical library. The n-grams are computed only for the messages the
model is asked about, so the parser stays fast.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from handlers.intake.report_model import features

MODEL_FILE = Path(__file__).with_name("type_model.json")
# Asked only where the rules found no family (they can only say "other"). Chosen on fresh
# batches: each round's train-split reports read with the rules from before its round and a
# model trained without it (bench/experiments/fresh_batches.py). Fixed on rounds 7-10 (616
# reports: rules alone 457 right, the model where they found no family 472-474 at 0.5-0.6,
# also where they found a weak word no better, everywhere worse below 0.8), then measured
# once. With rounds 11 and 12 (860 reports): rules 636, this 660 at 0.6; also where a weak
# word stood 663-665 at 0.6-0.7, a few lines the first four rounds did not show, not taken.
# The mean of five models (rounds 7-15, 1,189 reports, 2026-12-06): rules alone 906, asked
# where no family stood 925-930 (0.6: 930), also where a weak word stood 934-936, also
# overruling strong words 944-951 above 0.8-0.95. Not taken: overruling a word the rules found
# breaks the conventions they were written to (a leak that caught fire is a fire, shots fired
# and an electric shock are other, a boat that lost power is a rescue at sea), which not every
# corpus writer kept, and asking the model about every report costs a fifth of the parse.
ASK_WHEN: frozenset[str | None] = frozenset({None})
# The model's answer is taken only when it gives its family at least this probability:
# 0.5 to 0.9 gave 657-660 of the 860; 0.6 is in the middle of that plateau.
SURE_ABOVE = 0.6


Loaded = tuple[tuple[str, ...], list[float], dict[str, tuple[float, ...]]]


def by_feature(families: tuple[str, ...], bias: list[float], weights: dict[str, dict[str, float]]) -> Loaded:
    """The file's {family: {feature: weight}} turned round to {feature: (weight for each family)}:
    a message's n-grams are looked up once each, and the sums are taken column by column in C."""
    nothing = (0.0,) * len(families)
    turned: dict[str, list[float]] = {}
    for i, name in enumerate(families):
        for f, w in weights.get(name, {}).items():
            turned.setdefault(f, list(nothing))[i] = w
    return families, [float(b) for b in bias], {f: tuple(row) for f, row in turned.items()}


@lru_cache(maxsize=1)
def _model() -> Loaded:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    return by_feature(tuple(data["families"]), data["bias"], data["weights"])


def type_probabilities(normalised_lower: str) -> dict[str, float]:
    """The shipped model's probability of each type family for text normalised and lower-cased by the parser."""
    return probabilities(_model(), normalised_lower)


def probabilities(model: Loaded, normalised_lower: str) -> dict[str, float]:
    """Any such model's (the experiments score models trained on part of the corpus)."""
    families, bias, weights = model
    # One lookup an n-gram, and the sums taken column by column in C: a Python loop over
    # the n-grams and their families was three quarters of the time.
    rows = list(filter(None, map(weights.get, features(normalised_lower))))
    scores = [b + sum(column) for b, column in zip(bias, zip(*rows))] if rows else list(bias)
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {name: e / total for name, e in zip(families, exps)}


def second_opinion(rules_family: str | None, normalised_lower: str) -> str | None:
    """The type the model would put instead of the rules' answer, or None to keep the rules'.

    A family the rules found, even from a weak word, is kept: the rules were written for
    those words, and on fresh text the model overruling them lost lines at every
    confidence bar. Where they found none, their "other" is a default, not a reading; a
    model sure of another family is asked there only.
    """
    if rules_family not in ASK_WHEN:
        return None
    probabilities = type_probabilities(normalised_lower)
    best = max(probabilities, key=probabilities.__getitem__)
    rules_type = rules_family.removesuffix("_strong").removesuffix("_weak") if rules_family else "other"
    if best == rules_type or probabilities[best] < SURE_ABOVE:
        return None
    return best
