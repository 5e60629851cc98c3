"""Intake parser: rules from the twenty-ninth round's train lines (a ferry terminal and its crews,
retired square dancers, security guards on night patrol, a hiking group writing English), in
hand-written phrasings (none is a corpus line), so that a later change that undoes a rule is caught
here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, expected", [
    ("续报：李姐在医院醒了，医生说是低血糖", (0, 1, 0, 0)),  # low blood sugar: a person taken ill
    ("跳着跳着孙大哥一头栽地上了，有人在给他按胸口", (0, 1, 0, 0)),  # fell flat to the ground
    ("一辆面包车把骑车的老大爷刮倒了，大爷腿上淌血", (0, 1, 0, 0)),
    ("我和王姐俩被关电梯里了 3号楼", (0, 0, 2, 0)),  # shut in a lift
    ("货车电瓶着火了，司机用干粉压住了，没人受伤", (0, 0, 0, 0)),  # a fire held down, nobody held
    ("商场楼顶上坐着个人，说谁上来他就跳", (0, 0, 0, 0)),  # threatening to jump, not cut off
    ("Ankle gone at junction 5. Need help", (0, 1, 0, 0)),
    ("Xiao Li got stung by wasps on the trail, face swelling", (0, 1, 0, 0)),  # a colleague named the Chinese way
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_a_log_clock_is_no_count() -> None:
    """A log's "1350 wound cleaned" is 13:50, not 1,350 hurt."""
    assert counts("Log: 1342 Pete bitten by snake on T4. 1350 wound cleaned. 1400 walking out")[1] <= 1


def test_the_roof_in_a_flood_still_holds_people() -> None:
    """Guard: sitting on a roof with the water round them is being cut off."""
    assert counts("村里进水了，对门老两口坐在房顶上下不来") == (0, 0, 2, 0)


@pytest.mark.parametrize("text, kind", [
    ("消防主管爆了，水哗哗往外喷，地下室快满了", "flood"),  # a burst main flooding a basement
    ("车库里水都淹到脚脖子了，还在涨", "flood"),
    ("供热管道爆裂，热水喷到路上，一名行人被烫伤", "other"),  # Guard: a scald from a heating main
])
def test_types(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


@pytest.mark.parametrize("text", [
    "续报：走失的小女孩在候船厅找到了，已经交给她爸爸，谢谢各位",  # found, with thanks: an all-clear
    "候船厅空调又坏了，闷得人都快烤熟了",  # the waiting hall (候船厅) is no boat
])
def test_no_reports(text: str) -> None:
    assert not parse_report(text).is_report


def test_a_tumble_is_a_fall() -> None:
    assert counts("A guy from another group took a tumble on the scree by the temple. Big cut on his head.") == (0, 1, 0, 0)
