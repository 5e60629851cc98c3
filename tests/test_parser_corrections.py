"""Intake parser: figures and times a sender corrects within the same message.

Hand-written phrasings (none is a corpus line)."""
from __future__ import annotations

import pytest

from handlers.intake.clock import event_time
from handlers.intake.corrections import corrected
from tests.parser_readings import counts


@pytest.mark.parametrize("text, expected", [
    ("人和镇路口两车相撞 伤了4个 刚才说错了 不是4个是3个", (0, 3, 0, 0)),
    ("商场电梯困人 里面5个 哦不 4个 都是学生", (0, 0, 4, 0)),
    ("更正：刚才报的那起车祸，不是2个人死亡，是2个人受伤", (0, 2, 0, 0)),
])
def test_a_corrected_figure_stands(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text", [
    "仓库着火 不是我们厂 是隔壁厂 2人受伤",   # not a figure: nothing to correct
    "人民路化工厂起火，3人受伤，有人被困",
])
def test_text_without_a_corrected_figure_is_left_as_it_is(text: str) -> None:
    assert corrected(text) == text


@pytest.mark.parametrize("text, hhmm", [
    ("俚岛镇民房着火 下午4点20分 打错了 是下午3点20分 火已经灭了", "15:20"),
    ("Fire at the boatyard 16:40, sorry, 15:40", "15:40"),
    ("下午3点着火 5点灭了", "15:00"),   # two times, no correction: the first is the event's
])
def test_a_corrected_time_stands(text: str, hhmm: str) -> None:
    assert event_time(text) == hhmm


def test_a_correction_puts_right_the_figure_said_of_people_not_another() -> None:
    # 3个村 are villages; the figure taken back is 伤了3人
    assert counts("大风刮倒3个村的大棚 伤了3人 不是3个是2个") == (0, 2, 0, 0)
