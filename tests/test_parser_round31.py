"""Intake parser: rules from the thirty-first round's train lines (fishery and maritime officers,
telecom and power repair crews, parents' school groups, wind-farm technicians writing English), in
hand-written phrasings (none is a corpus line), so that a later change that undoes a rule is caught
here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, expected", [
    ("Two of the cable survey team are cut off by the tide on the rocks", (0, 0, 2, 0)),  # two of the team
    ("one of the painting gang collapsed in the heat", (0, 1, 0, 0)),
    ("Surveyor bitten by a snake on the access road", (0, 1, 0, 0)),  # a trade named alone
    ("he's hanging in his harness and can't get back onto the ladder", (0, 0, 1, 0)),
    ("井下两个人拉上来了，都昏着", (0, 2, 0, 0)),  # 都昏着: both out cold
    ("有个高中生在海边被浪卷走了，看不见人了", (0, 0, 0, 1)),  # 高中生 is a person
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, kind", [
    ("Crawler crane tipped over at pad T-3, operator stuck in the cab", "collapse"),  # a crane's, not a car's
    ("村后那座山着火了，烟很大", "forest_fire"),
    ("码头吊机钢丝绳断了，一兜货砸下来砸着俩人", "other"),  # Guard: a load that fell, not the crane
])
def test_types(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


@pytest.mark.parametrize("text", [
    "EXERCISE EXERCISE - man overboard at WTG-12, casualty dummy in the water",
    "Q: if the tower lift stops with someone inside, do we wait for the vendor?",
    "班里统计一下：春游要带急救包和雨衣，能提供的家长在下面接龙",
])
def test_no_reports(text: str) -> None:
    assert not parse_report(text).is_report
