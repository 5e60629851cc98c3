"""The intake's second opinion on the place: where the rules register a report and find
no place in it, the small CRF (trained on the corpus's train split) names one, marked
unsure; it never replaces a place the rules found, leaves a shout with no place
placeless; and the shipped model is what training on today's corpus gives."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from handlers.intake import place_model
from handlers.intake.parser import parse_report

ROOT = Path(__file__).resolve().parents[1]
# Written for this test (not from any corpus file): a Chinese town and a pit named beside English.
ONLY_THE_MODEL = "Shidao镇 铁矿 roof collapsed, 3 miners trapped"
NO_PLACE = ["有人落水了 快救人", "着火了 着火了 快打119", "快来人 有人晕倒了 叫不醒"]


def test_the_model_names_a_place_the_rules_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = parse_report(ONLY_THE_MODEL)
    assert parsed.is_report and parsed.location == "Shidao镇 铁矿"
    assert "location" in parsed.unsure_fields, "a guess is shown as one"
    monkeypatch.setattr(place_model, "place_span", lambda text: None)  # the rules alone
    assert parse_report(ONLY_THE_MODEL).location is None


@pytest.mark.parametrize("text", NO_PLACE)
def test_a_shout_with_no_place_stays_placeless(text: str) -> None:
    parsed = parse_report(text)
    assert parsed.is_report and parsed.location is None and "location" not in parsed.unsure_fields


def test_a_place_the_rules_found_is_never_second_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    def asked(text: str) -> None:
        raise AssertionError("the model was asked")

    monkeypatch.setattr(place_model, "place_span", asked)
    parsed = parse_report("人民路化工厂起火，2人受伤")
    assert parsed.is_report and parsed.location == "人民路化工厂"
    assert "location" not in parsed.unsure_fields


def test_the_shipped_model_is_what_training_on_the_corpus_gives() -> None:
    """A corpus changed without retraining fails here: run bench/train_place_model.py."""
    # a generous timeout: training grows with the corpus, and a busy machine runs at half speed
    checked = subprocess.run([sys.executable, "bench/train_place_model.py", "--check"], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
