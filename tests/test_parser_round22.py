"""Intake parser: rules from the twenty-second round's train lines (village doctors, wind-farm
crews, bus drivers, shipping agents), in hand-written phrasings (none is a corpus line), so that
a later change that undoes a rule is caught here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text", [
    "11月份全县狂犬病暴露处置共312人次 蛇咬伤6例 均治愈",
    "本周全县报告手足口病46例 均为轻症 请加强晨检",
    "上月全镇中暑就诊人数较去年同期下降11%",
    "申请补充：急救箱绷带10卷 AED电极片2副",
    "Final report: oil spill at the oil berth fully cleaned up, MSA has closed the case. No further action.",
])
def test_a_periods_figures_supply_requests_and_closed_cases_are_chatter(text: str) -> None:
    read = parse_report(text)
    assert not read.is_report and not read.doubtful  # chatter: not a question for the centre either


@pytest.mark.parametrize("text", [
    "东墩村喜宴后腹泻 已有12例 都在卫生院",
    "12月7日14时 东墩村婚宴后已有12例腹泻 都在卫生院",
])
def test_a_live_count_of_cases_is_a_report(text: str) -> None:
    """Guard: 例 in a report of now, with no period named (a month with its day is a date), is no statistic."""
    assert parse_report(text).is_report


@pytest.mark.parametrize("text, expected", [
    ("刚收一个口服敌敌畏的 女 40来岁", (0, 1, 0, 0)),
    ("一男性口服草甘膦约100ml 自行来诊", (0, 1, 0, 0)),
    ("车上一个小伙突然抽起来了", (0, 1, 0, 0)),
    ("一个抡酒瓶子把另一个头砸开了", (0, 1, 0, 0)),
    ("村里李哥被狼狗咬了大腿", (0, 1, 0, 0)),
    ("一个小孩掉水里了 还在水面上扑腾", (0, 0, 1, 0)),
    ("一名技术员从踏板滑落入水 人在视线内", (0, 0, 1, 0)),
    ("两个人被潮截在礁石上了 水涨得快", (0, 0, 2, 0)),
    ("扳手砸在小陈肩膀上 肩膀肿了抬不起来", (0, 1, 0, 0)),
    ("一个工人从房顶掉下来 后脑着地 意识有点模糊", (0, 1, 0, 0)),
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_searchers_counted_now_are_not_the_missing() -> None:
    """Guard: 现在二十多个人在找 counts the searchers, not more missing."""
    assert counts("走失的那个孩子还没找到 现在二十多个老师和家长在找") == (0, 0, 0, 1)


def test_a_confined_cable_pit_is_toxic_gas() -> None:
    read = parse_report("光伏升压站电缆井 下去抽积水的工人晕在里面了")
    assert read.is_report and read.type == "hazmat"


@pytest.mark.parametrize("text, not_the_place", [
    ("续报：H5机位落水的技术员已经捞上来了 右手腕骨折 正返航石岛渔港", "返航"),
    ("续报：东墩村喜宴腹泻病例现共23人 县疾控在路上", "疾控"),
])
def test_where_the_hurt_or_the_help_are_going_is_not_the_place(text: str, not_the_place: str) -> None:
    assert not_the_place not in (parse_report(text).location or "")
