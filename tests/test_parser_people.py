"""Intake parser: people named by their trade or by what they were doing, states of being
held where one is, and "both" said of people already counted.

Hand-written phrasings (none is a corpus line), so that a later change that undoes a rule
is caught here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text, expected", [
    # trades as sites, yards and crews name them
    ("港区3号堆场 一个叉车工被货物砸伤了", (0, 1, 0, 0)),
    ("高速收费站 收费员被飞溅的玻璃划伤", (0, 1, 0, 0)),
    ("吊装作业时司索工被钢梁夹住了", (0, 0, 1, 0)),
    ("养殖场饲养员被公牛顶伤 在后院", (0, 1, 0, 0)),
    ("隧道里一名测量员和一名技术员中毒晕倒", (0, 2, 0, 0)),
    ("收割机翻了 机手压在底下", (0, 0, 1, 0)),
    # named by what they were doing, or by who they are to the place
    ("菜市场门口雨棚塌了 砸着一个摆摊的", (0, 1, 0, 0)),
    ("宾馆三楼 两个客人一氧化碳中毒 叫不醒", (0, 2, 0, 0)),
    ("路边两个醉汉打架 一个醉汉头上挂彩了", (0, 1, 0, 0)),
    # holding on, banging on the glass, not yet got out, still in the pit, still buried
    ("河里有个人在扑腾 快不行了", (0, 0, 1, 0)),
    ("码头边一个小伙子掉水里了 抓着缆绳呢", (0, 0, 1, 0)),
    ("车掉进水塘了 里面有人在拍窗户", (0, 0, 1, 0)),
    ("平房着火了 瘫在床上的老人没抬出来", (0, 0, 1, 0)),
    ("平房着火了 屋里还有个老人没抬出来", (0, 0, 1, 0)),  # one person, said twice
    ("沼气池里下去两个人 一人已救出 一人仍在池内", (0, 0, 1, 0)),
    ("围墙倒了 扒出来一个 还有俩埋着", (0, 0, 2, 0)),
    # hurt told by the claw, the blister, the gash, the lump, the blood
    ("动物园熊舍 饲养员被熊抓伤手臂", (0, 1, 0, 0)),
    ("仓库里一桶液体漏了 俩搬运工手上起泡了", (0, 2, 0, 0)),
    ("一个装卸工从月台上摔下去 后脑勺磕地上 流了不少血", (0, 1, 0, 0)),
    ("切割机打到一个工人 腿上划了一个大口子", (0, 1, 0, 0)),
    ("狗把一个放学的孩子咬了 腿上咬了好几口", (0, 1, 0, 0)),
    ("西村老李家一家三口都中煤气了 早上没起来", (0, 3, 0, 0)),  # the northern word for CO
])
def test_chinese_people_and_states(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("one packer collapsed on the loading dock at the logistics park", (0, 1, 0, 0)),
    ("Steward slipped on deck 5 and hit his head", (0, 1, 0, 0)),
    ("A spectator knocked over by the falling banner at the stadium", (0, 1, 0, 0)),
    ("Swimmer pulled out at the south beach, hypothermic", (0, 1, 0, 0)),
    ("Freezer door jammed at the cold store, 2 guys locked inside", (0, 0, 2, 0)),
    ("A cyclist went off the embankment on Harbour Road, shouting from below", (0, 0, 1, 0)),
    ("Two kayakers at the cove, wind too strong, they cannot paddle back", (0, 0, 2, 0)),
    # "both" is the two already counted, not two more
    ("Two persons in the water by the pier, both clinging to a buoy", (0, 0, 2, 0)),
    ("A boy swept off the pier is hanging onto a buoy", (0, 0, 1, 0)),
    ("Two men trapped in the lift, both injured", (0, 2, 2, 0)),
])
def test_english_people_and_states(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("化工厂起火 3人受伤", (0, 3, 0, 0)),        # 化工 is no worker
    ("施工时2人受伤", (0, 2, 0, 0)),             # nor is 施工
    ("紧急动员 消防员3人受伤", (0, 3, 0, 0)),     # nor 动员
])
def test_the_work_itself_is_no_person(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, place", [
    ("石岛动物园3号熊舍饲养员清扫时被黑熊抓伤", "石岛动物园3号熊舍"),
    ("东山那个修车的铺子着火了", "东山那个修车的铺子"),
])
def test_a_person_ends_the_place_and_a_trade_before_a_shop_does_not(text: str, place: str) -> None:
    assert parse_report(text).location == place


def test_people_who_got_ashore_holding_a_rope_are_not_held() -> None:
    assert counts("漂流的筏子翻了 3个人抓着绳子上岸了 一个小伙子被冲走") == (0, 0, 0, 1)


@pytest.mark.parametrize("text, expected", [
    # out of sight in the water; a headcount one short; separated; not known to be out
    ("有人从栈桥上掉下去了 现在水面上啥也看不见", (0, 0, 0, 1)),
    ("春游清点少了个孩子 老师们在找", (0, 0, 0, 1)),
    ("一名8岁男孩在海滨公园和家人走散", (0, 0, 0, 1)),
    ("车间人员撤到集合点，清点少1人", (0, 0, 0, 1)),
    ("山上着火了 有个老汉在里面放羊 不知道出来没有", (0, 0, 0, 1)),
    # in smoke, "I can see nothing" is the caller's view
    ("仓库着火了 烟太大 什么都看不见了 里面有2人被困", (0, 0, 2, 0)),
    ("MAN OVERBOARD - MV Blue Star - 3 nm south of the port", (0, 0, 0, 1)),
    ("Tug reports a man overboard from the barge", (0, 0, 0, 1)),
    ("My brother went fishing at the pier and hasnt come back", (0, 0, 0, 1)),
    ("A kayaker was last seen near the lighthouse at 5pm", (0, 0, 0, 1)),
    ("a car went into the canal, driver not seen", (0, 0, 0, 1)),
])
def test_missing(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text", [
    "Reminder: man overboard drill on deck 3 at 10:00",
    "Weekly safety talk: what to do if you see a man overboard",
])
def test_man_overboard_as_a_topic_counts_nobody(text: str) -> None:
    assert counts(text) == (0, 0, 0, 0)


@pytest.mark.parametrize("text, expected", [
    # found or pulled out by responders: a count, not the name of a thing
    ("Fire in a flat on Harbour Road. Firemen found 1 dead in the kitchen", (1, 0, 0, 0)),
    # more got out than were held are others, evacuated: the family is still up there
    ("河水进村了 一家三口困在房顶上 隔壁几户转移出来9个人", (0, 0, 3, 0)),
    ("A van went into the canal, the driver is still in his car, we can see him", (0, 0, 1, 0)),
    ("化粪池里下去两个人清淤 救出1人 1人仍在池底", (0, 0, 1, 0)),
    # the caller searched for a thing: nobody is missing
    ("请问防汛物资登记表在哪 我找半天没找着", (0, 0, 0, 0)),
    ("孩子在海边玩 我们找了一晚上没找到孩子", (0, 0, 0, 1)),
])
def test_counts_told_by_who_found_them(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the one person held is hurt too: counted in both, as the corpus counts the pinned and hurt
    ("山路上一辆面包车翻沟里了 司机卡在驾驶室 头上流血", (0, 1, 1, 0)),
    ("厂房顶棚塌了一块 压住一个保安 腿压伤了", (0, 1, 1, 0)),
    ("A crate fell off the forklift, a packer is pinned under it, his leg is crushed", (0, 1, 1, 0)),
    # … but a call for help or no answer says nothing of the body
    ("平房后墙倒了 俺爹在屋里 埋里头了 喊不应", (0, 0, 1, 0)),
])
def test_the_one_held_and_hurt_is_counted_in_both(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    # "N of M": the part is the count, the group is not
    ("Dinner at the guesthouse: 7 of our 30 hikers are vomiting", (0, 7, 0, 0)),
    ("Scaffold slipped, 2 of the 6 painters hurt, rest fine", (0, 2, 0, 0)),
    # dispatchers' shorthand
    ("Smoke inhalation x2 at the warehouse on Gangwan Rd", (0, 2, 0, 0)),
    ("Crash on G228, 1x dead 3x injured", (1, 3, 0, 0)),
    # the unconscious among the sick are a part of them, not more of them
    ("6 tourists sick after the buffet, one fainted in the lobby", (0, 6, 0, 0)),
    ("5 workers overcome by fumes in the paint shop, 2 unconscious", (0, 5, 0, 0)),
])
def test_parts_and_shorthand_counts(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a hospital counts the people it received
    ("急诊科报告：截至目前已接诊12人，均在海鲜市场同一摊位吃过饭", (0, 12, 0, 0)),
    ("港西镇卫生院：婚宴的客人陆续来院 已收治9人", (0, 9, 0, 0)),
    # the one who cannot be woken is one of the poisoned, not another
    ("后岛村一户人家烧炉子 老两口煤气中毒 有一个叫不醒", (0, 2, 0, 0)),
])
def test_hospital_intake_and_the_unwakeable_among_the_poisoned(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the follow-up's stated total of a kind replaces the sum of its parts
    ("Update: one more casualty carried out of the hall, total injured now 3", (0, 3, 0, 0)),
    ("Search update: missing total 2, divers resuming at first light", (0, 0, 0, 2)),
    # radio and ambulance shorthand
    ("Rowing boat swamped off Lidao pier, 3 POB clinging to the hull", (0, 0, 3, 0)),
    ("Crash on the coast road, 1 DOA, 2 injured", (1, 2, 0, 0)),
])
def test_totals_and_radio_shorthand(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a group counted, then told one by one: its members, not more people
    ("菜场雨棚塌了 砸到两个老人 一个头破了 一个胳膊肿了", (0, 2, 0, 0)),
    ("路口一辆面包车撞了三个行人 一个腿断了 一个在哼哼", (0, 3, 0, 0)),
    ("5 passengers hurt when the bus braked hard, one head cut, one sprained wrist", (0, 5, 0, 0)),
    # … but one told as still missing is the current figure
    ("两个钓鱼的被浪打下去了 一个自己爬上来了 一个还没找到", (0, 0, 0, 1)),
])
def test_a_group_told_one_by_one(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the one held is now out of sight, or dead: counted once, where they are now
    ("快来人 村东头的鱼塘有个孩子掉进去了 已经看不见了", (0, 0, 0, 1)),
    ("冰面塌了 一个小孩掉冰窟窿里了 找不着了", (0, 0, 0, 1)),
    ("仓库的货架倒了 保管员压在底下 没气了", (1, 0, 0, 0)),
])
def test_the_one_held_now_gone_or_dead(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected
