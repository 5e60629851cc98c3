"""A report without a place or a time gets one question in its receipt; the reporter's
reply to the receipt fills what was missing (console)."""
from __future__ import annotations

import re

from sqlalchemy import select

from storage.models import Incident, TimelineEntry
from tests.conftest import ConsoleBot
from tests.console_transcript import room


def _receipt_no(output: str) -> str:
    return re.search(r"\[reporting\] bot(?: \([^)]*\))? #(\d+):", output).group(1)  # type: ignore[union-attr]


async def _incident(bot: ConsoleBot) -> Incident:
    async with bot.app.db.transaction() as session:
        return await session.scalar(select(Incident))


async def test_the_receipt_asks_where_and_when_and_the_reply_fills_both(console_bot: ConsoleBot) -> None:
    out = await console_bot.say("路人甲@reporting: 着火了 3人受伤 快来")
    receipt = room(out, "reporting")
    assert "在哪里、几点发生的？请回复本消息" in receipt
    answered = await console_bot.say(f"路人甲@reporting: ^{_receipt_no(out)} 在青年路口超市 15:20")
    assert "谢谢，已补充事件 20261122-0001" in room(answered, "reporting")
    card = room(answered, "centre")
    assert "地点: 青年路口超市" in card and "发生时间: 15:20" in card
    incident = await _incident(console_bot)
    assert (incident.location, incident.stated_time) == ("青年路口超市", "15:20")
    async with console_bot.app.db.transaction() as session:
        kinds = [e.kind for e in await session.scalars(select(TimelineEntry).order_by(TimelineEntry.id))]
    assert kinds.count("answered") == 2
    # Thanks are not a place.
    thanks = await console_bot.say(f"路人甲@reporting: ^{_receipt_no(out)} 好的谢谢")
    assert thanks == "" and (await _incident(console_bot)).location == "青年路口超市"


async def test_only_what_is_missing_is_asked(console_bot: ConsoleBot) -> None:
    out = await console_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤")
    receipt = room(out, "reporting")
    assert "几点发生的？" in receipt and "在哪里" not in receipt
    await console_bot.say(f"路人甲@reporting: ^{_receipt_no(out)} 下午3点10分")
    assert (await _incident(console_bot)).stated_time == "15:10"
    assert (await _incident(console_bot)).location == "人民路化工厂"

    full = await console_bot.say("路人乙@reporting: 东山街道仓库15:20起火，1人被困")
    assert "❓" not in room(full, "reporting")


async def test_a_value_the_parser_is_unsure_of_is_marked_until_a_person_states_it(console_bot: ConsoleBot) -> None:
    out = await console_bot.say("路人甲@reporting: 快来人啊 人民路三号楼那边出事了 救命")
    card = room(out, "centre")
    assert "类型: 其他 ❓" in card
    card_no = re.search(r"\[centre\] bot #(\d+):", card).group(1)  # type: ignore[union-attr]
    fixed = room(await console_bot.say(f"王指挥@centre: ^{card_no} 类型: 火灾"), "centre")
    assert "类型: 火灾" in fixed and "❓" not in fixed.split("类型: 火灾")[1].split("\n")[0]
    sure = room(await console_bot.say("路人乙@reporting: 东山街道仓库起火，1人被困"), "centre")
    assert "❓" not in sure


# Written for these tests: the rules find no place in it, the place model guesses 北部海岸.
GUESSED = "我镇北部海岸 有人落水 快来"


async def test_a_guessed_place_is_asked_to_be_confirmed_and_the_reply_replaces_it(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"路人甲@reporting: {GUESSED}")
    assert "地点是「北部海岸」吗？" in room(out, "reporting")
    assert "地点: 北部海岸 ❓" in room(out, "centre")
    # A yes changes nothing and says nothing; the mark stays until someone states the place.
    assert await console_bot.say(f"路人甲@reporting: ^{_receipt_no(out)} 对") == ""
    assert (await _incident(console_bot)).unsure.split(",").count("location") == 1
    fixed = room(await console_bot.say(f"路人甲@reporting: ^{_receipt_no(out)} 不对，是石岛湾北沙滩"), "centre")
    assert "地点: 石岛湾北沙滩\n" in fixed + "\n"
    incident = await _incident(console_bot)
    assert incident.location == "石岛湾北沙滩" and "location" not in incident.unsure.split(",")
