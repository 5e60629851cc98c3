"""Correcting a report from its receipt, over Telegram (real python-telegram-bot
against the fake Bot API): the reporter or the centre may, anyone else may not;
a reply to the receipt with a field changes the incident, on the timeline."""
from __future__ import annotations

from sqlalchemy import select

from bot.app import Liandong
from storage.models import Incident, TimelineEntry
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)

REPORTING = -1003000
REPORTER, BYSTANDER = 777, 778
REPORT = "人民路化工厂起火，3人受伤，有人被困"


async def _press(fake: FakeTelegramAPI, user: int, message: dict, label: str) -> dict:
    data = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                if b["text"] == label)
    query = fake.inject_callback_query(REPORTING, user, message["message_id"], data)
    await fake.wait_until(lambda: any(c["callback_query_id"] == query for c in fake.calls("answerCallbackQuery")))
    return next(c for c in fake.calls("answerCallbackQuery") if c["callback_query_id"] == query)


async def test_the_reporter_corrects_from_the_receipt(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(REPORTING, REPORTER, REPORT)
    [receipt] = await fake.wait_for_messages(REPORTING)

    refused = await _press(fake, BYSTANDER, receipt, "更正")
    assert refused.get("show_alert") and "只有报告人或指挥中心" in refused["text"]
    how = await _press(fake, REPORTER, receipt, "更正")
    assert "请回复事件" in how["text"] and "受伤: 3" in how["text"]

    fake.inject_message(REPORTING, REPORTER, "受伤: 5", reply_to_message_id=receipt["message_id"])
    await fake.wait_for_messages(REPORTING, 2)
    async with bot.db.transaction() as session:
        [incident] = await session.scalars(select(Incident))
        kinds = list(await session.scalars(select(TimelineEntry.kind).where(TimelineEntry.incident_id == incident.id)))
    assert incident.injured == 5 and incident.trapped == 1
    assert "corrected" in kinds
