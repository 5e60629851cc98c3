"""Intake parser: rules from the thirtieth round's train lines (town duty offices and safety
officers, residents in the public help group, duty officers writing English, bilingual staff), in
hand-written phrasings (none is a corpus line), so that a later change that undoes a rule is caught
here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, expected", [
    ("一条无主大狼狗接连咬伤2名老人", (0, 2, 0, 0)),  # 无主 (ownerless) denies nothing
    ("一辆无牌三轮车撞伤2名行人", (0, 2, 0, 0)),  # nor 无牌 (unplated)
    ("山上滚下石头砸在一辆轿车上，车里的人受伤了", (0, 1, 0, 0)),  # the one in the car
    ("Pile-up on G228, two drivers walking about with blood on their faces", (0, 2, 0, 0)),
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_the_contractor_not_answering_the_phone_is_nobody_hurt() -> None:
    """Guard: "not answering" is a person's state, not a contractor's phone."""
    assert counts("Lift stuck since 21:15, 4 guests inside. Contractor not answering phone.")[1] == 0


@pytest.mark.parametrize("text, kind", [
    ("港区一台门式起重机倾覆，司机困在驾驶室", "collapse"),  # a crane that toppled
    ("Forklift went off the quay at berth 2, driver still inside", "water_rescue"),
])
def test_types(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


@pytest.mark.parametrize("text", [
    "还记得2019年利奇马那次吗，好多村都淹了",  # a named storm of a year gone by
    "Lessons learned from typhoon Lekima (2019): dorm ground floors flooded to 1.2m",
    "Planned power outage in the industrial park on Saturday, 0600-1400hrs",
    "Safety summary for the board: 14 crashes on G228, 21 injured",
])
def test_no_reports(text: str) -> None:
    assert not parse_report(text).is_report


def test_someone_perhaps_in_the_sinking_car_is_held() -> None:
    assert counts("一辆轿车冲进河里了！车里好像有人，车正在往下沉") == (0, 0, 1, 0)
