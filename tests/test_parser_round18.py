"""Intake parser: rules from the eighteenth round's train lines (officials' command groups,
festivals and crowds, an expat parents' group in English, pinyin-keyboard typing), in
hand-written phrasings (none is a corpus line), so that a later change that undoes a rule is
caught here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, kind", [
    ("村东头老张家柴房着活了", "fire"),
    ("面包车冲下桥调河里了 人还在车里", "water_rescue"),
    ("人民路路面他了个大坑 一辆电动车掉进去了", "geological"),
])
def test_the_pinyin_keyboards_first_pick_is_read_as_meant(text: str, kind: str) -> None:
    read = parse_report(text)
    assert read.is_report and read.type == kind


@pytest.mark.parametrize("text, expected", [
    ("续报：仓库火灾现共2人受上 还有1个联系不上", (0, 2, 0, 1)),
    ("老人背困屋里 门打不开", (0, 0, 1, 0)),
])
def test_the_pinyin_keyboards_slips_in_casualties(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_people_aboard_are_not_more_of_the_hurt() -> None:
    """Guard: 也有 adds only a count that ends its clause, not people aboard."""
    assert counts("路口两车相撞 3人受伤，车上也有5名乘客") == (0, 3, 0, 0)


def test_doing_work_is_no_fire() -> None:
    """Guard: 着活了 is read as 着火了 only with its 了; 干着活 is work."""
    assert not parse_report("今天一直干着活呢 累死了").is_report


@pytest.mark.parametrize("text", [
    "昨晚的山林火灾处置已结束，县级应急响应终止，感谢各单位连夜奋战",
    "海上搜救工作已经结束，各船只有序返港",
    "走丢的孩子在派出所了 谢谢大家帮忙转发",
    "刚才传的加油站着火是假的，是有人在旁边烧纸，别再转了",
    "县政府关于元宵节期间燃放烟花爆竹的通告：禁放区域见附图",
])
def test_responses_ended_rumours_denied_and_notices_are_chatter(text: str) -> None:
    read = parse_report(text)
    assert not read.is_report and not read.doubtful


def test_a_real_one_insisted_on_is_no_rumour_denied() -> None:
    assert parse_report("不是演习 不是假的 港西镇仓库真着火了 快来").is_report


def test_an_update_that_the_missing_were_found_stays_a_report() -> None:
    """Guard: "found safe" moves an incident's counts; the corpus labels such an update a report."""
    assert parse_report("Update: the two missing kayakers off Chengshantou found safe").is_report


@pytest.mark.parametrize("text, expected", [
    # 伤情不清楚 is no injury told
    ("渣土车把路边小货车压了，货车司机被困驾驶室，伤情暂不清楚", (0, 0, 1, 0)),
    # 1人伤情较重 is one of the three
    ("续报：现共3人受伤在院治疗，1人伤情较重", (0, 3, 0, 0)),
    # 也有俩: more of the same kind, in a clause of its own
    ("我们家四口人吃了席上的凉菜都拉肚子，隔壁也有俩", (0, 6, 0, 0)),
    # the harm, then whose body; the other of two is one person
    ("菜市场两个摊主吵起来了，一个拿剪子扎了另一个胳膊", (0, 1, 0, 0)),
    ("放鞭炮的时候有个小孩被炸到手了", (0, 1, 0, 0)),
    # stung, counted
    ("后院马蜂窝捅了 蛰了三个人", (0, 3, 0, 0)),
    # 下不去 from an upper floor
    ("水进院子了 我们一家三口都在二楼 下不去", (0, 0, 3, 0)),
])
def test_chinese_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text", ["他划了一下手机 没理我", "饭都吃不下去了", "一人受上级委托前来核查"])
def test_no_casualty_in_everyday_words(text: str) -> None:
    """Guard: the new harm-then-body and 下不去 patterns stay off a phone and a meal."""
    assert counts(text) == (0, 0, 0, 0)


@pytest.mark.parametrize("text, kind", [
    # wasps brought down by firecrackers: stings (medical), not blasting in a mine
    ("村口放鞭炮把树上的马蜂窝崩下来了 蛰了好几个孩子", "medical"),
    # hurt by fireworks: an injury (other), not a fire
    ("广场上有人被烟花炸伤了眼睛 在流血", "other"),
    # blown down by the wind onto people: a collapse, not a crash
    ("音乐节的舞台桁架被风刮倒了 砸到下面的人", "collapse"),
    ("两个年轻人去海边游泳，一个自己游回来了，另一个找不到了", "water_rescue"),
    ("Dad and a coach are actually fighting by the pitch, one has a bloody nose", "other"),
])
def test_the_kind(text: str, kind: str) -> None:
    read = parse_report(text)
    assert read.is_report and read.type == kind


def test_fireworks_that_set_something_alight_are_a_fire() -> None:
    """Guard: only fireworks that hurt someone are no fire."""
    assert parse_report("鞭炮炸着了草垛 火挺大").type == "fire"


def test_fighting_a_fire_is_no_fight() -> None:
    """Guard: "fighting" as a brawl, not a crew at a fire."""
    assert parse_report("Firemen are still fighting the blaze at the warehouse").type == "fire"


def test_mine_the_pronoun_is_no_mine() -> None:
    read = parse_report("Ella fell off the slide in the playground, her wrist looks broken. Mine's not saved, who has her mum's number?")
    assert read.is_report and read.type == "other"


@pytest.mark.parametrize("text, expected", [
    ("We're stuck in the car in the flooded tunnel. Me and my two kids, water rising", (0, 0, 3, 0)),
    ("My husband and I are trapped on the roof of the barn", (0, 0, 2, 0)),
    ("4 of our Year 9s are cut off by the tide on the sandbar", (0, 0, 4, 0)),
    # the pronoun is the one already counted, not another
    ("A girl was hit by a scooter outside the gate. She's crying and her knee is bleeding", (0, 1, 0, 0)),
    # a body part with her / his is somebody's body
    ("Leo fell off the monkey bars at lunch, his arm looks broken", (0, 1, 0, 0)),
    ("Two dads fighting in the car park, one has a bloody nose", (0, 1, 0, 0)),
    # the one in the water, then out of sight: missing, once
    ("My daughter was swimming in the water by the pier and now I can't see her", (0, 0, 0, 1)),
])
def test_english_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


def test_help_on_its_way_is_no_place() -> None:
    read = parse_report("宁津街道报：一工人干活时从梯子上摔下来，头破了，救护车在路上")
    assert read.location is not None and "救护车" not in read.location and "宁津街道" in read.location


def test_hurt_in_a_fall_is_an_accident_not_a_mine() -> None:
    assert parse_report("Two men hurt in a fall at the warehouse").type == "other"


@pytest.mark.parametrize("text, expected", [
    ("A delivery van hit a cyclist at the school crossing", (0, 1, 0, 0)),
    ("Strong gust, a branch landed on one of the mums waiting at the gate", (0, 1, 0, 0)),
    ("Car reversed out of the lot and knocked down two grandparents", (0, 2, 0, 0)),
    ("The loose dog bit the postman outside block C", (0, 1, 0, 0)),
])
def test_the_victim_of_a_blow_told_as_its_object(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text", ["A truck hit the wall of the car park, no one hurt", "The boat struck the pier at 3"])
def test_a_blow_to_a_thing_names_nobody(text: str) -> None:
    """Guard: the victim must be a person right after the verb."""
    assert counts(text) == (0, 0, 0, 0)
