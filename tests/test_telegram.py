"""The Telegram platform end to end: the real python-telegram-bot stack against
the fake Bot API server, the bot's own HTTP server for webhooks, SQLite.

Organisation: config/org.example.yaml — command centre chat -1001000 (王指挥,
user 1001), reporting group -1003000, FIRE-01's group -1002001 (张三, 2001).
"""
from __future__ import annotations

import asyncio
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import Liandong
from bot.clock import SystemClock
from config.organisation import Organisation
from config.settings import Settings
from storage.models import Incident, IncidentAttachment, OutboxMessage
from tests.fakes.telegram_api import FakeTelegramAPI

CENTRE, REPORTING, FIRE_GROUP = -1001000, -1003000, -1002001
COMMANDER, FIREFIGHTER = 1001, 2001
STRANGER = 777
REPORT = "人民路化工厂起火，3人受伤，有人被困"
WEBHOOK_SECRET = "s3cret-token_1"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        yield api


def _settings(tmp_path: Path, fake: FakeTelegramAPI, **extra: object) -> Settings:
    options: dict[str, object] = dict(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/tg.db", telegram_token=fake.token,
        telegram_api_url=fake.root_url, http_port=0, console=False,
    )
    return Settings(**{**options, **extra})  # type: ignore[arg-type]


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeTelegramAPI, org: Organisation) -> AsyncIterator[Liandong]:
    app = Liandong(_settings(tmp_path, fake), org, clock=SystemClock())
    await app.start()
    yield app
    await app.stop()


async def _incidents(app: Liandong) -> int:
    async with app.db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(Incident))


async def _outbox_settles(app: Liandong, timeout: float = 10.0) -> set[str]:
    """The outbox statuses once nothing is in flight (a delivery is recorded just after it happens)."""
    statuses: set[str] = set()
    for _ in range(int(timeout / 0.1)):
        async with app.db.transaction() as session:
            statuses = set(await session.scalars(select(OutboxMessage.status)))
        if not statuses & {"pending", "sending"}:
            break
        await asyncio.sleep(0.1)
    return statuses


def _buttons(message: dict) -> list[dict]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def _button(message: dict, label: str) -> dict:
    return next(b for b in _buttons(message) if b["text"] == label)


def _texts(fake: FakeTelegramAPI, chat: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent_messages(chat)]


async def test_commands_are_registered_in_both_languages_for_private_chats_and_groups(
    bot: Liandong, fake: FakeTelegramAPI
) -> None:
    for scope in ({"type": "all_private_chats"}, {"type": "all_group_chats"}):
        zh = {c["command"]: c["description"] for c in fake.commands(scope, "zh")}
        en = {c["command"]: c["description"] for c in fake.commands(scope, "en")}
        assert zh["report"] == "登记突发事件" and en["report"] == "Report an incident"
        assert {"report", "status", "help", "start"} <= set(zh)


async def test_a_report_in_the_reporting_group_gets_a_receipt_and_a_centre_card(
    bot: Liandong, fake: FakeTelegramAPI
) -> None:
    update = fake.inject_message(REPORTING, STRANGER, REPORT, first_name="路人", last_name="甲")
    [receipt] = await fake.wait_for_messages(REPORTING)
    [card] = await fake.wait_for_messages(CENTRE)
    assert "已登记事件" in receipt["text"] and "人民路化工厂" in receipt["text"]
    assert receipt["reply_to_message"]["message_id"] == update["message"]["message_id"]
    assert "新事件" in card["text"] and "路人 甲（未登记报告人）" in card["text"]
    assert [b["text"] for b in _buttons(card)] == ["调度", "标记为演练", "更正"]
    assert "<b>" in card["raw_text"] and card["parse_mode"] == "HTML"


async def test_chatter_creates_nothing(bot: Liandong, fake: FakeTelegramAPI) -> None:
    for text in ["收到", "好的", "谢谢👍", "明天下午3点消防演练"]:
        fake.inject_message(REPORTING, FIREFIGHTER, text)
    fake.inject_message(REPORTING, FIREFIGHTER, "/help")  # a marker that everything before was handled
    await fake.wait_for_messages(REPORTING)
    assert await _incidents(bot) == 0
    assert fake.sent_messages(CENTRE) == []


async def test_a_private_chat_report_and_the_commands(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(FIREFIGHTER, FIREFIGHTER, REPORT)
    [receipt] = await fake.wait_for_messages(FIREFIGHTER)
    incident_id = re.search(r"\d{8}-\d{4}", receipt["text"]).group(0)
    fake.inject_message(FIREFIGHTER, FIREFIGHTER, f"/status {incident_id}")
    fake.inject_message(FIREFIGHTER, FIREFIGHTER, "/start")
    fake.inject_message(FIREFIGHTER, FIREFIGHTER, "/report 码头有异常情况")
    messages = await fake.wait_for_messages(FIREFIGHTER, 4)
    assert f"事件 {incident_id}" in messages[1]["text"] and "处置中" in messages[1]["text"]
    assert "张三 — 市消防救援大队 (FIRE-01) 值班员" in messages[2]["text"]
    assert "已登记事件" in messages[3]["text"]
    assert await _incidents(bot) == 2


async def test_commands_addressed_to_this_bot_or_another(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(REPORTING, FIREFIGHTER, f"/report@some_other_bot {REPORT}")
    fake.inject_message(REPORTING, FIREFIGHTER, f"/report@{fake.bot_user['username']} {REPORT}")
    await fake.wait_for_messages(REPORTING)
    await fake.wait_for_messages(CENTRE)
    assert await _incidents(bot) == 1


async def test_user_text_is_escaped_in_html(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(REPORTING, STRANGER, "<b>人民路</b> & 化工厂起火，3人受伤", first_name="<i>x</i>")
    [card] = await fake.wait_for_messages(CENTRE)
    assert "<b>人民路</b> & 化工厂起火" in card["text"]  # shown literally
    assert "&lt;b&gt;人民路&lt;/b&gt; &amp; 化工厂" in card["raw_text"]
    assert "&lt;i&gt;x&lt;/i&gt;" in card["raw_text"]


async def test_a_long_report_is_split_on_line_boundaries(bot: Liandong, fake: FakeTelegramAPI) -> None:
    # Under the 4,000 characters intake reads, but its escaped HTML is over Telegram's 4,096.
    long_report = "人民路化工厂起火，3人受伤\n" + "\n".join(f"第{i}条：火势仍在蔓延 & & & & & 浓烟" for i in range(150))
    fake.inject_message(REPORTING, STRANGER, f"/report {long_report}")
    await fake.wait_for_messages(CENTRE)
    fake.inject_message(CENTRE, COMMANDER, "/status " + _incident_id(fake))
    messages = await fake.wait_for_messages(CENTRE, 3, timeout=10)
    status_parts = messages[1:]
    assert len(status_parts) >= 2 and all(len(m["text"]) <= 4096 for m in status_parts)
    assert "".join(m["text"] for m in status_parts).count("火势仍在蔓延 & & & & & 浓烟") == 150


def _incident_id(fake: FakeTelegramAPI) -> str:
    for message in fake.sent_messages():
        if found := re.search(r"\d{8}-\d{4}", message.get("text", "")):
            return found.group(0)
    raise AssertionError("no incident id sent")


async def test_location_and_photo_replies_are_attached_to_the_incident(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(REPORTING, STRANGER, REPORT)
    [receipt] = await fake.wait_for_messages(REPORTING)
    fake.inject_message(REPORTING, STRANGER, location=(37.1652, 122.4861), reply_to_message_id=receipt["message_id"])
    await fake.wait_for_messages(REPORTING, 2)
    fake.inject_message(REPORTING, STRANGER, photo=b"\xff\xd8 jpeg", caption="现场",
                        reply_to_message_id=receipt["message_id"])
    await fake.wait_for_messages(REPORTING, 3)
    await fake.wait_until(lambda: "1 张" in _texts(fake, CENTRE)[0])
    [card] = fake.sent_messages(CENTRE)  # edited in place, not sent again
    assert "37.16520, 122.48610" in card["text"] and "现场照片: 1 张" in card["text"]
    assert card["reply_markup"]["inline_keyboard"]  # the edit kept the buttons
    async with bot.db.transaction() as session:
        incident = await session.scalar(select(Incident))
        photos = list(await session.scalars(select(IncidentAttachment)))
    assert (incident.latitude, incident.longitude) == (37.1652, 122.4861)
    assert len(photos) == 1 and photos[0].platform_file_id


async def test_a_report_sent_with_a_photo_shows_it_on_the_card(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(REPORTING, STRANGER, photo=b"\xff\xd8 jpeg", caption=REPORT)
    [card] = await fake.wait_for_messages(CENTRE)
    assert "现场照片: 1 张" in card["text"]


async def test_authorised_and_forged_button_presses(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(REPORTING, STRANGER, REPORT)
    [card] = await fake.wait_for_messages(CENTRE)
    token = _button(card, "标记为演练")["callback_data"]
    assert len(token.encode()) <= 64

    fake.inject_callback_query(CENTRE, FIREFIGHTER, card["message_id"], token)  # not a centre member
    fake.inject_callback_query(CENTRE, COMMANDER, card["message_id"], "forged-token")
    await fake.wait_until(lambda: len(fake.callback_answers) == 2)
    assert [a.get("show_alert") for a in fake.callback_answers] == [True, True]
    assert "只有指挥中心成员" in fake.callback_answers[0]["text"]
    assert "无效" in fake.callback_answers[1]["text"]
    assert "演练" not in fake.sent_messages(CENTRE)[0]["text"].split("\n")[0]

    fake.inject_callback_query(CENTRE, COMMANDER, card["message_id"], token)
    await fake.wait_until(lambda: len(fake.callback_answers) == 3)
    await fake.wait_until(lambda: "演练事件" in fake.sent_messages(CENTRE)[0]["text"])
    assert "标记为演练" in fake.callback_answers[2]["text"]
    async with bot.db.transaction() as session:
        assert (await session.scalar(select(Incident))).drill


async def test_429_and_502_are_recovered_and_nothing_is_lost(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=1)
    fake.fail_next("sendMessage", status=502, times=2)
    fake.drop_next("sendMessage")
    for n in range(3):
        fake.inject_message(REPORTING, STRANGER + n, f"人民路{n}号仓库起火，{n + 1}人受伤")
    cards = await fake.wait_for_messages(CENTRE, 3, timeout=20)
    receipts = await fake.wait_for_messages(REPORTING, 3, timeout=20)
    assert len(cards) == len(receipts) == 3
    # Order within a chat is kept even across retries.
    assert [re.search(r"-(\d{4})", c["text"]).group(1) for c in cards] == ["0001", "0002", "0003"]
    assert await _outbox_settles(bot) == {"delivered"}


async def test_the_same_update_delivered_twice_creates_one_incident(bot: Liandong, fake: FakeTelegramAPI) -> None:
    update = fake.inject_message(REPORTING, STRANGER, REPORT)
    await fake.wait_for_messages(REPORTING)
    fake.inject_raw_update(update)
    fake.inject_message(REPORTING, FIREFIGHTER, "/help")  # marker
    await fake.wait_for_messages(REPORTING, 2)
    assert await _incidents(bot) == 1
    assert len(fake.sent_messages(CENTRE)) == 1


async def test_webhook_mode_checks_the_secret_and_ignores_retries(
    tmp_path: Path, fake: FakeTelegramAPI, org: Organisation
) -> None:
    settings = _settings(tmp_path, fake, telegram_mode="webhook", public_url="https://bot.example.org",
                         telegram_webhook_secret=WEBHOOK_SECRET)
    app = Liandong(settings, org, clock=SystemClock())
    await app.start()
    try:
        assert fake.webhook_url == "https://bot.example.org/telegram/webhook"
        assert app.http is not None
        url = f"http://127.0.0.1:{app.http.port}/telegram/webhook"
        update = fake.build_message_update(REPORTING, STRANGER, REPORT)
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 403
            assert await _incidents(app) == 0
            good = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
            for _ in range(2):  # Telegram retries a webhook it thinks failed
                async with http.post(url, json=update, headers=good) as response:
                    assert response.status == 200
            async with http.post(url, data=b"not json", headers=good) as response:
                assert response.status == 400
        await fake.wait_for_messages(CENTRE)
        await fake.wait_for_messages(REPORTING)
        assert await _incidents(app) == 1
    finally:
        await app.stop()


async def test_a_wrong_token_stops_liandong_run_with_one_clear_line(tmp_path: Path, fake: FakeTelegramAPI) -> None:
    import asyncio
    import os
    import shutil
    import sys

    liandong = shutil.which("liandong", path=str(Path(sys.executable).parent)) or "liandong"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANDONG_")}
    env.update(LIANDONG_TELEGRAM_TOKEN="123456:not-the-token", LIANDONG_TELEGRAM_API_URL=fake.root_url,
               LIANDONG_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/x.db", LIANDONG_HTTP_PORT="0")
    process = await asyncio.create_subprocess_exec(
        liandong, "run", env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    assert stderr.decode().strip().splitlines()[-1].startswith("Telegram refused the token")


async def test_an_edit_that_changes_nothing_is_not_an_error(bot: Liandong, fake: FakeTelegramAPI) -> None:
    from bot.events import ConversationRef
    from bot.messages import Button, Message, Outgoing
    from storage.outbox import OutboxRepository

    chat = ConversationRef("telegram", str(CENTRE))
    card = Message(title="T", text="same", buttons=(Button("b", "tok"),))
    for outgoing in (Outgoing(chat, card, key="k"), Outgoing(chat, card, edit_key="k")):
        async with bot.db.transaction() as session:  # apart: in one transaction they would fold
            await OutboxRepository(session).enqueue([outgoing], bot.clock.now())
        bot.senders["telegram"].wake()
        await fake.wait_until(lambda: len(fake.sent_messages(CENTRE)) == 1)
    await fake.wait_until(lambda: len(fake.calls("editMessageText")) == 1)

    assert await _outbox_settles(bot) == {"delivered"}
    assert len(fake.sent_messages(CENTRE)) == 1


async def test_dispatch_and_one_click_answers_in_telegram_groups(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(REPORTING, STRANGER, REPORT)
    [card] = await fake.wait_for_messages(CENTRE)
    incident_id = re.search(r"\d{8}-\d{4}", card["text"]).group(0)
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} FIRE-01 -- 从东门进入")
    [order] = await fake.wait_for_messages(FIRE_GROUP)
    assert "调度指令" in order["text"] and "从东门进入" in order["text"]
    assert [b["text"] for b in _buttons(order)] == ["接令", "出动", "到场", "无法执行"]
    await fake.wait_until(lambda: any("调度看板" in t for t in _texts(fake, CENTRE)))

    fake.inject_callback_query(FIRE_GROUP, COMMANDER, order["message_id"], _button(order, "接令")["callback_data"])
    fake.inject_callback_query(FIRE_GROUP, FIREFIGHTER, order["message_id"], _button(order, "接令")["callback_data"])
    await fake.wait_until(lambda: len(fake.callback_answers) == 2)
    refused, accepted = sorted(fake.callback_answers, key=lambda a: "只有" not in a.get("text", ""))
    assert "只有 FIRE-01 的成员" in refused["text"] and refused["show_alert"]
    assert "已记录：已接令" in accepted["text"]
    await fake.wait_until(lambda: "已接令（张三" in fake.sent_messages(FIRE_GROUP)[0]["text"])
    assert [b["text"] for b in _buttons(fake.sent_messages(FIRE_GROUP)[0])] == ["出动", "到场", "无法执行"]
    await fake.wait_until(lambda: any("✅ FIRE-01" in t for t in _texts(fake, CENTRE)))
    boards = [t for t in _texts(fake, CENTRE) if "调度看板" in t]
    assert len(boards) == 1  # edited in place, never a new message per press


async def test_a_unit_on_two_platforms_gets_the_order_on_both_and_one_press_updates_both(
    tmp_path: Path, fake: FakeTelegramAPI, org: Organisation
) -> None:
    import io

    from bot.clock import ManualClock

    out = io.StringIO()
    clock = ManualClock(datetime.now(timezone.utc))
    app = Liandong(_settings(tmp_path, fake, console=True), org, clock=clock, console_out=out)
    await app.start()
    try:
        fake.inject_message(REPORTING, STRANGER, REPORT)
        [card] = await fake.wait_for_messages(CENTRE)
        incident_id = re.search(r"\d{8}-\d{4}", card["text"]).group(0)
        fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} FIRE-01")
        [order] = await fake.wait_for_messages(FIRE_GROUP)
        await fake.wait_until(lambda: "[FIRE-01] bot" in out.getvalue())
        fake.inject_callback_query(FIRE_GROUP, FIREFIGHTER, order["message_id"], _button(order, "出动")["callback_data"])
        await fake.wait_until(lambda: "已出动（张三" in out.getvalue().split("[FIRE-01] bot")[-1])
        await fake.wait_until(lambda: "已出动（张三" in fake.sent_messages(FIRE_GROUP)[0]["text"])
        # Silence elsewhere is escalated in Telegram too, naming the duty officer so Telegram notifies them.
        fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} MED-01")
        await fake.wait_for_messages(-1002002)
        clock.advance(minutes=6)
        assert await app.run_timers() == 1
        reminders = await fake.wait_for_messages(-1002002, 2)
        assert "请立即接令" in reminders[1]["text"]
        assert 'href="tg://user?id=2101"' in reminders[1]["raw_text"]
    finally:
        await app.stop()
