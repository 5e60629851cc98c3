"""Intake parser: rules from the thirty-second round's train lines (factory safety officers,
highway patrol and road crews, hotel staff writing English, village cadres), in hand-written
phrasings (none is a corpus line), so that a later change that undoes a rule is caught here, not
only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, not_the_place", [
    ("二车间包装线上一个大姐中暑了，吐了两回，车间主任在打120", "打120"),  # the one calling is no place
    ("喷漆房调漆工位，稀释剂溅到小孙眼睛里，眼睛睁不开，准备送人民医院", "医院"),  # nor where she is taken
])
def test_places(text: str, not_the_place: str) -> None:
    assert not_the_place not in (parse_report(text).location or "")


@pytest.mark.parametrize("text, expected", [
    ("巡逻到S301，一条大狗扑出来把我们协管员小腿咬了，流血", (0, 1, 0, 0)),  # 协管员 is a person
    ("Lobby light fitting fell, 3 guests hit, one bleeding", (0, 3, 0, 0)),  # "3 guests hit"
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_calling_the_fire_rescue_names_no_fire() -> None:
    assert parse_report("Guest lift stuck between 5 and 6, two guests inside, need fire rescue").type == "other"


def test_an_all_clear_is_no_report() -> None:
    assert not parse_report("All clear on 12F - smoke was from burnt toast in 1207, guests back in their rooms").is_report
