"""The intake's second opinion on the type: asked only where the rules found no family or a
weak word, taken only when sure (surer over a word); a strong word the rules found always
stands; and the shipped weights are what training on today's corpus gives."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from handlers.intake import type_model
from handlers.intake.parser import parse_report

ROOT = Path(__file__).resolve().parents[1]
NO_FAMILY = "人民路上3人受伤 快来"  # a casualty and a place, no hazard word: the rules can only say "other"
RULES_FAMILY = "人民路起火了"
WEAK_WORD = "人民路口两辆车撞了"  # a weak word of the rules (traffic): a crash, or what a crash was part of


def _model_says(monkeypatch: pytest.MonkeyPatch, family: str, probability: float) -> None:
    rest = (1.0 - probability) / (len(type_model._model()[0]) - 1)
    monkeypatch.setattr(type_model, "type_probabilities",
                        lambda _text: {name: probability if name == family else rest
                                       for name in type_model._model()[0]})


def test_a_sure_model_names_the_type_where_the_rules_found_no_family(monkeypatch: pytest.MonkeyPatch) -> None:
    _model_says(monkeypatch, "other", 0.95)  # (set, not the shipped weights: they change with every retraining)
    assert parse_report(NO_FAMILY).type == "other"
    _model_says(monkeypatch, "traffic", 0.95)
    parsed = parse_report(NO_FAMILY)
    assert parsed.type == "traffic", "the model's answer is used"
    assert parsed.confidence.type < 0.6, "no rule word carries it: still shown as unsure"


def test_a_guessed_type_names_no_hazard_for_linking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Follow-ups link to an incident of any type at their place when they name no hazard:
    the model's guess must not count as naming one."""
    _model_says(monkeypatch, "hazmat", 0.95)
    guessed = parse_report(NO_FAMILY)
    assert guessed.type == "hazmat" and not guessed.hazard_named
    assert parse_report(RULES_FAMILY).hazard_named


def test_an_unsure_model_leaves_other(monkeypatch: pytest.MonkeyPatch) -> None:
    _model_says(monkeypatch, "traffic", type_model.SURE_ABOVE - 0.05)
    assert parse_report(NO_FAMILY).type == "other"


def test_a_strong_word_the_rules_found_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    _model_says(monkeypatch, "flood", 0.99)
    assert parse_report(RULES_FAMILY).type == "fire"


def test_a_weak_word_gives_way_only_to_a_model_nearly_certain(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_report(WEAK_WORD).type == "traffic"
    _model_says(monkeypatch, "water_rescue", (type_model.SURE_ABOVE + type_model.OVERRULE_WEAK_ABOVE) / 2)
    kept = parse_report(WEAK_WORD)
    assert kept.type == "traffic", "sure enough to name a type where none was found, not to overrule a word"
    _model_says(monkeypatch, "water_rescue", type_model.OVERRULE_WEAK_ABOVE + 0.05)
    overruled = parse_report(WEAK_WORD)
    assert overruled.type == "water_rescue"
    assert overruled.confidence.type < 0.6, "the word and the model disagree: shown as unsure"


def test_the_shipped_type_model_is_what_training_on_the_corpus_gives() -> None:
    """A corpus changed without retraining fails here: run bench/train_type_model.py."""
    # a generous timeout: training grows with the corpus, and a busy machine runs at half speed
    checked = subprocess.run([sys.executable, "bench/train_type_model.py", "--check"], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_warm_up_loads_both_models_before_any_message_needs_them() -> None:
    """The bot's parse worker and `liandong parse -` call it before their first message (and
    before forking readers): a sure report, which needs neither model, loaded none."""
    code = ("from handlers.intake import report_model, type_model\n"
            "from handlers.intake.parser import parse_report, warm_up\n"
            "parse_report('人民路化工厂起火，1人受伤')\n"
            "print(report_model._weights.cache_info().currsize, type_model._model.cache_info().currsize)\n"
            "warm_up()\n"
            "print(report_model._weights.cache_info().currsize, type_model._model.cache_info().currsize)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.split("\n")[:2] == ["0 0", "1 1"], done.stderr
