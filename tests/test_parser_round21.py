"""Intake parser: rules from the twenty-first round's train lines (a nuclear plant's shift logs,
seafood yards, relief NGOs' sitreps, livestreamers), in hand-written phrasings (none is a corpus
line), so that a later change that undoes a rule is caught here, not only as a figure in
bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text", [
    "非演练！仓库二楼冒烟有明火，人员已撤离，无人受伤，请各部门不要靠近",
    "不是演练 三号楼着火了 请各单位马上组织疏散",
])
def test_not_a_drill_with_an_instruction_to_units_is_a_report(text: str) -> None:
    """A notice to units that names a hazard goes to a person; one that says it is no drill is the real thing."""
    read = parse_report(text)
    assert read.is_report and read.type == "fire"


def test_talk_of_a_past_real_fire_stays_before_a_person() -> None:
    """Guard: 不是演练 about last year's fire does not make it happen now."""
    read = parse_report("去年那次不是演练 是真着火了 请各单位吸取教训")
    assert not read.is_report


@pytest.mark.parametrize("text", [
    "昨天群里说海边有人落水是我瞎编的 对不起大家",
    "刚才说崖头冒烟那个 问清楚了 人家在地里烧秸秆 没事了大家别慌",
    "别慌 影视城那边在拍戏 爆炸是特效",
    "刚才的氨味查清楚了 是新刷的油漆味 不是泄漏",
    "WASH cluster minutes: 1) 12 water points functional 2) chlorine stock low",
    "First aid refresher for volunteers Sat 14:00. Topics: CPR, drowning, snake bites",
])
def test_retractions_filming_smells_checked_minutes_and_refreshers_are_chatter(text: str) -> None:
    assert not parse_report(text).is_report


@pytest.mark.parametrize("text", [
    "我们在拍视频的时候 看见有人落水了",
    "剧组在拍戏的时候威亚断了 演员从五米高摔下来了",
])
def test_filming_that_sees_a_real_accident_is_a_report(text: str) -> None:
    """Guard: filming while something happens is no film set's effect."""
    assert parse_report(text).is_report


@pytest.mark.parametrize("text, expected", [
    ("集市上一条疯狗乱咬人 俩孩子腿上全是血", (0, 2, 0, 0)),
    ("工地一个小工腿都砸变形了", (0, 1, 0, 0)),
    ("吃完喜宴好多人拉肚子 已经有七八个躺下了", (0, 7, 0, 0)),
    ("一名保管员吸了几口烟 咳得厉害", (0, 1, 0, 0)),
    ("宿舍两个人早上喊不醒 脸通红", (0, 2, 0, 0)),
    ("两人吵起来 一个拿剪子把另一个胳膊豁了个口子 血哗哗的", (0, 1, 0, 0)),
    ("俺在地里干活 草里蹿出条长虫咬了脚脖子一口 现在肿起来了", (0, 1, 0, 0)),
    ("渔船翻了 俩人扒着船底", (0, 0, 2, 0)),
    ("volunteer bitten by a dog near the market, bleeding from the leg", (0, 1, 0, 0)),
    ("our driver has back pain after the car slid into the ditch", (0, 1, 0, 0)),
    ("warehouse worker slipped off the ladder, suspected fractured wrist", (0, 1, 0, 0)),
    ("4 ppl on roof in Xiwang village, need boat", (0, 0, 4, 0)),
    ("Volunteer Wang still missing after the boat overturned", (0, 0, 0, 1)),
    ("Scaffolding on the building next door just collapsed. One worker under the poles", (0, 0, 1, 0)),
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_a_writer_introduced_by_where_they_come_from_is_not_counted() -> None:
    """(A volunteer is one person since this round: without the introduction rule, 1 injured.)"""
    text = "Hello, here is volunteer from Korea team. In the village one house is fall down, old man inside cannot come out"
    assert counts(text) == (0, 0, 1, 0)


def test_a_writer_who_says_who_they_are_may_be_the_one_in_trouble() -> None:
    """Guard: only "… from …" is a self-introduction."""
    assert counts("This is the driver of the bus, I am trapped and my leg is broken") == (0, 1, 1, 0)


@pytest.mark.parametrize("text", ["Rooftop bar on the 5th floor is open tonight",
                                  "Someone is standing on the rooftop edge threatening to jump"])
def test_a_rooftop_holds_nobody_trapped(text: str) -> None:
    """Guard: on a roof in a flood is trapped; a rooftop bar or a jumper's ledge is not."""
    assert counts(text)[2] == 0


@pytest.mark.parametrize("text, kind", [
    ("冷库机房氨报警器一直响 值班的说嗓子疼 喘不上气", "hazmat"),
    ("腌渍池里一个工人晕了 不省人事", "hazmat"),
    ("A shop sign blown off the roof hit a passer-by, head injury", "other"),
])
def test_types(text: str, kind: str) -> None:
    read = parse_report(text)
    assert read.is_report and read.type == kind


@pytest.mark.parametrize("text, place", [
    ("仓库后面有个工人中暑了，晕过去了，厂医在路上", "仓库后面"),
    ("锅炉房有人烫伤了 救护车在路上了", "锅炉房"),
])
def test_places(text: str, place: str) -> None:
    assert parse_report(text).location == place


@pytest.mark.parametrize("text", [
    "worker cut his hand clearing debris by the river path, we drive him to the People's Hospital now",
    "Dog bit a kid by the school gate, his dad is taking him to the County Hospital",
])
def test_the_hospital_someone_is_driven_to_is_not_the_place(text: str) -> None:
    assert "hospital" not in (parse_report(text).location or "").lower()


def test_a_hospital_that_burns_is_the_place() -> None:
    """Guard: the hospital is where it happened unless the hurt are taken there."""
    assert parse_report("Fire at the Shidao People's Hospital laundry, staff evacuated").location == \
        "Shidao People's Hospital laundry"
