"""Triage end to end on Telegram: a doubtful message is listed for the centre,
Register makes it an incident with a receipt to the reporter as a reply to their message, and the list
is edited in place; further doubts fold into it, Not a report drops one, and a second press
(or a press by anyone outside the centre) is refused and changes nothing."""
from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.app import Liandong
from config.organisation import Organisation
from storage.models import Incident
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import fake, running_bot  # noqa: F401 (fixtures)

TG_CENTRE, TG_REPORTING = -1001000, -1003000
TG_COMMANDER, TG_FIREFIGHTER, TG_STRANGER = 1001, 2001, 777
DOUBT = "桥下面有人 快来 水都漫上来了"
WAIT_S = 10.0


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeTelegramAPI, org: Organisation,
              database_url: str) -> AsyncIterator[Liandong]:
    """On each database: the triage list is claimed, folded and decided under PostgreSQL's
    concurrency as well as SQLite's."""
    async with running_bot(tmp_path, fake, org, database_url) as app:
        yield app


def _tg_button(message: dict, label: str) -> dict:
    return next(b for row in message["reply_markup"]["inline_keyboard"] for b in row if b["text"] == label)


@pytest.mark.usefixtures("model_in_doubt")
async def test_triage_on_telegram(bot: Liandong, fake: FakeTelegramAPI) -> None:
    report = fake.inject_message(TG_REPORTING, TG_STRANGER, DOUBT, first_name="路人", last_name="甲")
    [board] = await fake.wait_for_messages(TG_CENTRE, timeout=WAIT_S)
    assert "待判定 · 1 条" in board["text"] and DOUBT in board["text"]
    assert fake.sent_messages(TG_REPORTING) == []

    query = fake.inject_callback_query(TG_CENTRE, TG_FIREFIGHTER, board["message_id"],
                                       _tg_button(board, "登记 #1")["callback_data"])
    await fake.wait_until(lambda: any(c["callback_query_id"] == query for c in fake.calls("answerCallbackQuery")))
    assert "只有指挥中心成员" in fake.calls("answerCallbackQuery")[-1]["text"]

    fake.inject_callback_query(TG_CENTRE, TG_COMMANDER, board["message_id"], _tg_button(board, "登记 #1")["callback_data"])
    [receipt] = await fake.wait_for_messages(TG_REPORTING, timeout=WAIT_S)
    assert "已登记事件" in receipt["text"]
    assert receipt["reply_to_message"]["message_id"] == report["message"]["message_id"]
    await fake.wait_until(lambda: "已由 王指挥 登记为事件" in fake.message(TG_CENTRE, board["message_id"])["text"], WAIT_S)
    assert "reply_markup" not in fake.message(TG_CENTRE, board["message_id"]) or not \
        fake.message(TG_CENTRE, board["message_id"])["reply_markup"].get("inline_keyboard")
    await fake.wait_until(lambda: any("新事件" in m.get("text", "") for m in fake.sent_messages(TG_CENTRE)), WAIT_S)


TG_SECOND = 1002  # 刘值班, a second centre member
OTHER_DOUBT = "快来看看 老刘家那边出大事了 好几个人躺着"


async def _pressed(fake: FakeTelegramAPI, user: int, message: dict, label: str) -> dict:  # noqa: F811
    """Press `label` as it was on `message` (as the presser's client showed it): the private answer."""
    query = fake.inject_callback_query(TG_CENTRE, user, message["message_id"], _tg_button(message, label)["callback_data"])
    await fake.wait_until(lambda: any(c["callback_query_id"] == query for c in fake.calls("answerCallbackQuery")),
                          WAIT_S)
    return next(c for c in fake.calls("answerCallbackQuery") if c["callback_query_id"] == query)


async def _incidents(bot: Liandong) -> int:  # noqa: F811
    async with bot.db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(Incident)) or 0


@pytest.mark.usefixtures("model_in_doubt")
async def test_triage_list_folds_in_doubts_dismisses_and_refuses_second_presses_on_telegram(
    bot: Liandong, fake: FakeTelegramAPI,  # noqa: F811
) -> None:
    fake.inject_message(TG_REPORTING, TG_STRANGER, DOUBT, first_name="路人", last_name="甲")
    [board] = await fake.wait_for_messages(TG_CENTRE, timeout=WAIT_S)
    # A second doubt, from someone else, is added to the same message, edited in place.
    fake.inject_message(TG_REPORTING, 778, OTHER_DOUBT, first_name="路人", last_name="乙")
    await fake.wait_until(lambda: "待判定 · 2 条" in fake.message(TG_CENTRE, board["message_id"])["text"], WAIT_S)
    both = fake.message(TG_CENTRE, board["message_id"])
    assert DOUBT in both["text"] and OTHER_DOUBT in both["text"]
    assert [b["text"] for row in both["reply_markup"]["inline_keyboard"] for b in row] == \
        ["登记 #1", "不是报告 #1", "登记 #2", "不是报告 #2"]
    assert len(fake.sent_messages(TG_CENTRE)) == 1 and fake.sent_messages(TG_REPORTING) == []

    dismissed = await _pressed(fake, TG_COMMANDER, both, "不是报告 #2")
    assert "已判定为不是报告" in dismissed["text"]
    await fake.wait_until(lambda: "已由 王指挥 判定为不是报告" in fake.message(TG_CENTRE, board["message_id"])["text"],
                          WAIT_S)
    # Pressed again from the list as it was, by another centre member: refused, nothing changes.
    again = await _pressed(fake, TG_SECOND, both, "不是报告 #2")
    assert "已由 王指挥 处理（不是报告），未做更改" in again["text"]
    again = await _pressed(fake, TG_SECOND, both, "登记 #2")
    assert "已由 王指挥 处理（不是报告），未做更改" in again["text"]
    assert await _incidents(bot) == 0

    registered = await _pressed(fake, TG_SECOND, both, "登记 #1")
    assert "已登记为事件" in registered["text"]
    await fake.wait_until(lambda: "待判定：全部已处理" in fake.message(TG_CENTRE, board["message_id"])["text"], WAIT_S)
    again = await _pressed(fake, TG_COMMANDER, both, "登记 #1")
    assert "已由 刘值班 处理（登记为事件" in again["text"] and "未做更改" in again["text"]
    assert await _incidents(bot) == 1
    done = fake.message(TG_CENTRE, board["message_id"])
    assert "已由 刘值班 登记为事件" in done["text"] and "已由 王指挥 判定为不是报告" in done["text"]
    assert not (done.get("reply_markup") or {}).get("inline_keyboard")

    # With the list decided, the next doubt starts a new message (not an edit far up the chat).
    before = len(fake.sent_messages(TG_CENTRE))
    fake.inject_message(TG_REPORTING, 779, DOUBT)
    await fake.wait_until(lambda: any("待判定 · 1 条" in m["text"]
                                      for m in fake.sent_messages(TG_CENTRE)[before:]), WAIT_S)
    assert "待判定：全部已处理" in fake.message(TG_CENTRE, board["message_id"])["text"]


@pytest.mark.usefixtures("model_in_doubt")
async def test_a_doubt_in_a_private_chat_tells_the_sender_it_went_to_the_centre_on_telegram(
    bot: Liandong, fake: FakeTelegramAPI,  # noqa: F811
) -> None:
    fake.inject_message(TG_STRANGER, TG_STRANGER, DOUBT)  # the private chat with the bot
    [held] = await fake.wait_for_messages(TG_STRANGER, timeout=WAIT_S)
    assert "已转指挥中心判定" in held["text"]
    [board] = await fake.wait_for_messages(TG_CENTRE, timeout=WAIT_S)
    assert "待判定 · 1 条" in board["text"] and DOUBT in board["text"] and "私聊" in board["text"]
    assert await _incidents(bot) == 0
