"""On Telegram: a report with no place gets the question in its receipt, and the reporter's
reply to the receipt fills the place on the centre's card; a further report that is not a
reply, naming the incident's id, updates its figures."""
from __future__ import annotations

import re

from bot.app import Liandong
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)

CENTRE, REPORTING = -1001000, -1003000
REPORTER = 777
WAIT_S = 10.0


async def test_the_question_and_its_answer_and_an_unreplied_follow_up(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(REPORTING, REPORTER, "着火了 3人受伤 快来")
    [receipt] = await fake.wait_for_messages(REPORTING, timeout=WAIT_S)
    assert "在哪里、几点发生的？" in receipt["text"]
    [card] = await fake.wait_for_messages(CENTRE, timeout=WAIT_S)
    incident_id = re.search(r"\d{8}-\d{4}", card["text"]).group(0)

    fake.inject_message(REPORTING, REPORTER, "青年路口超市 15:20", reply_to_message_id=receipt["message_id"])
    await fake.wait_until(lambda: "青年路口超市" in fake.message(CENTRE, card["message_id"])["text"], WAIT_S)
    assert "15:20" in fake.message(CENTRE, card["message_id"])["text"]
    [_, thanks] = await fake.wait_for_messages(REPORTING, 2, timeout=WAIT_S)
    assert f"谢谢，已补充事件 {incident_id}" in thanks["text"]

    fake.inject_message(REPORTING, REPORTER, f"续报 {incident_id}：又有2人受伤")
    await fake.wait_until(lambda: "受伤 5" in fake.message(CENTRE, card["message_id"])["text"], WAIT_S)
