"""Intake parser: rules from the seventeenth round's train lines (night life, the rarer kinds,
hotels, long voice messages), in hand-written phrasings (none is a corpus line), so that a
later change that undoes a rule is caught here, not only as a figure in bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text", [
    "晃得太凶了 港西镇后村有间老房子塌了",
    "港湾街道这边床一直晃 窗户咔咔响",
    "The whole hotel just shook for a few seconds, plaster fell in the lobby",
])
def test_shaking_told_not_named_is_an_earthquake(text: str) -> None:
    read = parse_report(text)
    assert read.is_report and read.type == "earthquake"


def test_a_body_shaking_in_a_seizure_is_no_earthquake() -> None:
    assert parse_report("Guest having a seizure in the hotel lobby, lying on the floor shaking").type == "medical"


@pytest.mark.parametrize("text, expected", [
    ("烧烤摊两伙人打起来了 一个小伙子头被开瓢了", (0, 1, 0, 0)),
    ("KTV门口有人动刀了 捅了俩 都在地上", (0, 2, 0, 0)),
    ("洗浴中心包间打架 至少两个挨了刀", (0, 2, 0, 0)),
    ("烟墩角海边几个人喝完酒下海游泳 有个小伙子游出去就没见上来", (0, 0, 0, 1)),
    ("俺家当家的在地里叫长虫咬了 脚脖子肿了", (0, 1, 0, 0)),
])
def test_night_life_and_country_words(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("俺家当家的在地里叫长虫咬了 脚脖子肿了", "medical"),
    ("Lifeguard fainted by the pool, skin burning hot, not sweating, we moved him to the shade", "medical"),
])
def test_a_snake_in_dialect_and_skin_burning_hot_are_medical(text: str, expected: str) -> None:
    assert parse_report(text).type == expected


@pytest.mark.parametrize("text", [
    "刚才说洗浴中心着火是误会 是后厨烤串的烟 没事了",
    "东山那场山火已彻底扑灭 余火清理完毕 人员已撤回",
    "四川那边又地震了 朋友圈都在转 看着揪心",
    "你们还记得去年那场大水不 我们家院子都淹了 现在想想都害怕",
])
def test_all_clears_news_from_a_province_and_memories_are_not_registered(text: str) -> None:
    assert not parse_report(text).is_report


def test_a_voice_messages_filler_is_not_part_of_the_place() -> None:
    assert not (parse_report("那个滕家镇沙子口村老李家液化气罐漏气了 满屋子味").location or "").startswith("那个")


@pytest.mark.parametrize("text, expected", [
    # more of the same, added (也), not the figure now
    ("河水漫进村了 有老两口困在房顶上 还有一家三口在二楼也下不来", (0, 0, 5, 0)),
    # where they hang or lie says they are people (两个挂在架子上)
    ("脚手架歪了 上面三个干活的 两个挂在架子上 下不来", (0, 0, 2, 0)),
    # under the bricks; they, the ones counted before
    ("Wind brought the yard wall down, a porter is under the bricks, we hear him", (0, 0, 1, 0)),
    ("3 of our hikers went down to the cove and the tide came in, they're stuck on a ledge", (0, 0, 3, 0)),
])
def test_more_of_the_same_and_where_they_are(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the one held who got out by himself is no longer held
    ("路口塌了个坑 一个骑三轮的掉下去了 人自己爬上来了 腿蹭破了", (0, 1, 0, 0)),
    # … but another one who ran out was never held (a guard)
    ("大棚让雪压塌了 压着一个 另一个跑出来了", (0, 0, 1, 0)),
])
def test_out_by_themselves(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("上庄镇有个石子场放炮 飞石崩着人了 流了好多血", "mine"),
    ("Lifeguard: girl pulled out of the deep end of the hotel pool, not breathing, CPR started", "water_rescue"),
])
def test_quarry_blasting_and_a_child_pulled_from_the_pool(text: str, expected: str) -> None:
    assert parse_report(text).type == expected
