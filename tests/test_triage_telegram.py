"""Triage end to end on Telegram: a doubtful message is listed for the centre,
Register makes it an incident with a receipt to the reporter as a reply to their message, and the list
is edited in place."""
from __future__ import annotations

from bot.app import Liandong
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)

TG_CENTRE, TG_REPORTING = -1001000, -1003000
TG_COMMANDER, TG_FIREFIGHTER, TG_STRANGER = 1001, 2001, 777
DOUBT = "桥下面有人 快来 水都漫上来了"
WAIT_S = 10.0


def _tg_button(message: dict, label: str) -> dict:
    return next(b for row in message["reply_markup"]["inline_keyboard"] for b in row if b["text"] == label)


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
