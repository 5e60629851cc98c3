"""Intake parser: casualty grammar that the older rounds' train lines showed missing, in
hand-written phrasings (none is a corpus line): the second rescuer who also went down, a
tally said at the end (已经有十来个了), "the other one" with no noun, a sprain, a fall that
leaves someone unable to get up, a baby, a breakdown after 其中 that runs on, and a fall that
ends a place."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, expected", [
    # 昏迷 usually tells of some of those counted; "another" is one more
    ("污水井里一名工人昏倒，另一名工友下井施救也昏迷", (0, 2, 0, 0)),
    ("3名工人受伤，另有1人昏迷", (0, 4, 0, 0)),
    # "the other one", with no noun, doing what the first did
    ("化粪池里一个工人下去晕倒了 另一个下去也晕了", (0, 2, 0, 0)),
    # a tally at the clause's end, of the one kind told before it
    ("东村喜宴吃完好多人拉肚子 现在已经有十二个了", (0, 12, 0, 0)),
    ("好几个班的学生发烧出疹子 数了一下八个了", (0, 8, 0, 0)),
    ("刚才送医院那三个 现在又有俩说胸闷 一共五个了", (0, 5, 0, 0)),
    # one of two, told by what they are doing (一个在哼哼), and a sprain
    ("车里俩人 一个没气了一个在哼哼", (1, 1, 0, 0)),
    ("两个女孩被捞上来 一个脸磕破 一个手腕扭了", (0, 2, 0, 0)),
    # a fall that leaves someone on the ground, and a baby who drank what it should not
    ("老太太摔了 起不来", (0, 1, 0, 0)),
    ("宝宝误喝了洗洁精 一直咳", (0, 1, 0, 0)),
    # a breakdown goes on after 其中 for the rest of its sentence, and "among the injured" is a part
    ("县医院共收治伤员9名，其中重伤3人，轻伤6人，无死亡。", (0, 9, 0, 0)),
    ("1 dead, 4 injured in the van crash, 2 children among the injured", (1, 4, 0, 0)),
    # out of sight after a jump into the water, said with 看不到 as with 看不见
    ("邻居家孩子跳河了 现在看不见了", (0, 0, 0, 1)),
    ("有个人从桥上跳海了 已经看不到人了", (0, 0, 0, 1)),
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("3名工人受伤，其中1人昏迷", (0, 3, 0, 0)),  # 其中: a part of the three
    ("两个池子 一个漏了 另一个也满了", (0, 0, 0, 0)),  # the other pond, not a person
    ("山上塌方 路上的坑已经三个了", (0, 0, 0, 0)),  # a tally of potholes, with no predicate told
    ("新增2人受伤，现共7人", (0, 7, 0, 0)),  # the total stands as before
    ("5人受伤，其中2人重伤，另有1人受伤", (0, 6, 0, 0)),  # 另有 adds, as before
    ("3人受伤，其中1人重伤。2名工人被困", (0, 3, 2, 0)),  # a new sentence is no part
    ("仓库着火了 烟太大了 什么都看不到了", (0, 0, 0, 0)),  # the caller's view in smoke
    # a tally counts only what was told, with nothing between its words and the number
    ("仓库着火，无人受伤，已经疏散了200人了", (0, 0, 0, 0)),
    ("楼里着火了 无人受伤 围观的已经有200人了", (0, 0, 0, 0)),
])
def test_guards(text: str, expected: tuple[int, int, int, int]) -> None:
    """Guard: what these rules must not change."""
    assert counts(text) == expected


@pytest.mark.parametrize("text, place", [
    ("大妈在菜市场门口滑倒了 腿动不了", "菜市场门口"),
    ("游客在石岛渔港码头跌倒了", "石岛渔港码头"),
])
def test_a_fall_ends_the_place(text: str, place: str) -> None:
    assert parse_report(text).location == place
