"""Intake parser, third round: casualties told by the body and the spoken passive, counts
given last, the place that decides a kind, and alarming talk that is not an event.

Hand-written phrasings of each rule (none is a corpus line), so that a later change that
undoes a rule is caught here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import normalise, parse_report


def counts(text: str) -> tuple[int, int, int, int]:
    c = parse_report(text).casualties
    return c.dead, c.injured, c.trapped, c.missing


@pytest.mark.parametrize("text, expected", [
    # the spoken passive (叫/让/给) and harm verbs of animals
    ("俺侄子让驴踢了 在西山村", (0, 1, 0, 0)),
    ("一个老太太叫电动车刮倒了 在北街", (0, 1, 0, 0)),
    # a state in its own clause is the person named just before
    ("俺奶奶在院里摔了一跤 起不来 腿断了 东庄村", (0, 1, 0, 0)),
    # a bodily state with nobody named is one person, never a second one
    ("工地上一名工人被砸中 当场死亡", (1, 0, 0, 0)),
    ("河边捞上来一个人 没有呼吸了 正在做心肺复苏", (0, 1, 0, 0)),
    # pinned, held down, still inside
    ("墙倒了 压着她呢 在南村", (0, 0, 1, 0)),
    ("车翻了 司机压底下了 在国道边", (0, 0, 1, 0)),
    ("着火了 他家老爷子还在屋里", (0, 0, 1, 0)),
    # a pit, a well, a tank: who has not come up is down there
    ("俩人下窨井 都没上来 在工业路", (0, 0, 2, 0)),
    ("两个人掉海里了 没上来 在东港", (0, 0, 0, 2)),
    # fuzzy and trailing counts
    ("仓库塌了 压着人 起码仨", (0, 0, 3, 0)),
    ("山上着火 俩扑火队员烧伤了", (0, 2, 0, 0)),
    ("鞭炮厂炸了 死了俩 在南山", (2, 0, 0, 0)),
    ("俺爹俺娘困在二楼了 水上来了", (0, 0, 2, 0)),
    ("一个骑三轮的大爷叫车撞了 躺着不动", (0, 1, 0, 0)),  # 骑三轮的大爷: one person
    ("一村民家中失火 无人受伤", (0, 0, 0, 0)),  # 一村民家中 names a home
    # English
    ("a 9 year old boy fell into the farm silo, we cannot reach him", (0, 0, 1, 0)),
    ("Two lorry drivers hurt, thirty-odd passengers shaken but fine", (0, 2, 0, 0)),
    ("Update on the warehouse blast: death toll now 3", (3, 0, 0, 0)),
    ("Both missing anglers found safe at dawn", (0, 0, 0, 0)),
    ("孩子吃果冻卡住了 喘不上气", (0, 1, 0, 0)),       # choking, not held in a wreck
    ("俩人吃了野蘑菇 手脚发麻", (0, 2, 0, 0)),
    ("两车相撞，3人轻微伤", (0, 3, 0, 0)),
    ("工地塌方，2人送医后不治", (2, 0, 0, 0)),       # died after treatment: dead, not injured
])
def test_casualty_states(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text", [
    "俺孙子考试考砸了 急死了",               # a mood, not a death
    "我胳膊断了两年了 阴天还疼",              # an old injury
    "转发：外省某地化工厂爆炸 多人遇难",        # news from elsewhere
    "听说邻县昨天翻了一辆大巴",
    "这风刮得跟台风似的 不过没啥事",           # a simile
    "村里要多备沙袋 防止明天涨水",             # a precaution
    "气象局说下周有大风 注意收衣服",
    "Watching a film about the tsunami tonight",
    "Quarterly summary: 4 fires, 1 injured",
    "Planned power cut in Renhe on Thursday, 9 to 12",
    "Scenario for the exercise: a ferry capsizes with 50 people aboard",
    "Gale warning issued for the coast tonight",
    "上周东村那起火灾的调查报告写好了 发你邮箱",  # paperwork
    "那个弯道老是出车祸 建议设置减速带",           # a complaint about a place
    "河水涨了一点 还在正常范围",
    "去年冲毁的大棚保险能赔吗",
])
def test_alarming_talk_is_not_a_report(text: str) -> None:
    assert not parse_report(text).is_report


@pytest.mark.parametrize("text, kind", [
    ("牛顶他了 在后山", "other"),               # not 顶塌了: a cow
    ("狗把孩子咬了 在东村", "other"),
    ("两个车装一起了 在路口", "traffic"),         # voice input: 装 = 撞
    ("仨人下污水井 都没上来", "hazmat"),
    ("菜窖里晕倒一个人", "hazmat"),
    ("老人一个人住 在家中去世了 邻居发现的", "medical"),
    ("我们村感觉到明显震动 墙上掉灰", "earthquake"),
    ("消防到了 火还没灭", "fire"),
    ("渔民出海未归 家属报警", "water_rescue"),
    ("Our trawler lost power off the cape, 6 crew", "water_rescue"),
    ("A man was gored by a bull at the farm", "other"),
    ("She is in labour at the bus stop", "medical"),
    ("走廊里一屋子黑烟 在二号宿舍楼", "fire"),
    ("水一下子涨起来了 路基冲垮了", "flood"),
    ("俺家房子裂了大缝 地基往下沉", "collapse"),
    ("园区那边罐区有股怪味 好几个人头晕", "hazmat"),
    ("小船抛锚了 漂在海上 在外岛", "water_rescue"),
    ("庙会上人太多 有人被踩了", "other"),
])
def test_kinds_told_by_verbs(text: str, kind: str) -> None:
    parsed = parse_report(text)
    assert parsed.is_report and parsed.type == kind


def test_a_load_is_not_a_crash() -> None:
    assert "撞" not in normalise("车装了 满满一车白菜 明天拉走")
    assert "撞" in normalise("两个车装了 有人受伤")


def test_snow_pressing_a_shed_is_a_collapse_but_pressing_a_man_is_not() -> None:
    assert "塌" in normalise("大棚让雪压他了")
    assert "塌" not in normalise("雪压他了 俺爹在里头")


@pytest.mark.parametrize("text, hhmm", [
    ("Smoke seen at 2215 from the grain store in Renhe", "22:15"),
    ("Van hit a cyclist at 07.40 near the school gate", "07:40"),
    ("Boat taking water at about 0530, 4 crew", "05:30"),
    ("Landslide at 1200 metres on the ridge road", None),   # a distance, not a time
    ("Tanker leaking at 40.5 tonnes load", None),
    ("Roof fell in at 5 this morning at the old mill", "05:00"),
    ("Shed burning since about 8 o'clock tonight", "20:00"),
])
def test_english_24_hour_times_after_at(text: str, hhmm: str | None) -> None:
    assert parse_report(text).time == hhmm


@pytest.mark.parametrize("text, expected", [
    ("Barn roof fell in at Xizhuang, old woman still inside", (0, 0, 1, 0)),
    ("Mud buried a cottage at Houshan, couple believed inside", (0, 0, 2, 0)),
    ("Trench collapsed, 3 workers buried, 2 dug out", (0, 0, 1, 0)),
    # a bus load told before the casualty is not its count
    ("Coach slid off the road, 30 passengers, a few bruised, driver pinned", (0, 0, 1, 0)),
    ("Toddler choking on a grape at the Yatou nursery", (0, 1, 0, 0)),
])
def test_english_people_inside_and_loads(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, place", [
    ("事发地点为滕家镇后店村北山，火很大", "滕家镇后店村北山"),   # the label is not the place
    ("东山街道办事处报告，文化中心工地塔吊倒塌", "文化中心工地"),  # the sender before a comma
])
def test_labels_and_senders_are_not_places(text: str, place: str) -> None:
    assert parse_report(text).location == place


@pytest.mark.parametrize("text", [
    "俺爷在地里不会动了 快来救人 在北坡村",
    "需要救护车 老人在院子里起不来 东庄",
    "Please come quickly, my husband is on the kitchen floor, 4 Harbour Lane",
])
def test_asking_for_someone_to_come_is_a_report(text: str) -> None:
    assert parse_report(text).is_report
