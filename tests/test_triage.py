"""No silent loss (console): a message intake is unsure of goes before the centre on one
triage message, edited in place; Register makes it an incident as if it had been read right,
Not a report drops it; refusals change nothing; a sender's flood of doubts is one entry."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from handlers.intake import parser as parser_module
from handlers.intake.handler import READ_AHEAD
from storage.models import Incident, TimelineEntry, TriageItem
from tests.conftest import ConsoleBot
from tests.console_transcript import room, token

DOUBT = "桥下面有人 快来 水都漫上来了"
OTHER_DOUBT = "快来看看 老刘家那边出大事了 好几个人躺着"
CHATTER = "今天天气不错，大家辛苦"


async def _count(bot: ConsoleBot, model: type) -> int:
    async with bot.app.db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


def _message_no(output: str) -> str:
    return re.search(r"\[centre\] bot(?: \([^)]*\))? #(\d+):", output).group(1)  # type: ignore[union-attr]


@pytest.mark.usefixtures("model_in_doubt")
async def test_a_doubtful_report_is_listed_for_the_centre_and_registered_from_there(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"路人甲@reporting: {DOUBT}")
    assert room(out, "reporting") == ""  # nothing is said in the reporting group
    centre = room(out, "centre")
    assert "待判定 · 1 条" in centre and DOUBT in centre and "路人甲" in centre
    board_no = _message_no(centre)
    assert await _count(console_bot, Incident) == 0

    # Chatter is confidently chatter: no entry, no message.
    assert await console_bot.say(f"路人乙@reporting: {CHATTER}") == ""

    # A second doubt, from someone else, is added to the same message.
    second = room(await console_bot.say(f"路人乙@reporting: {OTHER_DOUBT}"), "centre")
    assert f"(edits message #{board_no})" in second and "待判定 · 2 条" in second
    assert "1. 路人甲" in second and "2. 路人乙" in second

    # Only the centre decides; the press of a unit member changes nothing.
    refused = await console_bot.say(f"张三@centre: !{token(second, '登记 #1')}")
    assert refused.strip() == "(only 张三 sees) 只有指挥中心成员可以这样做。"

    registered = await console_bot.say(f"王指挥@centre: !{token(second, '登记 #1')}")
    assert "(only 王指挥 sees) 已登记为事件 20261122-0001" in registered
    receipt = room(registered, "reporting")
    assert "已登记事件 20261122-0001" in receipt and "reply to" in receipt  # to 路人甲's own message
    centre = room(registered, "centre")
    assert "新事件 20261122-0001" in centre and DOUBT in centre and "报告人: 路人甲" in centre
    assert f"(edits message #{board_no})" in centre and "1. 路人甲" in centre
    assert "已由 王指挥 登记为事件 20261122-0001" in centre and "待判定 · 1 条" in centre
    async with console_bot.app.db.transaction() as session:
        kinds = [(e.kind, e.actor_name) for e in await session.scalars(
            select(TimelineEntry).where(TimelineEntry.incident_id == "20261122-0001").order_by(TimelineEntry.id))]
    assert kinds == [("reported", "路人甲"), ("triaged", "王指挥")]

    # Pressed again: refused politely, nothing changes.
    again = await console_bot.say(f"刘值班@centre: !{token(second, '登记 #1')}")
    assert "已由 王指挥 处理（登记为事件 20261122-0001），未做更改" in again and "edits" not in again
    assert await _count(console_bot, Incident) == 1

    dismissed = await console_bot.say(f"刘值班@centre: !{token(second, '不是报告 #2')}")
    assert "(only 刘值班 sees) 已判定为不是报告" in dismissed
    done = room(dismissed, "centre")
    assert "待判定：全部已处理" in done and "已由 刘值班 判定为不是报告" in done and "[登记" not in done
    assert await _count(console_bot, Incident) == 1

    # With the list decided, the next doubt starts a new message (not an edit far up the chat).
    fresh = room(await console_bot.say(f"路人丙@reporting: {DOUBT}"), "centre")
    assert "edits" not in fresh and "待判定 · 1 条" in fresh and "1. 路人丙" in fresh


@pytest.mark.usefixtures("model_in_doubt")
async def test_a_flood_of_doubts_from_one_sender_is_one_entry(console_bot: ConsoleBot) -> None:
    drawings = [room(await console_bot.say(f"路人甲@reporting: {DOUBT} {n}"), "centre") for n in range(30)]
    assert "edits" not in drawings[0] and all("(edits message #" in d for d in drawings[1:])
    assert "路人甲（30 条）" in drawings[-1] and "待判定 · 1 条" in drawings[-1] and f"{DOUBT} 29" in drawings[-1]
    async with console_bot.app.db.transaction() as session:
        [item] = list(await session.scalars(select(TriageItem)))
    assert item.count == 30 and item.text.endswith(" 29")
    # Registered, it is the latest message that becomes the incident.
    registered = await console_bot.say(f"王指挥@centre: !{token(drawings[-1], '登记 #1')}")
    assert f"{DOUBT} 29" in room(registered, "centre") and await _count(console_bot, Incident) == 1


@pytest.mark.usefixtures("model_in_doubt")
async def test_a_doubt_in_a_private_chat_tells_the_sender_it_went_to_the_centre(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"路人甲@dm: {DOUBT}")
    assert "已转指挥中心判定" in room(out, "dm:路人甲") and "待判定" in room(out, "centre")


async def test_a_report_the_model_is_all_but_sure_of_is_registered_not_left_waiting(
        console_bot: ConsoleBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Words no rule knows, but the report model all but sure (its answer set here): registered
    at once, marked unsure, with the reporter's receipt; the triage list is not involved."""
    unread = "后山好像有人一直在喊"
    monkeypatch.setattr(READ_AHEAD, "workers_allowed", False)
    monkeypatch.setattr(parser_module, "report_probability", lambda low: 0.99)
    out = await console_bot.say(f"路人甲@reporting: {unread}")
    assert "已登记" in room(out, "reporting")
    centre = room(out, "centre")
    assert "新事件" in centre and unread in centre and "类型: 其他 ❓" in centre and "待判定" not in centre
    assert await _count(console_bot, Incident) == 1 and await _count(console_bot, TriageItem) == 0
    # Just short of sure, the same words wait for a person.
    monkeypatch.setattr(parser_module, "report_probability", lambda low: 0.9)
    assert "待判定" in room(await console_bot.say(f"路人乙@reporting: {unread}"), "centre")


async def test_junk_empty_and_huge_messages_make_no_entry(console_bot: ConsoleBot) -> None:
    for junk in ("", "   ", "😀😀😀", "\x00\x01\x02 ÿþ", "伤" * 20_000, "快" * 20_000, "a" * 20_000):
        await console_bot.say(f"路人甲@reporting: {junk}")
    assert await _count(console_bot, TriageItem) == 0 and await _count(console_bot, Incident) == 0
