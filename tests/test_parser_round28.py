"""Intake parser: rules from the twenty-eighth round's train lines (drone pilots watching from the
air, insurers' claim adjusters, workers from Sichuan writing Sichuanese, a surf club), in
hand-written phrasings (none is a corpus line), so that a later change that undoes a rule is caught
here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, expected", [
    # Sichuanese: 遭 for 被, 起 for 着, 莫 for 没, 关到 for held, 婆娘 and 娃儿 as people
    ("车间着火了 有个娃儿手遭烫到了", (0, 1, 0, 0)),
    ("我兄弟骑摩托遭货车撞了 人躺起不动", (0, 1, 0, 0)),
    ("工地升降机卡起了 里头关到三个人", (0, 0, 3, 0)),
    ("挖机翻沟里了 司机莫出来", (0, 0, 1, 0)),
    ("大黄狗把送饭的婆娘咬了 腿上流血", (0, 1, 0, 0)),
    ("两个司机吵起来了，一个拿扳手把另一个头打破了", (0, 1, 0, 0)),  # the head broken by a blow
    ("一辆三轮连人掉进沟里了，人在沟底喊", (0, 0, 1, 0)),  # at the bottom of the pit
    ("涨潮了，礁石上还有三个人没上来", (0, 0, 3, 0)),  # not back up from the rock: cut off
    # English
    ("two kids getting dragged straight out past the flags!!", (0, 0, 2, 0)),
    ("a swimmer caught in a rip off the north end, lifeguard going out", (0, 0, 1, 0)),
    ("3 of us have been puking all night after the oysters", (0, 3, 0, 0)),
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_a_swimmer_pulled_out_by_a_rip_and_missing_is_not_held() -> None:
    """Guard: "pulled out by a rip current" is how they were lost, not where they are held."""
    assert counts("1 swimmer missing after being pulled out by a rip current, boats searching") == (0, 0, 0, 1)


@pytest.mark.parametrize("text", [
    "标的车与三者车追尾，物损为三者车后杠，定损2300元，客户催得紧",  # a claim being settled
    "这家串串辣得我嘴巴都着火了",  # a mouth on fire from the chillies
    "我们老家08年地震 房子都垮了 吓惨了",  # a two-digit year of a disaster back home
    "Free first aid course Saturday, with a mock rescue of two 'unconscious' swimmers",
    "Selling a fire pit, barely used, 300 rmb",
])
def test_no_reports(text: str) -> None:
    assert not parse_report(text).is_report


def test_an_adjuster_at_a_live_scene_still_reports() -> None:
    """Guard: the case words are ambient: casualties stated keep it a report."""
    assert parse_report("报案号RC2025xxxx 现场标的车司机卡在车里出不来，120还没到").is_report


@pytest.mark.parametrize("text, kind", [
    ("去石岛的路上看见山那边着火了，正往山下烧", "forest_fire"),  # a fire spreading down the hill
    ("2 kids getting dragged straight out past the flags", "water_rescue"),
    ("The jetty at the marina just gave way, two people in the water", "water_rescue"),  # Guard: people in the water win
    ("The old wooden jetty at the marina just gave way, one man hurt", "collapse"),
])
def test_types(text: str, kind: str) -> None:
    assert parse_report(text).type == kind
