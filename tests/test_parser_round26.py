"""Intake parser: rules from the twenty-sixth round's train lines (a lift-maintenance company's
dispatch group, Russian seamen and visitors writing English, village loudspeakers and cadres,
school-bus crews), in hand-written phrasings (none is a corpus line), so that a later change that
undoes a rule is caught here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, expected", [
    ("续报：3号楼又发现一个，现共困5人", (0, 0, 5, 0)),  # a total before the state (现共困5人)
    ("工地上一个工人从井道掉下去了，120来了说人已经没了", (1, 0, 0, 0)),  # 人已经没了 is a death
    ("梯冲顶了，里面一个小伙子头磕到轿壁上", (0, 1, 0, 0)),  # the head knocked against something
    ("村里的李老爷子早上出去到现在没回来，走丢了", (0, 0, 0, 1)),  # 老爷子 on his own
    ("车上有个小胖子中暑了，吐了两回", (0, 1, 0, 0)),  # 小胖子
    ("前挡风碎了，司机眼睛让玻璃渣崩了，学生都没事", (0, 1, 0, 0)),  # harmed by what burst
    ("屋里生着炉子，他和老伴都晕炕上了", (0, 2, 0, 0)),  # fainted on the kang
    # those counted who are fine are no headcount of the one held
    ("面包车司机卡驾驶室里出不来，咱车上30个孩子都好好的", (0, 0, 1, 0)),
    # learners' English
    ("snake bite my wife on the leg near the lighthouse", (0, 1, 0, 0)),
    ("sailor fall in the hold, we take him up, he no move, blood from head", (0, 1, 0, 0)),
    ("5 people from our tour vomit and belly pain after lunch", (0, 5, 0, 0)),
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, time", [
    ("工单#0702 事发2215 港湾街道某小区电梯困人1", "22:15"),  # 事发 before a log's clock
    ("礁石上有两个游客叫潮水困住了，过晌两点半左右发现的", "14:30"),  # 过晌 is the afternoon
])
def test_times(text: str, time: str) -> None:
    assert parse_report(text).time == time


@pytest.mark.parametrize("text", [
    "gas smell in our flat was the rubbish bag, gas company checked, no need come",  # an English all-clear
    "村民们注意了，六十岁以上的老人明天上午到村卫生室打流感疫苗",  # a vaccination notice
])
def test_no_reports(text: str) -> None:
    assert not parse_report(text).is_report


def test_a_bite_and_the_rabies_jab_asked_about_is_still_a_report() -> None:
    """Guard: a jab asked about after a bite is no vaccination notice."""
    assert parse_report("狗把院里的小孩咬了，小腿出血了，哪能打狂犬疫苗？").is_report


def test_a_crane_that_fell_is_a_collapse() -> None:
    assert parse_report("Crane fell on berth 3 at the fish port, one worker under it").type == "collapse"


@pytest.mark.parametrize("text, place", [
    ("18路在天鹅湖北侧那个弯道跟一辆面包车顶上了，司机卡里面了", "18路在天鹅湖北侧那个弯道"),
    ("续报：海晟花园刚又发现一个老太太困在2号梯", "海晟花园"),
])
def test_what_ends_a_place(text: str, place: str) -> None:
    assert parse_report(text).location == place


@pytest.mark.parametrize("text", [
    "石岛渔港3号码头发生其他，08:05，受伤3人。",  # as reports.compose writes a form where "other" was chosen
    "宁津街道海边发生其他，08:05，失踪2人。",
])
def test_a_report_forms_chosen_other_is_read_back_as_other(text: str) -> None:
    """A person chose the type; the type model (which read these as a fire and a water rescue)
    may not overrule it when the text is read again (a linked report split off)."""
    assert parse_report(text).type == "other"
