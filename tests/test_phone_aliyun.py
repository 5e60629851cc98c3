"""Escalation by Alibaba Cloud SMS (an approved template) and TTS voice notification
(#18), through Alibaba Cloud's SDKs against a fake API on 127.0.0.1 that checks each
request's ACS3-HMAC-SHA256 signature with its own code."""
from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import AsyncIterator

import pytest
from sqlalchemy import select

from bot.app import Liandong
from config.organisation import Organisation
from config.settings import Settings
from core.clock import ManualClock
from storage.models import OutboxMessage
from storage.outbox import OutboxRepository
from tests.conftest import ConsoleBot
from tests.fakes.aliyun_api import ACCESS_KEY_ID, ACCESS_KEY_SECRET, FakeAliyun

REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"


@pytest.fixture
async def aliyun() -> AsyncIterator[FakeAliyun]:
    async with FakeAliyun() as fake:
        yield fake


async def _bot(database_url: str, org: Organisation, clock: ManualClock, aliyun: FakeAliyun,
               secret: str = ACCESS_KEY_SECRET) -> ConsoleBot:
    settings = Settings.of(
        database_url=database_url, console=True, sms_provider="aliyun",
        aliyun_access_key_id=ACCESS_KEY_ID, aliyun_access_key_secret=secret,
        aliyun_sms_sign_name="荣成应急", aliyun_sms_template="SMS_460000001", aliyun_tts_code="TTS_290000001",
        aliyun_called_show_number="057100000001",
        aliyun_sms_endpoint=aliyun.endpoint, aliyun_voice_endpoint=aliyun.endpoint,
    )
    out = io.StringIO()
    app = Liandong(settings, org, clock=clock, console_out=out, http=False)
    await app.start(senders=False)
    return ConsoleBot(app, out)


@pytest.fixture
async def bot(database_url: str, org: Organisation, clock: ManualClock, aliyun: FakeAliyun) -> AsyncIterator[ConsoleBot]:
    console = await _bot(database_url, org, clock, aliyun)
    yield console
    await console.app.stop()


async def _step(bot: ConsoleBot, clock: ManualClock, minutes: float = 2) -> str:
    clock.advance(minutes=minutes)
    await bot.app.run_timers()
    await bot.app.drain()
    return bot.new_output()


async def _dispatched(bot: ConsoleBot, clock: ManualClock, steps: int) -> None:
    await bot.say(f"路人甲@reporting: {REPORT}")
    await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 level:1 -- 立即出动")
    for _ in range(steps):
        await _step(bot, clock)


async def _rows(bot: ConsoleBot) -> list[OutboxMessage]:
    async with bot.app.db.transaction() as session:
        return list(await session.scalars(select(OutboxMessage).where(OutboxMessage.platform == "phone")
                                          .order_by(OutboxMessage.id)))


async def test_sms_from_the_template_then_a_tts_call(bot: ConsoleBot, clock: ManualClock, aliyun: FakeAliyun) -> None:
    await _dispatched(bot, clock, 2)
    [sms] = aliyun.of("SendSms")
    assert sms.params["PhoneNumbers"] == "13800002001" and sms.params["SignName"] == "荣成应急"
    assert sms.params["TemplateCode"] == "SMS_460000001"
    variables = json.loads(sms.params["TemplateParam"])
    assert variables["name"] == "市消防救援大队" and variables["id"] == ID and "一级" in variables["level"]
    assert set(variables) == {"org", "name", "id", "type", "place", "level"}

    await _step(bot, clock)
    [call] = aliyun.of("SingleCallByTts")
    assert call.params["CalledNumber"] == "13800002001" and call.params["TtsCode"] == "TTS_290000001"
    assert call.params["CalledShowNumber"] == "057100000001" and json.loads(call.params["TtsParam"])["id"] == ID
    rows = await _rows(bot)
    assert [r.status for r in rows] == ["delivered", "delivered"]
    assert rows[0].platform_message_id.endswith("^0") and rows[1].platform_message_id.startswith("1160")
    assert aliyun.refused == []


async def test_a_wrong_secret_is_refused_by_the_signature_check(database_url: str, org: Organisation,
                                                                clock: ManualClock, aliyun: FakeAliyun) -> None:
    bot = await _bot(database_url, org, clock, aliyun, secret="not-the-secret")
    try:
        await _dispatched(bot, clock, 2)
        [row] = await _rows(bot)
        assert row.status == "failed" and "SignatureDoesNotMatch" in (row.last_error or "")
        assert aliyun.refused == ["SignatureDoesNotMatch"] and aliyun.of("SendSms") == []
    finally:
        await bot.app.stop()


async def test_flow_control_is_retried_and_sent_once(bot: ConsoleBot, clock: ManualClock, aliyun: FakeAliyun) -> None:
    await _dispatched(bot, clock, 1)
    aliyun.refuse_next = ["isv.BUSINESS_LIMIT_CONTROL"]
    await _step(bot, clock)
    [row] = await _rows(bot)
    assert row.status == "pending" and "BUSINESS_LIMIT_CONTROL" in (row.last_error or "")
    clock.advance(seconds=3)
    await bot.app.drain()
    [row] = await _rows(bot)
    assert row.status == "delivered" and len(aliyun.of("SendSms")) == 1


async def test_an_illegal_number_fails_for_good(bot: ConsoleBot, clock: ManualClock, aliyun: FakeAliyun) -> None:
    await _dispatched(bot, clock, 1)
    aliyun.refuse_next = ["isv.MOBILE_NUMBER_ILLEGAL"]
    await _step(bot, clock)
    [row] = await _rows(bot)
    assert row.status == "failed" and "MOBILE_NUMBER_ILLEGAL" in (row.last_error or "")


async def test_a_crash_between_sending_and_recording_sends_no_second_sms(bot: ConsoleBot, clock: ManualClock,
                                                                         aliyun: FakeAliyun) -> None:
    await _dispatched(bot, clock, 1)
    clock.advance(minutes=2)
    await bot.app.run_timers()
    async with bot.app.db.transaction() as session:
        [claimed] = await OutboxRepository(session).claim("phone", clock.now(), timedelta(seconds=60), 10)
    phone = bot.app.chat("phone")
    assert phone is not None
    await phone.deliver(claimed)  # Alibaba takes it; the process dies before recording
    clock.advance(seconds=61)
    await bot.app.drain()
    [row] = await _rows(bot)
    assert (row.status, row.attempts) == ("delivered", 2)
    assert len(aliyun.of("SendSms")) == 1 and len(aliyun.of("QuerySendDetails")) == 1
