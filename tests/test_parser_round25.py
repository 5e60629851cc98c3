"""Intake parser: rules from the twenty-fifth round's train lines (a fire station's own group, the
120 dispatch centre and ambulance crews, offshore wind and vessel crews writing English, care
homes), in hand-written phrasings (none is a corpus line), so that a later change that undoes a
rule is caught here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, expected", [
    # a patient as clinicians and the police write one: the sex, then the age
    ("4号车接诊：港西镇巍巍村，女，约70岁，扫院子时晕倒", (0, 1, 0, 0)),
    ("成山镇卫生院门口 男 58 胸闷出冷汗", (0, 1, 0, 0)),
    # a caller's relative (其父亲), an old woman called by kinship alone (大娘)
    ("呼救人称其母亲突发腹痛，在家中", (0, 1, 0, 0)),
    ("午饭时一位大娘噎住了", (0, 1, 0, 0)),
    # declared dead after resuscitation was given up: dead, not a patient still being worked on
    ("荫子镇某村，男，约75岁，按压40分钟无效，现场宣告死亡", (1, 0, 0, 0)),
    # resuscitation going on as the clause ends: somebody is being brought back
    ("俚岛码头有人落水 刚捞上来 无自主呼吸 路人心肺复苏中", (0, 1, 0, 0)),
    # a snake or a dog beaten to death is no person dead
    ("上山采药的男子被蛇咬了，蛇被打死了，手肿得厉害", (0, 1, 0, 0)),
    # a history of heart disease is no illness now
    ("电梯困了一位大爷，家属说他有心脏病史，现在没有不舒服", (0, 0, 1, 0)),
    # a resident gone from the home, searched for and not found
    ("查房发现3楼的老人，女，88岁，人不在了，院里院外找了一圈没有", (0, 0, 0, 1)),
    # held where nothing will pull it out
    ("有个孩子的脚卡进排水沟篦子里了，拔不出来", (0, 0, 1, 0)),
])
def test_chinese_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text", [
    "本月组织心肺复苏培训，心肺复苏中要注意按压深度",  # training, not a patient
    "3楼到5楼男女各一间，约20人",  # 男女 in a room count is nobody
])
def test_chinese_lines_with_no_casualty(text: str) -> None:
    """Guard: the clinical person and the resuscitation read only where they are meant."""
    assert counts(text) == (0, 0, 0, 0)


@pytest.mark.parametrize("text, expected", [
    # the lads, the techs: people
    ("gas alarm in the hold, 3 lads dizzy and throwing up", (0, 3, 0, 0)),
    ("nacelle hatch jammed at B07, 2 techs stuck inside", (0, 0, 2, 0)),
    ("one of the lads slipped on the ladder and hurt his back", (0, 1, 0, 0)),
    # a bite on a leg is an injury
    ("farm dog went for the vet, nasty bite on her arm", (0, 1, 0, 0)),
    # MOB is a man overboard; still in sight he is in the water, not missing
    ("MOB! port side of the CTV, eyes on him", (0, 0, 1, 0)),
    ("MOB MOB from the work boat at T14", (0, 0, 0, 1)),
])
def test_english_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text", [
    "the guard dog went for the postman, he is fine, dog is now locked in the shed",  # an animal held is no person
    "an angry mob outside the canteen over the pay",  # not a man overboard
])
def test_english_lines_with_no_casualty(text: str) -> None:
    """(The angry mob is a guard: the old code did not know MOB at all.)"""
    assert counts(text) == (0, 0, 0, 0)


def test_mob_is_a_water_rescue() -> None:
    assert parse_report("MOB stbd side of the crew boat, eyes on").type == "water_rescue"


def test_an_mob_drill_is_no_report() -> None:
    """Guard: the drill's veto stands over the new word."""
    assert not parse_report("MOB drill at 1000 tomorrow, all crew to muster").is_report


@pytest.mark.parametrize("text, time", [
    ("凌晨0340 巡房发现一位老人摔在卫生间", "03:40"),  # a part of the day, then a log's clock
    ("患者自述15时被马蜂蜇了，现在头晕", "15:00"),  # two digits before 时 are an hour
    ("邹大爷嘴歪了 估计是脑梗 9:40开始的", "09:40"),  # 估计 of the illness, not of the time
    ("deckhand over the side at the B07 turbine, 0415. we have eyes on him", "04:15"),  # a crew's bare clock
    ("Collision in fog 0712, our boat hit a sampan, 2 men in the water", "07:12"),
    ("MAYDAY relayed on VHF 16 at 0220: trawler taking water", "02:20"),  # a clock before a colon
])
def test_clock_times_of_logs_and_crews(text: str, time: str) -> None:
    assert parse_report(text).time == time


@pytest.mark.parametrize("text", [
    "truck on its side at km 1031, driver cut his arm",  # a km marker
    "guest collapsed in room 1204. please send the medic",  # a room
    "deckhand fell on the quay and hurt his back, call me on 1234",  # a phone number
    "预计10:30到达现场",  # a plan is still no event time
])
def test_numbers_that_are_not_clock_times(text: str) -> None:
    """Guard: the bare clock stays out of markers, rooms and plans."""
    assert parse_report(text).time is None


@pytest.mark.parametrize("text", [
    "今日器材检查：2号车水泵漏油已报修，空呼气瓶一只鼓包已停用",  # the gear checked
    "到场核实：系村民烧秸秆冒烟，无火情，归队",  # a call found to be nothing
    "收队。码头那边搜救结束，落水人员已全部找到",  # a search over
    "厨房煤气味查清楚了，软管老化已经换了，可以正常做饭了",  # a fault put right
])
def test_all_clears_and_routine_are_no_reports(text: str) -> None:
    assert not parse_report(text).is_report


def test_a_call_found_to_be_nothing_still_registers_with_casualties() -> None:
    """Guard: the all-clear words are ambient; stated casualties outweigh them."""
    parsed = parse_report("港西镇化工厂起火，无火情蔓延风险，3人受伤")
    assert parsed.is_report and counts("港西镇化工厂起火，无火情蔓延风险，3人受伤") == (0, 3, 0, 0)


@pytest.mark.parametrize("text, kind", [
    ("赶海的俩人在礁石上被潮水围住了，水到腰了", "water_rescue"),  # ringed by the tide
    ("铁路道口，农用三轮和火车刮上了，车上老汉意识不清", "traffic"),  # a level crossing
    ("一户液化气罐漏气后起火，一名男子烧伤", "fire"),  # a leak that caught fire
    ("污水检查井里2名工人晕倒，疑似硫化氢中毒，1人还在井下", "hazmat"),  # a manhole, not a mine
])
def test_types(text: str, kind: str) -> None:
    assert parse_report(text).type == kind


def test_a_mine_named_stays_a_mine() -> None:
    """Guard: a mine's own words keep the mine, whatever well is named."""
    assert parse_report("煤矿井下检查井附近冒顶 2人被困").type == "mine"


@pytest.mark.parametrize("text, expected", [
    # one of those held is gone now: no longer held
    ("俩人被潮水困在礁石上，其中一人已经被浪卷走了，另一个还扒着石头", (0, 0, 1, 1)),
    # (个 before what did it counts a person: 其中一个已经被浪卷走了)
    ("俩人被潮水困在礁石上，其中一个已经被浪卷走了，另一个还扒着石头", (0, 0, 1, 1)),
    ("俩人被潮水困在礁石上，其中一个已经被浪打下去看不见了，另一个还扒着石头", (0, 0, 1, 1)),
    ("3名矿工被困井下，其中1人已经没了呼吸", (1, 0, 2, 0)),
])
def test_a_part_of_those_held_gone_or_dead(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    # one more who died, not one of the injured (另有)
    ("续报：S301车祸，现场共4名伤员，另有1人经抢救无效死亡", (1, 4, 0, 0)),
    # CPR as a care worker writes it: the one without breath is being worked on
    ("3楼的王大爷没气了 我在做按压 快拿除颤仪", (0, 1, 0, 0)),
    # one more named with 也 after a kind already counted
    ("面包车撞了护栏，车上有2个受伤，司机也伤了", (0, 3, 0, 0)),
    # a limb that hurts; a gash on the face
    ("副驾驶的女的能说话，说腿疼", (0, 1, 0, 0)),
    ("Update: they have him on deck. Conscious, shaking, gash over his right eye", (0, 1, 0, 0)),
])
def test_more_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_the_spoken_passive_ends_a_place() -> None:
    """让 / 叫 before what did it, as 被: not a part of the place (路口让货车给别了)."""
    assert parse_report("接送车在S301俚岛路口让货车给别了，撞护栏上了，2个老人受伤").location == "S301俚岛路口"


def test_a_thin_registration_the_report_model_rules_out_goes_to_a_person() -> None:
    """A weak word, or a strong one with no place, nobody hurt, and the model all but sure it is
    no report (report_model.DISBELIEVED_BELOW): triage, not a card."""
    parsed = parse_report("Fire alarm on deck 4, cause unknown, crew checking")
    assert not parsed.is_report and parsed.doubtful


@pytest.mark.parametrize("text", [
    "Fire alarm on deck 4, cause unknown, 2 crew injured",  # casualties stated
    "Fire at the Elm St depot around 4.30 this afternoon",  # a strong hazard at a named place
])
def test_what_the_model_disbelieves_still_registers_with_casualties_or_a_place(text: str) -> None:
    """Guard: the model is sure of itself on short reports unlike the corpus; these register."""
    assert parse_report(text).is_report


def test_one_gone_over_and_out_of_sight_stays_missing() -> None:
    """"Keep eyes on the water" is no sighting (it had read the man as in the water, seen)."""
    assert counts("Man overboard from the work boat, lost sight of him, keep eyes on the water") == (0, 0, 0, 1)
