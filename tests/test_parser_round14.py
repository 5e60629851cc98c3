"""Intake parser, fourteenth round: the fleet's Beidou messages and duty logs, Taiwan
Mandarin, outdoor clubs and translated English.

Hand-written phrasings of each rule (none is a corpus line), so that a later change that
undoes a rule is caught here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report


def counts(text: str) -> tuple[int, int, int, int]:
    c = parse_report(text).casualties
    return c.dead, c.injured, c.trapped, c.missing


@pytest.mark.parametrize("text", [
    "鲁荣渔61207 机舱进水 抽不过来 请求救援",          # a boat named by its registration
    "右舷被撞破了 一直在进水 船上6人",
    "进水严重 鲁威渔3302 位置36-58N 122-40E",         # the registration after the trouble
])
def test_a_boat_taking_on_water_is_a_rescue_at_sea_not_a_flood(text: str) -> None:
    assert parse_report(text).type == "water_rescue"


def test_a_house_taking_on_water_is_still_a_flood() -> None:
    assert parse_report("下大雨 俺家一楼进水了 在西河村").type == "flood"


@pytest.mark.parametrize("text, hhmm", [
    ("渔政值班：0420 鲁荣渔50211在镆铘岛东南碰撞，2人落水", "04:20"),
    ("鲁荣渔50211报 2310 一名船员被缆绳打伤", "23:10"),
    ("1745 与货船擦碰 左舷破损 人员无伤", "17:45"),
    ("船长来电称该船于0135在鸡鸣岛北侧触礁", "01:35"),
    # the log's own time is when the call came in, not the event's
    ("值班记录 09:40 接鲁荣渔50211船东电话，该船09:10许主机起火", "09:10"),
])
def test_a_duty_log_and_a_beidou_message_give_their_clock_time(text: str, hhmm: str) -> None:
    assert parse_report(text).time == hhmm


@pytest.mark.parametrize("text", [
    "鲁荣渔50211 船员腿被缆绳打伤 预计1600到港",       # an arrival estimate
    "船上 1200 箱货物落海 一人受伤",                   # a quantity
    "2024年港西镇一仓库着火 三人受伤",                  # a year
])
def test_four_digits_that_are_not_a_clock_time(text: str) -> None:
    assert parse_report(text).time is None
