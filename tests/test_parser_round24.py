"""Intake parser: rules from the twenty-fourth round's train lines (farmers' and seafood markets,
temple fairs, truckers writing English, village weather informants), in hand-written phrasings
(none is a corpus line), so that a later change that undoes a rule is caught here, not only as a
figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, time", [
    ("夜班记录 0340 港区5号泊位有人落水", "03:40"),  # a log's heading, then its clock
    ("值班日志 2215 巡逻发现配电房冒烟", "22:15"),
    ("0520 jackknifed on the Rongwu expressway, trailer across both lanes", "05:20"),  # an English log line
])
def test_a_log_lines_clock(text: str, time: str) -> None:
    assert parse_report(text).time == time


@pytest.mark.parametrize("text", [
    "2024 safety summary: 3 minor crashes, nobody hurt",  # a year, not 20:24
    "1500 boxes of squid on board, need the forklift at dock 2",  # a count
])
def test_a_number_opening_an_english_message_is_not_always_a_clock(text: str) -> None:
    """Guard: only a log line's opening time is read."""
    assert parse_report(text).time is None


@pytest.mark.parametrize("text, expected", [
    # a field's colon before the count (伤亡：2人死亡), the people of a temple fair and of the fields
    ("【初报】事件：货车侧翻 伤亡：1人死亡，3人受伤", (1, 3, 0, 0)),
    ("斋堂报告：七八个香客吃了凉皮以后上吐下泻", (0, 7, 0, 0)),
    ("有个果农从树上摔下来了 右腿不能动", (0, 1, 0, 0)),
    # a parent with the children they have with them
    ("停电了 电梯卡在12楼 里面关着一个爸爸带俩孩子", (0, 0, 3, 0)),
    # English: the message that opens on the state is the writer's own; "me and my co-driver"
    ("stuck in a snowdrift past the toll gate, me and my co-driver, heater failing", (0, 0, 2, 0)),
    ("trapped in the cab, the door is jammed", (0, 0, 1, 0)),
    ("a cyclist was struck by a tanker at the toll gate", (0, 1, 0, 0)),
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_a_clock_before_people_is_no_count() -> None:
    """Guard: a colon after a digit is a clock's (3:20), not a field's."""
    assert counts("下午3:20人员已全部撤离 无人受伤") == (0, 0, 0, 0)


@pytest.mark.parametrize("text, place", [
    ("俚岛镇信息员：今天大潮，烟墩角北边礁石上有3个游客被潮水围住了", "烟墩角北边礁石"),
    ("港西镇网格员：海景花园6号楼冒黑烟", "海景花园6号楼"),
])
def test_a_reporter_named_by_their_post_is_no_place(text: str, place: str) -> None:
    assert parse_report(text).location == place


def test_hit_by_a_kind_of_vehicle_is_a_road_crash() -> None:
    read = parse_report("old man hit by a cement mixer truck at the market gate, not moving")
    assert read.is_report and read.type == "traffic"


@pytest.mark.parametrize("text, place, not_a_place", [
    # the way to go (别往那边去) and what the caller urges (赶紧封路) are no places
    ("二号门边上的自行车棚冒烟了，火苗子窜得老高，别往那边去", "二号门边", "那边"),
    ("上山的台阶中段挤倒一片！后边的人还在往上涌，上边赶紧封路！！", "上山的台阶中段", "封路"),
])
def test_where_to_go_and_what_to_do_are_no_places(text: str, place: str, not_a_place: str) -> None:
    """The rules name no place in the first (the place model names where it starts, and how
    far its span runs depends on its training), and none is the way or the urging."""
    location = parse_report(text).location or ""
    assert location.startswith(place) and not_a_place not in location


def test_a_town_named_by_the_side_the_caller_is_on_is_still_a_place() -> None:
    """Guard: 荣成这边 names a town; only a word that points the way does not."""
    assert parse_report("荣成这边大雨 河水漫上来了 俩老人困在屋里").location == "荣成"


def test_the_market_next_door_is_no_city_elsewhere() -> None:
    """隔壁市场 is the market next door; 隔壁市 (the next city) marks news from elsewhere."""
    read = parse_report("水产冷库那边液氨漏了，呛得睁不开眼，隔壁市场俩人头晕在那吐呢")
    assert read.is_report and not read.doubtful and read.type == "hazmat"
    assert counts("水产冷库那边液氨漏了，呛得睁不开眼，隔壁市场俩人头晕在那吐呢") == (0, 2, 0, 0)


def test_news_from_the_next_city_is_still_chatter() -> None:
    """Guard: the next city's fire is news from elsewhere, as before."""
    assert not parse_report("隔壁市昨天化工厂爆炸了 死了好几个").is_report


def test_a_days_tally_of_visits_to_a_cut_off_is_no_report() -> None:
    """Visits counted to a cut-off are figures (人次 are no people); naming heat stroke among
    them, it may wait for a person in triage, but it is not registered."""
    read = parse_report("截至17时，今日入园游客约2.1万人次，医疗点处置擦伤、中暑等9人次，秩序良好。")
    assert not read.is_report
    assert counts("截至17时，今日入园游客约2.1万人次，医疗点处置擦伤、中暑等9人次，秩序良好。") == (0, 0, 0, 0)


def test_a_tally_with_an_incident_in_it_is_still_registered() -> None:
    """Guard: the cut-off tally is a soft veto: a casualty told with it is registered."""
    read = parse_report("截至16时，景区共接待游客1.5万人次，一名游客在观景台晕倒，已送医")
    assert read.is_report and read.type == "medical"


def test_patients_seen_in_a_hospital_count_as_people() -> None:
    """Guard: only kinds of visit listed with 等 are a tally; 接诊中毒患者23人次 in an outbreak
    is 23 people poisoned."""
    assert counts("镇卫生院已接诊中毒患者23人次") == (0, 23, 0, 0)


def test_an_arm_that_is_broke_is_hurt() -> None:
    assert counts("van in the ditch off S201, the driver got out, says his wrist is broke") == (0, 1, 0, 0)


def test_a_fleets_figures_under_their_heading_are_chatter() -> None:
    assert not parse_report("Q2 fleet report: 3 minor crashes, 0 injuries, on-time rate 91%").is_report


def test_a_report_that_mentions_a_quarters_report_is_still_read() -> None:
    """Guard: only a heading of figures is chatter, not the words anywhere."""
    read = parse_report("Q3 report due friday, meanwhile a truck just rolled on G228, driver trapped")
    assert read.is_report and read.type == "traffic"


def test_the_one_gone_overboard_and_seen_in_the_water_is_one_person() -> None:
    """Overboard is missing until the message says he is in sight: then he is held in the water."""
    assert counts("man overboard off berth 2, he's in the water hanging on to a fender") == (0, 0, 1, 0)


def test_overboard_and_out_of_sight_stays_missing() -> None:
    """Guard: only a pronoun told in the water moves him; losing sight of him does not."""
    assert counts("man overboard off berth 2, we lost sight of him") == (0, 0, 0, 1)


@pytest.mark.parametrize("text", [
    "Stuck lift at Block 3, nobody inside",  # a state said of the thing after it
    "Trapped miners after a roof fall in shaft 3",
])
def test_a_state_said_of_what_follows_it_is_not_the_writers_own(text: str) -> None:
    """Guard: only "stuck in…", "trapped at…" opening a message is the writer held there."""
    assert counts(text)[2] == 0
