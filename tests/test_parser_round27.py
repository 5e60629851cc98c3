"""Intake parser: rules from the twenty-seventh round's train lines (northeasterners writing
their own colloquial speech, the militia's emergency squads, crews building tunnels and pipe
galleries, retired foreigners in a residents' English group), in hand-written phrasings (none is a
corpus line), so that a later change that undoes a rule is caught here, not only as a figure in
bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, kind", [
    # a tunnel being built shares a mine's words and is no mine (cave-in, water, gas)
    ("隧道出口右洞YK2+300掌子面冒顶了，一个人被埋", "geological"),
    ("管廊2号竖井掌子面突然涌水，还有俩人在里面", "flood"),
    ("盾构区间瓦斯浓度超了，人都撤出来了，请求支援", "hazmat"),
    ("管廊竖井下面小李中暑了，吐了，人迷迷糊糊的", "medical"),
    ("煤矿井下冒顶，两人被困", "mine"),  # Guard: a mine named is a mine
])
def test_works_underground(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


@pytest.mark.parametrize("text, expected", [
    ("厂里一个大兄弟干活中暑了，脸煞白", (0, 1, 0, 0)),  # 大兄弟, a fellow as the northeast says it
    ("有个哥们儿从架子上卡下来了，腿卡坏了", (0, 1, 0, 0)),  # 卡坏: hurt in a fall
    ("招牌掉下来把骑车的小伙脑袋砸了", (0, 1, 0, 0)),  # the head as 脑袋 / 脑瓜子
    ("路边割草的，被蛇咬了，手肿起老高", (0, 1, 0, 0)),  # someone named by what they were doing
    ("车里有人 正在往下沉", (0, 0, 1, 0)),  # still seen, sinking with the car
    ("码头一个工人掉海里了，浪大，现在看不见人", (0, 0, 0, 1)),  # out of sight in the water
    ("续报：被埋2人已救出1人，另1人仍在挖掘中", (0, 0, 1, 0)),  # still being dug for
    ("续报：被困村民已全部转移，现共转移40人", (0, 0, 0, 0)),  # evacuees, all out
    ("机器漏油喷到一个操作手脸上，眼睛睁不开", (0, 1, 0, 0)),  # eyes that cannot open
    ("they brought the old man out but he didn't make it", (1, 0, 0, 0)),
    ("the cyclist was thrown off and isn't moving", (0, 1, 0, 0)),
    ("a swimmer is going under off the beach, I can see her arms", (0, 0, 1, 0)),
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_dirty_to_death_is_a_complaint() -> None:
    assert not parse_report("这屋子给我熏的 埋汰死了 咋收拾都不干净").is_report  # 埋汰死了: filthy


def test_the_northeast_addressing_the_group_is_nobody_hurt() -> None:
    """Guard: 老铁们 is the group addressed, not a person counted."""
    assert counts("老铁们谁有船 村里进水了") == (0, 0, 0, 0)


@pytest.mark.parametrize("text, kind", [
    ("村后防护林着火了，火挺大", "forest_fire"),  # a shelter belt is woodland
    ("半夜下大雨 屋里水都到我腰了 咋整", "flood"),  # the water up to someone's waist
    ("一宿大雨，院子里全是水，都漫炕沿了", "flood"),
    ("A van has gone into the back of a taxi by the gate", "traffic"),
    ("The scaffolding on the block across the road has just folded like a house of cards", "collapse"),
])
def test_types(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


@pytest.mark.parametrize("text, time", [
    ("报告！0915俚岛镇大庄许家村后山滑坡，一户房屋受损", "09:15"),  # a squad's report opening on its clock
])
def test_times(text: str, time: str) -> None:
    assert parse_report(text).time == time


def test_a_count_after_the_report_word_is_no_clock() -> None:
    """Guard: 报告！1500户受灾 is households, not 15:00."""
    assert parse_report("报告！1200户停电，线路正在抢修").time is None


def test_a_lifeboat_exercise_is_no_report() -> None:
    assert not parse_report("Lovely morning watching the lifeboat exercise off the harbour, they winched three "
                            "'injured' crew off a trawler").is_report
