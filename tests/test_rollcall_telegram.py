"""Roll-calls over Telegram (real python-telegram-bot against the fake Bot API):
the monthly record goes out as a table message and its CSV as a document."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.app import Liandong
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)
from tests.test_broadcast_telegram import CENTRE, COMMANDER, FIRE_GROUP


async def test_the_monthly_record_arrives_with_its_csv(bot: Liandong, fake: FakeTelegramAPI) -> None:
    """The monthly roll-call record: a table message and its CSV, as a document."""
    fake.inject_message(CENTRE, COMMANDER, "/rollcall FIRE-01")
    await fake.wait_for_messages(FIRE_GROUP)
    before = len(fake.sent_messages(CENTRE))
    fake.inject_message(CENTRE, COMMANDER, "/rollcall-report")
    table = (await fake.wait_for_messages(CENTRE, before + 1))[-1]
    await fake.wait_until(lambda: bool(fake.sent_documents), timeout=10)
    [document] = fake.sent_documents
    month = datetime.now(timezone.utc).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    assert document.chat_id == CENTRE and document.filename == f"rollcall-{month}.csv"
    assert document.content is not None and document.content.startswith("\ufeff".encode())
    assert "FIRE-01" in document.content.decode("utf-8-sig")
    assert document.message_id > table["message_id"]
