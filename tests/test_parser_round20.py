"""Intake parser: rules from the twentieth round's train lines (handwriting-input slips, the
Korean community, homestay owners, net slang), in hand-written phrasings (none is a corpus
line), so that a later change that undoes a rule is caught here, not only as a figure in
bench/intake_accuracy.py."""
from __future__ import annotations

import pytest

from handlers.intake.parser import parse_report
from tests.parser_readings import counts


@pytest.mark.parametrize("text", [
    "紧急 今晚10点有大地震 别在屋里睡 转给十个群 不转的家里不平安",
    "居委会通知 明天上午停水 请提前储水",
    "后山那火已经灭透了 林场说没有明火了 大家放心",
    "谁有心肺复苏的PPT 明天要交了 球球了",
    "期末考试芭比Q了 我死了",
    "This week our fried chicken is really fire, 30% off all night",
    "楼下烧烤店每天晚上油烟很大 熏得睁不开眼 能投诉吗",
])
def test_chain_messages_notices_homework_and_slang_are_chatter(text: str) -> None:
    read = parse_report(text)
    assert not read.is_report and not read.doubtful  # chatter, not a question for the centre


@pytest.mark.parametrize("text", [
    "韩国烤肉店后厨着火了 有个厨师烧伤了",
    "一个越南工人从脚手架上掉下来了 不动了",
    "韩国老人在超市门口倒下了 叫不醒",
])
def test_a_nationality_before_a_person_or_a_business_is_no_news_from_abroad(text: str) -> None:
    assert parse_report(text).is_report


def test_news_from_abroad_is_still_chatter() -> None:
    """Guard."""
    assert not parse_report("转：韩国首尔一栋大楼起火 3人死亡").is_report


def test_korean_for_fire_names_a_fire() -> None:
    assert parse_report("成山镇 김치공장 불이야!! 빨리").type == "fire"


def test_a_real_bite_in_exam_slang_stays_a_report() -> None:
    """Guard: 芭比Q, now chatter, gives way to a casualty told beside it."""
    read = parse_report("这回真芭比Q了 我弟爬山被蛇咬了 脚肿了走不动")
    assert read.is_report and read.casualties.injured == 1


@pytest.mark.parametrize("text, expected", [
    ("渔家乐昨晚的客人吃了毛蚶 今天七八个人都倒下了", (0, 7, 0, 0)),
    ("现在一共9个人不舒服了 都在挂水", (0, 9, 0, 0)),
    ("我弟在沙滩上晒晕 被抬到树荫下", (0, 1, 0, 0)),
    ("客人下船的时候摔了一跤 腿上磕青了一大块", (0, 1, 0, 0)),
    ("俩客人洗澡晕在里头了 热水器漏气", (0, 2, 0, 0)),
    ("大黄狗冲出来咬了我弟 跑了", (0, 1, 0, 0)),
    ("村口那条狗把邻居家小孙子咬了", (0, 1, 0, 0)),
    ("阳台栏杆断了 小伙子掉到院子里 腿应该是断了", (0, 1, 0, 0)),
    ("住我家的姑娘上午去爬山 到现在还没回 手机也关机了", (0, 0, 0, 1)),
])
def test_casualty_phrasings(text: str, expected: tuple[int, int, int, int]) -> None:
    assert counts(text) == expected


@pytest.mark.parametrize("text", ["燃气公司电话打不通 楼道里味很大", "老王你电话打不通啊 回个电话"])
def test_a_phone_not_answered_is_nobody_missing(text: str) -> None:
    """Guard: only a phone switched off, beside someone not back, says missing."""
    assert counts(text) == (0, 0, 0, 0)
