"""Bounded waits in the outbox: a platform's huge retry_after, a wait in one chat,
the parts of a long message, and a wall clock stepped back.

The Telegram tests run the real python-telegram-bot stack against the fake Bot
API, which answers 429 with Telegram's `parameters.retry_after`.
"""
from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import AsyncIterator

import pytest
from sqlalchemy import select

from bot.app import Liandong
from core.clock import ManualClock, SystemClock
from bot.outbox import OutboxSender
from config.organisation import Organisation
from storage.db import Database
from storage.models import OutboxMessage
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import fake, telegram_settings  # noqa: F401 (fixture)
from tests.test_broadcast_telegram import CENTRE, COMMANDER, FIRE_GROUP, MED_GROUP, _preview, _press
from tests.test_outbox_sender import FlakyDeliverer, _enqueue, _rows
from core.messages import DeliveryError

CAP_S = 12.0  # long enough to tell 'waited for the cap' from 'went at once'


@pytest.fixture
async def capped_bot(tmp_path: Path, fake: FakeTelegramAPI, org: Organisation) -> AsyncIterator[Liandong]:
    settings = dataclasses.replace(telegram_settings(tmp_path, fake), max_retry_after_s=CAP_S)
    app = Liandong(settings, org, clock=SystemClock(), http=False)
    await app.start()
    yield app
    await app.stop()


async def _outbox(bot: Liandong, chat: int) -> list[OutboxMessage]:
    async with bot.db.transaction() as session:
        return list(await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == str(chat))))


async def test_a_day_long_retry_after_is_capped(capped_bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.fail_next("sendMessage", 429, retry_after=86_400)
    loop = asyncio.get_running_loop()
    started = loop.time()
    fake.inject_message(CENTRE, COMMANDER, "/broadcast red unit:FIRE-01 台风红色预警")  # the preview meets the 429
    [preview] = await fake.wait_for_messages(CENTRE, timeout=CAP_S + 8)
    assert loop.time() - started < CAP_S + 8, "delivered after the cap, not after a day"
    assert [r.attempts for r in await _outbox(capped_bot, CENTRE)] == [2]
    await _press(fake, CENTRE, COMMANDER, preview, "发送")
    [copy] = await fake.wait_for_messages(FIRE_GROUP, timeout=10)
    assert "台风红色预警" in copy["text"]


async def test_a_long_wait_on_a_later_part_holds_neither_other_chats_nor_resends_parts(
    capped_bot: Liandong, fake: FakeTelegramAPI
) -> None:
    paragraphs = [f"第{i}段：" + "沿海各单位立即加固设施，转移危险区域人员。" * 20 for i in range(1, 13)]
    preview = await _preview(fake, "red unit:FIRE-01 " + "\n".join(paragraphs))
    await _press(fake, CENTRE, COMMANDER, preview, "发送")
    await fake.wait_for_messages(FIRE_GROUP, 1, timeout=10)
    fake.fail_next("sendMessage", 429, retry_after=3_600, chat_id=FIRE_GROUP)  # the second part
    await asyncio.sleep(0.2)
    # While the alert's second part waits, another chat's message goes out at once.
    loop = asyncio.get_running_loop()
    started = loop.time()
    fake.inject_message(CENTRE, COMMANDER, "/broadcast yellow unit:MED-01 医院请做好准备")
    await fake.wait_until(lambda: any("医院请做好准备" in m["text"] and m.get("reply_markup")
                                      for m in fake.sent_messages(CENTRE)))
    other = next(m for m in fake.sent_messages(CENTRE) if "医院请做好准备" in m["text"] and m.get("reply_markup"))
    await _press(fake, CENTRE, COMMANDER, other, "发送")
    await fake.wait_for_messages(MED_GROUP, 1, timeout=CAP_S)
    assert loop.time() - started < CAP_S - 3, "not held behind the waiting part"
    assert len(fake.sent_messages(FIRE_GROUP)) == 1, "the alert's second part still waits"

    await fake.wait_until(lambda: "第12段" in "".join(m["text"] for m in fake.sent_messages(FIRE_GROUP)),
                          timeout=CAP_S + 15)
    received = "".join(m["text"] for m in fake.sent_messages(FIRE_GROUP))
    for paragraph in paragraphs:
        assert received.count(paragraph) == 1, "a part already delivered was sent again"


async def test_a_wall_clock_stepped_back_does_not_stop_sending(db: Database, clock: ManualClock) -> None:
    deliverer = FlakyDeliverer([DeliveryError("429 Too Many Requests", retry_after=0.3)])
    sender = OutboxSender(db, deliverer, clock)
    await _enqueue(db, clock, "first")
    assert not await sender.run_once() or deliverer.delivered == []
    clock.advance(hours=-1)  # NTP steps the clock back an hour
    await _enqueue(db, clock, "second")
    await asyncio.sleep(0.4)  # the retry is due by the monotonic clock
    while await sender.run_once():
        pass
    assert deliverer.delivered == ["first", "second"]
    assert [r.status for r in await _rows(db)] == ["delivered", "delivered"]


async def test_a_platform_asking_for_longer_than_the_cap_is_retried_after_the_cap(
    db: Database, clock: ManualClock
) -> None:
    deliverer = FlakyDeliverer([DeliveryError("429 Too Many Requests", retry_after=86_400)])
    sender = OutboxSender(db, deliverer, clock, max_retry_after_s=300)
    await _enqueue(db, clock, "alert")
    await sender.run_once()
    [row] = await _rows(db)
    assert row.status == "pending" and row.next_attempt_at <= clock.now() + timedelta(seconds=300)
    assert "asked to wait 86400 s" in (row.last_error or "")
    clock.advance(seconds=301)
    while await sender.run_once():
        pass
    assert deliverer.delivered == ["alert"]
