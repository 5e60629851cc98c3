"""Intake parser: rules from the twenty-third round's train lines (pools and beaches' lifeguards,
couriers, hotel front desks, Japanese managers and visitors), in hand-written phrasings (none is a
corpus line), so that a later change that undoes a rule is caught here, not only as a figure in
bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, place", [
    ("1516房阳台上锁着个小孩", "1516房阳台"),
    ("KTV 806包间打起来了 一个人头被开瓢了", "KTV 806包间"),
    ("男更衣室两伙人打起来了 一个头破了", "男更衣室"),
    ("大堂吊顶掉了一块石膏板 砸到一个客人肩膀上", "大堂"),
    ("深水区有人沉了", "深水区"),
])
def test_the_rooms_and_halls_of_hotels_and_pools_are_places(text: str, place: str) -> None:
    assert parse_report(text).location == place


@pytest.mark.parametrize("text, kind", [
    ("3楼走廊 烟感已经响了 敲门没人应", "fire"),
    ("深水区有人沉了", "water_rescue"),
    ("工場で火事です！早く来てください", "fire"),
    ("子供が溺れた!! 救急車お願いします", "water_rescue"),
])
def test_types(text: str, kind: str) -> None:
    read = parse_report(text)
    assert read.is_report and read.type == kind


def test_an_alarm_explained_and_reset_is_chatter() -> None:
    """Guard: a smoke alarm names a fire since this round, but not one explained and reset."""
    read = parse_report("刚才5楼烟感报警是客人在房间里抽烟触发的 已复位 没有着火")
    assert not read.is_report and not read.doubtful


@pytest.mark.parametrize("text, expected", [
    ("老刘送件踩空 从楼梯上滚下来了 腰动不了", (0, 1, 0, 0)),
    ("一名男子被离岸流带出去五十米 人还能看见 在挥手", (0, 0, 1, 0)),
    ("工場の事務所で天井が落ちて、2人ケガしました", (0, 2, 0, 0)),
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_a_dislocation_set_back_is_no_alarm_reset() -> None:
    """Guard: 已复位 closes an alarm, not a doctor's report of a shoulder put back."""
    assert parse_report("老人在院里摔倒 肩膀脱臼 我给他已复位 还是疼得厉害 要不要送医院").is_report


def test_an_injured_persons_tally_in_japanese_is_not_a_second_count() -> None:
    """Guard: ケガ人1名 names the injured person the Chinese already counted."""
    assert counts("脚手架倒了 两个工人被压在下面出不来 还有一个人头被打伤了 下敷き2名、ケガ人1名です") == (0, 1, 2, 0)


def test_a_leg_that_will_not_move_in_a_car_is_the_one_trapped() -> None:
    """Guard: 腿动不了 beside 被困 says where they are held, not a second casualty."""
    assert counts("我被困在车里了 车卡在护栏上 腿动不了") == (0, 0, 1, 0)
