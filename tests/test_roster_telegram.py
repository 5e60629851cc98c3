"""The roster over Telegram (real python-telegram-bot against the fake Bot API):
a person joins a unit with a code in a private chat, binds a new group, and the
next dispatch order reaches that group, where the new member can answer it."""
from __future__ import annotations

import re

from bot.app import Liandong
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import CENTRE, REPORTING, incident_id_in
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)

COMMANDER = 1001
NEWCOMER, NEW_GROUP = 5555, -1009999
REPORT = "人民路化工厂起火，3人受伤，有人被困"


async def _said(fake: FakeTelegramAPI, chat: int, user: int, text: str, **profile: str) -> dict:
    before = len(fake.sent_messages(chat))
    fake.inject_message(chat, user, text, **profile)
    return (await fake.wait_for_messages(chat, before + 1))[-1]


async def test_join_bind_and_the_next_order_reaches_the_new_group(bot: Liandong, fake: FakeTelegramAPI) -> None:
    invite = await _said(fake, CENTRE, COMMANDER, "/invite SEA-01 duty_officer")
    code = re.search(r"邀请码：([A-Z0-9]{5}-[A-Z0-9]{5})", invite["text"]).group(1)

    welcome = await _said(fake, NEWCOMER, NEWCOMER, f"/join {code}", first_name="周", last_name="船长")
    assert "(SEA-01) 的值班员" in welcome["text"]
    refused = await _said(fake, NEWCOMER + 1, NEWCOMER + 1, f"/join {code}")
    assert "已被使用" in refused["text"]

    fake.add_chat(NEW_GROUP, title="海上搜救一队", chat_type="supergroup")
    bound = await _said(fake, NEW_GROUP, NEWCOMER, f"/bind {code}", first_name="周", last_name="船长")
    assert "本群已绑定为" in bound["text"] and "SEA-01" in bound["text"]

    receipt = await _said(fake, REPORTING, 777, REPORT)
    incident_id = incident_id_in(receipt["text"])
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} SEA-01")
    [order] = (await fake.wait_for_messages(NEW_GROUP, 2))[1:]
    assert "调度指令" in order["text"]
    ack = next(b for row in order["reply_markup"]["inline_keyboard"] for b in row if b["text"] == "接令")
    query = fake.inject_callback_query(NEW_GROUP, NEWCOMER, order["message_id"], ack["callback_data"])
    await fake.wait_until(lambda: any(c["callback_query_id"] == query for c in fake.calls("answerCallbackQuery")))
    answer = next(c for c in fake.calls("answerCallbackQuery") if c["callback_query_id"] == query)
    assert answer["text"] == "已记录：已接令"
