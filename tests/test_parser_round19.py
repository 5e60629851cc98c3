"""Intake parser: rules from the nineteenth round's train lines (street cleaners, taxi drivers,
messages dense with figures, seafarers writing English as a second language), in hand-written
phrasings (none is a corpus line), so that a later change that undoes a rule is caught here,
not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text", [
    "上个礼拜二港西那个饭店着火的事 最后定了是电线老化",
    "这火锅太辣了 嗓子直冒火 明天还来",
    "交警通报：前三季度全市道路交通事故死亡9人受伤40人，请各位注意安全",
    "截至昨天，今年本县共记录到有感地震2次，均无人员伤亡",
    "CIRCULAR to all vessels: crew must wear a lifejacket on the gangway, overboard cases reported in the region",
    "Need new fire pump seals delivered to berth 4 before Friday",
])
def test_the_past_idioms_statistics_and_circulars_are_chatter(text: str) -> None:
    assert not parse_report(text).is_report


@pytest.mark.parametrize("text, expected", [
    ("菜市场门口俩人打架 一个嘴角见血了", (0, 1, 0, 0)),
    ("桥洞里的水到车窗了 司机爬车顶上了", (0, 0, 1, 0)),
    ("院墙倒了 把一个老汉砸在底下 正在扒", (0, 0, 1, 0)),
    ("两个孩子去水库游泳 一个自己上来了 另一个没了影", (0, 0, 0, 1)),
    ("乘客坐上车没一会儿说胸口疼 出冷汗", (0, 1, 0, 0)),
    ("学校晚饭后已有十几名学生出现症状", (0, 10, 0, 0)),
])
def test_chinese_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_a_ride_is_no_vehicle_held() -> None:
    """上车 (getting in) names no vehicle whose people are yet to be counted."""
    read = parse_report("拉了个大爷，上车就说胸口痛")
    assert read.type == "medical" and read.casualties.injured == 1


def test_how_soon_is_no_denial() -> None:
    """Guard: 没人受伤 still denies; 没两分钟 does not."""
    assert counts("仓库着火了 没人受伤") == (0, 0, 0, 0)


@pytest.mark.parametrize("text, expected", [
    ("bosun fall from gangway, he is in water between ship and quay, we see him", (0, 0, 1, 0)),
    ("three stevedores dizzy after fumigant smell from hold 2", (0, 3, 0, 0)),
    ("one AB cut on hand by wire rope, bleeding", (0, 1, 0, 0)),
])
def test_seafarers_english(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_falling_in_water_is_no_one_held_by_itself() -> None:
    """Guard: "fall in water" is how they got there; the counts that follow say where they are."""
    assert counts("boat turn over, 4 fisherman fall in water, 2 pull up, 2 still not see") == (0, 0, 0, 2)


@pytest.mark.parametrize("text", [
    "Collision at anchorage, water coming in the engine room, pumps running",
    "Our fishing boat is taking on water near Haiyu island",
    "Bosun fell from pilot ladder into sea at the boarding ground",
])
def test_a_ship_taking_water_and_a_fall_into_the_sea_are_water_rescues(text: str) -> None:
    assert parse_report(text).type == "water_rescue"


def test_water_coming_into_a_house_is_still_a_flood() -> None:
    """Guard."""
    assert parse_report("water is coming into the house, knee deep, grandma upstairs").type == "flood"


def test_a_follow_ups_stamp_is_not_when_it_happened() -> None:
    read = parse_report("续报（21:10）：西岭村新增3人被困在房顶")
    assert read.time is None and read.location == "西岭村" and read.casualties.trapped == 3


def test_a_work_injury_claim_asked_about_is_chatter() -> None:
    assert not parse_report("要是巡逻的时候让狗咬了 算不算工伤 打疫苗的钱给不给报").is_report


@pytest.mark.parametrize("text, expected", [
    ("一辆三轮车翻进河里了 车里还有人 正在往下沉", (0, 0, 1, 0)),
    ("厂房着火了 屋里还有人！快", (0, 0, 1, 0)),
    ("围墙倒了 底下压着人 能听见有人在里头喊救命", (0, 0, 1, 0)),
    ("楼塌了 有人被埋 还有人被困在里面", (0, 0, 2, 0)),  # guard: 还有人 is more
    ("Lashing worker collapse near crane 6, very hot, not answering", (0, 1, 0, 0)),
])
def test_someone_inside_heard_and_collapsing(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_a_bus_on_its_side_with_a_forklift_called_is_traffic() -> None:
    read = parse_report("G228上一辆旅游大巴侧翻了 还有一个压在车底下 已经叫了叉车过来顶")
    assert read.type == "traffic"


def test_a_forklift_accident_is_still_other() -> None:
    """Guard."""
    assert parse_report("仓库里叉车倒车撞了一个工人 腿压住了").type == "other"


def test_the_next_boats_time_is_no_event_time() -> None:
    read = parse_report("鸡鸣岛上一个老人摔倒了起不来 下一班船要4点半")
    assert read.is_report and read.time is None


@pytest.mark.parametrize("text, expected", [
    ("Trawler capsized off Haiyu island, 3 crew on the hull, 1 not seen", (0, 0, 3, 1)),
    ("Gas alarm at the digester. 2 operators down in the tank, no answer", (0, 0, 2, 0)),
    ("our cadet go inside cargo hold and not come out", (0, 0, 1, 0)),
    ("Three swimmers on an inflatable drifting out to sea, wind offshore", (0, 0, 3, 0)),
    ("Lab accident: 3 students got acid on their hands", (0, 3, 0, 0)),
    ("Crane arm fell across the cab with the driver inside", (0, 0, 1, 0)),
    ("Missing diver off Lidao: 15 volunteers searching the shore, still not found", (0, 0, 0, 1)),
])
def test_english_states_of_crews_and_searches(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("cargo ship aground on the rocks off Lidao, 12 crew aboard, nobody hurt", (0, 0, 0, 0)),
    ("Roof fell in at the sawmill, one worker inside unaccounted for", (0, 0, 0, 1)),
])
def test_a_ship_aground_and_one_unaccounted_for_are_no_one_held(text: str, expected: tuple[int, int, int, int]) -> None:
    """Guards: the rocks hold the ship; the one inside not accounted for is missing, not also trapped."""
    assert counts(text) == expected


@pytest.mark.parametrize("text, kind", [
    ("两名学生下河摸鱼，一人救上岸后昏迷，另一人还没找到", "water_rescue"),
    ("刚从水底把一个潜水员捞上来 没意识 有心跳", "water_rescue"),
    ("湖面冰面塌陷 两个滑冰的掉下去了", "water_rescue"),
    ("AB fall into No.2 hold when hatch open, he not moving", "other"),
    ("her sleeve got pulled into the roller, she is unconscious", "other"),
])
def test_the_accident_outranks_the_state_it_left(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


def test_a_road_caving_in_is_still_geological() -> None:
    """Guard: only ice giving way is taken from the ground's collapses."""
    assert parse_report("村口路面塌陷 一辆三轮车陷进去了").type == "geological"
