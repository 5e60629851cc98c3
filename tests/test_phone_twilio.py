"""Escalation by SMS and voice through Twilio (#18), against a fake Twilio REST API on
127.0.0.1 that speaks Twilio's shapes and calls the bot back with signed webhooks.

The bot uses Twilio's own SDK (twilio.rest.Client with its aiohttp client) and checks
X-Twilio-Signature with twilio.request_validator, as it would against api.twilio.com.
The example organisation's policy for level 1: chat reminder at 2 min, SMS to the duty
officer at 4, a call at 6, the next person at 8, the centre at 10."""
from __future__ import annotations

import io
import socket
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import AsyncIterator

import pytest
from sqlalchemy import select

from bot.app import Liandong
from config.organisation import Organisation
from config.settings import Settings
from core.clock import ManualClock
from storage.models import DispatchOrder, OutboxMessage, TimelineEntry
from storage.outbox import OutboxRepository
from tests.conftest import ConsoleBot, example_org_with
from tests.console_transcript import room
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio

REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"
ZHANG_SAN = "+8613800002001"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as fake:
        yield fake


@pytest.fixture
async def bot(database_url: str, org: Organisation, clock: ManualClock, twilio: FakeTwilio) -> AsyncIterator[ConsoleBot]:
    async with _running(database_url, org, clock, twilio) as console:
        yield console


@asynccontextmanager
async def _running(database_url: str, org: Organisation, clock: ManualClock,
                   twilio: FakeTwilio) -> AsyncIterator[ConsoleBot]:
    port = _free_port()  # the public URL Twilio signs must name the bot's own port
    settings = Settings.of(
        database_url=database_url, console=True, http_port=port, public_url=f"http://127.0.0.1:{port}",
        sms_provider="twilio", twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN,
        twilio_from_number=FROM_NUMBER, twilio_api_url=twilio.api_url,
    )
    out = io.StringIO()
    app = Liandong(settings, org, clock=clock, console_out=out, http=True)
    await app.start(senders=False)
    try:
        yield ConsoleBot(app, out)
    finally:
        await app.stop()


def _url(bot: ConsoleBot, path: str) -> str:
    assert bot.app.http is not None
    return f"http://127.0.0.1:{bot.app.http.port}{path}"


async def _step(bot: ConsoleBot, clock: ManualClock, minutes: float = 2) -> str:
    clock.advance(minutes=minutes)
    await bot.app.run_timers()
    await bot.app.drain()
    return bot.new_output()


async def _dispatched_and_escalated_to(bot: ConsoleBot, clock: ManualClock, steps: int) -> None:
    await bot.say(f"路人甲@reporting: {REPORT}")
    await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 level:1 -- 立即出动")
    for _ in range(steps):
        await _step(bot, clock)


async def _order(bot: ConsoleBot) -> DispatchOrder:
    async with bot.app.db.transaction() as session:
        return (await session.scalars(select(DispatchOrder).where(DispatchOrder.unit_code == "FIRE-01"))).one()


async def _timeline(bot: ConsoleBot, kind: str) -> list[TimelineEntry]:
    async with bot.app.db.transaction() as session:
        return list(await session.scalars(select(TimelineEntry).where(TimelineEntry.kind == kind)
                                          .order_by(TimelineEntry.id)))


async def _phone_rows(bot: ConsoleBot) -> list[OutboxMessage]:
    async with bot.app.db.transaction() as session:
        return list(await session.scalars(select(OutboxMessage).where(OutboxMessage.platform == "phone")
                                          .order_by(OutboxMessage.id)))


async def test_chat_then_sms_then_call_and_key_1_acknowledges(bot: ConsoleBot, clock: ManualClock,
                                                              twilio: FakeTwilio) -> None:
    await _dispatched_and_escalated_to(bot, clock, 2)  # the chat reminder, then the SMS
    [sms] = twilio.of("sms")
    assert sms.to == ZHANG_SAN and sms.params["From"] == FROM_NUMBER
    assert f"事件{ID}" in sms.params["Body"] and "回复1接令，回复2无法执行" in sms.params["Body"]
    assert sms.params["StatusCallback"] == _url(bot, "/phone/twilio/status")
    assert (await twilio.status_callback(sms, "delivered")).status == 204

    await _step(bot, clock)
    [call] = twilio.of("call")
    assert call.to == ZHANG_SAN and "接令请按1，无法执行请按2" in call.spoken()
    assert set(call.params["StatusCallbackEvent"]) == {"initiated", "ringing", "answered", "completed"}
    assert call.gather_action() == _url(bot, "/phone/twilio/gather")
    assert (await twilio.status_callback(call, "in-progress")).status == 204

    response, twiml = await twilio.press(call, "1")
    assert response.status == 200 and "已记录：已接令" in twiml and "<Hangup" in twiml
    await bot.app.drain()
    shown = bot.new_output()
    assert "状态: 已接令（张三（电话）" in room(shown, "FIRE-01") and "edits message" in room(shown, "centre")
    board = room(shown, "centre")  # the board: each SMS's and call's latest status, no number
    assert "📞 电话与短信: FIRE-01 张三 短信：已送达；FIRE-01 张三 电话：已接听" in board and ZHANG_SAN not in board
    assert (await _order(bot)).state == "acknowledged"
    press = (await _timeline(bot, "order_press"))[-1]
    assert (press.actor_platform, press.actor_name, press.data["state"]) == ("phone", "张三", "acknowledged")
    statuses = [(e.data["via"], e.data["to"], e.data["status"]) for e in await _timeline(bot, "phone_status")]
    assert statuses == [("sms", "张三", "delivered"), ("call", "张三", "answered")]
    rows = await _phone_rows(bot)
    assert [(r.chat_id, r.status, r.platform_message_id) for r in rows] == [
        (f"sms:{ZHANG_SAN}", "delivered", sms.sid), (f"call:{ZHANG_SAN}", "delivered", call.sid)]


async def test_key_2_declines(bot: ConsoleBot, clock: ManualClock, twilio: FakeTwilio) -> None:
    await _dispatched_and_escalated_to(bot, clock, 3)
    response, twiml = await twilio.press(twilio.of("call")[0], "2")
    assert response.status == 200 and "已记录：无法执行" in twiml
    assert (await _order(bot)).state == "declined"


async def test_an_sms_reply_acknowledges(bot: ConsoleBot, clock: ManualClock, twilio: FakeTwilio) -> None:
    await _dispatched_and_escalated_to(bot, clock, 2)
    response = await twilio.reply_sms(_url(bot, "/phone/twilio/sms"), ZHANG_SAN, " 1 ")
    assert response.status == 200
    assert (await _order(bot)).state == "acknowledged"
    assert (await _timeline(bot, "order_press"))[-1].actor_platform == "phone"


async def test_an_office_that_takes_no_sms_replies_acts_only_on_keys_pressed_on_its_calls(
        database_url: str, clock: ManualClock, twilio: FakeTwilio) -> None:
    """escalation.sms_replies: false: a sender's number can be forged on some networks, so the
    SMS asks for no reply and a reply, though Twilio signed it, changes nothing."""
    async with _running(database_url, example_org_with(escalation={"sms_replies": False}), clock, twilio) as bot:
        await _dispatched_and_escalated_to(bot, clock, 2)
        [sms] = twilio.of("sms")
        assert "回复1" not in sms.params["Body"] and "请在单位群内接令，或接听来电按键" in sms.params["Body"]
        await _step(bot, clock)  # the call, whose menu is the latest sent to the number
        response = await twilio.reply_sms(_url(bot, "/phone/twilio/sms"), ZHANG_SAN, "1")
        assert response.status == 200  # Twilio's request was genuine: no retries wanted
        assert (await _order(bot)).state == "ordered"
        assert await _timeline(bot, "order_press") == []
        response, twiml = await twilio.press(twilio.of("call")[0], "1")
        assert response.status == 200 and "已记录：已接令" in twiml
        assert (await _order(bot)).state == "acknowledged"


async def test_forged_and_replayed_webhooks_get_403_and_change_nothing(bot: ConsoleBot, clock: ManualClock,
                                                                       twilio: FakeTwilio) -> None:
    await _dispatched_and_escalated_to(bot, clock, 3)
    call = twilio.of("call")[0]
    assert (await twilio.press(call, "1", token="0" * 32))[0].status == 403  # signed with another token
    assert (await twilio.press(call, "1", signature=""))[0].status == 403  # unsigned
    assert (await twilio.press(call, "1", signature="bm90IGEgc2lnbmF0dXJl"))[0].status == 403
    assert (await twilio.status_callback(call, "completed", token="0" * 32)).status == 403
    forged_sms = await twilio.post_signed(_url(bot, "/phone/twilio/sms"), {
        "AccountSid": ACCOUNT_SID, "MessageSid": "SM1", "From": ZHANG_SAN, "Body": "1"}, token="1" * 32)
    assert forged_sms.status == 403
    assert (await _order(bot)).state == "ordered"
    assert await _timeline(bot, "order_press") == [] and await _timeline(bot, "phone_status") == []

    assert (await twilio.press(call, "2"))[0].status == 200  # Twilio's own: declined
    assert (await twilio.press(call, "2"))[0].status == 403  # the same request again: a replay
    assert (await _order(bot)).state == "declined"
    assert [e.data["state"] for e in await _timeline(bot, "order_press")] == ["declined"]


async def test_provider_errors_are_retried_with_backoff_and_sent_once(bot: ConsoleBot, clock: ManualClock,
                                                                      twilio: FakeTwilio) -> None:
    await _dispatched_and_escalated_to(bot, clock, 1)
    twilio.fail_next = [429, 503]
    await _step(bot, clock)  # the SMS step: Twilio says 429
    [row] = await _phone_rows(bot)
    assert (row.status, row.attempts) == ("pending", 1) and "429" in (row.last_error or "")
    assert twilio.of("sms") == []
    clock.advance(seconds=3)
    await bot.app.drain()  # 503
    clock.advance(seconds=5)
    await bot.app.drain()  # sent
    [row] = await _phone_rows(bot)
    assert (row.status, row.attempts) == ("delivered", 3)
    assert len(twilio.of("sms")) == 1
    clock.advance(seconds=60)
    await bot.app.drain()
    assert len(twilio.of("sms")) == 1  # recorded as sent: never again


async def test_a_crash_between_sending_and_recording_sends_nothing_twice(bot: ConsoleBot, clock: ManualClock,
                                                                         twilio: FakeTwilio) -> None:
    await _dispatched_and_escalated_to(bot, clock, 1)
    clock.advance(minutes=2)
    await bot.app.run_timers()  # the SMS step queues the SMS
    # A sender claims it and Twilio takes it; the process dies before recording that.
    async with bot.app.db.transaction() as session:
        [claimed] = await OutboxRepository(session).claim("phone", clock.now(), timedelta(seconds=60), 10)
    phone = bot.app.chat("phone")
    assert phone is not None
    sid = await phone.deliver(claimed)
    assert len(twilio.of("sms")) == 1
    clock.advance(seconds=61)  # the lease runs out; another sender claims the row again
    await bot.app.drain()
    [row] = await _phone_rows(bot)
    assert (row.status, row.attempts, row.platform_message_id) == ("delivered", 2, sid)
    assert len(twilio.of("sms")) == 1  # found at Twilio, not sent again

    await _step(bot, clock)  # the call, claimed and placed, then the same crash
    call_row = (await _phone_rows(bot))[-1]
    assert call_row.status == "delivered" and len(twilio.of("call")) == 1


async def test_a_number_twilio_refuses_fails_for_good_and_is_visible(bot: ConsoleBot, clock: ManualClock,
                                                                     twilio: FakeTwilio) -> None:
    await _dispatched_and_escalated_to(bot, clock, 1)
    twilio.fail_next = [400]
    await _step(bot, clock)
    [row] = await _phone_rows(bot)
    assert row.status == "failed" and "400" in (row.last_error or "")
    assert twilio.of("sms") == []


async def test_a_call_nobody_answers_is_recorded_and_the_centre_told(bot: ConsoleBot, clock: ManualClock,
                                                                     twilio: FakeTwilio) -> None:
    await _dispatched_and_escalated_to(bot, clock, 3)
    call = twilio.of("call")[0]
    assert (await twilio.status_callback(call, "no-answer")).status == 204
    await bot.app.drain()
    told = room(bot.new_output(), "centre")
    assert "电话未接通：张三（FIRE-01 · 事件 20261122-0001）— 无人接听" in told
    assert [e.data["status"] for e in await _timeline(bot, "phone_status")] == ["no_answer"]


async def test_readiness_names_the_phone_only_when_twilio_failed(bot: ConsoleBot, clock: ManualClock,
                                                                 twilio: FakeTwilio) -> None:
    assert "platform:phone" not in await bot.app.readiness()  # idle: nothing sent yet, nothing wrong
    await _dispatched_and_escalated_to(bot, clock, 1)
    twilio.fail_next = [503]
    await _step(bot, clock)
    assert "failed (server)" in (await bot.app.readiness())["platform:phone"]
    clock.advance(seconds=3)
    await bot.app.drain()
    assert "platform:phone" not in await bot.app.readiness()


async def test_a_roll_call_and_a_red_alert_escalate_through_twilio_too(database_url: str, clock: ManualClock,
                                                                      twilio: FakeTwilio) -> None:
    import yaml
    from config.organisation import parse_organisation
    from config.settings import DEFAULT_ORG
    from storage.models import BroadcastReceipt, RollcallAnswer
    from tests.console_transcript import token

    data = yaml.safe_load(open(DEFAULT_ORG, encoding="utf-8"))
    data["escalation"]["policies"] += [
        {"applies_to": "rollcalls", "steps": [{"after_minutes": 2, "action": "call"}]},
        {"applies_to": "red_alerts", "steps": [{"after_minutes": 5, "action": "call"}]},
    ]
    port = _free_port()
    settings = Settings.of(
        database_url=database_url, console=True, http_port=port, public_url=f"http://127.0.0.1:{port}",
        sms_provider="twilio", twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN,
        twilio_from_number=FROM_NUMBER, twilio_api_url=twilio.api_url,
    )
    app = Liandong(settings, parse_organisation(yaml.safe_dump(data, allow_unicode=True)), clock=clock,
                   console_out=io.StringIO(), http=True)
    await app.start(senders=False)
    bot = ConsoleBot(app, app.console.out)
    try:
        await bot.say("王指挥@centre: /rollcall FIRE-01 deadline:10m")
        await _step(bot, clock, 10)  # the reminder at the deadline
        await _step(bot, clock, 2)  # the call
        [rollcall_call] = twilio.of("call")
        assert "在岗请按1，不在岗请按2" in rollcall_call.spoken()
        response, twiml = await twilio.press(rollcall_call, "1")
        assert response.status == 200 and "已记录" in twiml

        preview = await bot.say("王指挥@centre: /broadcast red unit:FIRE-01 上游水库泄洪")
        await bot.say(f"刘值班@centre: !{token(preview, '发送')}")
        await _step(bot, clock, 5)
        alert_call = twilio.of("call")[-1]
        assert alert_call is not rollcall_call and "确认收到请按1" in alert_call.spoken()
        assert (await twilio.press(alert_call, "1"))[0].status == 200
        async with app.db.transaction() as session:
            answers = [(a.unit_code, a.status) for a in await session.scalars(select(RollcallAnswer))]
            receipts = [(r.unit_code, r.platform) for r in await session.scalars(select(BroadcastReceipt))]
        assert answers == [("FIRE-01", "present")] and receipts == [("FIRE-01", "phone")]
    finally:
        await app.stop()


async def test_a_timeout_twilio_took_anyway_is_not_sent_twice(database_url: str, org: Organisation,
                                                              clock: ManualClock, twilio: FakeTwilio,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    import adapters.twilio.provider as twilio_provider

    monkeypatch.setattr(twilio_provider, "TIMEOUT_S", 0.3)  # the bot's patience, shortened for the test
    port = _free_port()
    settings = Settings.of(
        database_url=database_url, console=True, http_port=port, public_url=f"http://127.0.0.1:{port}",
        sms_provider="twilio", twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN,
        twilio_from_number=FROM_NUMBER, twilio_api_url=twilio.api_url,
    )
    app = Liandong(settings, org, clock=clock, console_out=io.StringIO(), http=True)
    await app.start(senders=False)
    bot = ConsoleBot(app, app.console.out)
    try:
        await _dispatched_and_escalated_to(bot, clock, 1)
        twilio.hang_next, twilio.hang_s = 1, 1.0
        await _step(bot, clock)  # the SMS: Twilio takes it, but the bot gives up waiting for the answer
        [row] = await _phone_rows(bot)
        assert row.status == "pending" and "unreachable" in (row.last_error or "")
        assert len(twilio.of("sms")) == 1
        await asyncio.sleep(1.2)
        clock.advance(seconds=5)
        await app.drain()
        [row] = await _phone_rows(bot)
        assert row.status == "delivered" and row.platform_message_id == twilio.of("sms")[0].sid
        assert len(twilio.of("sms")) == 1  # found at Twilio by its text, not sent again
    finally:
        await app.stop()
