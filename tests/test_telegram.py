"""The Telegram platform end to end: the real python-telegram-bot stack against
the fake Bot API server, the bot's own HTTP server for webhooks, SQLite.

Organisation: config/org.example.yaml — command centre chat -1001000 (王指挥,
user 1001), reporting group -1003000, FIRE-01's group -1002001 (张三, 2001).
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import AsyncIterator, Callable

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.app import Liandong
from core.clock import SystemClock
from config.organisation import Organisation
from config.settings import Settings
from storage.models import Incident, IncidentAttachment, OutboxMessage
from tests.fakes.telegram_api import FakeTelegramAPI, most_in_one_second
from tests.telegram_bot import incident_id_in, reported

CENTRE, REPORTING, FIRE_GROUP = -1001000, -1003000, -1002001
COMMANDER, FIREFIGHTER = 1001, 2001
STRANGER = 777
REPORT = "人民路化工厂起火，3人受伤，有人被困"
WEBHOOK_SECRET = "s3cret-token_1"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        yield api


def _settings(tmp_path: Path, fake: FakeTelegramAPI, **extra: object) -> Settings:
    options: dict[str, object] = dict(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/tg.db", telegram_token=fake.token,
        telegram_api_url=fake.root_url, http_port=0, console=False,
    )
    return Settings.of(**{**options, **extra})  # type: ignore[arg-type]


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeTelegramAPI, org: Organisation, database_url: str) -> AsyncIterator[Liandong]:
    """On each database (conftest's database_url): the platform's flows meet PostgreSQL's
    locking and transactions as well as SQLite's."""
    app = Liandong(_settings(tmp_path, fake, database_url=database_url), org, clock=SystemClock())
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
    incident_id = incident_id_in(receipt["text"])
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
    _, incident_id = await reported(fake, STRANGER, f"/report {long_report}")
    fake.inject_message(CENTRE, COMMANDER, f"/status {incident_id}")
    messages = await fake.wait_for_messages(CENTRE, 3, timeout=10)
    status_parts = messages[1:]
    assert len(status_parts) >= 2 and all(len(m["text"]) <= 4096 for m in status_parts)
    assert "".join(m["text"] for m in status_parts).count("火势仍在蔓延 & & & & & 浓烟") == 150


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

    # The first press asks (#14); the card's confirmation button marks it.
    fake.inject_callback_query(CENTRE, COMMANDER, card["message_id"], token)
    await fake.wait_until(lambda: len(fake.callback_answers) == 3)
    assert "确认标记为演练" in fake.callback_answers[2]["text"]
    await fake.wait_until(lambda: any(b["text"] == "确认：是演练" for b in _buttons(fake.sent_messages(CENTRE)[0])))
    confirm = _button(fake.sent_messages(CENTRE)[0], "确认：是演练")["callback_data"]
    fake.inject_callback_query(CENTRE, COMMANDER, card["message_id"], confirm)
    await fake.wait_until(lambda: len(fake.callback_answers) == 4)
    await fake.wait_until(lambda: "演练事件" in fake.sent_messages(CENTRE)[0]["text"])
    assert "标记为演练" in fake.callback_answers[3]["text"]
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
    assert [incident_id_in(c["text"])[-4:] for c in cards] == ["0001", "0002", "0003"]
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
    for verbose in ([], ["-v"]):
        process = await asyncio.create_subprocess_exec(
            liandong, "run", *verbose, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 1
        assert "not-the-token" not in stderr.decode(), "the token is never written out"
        if not verbose:
            assert stderr.decode().strip().splitlines()[-1].startswith("Telegram refused the token")
    assert "getMe" in stderr.decode()  # -v logs every request URL, the token masked
    assert any(line.startswith("Telegram refused the token") for line in stderr.decode().splitlines())


async def test_an_edit_that_changes_nothing_is_not_an_error(bot: Liandong, fake: FakeTelegramAPI) -> None:
    from core.events import ConversationRef
    from core.messages import Button, Message, Outgoing
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


async def _queue_send_then_edit(bot: Liandong, fake: FakeTelegramAPI, first: str, edited: str) -> None:
    from core.events import ConversationRef
    from core.messages import Button, Message, Outgoing
    from storage.outbox import OutboxRepository

    chat = ConversationRef("telegram", str(CENTRE))
    sent_before = len(fake.sent_messages(CENTRE))
    for outgoing in (Outgoing(chat, Message(text=first, buttons=(Button("b", "tok"),)), key="k"),
                     Outgoing(chat, Message(text=edited, buttons=(Button("b2", "tok2"),)), edit_key="k")):
        async with bot.db.transaction() as session:  # apart: in one transaction they would fold
            await OutboxRepository(session).enqueue([outgoing], bot.clock.now())
        bot.senders["telegram"].wake()
        await fake.wait_until(lambda: len(fake.sent_messages(CENTRE)) == sent_before + 1)


async def test_edits_recover_from_429_502_and_a_lost_answer(bot: Liandong, fake: FakeTelegramAPI) -> None:
    """Edits go out without PTB's objects (adapters/telegram/edits.py): Telegram's refusals still
    settle them as PTB's exceptions would — waited out, retried, and a retry of an edit that was
    carried out ("not modified") counts as done."""
    fake.fail_next("editMessageText", status=429, retry_after=1)
    fake.fail_next("editMessageText", status=502)
    fake.drop_next("editMessageText", after_processing=True)
    await _queue_send_then_edit(bot, fake, "first", "second")

    assert await _outbox_settles(bot, timeout=20) == {"delivered"}
    [message] = fake.sent_messages(CENTRE)
    assert message["text"] == "second"
    assert [b["text"] for b in _buttons(message)] == ["b2"]
    assert len(fake.calls("editMessageText")) >= 4  # 429, 502, the lost answer, then "not modified" or done


async def test_an_edit_telegram_forbids_fails_at_once(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.fail_next("editMessageText", status=403, description="Forbidden: bot was kicked from the group chat")
    await _queue_send_then_edit(bot, fake, "first", "second")

    assert await _outbox_settles(bot) == {"delivered", "failed"}
    assert len(fake.calls("editMessageText")) == 1  # a permanent refusal is not retried
    assert fake.sent_messages(CENTRE)[0]["text"] == "first"
    async with bot.db.transaction() as session:
        failed = await session.scalar(select(OutboxMessage).where(OutboxMessage.status == "failed"))
    assert "kicked" in failed.last_error


async def test_dispatch_and_one_click_answers_in_telegram_groups(bot: Liandong, fake: FakeTelegramAPI) -> None:
    _, incident_id = await reported(fake, STRANGER, REPORT)
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

    from core.clock import ManualClock

    out = io.StringIO()
    clock = ManualClock(datetime.now(timezone.utc))
    app = Liandong(_settings(tmp_path, fake, console=True), org, clock=clock, console_out=out)
    await app.start(timers=False)  # the escalation below is fired by this test, not raced by the loop
    try:
        _, incident_id = await reported(fake, STRANGER, REPORT)
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


# -- the press fast path: raw JSON in, a small request out ------------------------


def _press_update(fake: FakeTelegramAPI, **user: object) -> dict:
    return fake.build_callback_query_update(FIRE_GROUP, FIREFIGHTER, 7, "tok123", **user)


@pytest.mark.parametrize("user", [{}, {"first_name": "三", "username": "zhang"}])
async def test_a_press_read_from_raw_json_is_the_event_ptb_would_give(fake: FakeTelegramAPI, user: dict) -> None:
    from telegram import Update

    from adapters.telegram.presses import read_press
    from adapters.telegram.updates import to_event

    update = _press_update(fake, **user)
    update["callback_query"]["from"]["last_name"] = "张"
    press = read_press(update)
    expected = to_event(Update.de_json(update, None), "liandong_bot")
    assert press is not None and expected is not None
    assert press.query_id == update["callback_query"]["id"]
    assert replace(press.event, received_at=expected.received_at) == expected


def _malformed_presses(update: dict) -> list[object]:
    def changed(change: Callable[[dict], object]) -> dict:
        copy = json.loads(json.dumps(update))
        change(copy["callback_query"])
        return copy

    return [
        None, "text", [], {"update_id": 1}, {**update, "update_id": True},
        changed(lambda q: q.pop("message")),  # a press on an inline-mode message: PTB's
        changed(lambda q: q.pop("data")),  # a game
        changed(lambda q: q.update(data="x" * 65)),
        changed(lambda q: q.update(id=5)),
        changed(lambda q: q["from"].update(id="2001")),
        changed(lambda q: q["from"].pop("first_name")),
        changed(lambda q: q["message"].update(chat=None)),
        changed(lambda q: q["message"]["chat"].update(id=1.5)),
        changed(lambda q: q["message"]["chat"].update(title=["x"])),
        changed(lambda q: q["message"].update(message_id="7")),
    ]


async def test_presses_of_another_shape_are_left_to_ptb(fake: FakeTelegramAPI) -> None:
    from adapters.telegram.presses import read_press, take_presses

    update = _press_update(fake)
    for odd in _malformed_presses(update):
        assert read_press(odd) is None, odd
    taken: list[object] = []
    message = fake.build_message_update(REPORTING, STRANGER, REPORT)
    assert take_presses([message], taken.append) == [message]  # the same list: nothing to re-encode
    # PTB confirms by the last update it saw: a bare update id stands in for a press.
    assert take_presses([message, update], taken.append) == [message, {"update_id": update["update_id"]}]
    assert take_presses([update, message], taken.append) == [message]
    assert len(taken) == 2


def test_the_poll_tap_leaves_anything_unexpected_to_ptb() -> None:
    from adapters.telegram.aiohttp_request import _tapped

    def broken(_: list[object]) -> list[object]:
        raise RuntimeError("bug")

    for payload in (b"not json", b'{"ok": false, "error_code": 409}', b'{"ok": true, "result": {}}',
                    b'{"ok": true, "result": [{"update_id": 1}]}'):
        assert _tapped(payload, lambda updates: updates) is payload
        assert _tapped(payload, broken) is payload


async def test_an_inline_mode_press_goes_the_ptb_way_and_is_answered(bot: Liandong, fake: FakeTelegramAPI) -> None:
    update = _press_update(fake)
    query = update["callback_query"]
    del query["message"]
    query["inline_message_id"] = "AAAA"
    fake.inject_raw_update(update)
    await fake.wait_until(lambda: len(fake.callback_answers) == 1)
    assert fake.callback_answers[0]["callback_query_id"] == query["id"]
    assert not fake.callback_answers[0].get("text")


async def test_a_press_delivered_twice_is_recorded_once(bot: Liandong, fake: FakeTelegramAPI) -> None:
    from storage.models import TimelineEntry

    _, incident_id = await reported(fake, STRANGER, REPORT)
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} FIRE-01")
    [order] = await fake.wait_for_messages(FIRE_GROUP)
    press = fake.build_callback_query_update(FIRE_GROUP, FIREFIGHTER, order["message_id"],
                                             _button(order, "接令")["callback_data"])
    fake.inject_raw_update(press)
    fake.inject_raw_update(press)  # Telegram delivers it again
    await fake.wait_until(lambda: len(fake.calls("answerCallbackQuery")) == 2)
    assert len(fake.callback_answers) == 1 and "已记录" in fake.callback_answers[0]["text"]
    async with bot.db.transaction() as session:
        presses = await session.scalar(select(func.count()).select_from(TimelineEntry)
                                       .where(TimelineEntry.kind == "order_press"))
    assert presses == 1


async def test_a_press_through_the_webhook_is_answered(
    tmp_path: Path, fake: FakeTelegramAPI, org: Organisation
) -> None:
    settings = _settings(tmp_path, fake, telegram_mode="webhook", public_url="https://bot.example.org",
                         telegram_webhook_secret=WEBHOOK_SECRET)
    app = Liandong(settings, org, clock=SystemClock())
    await app.start()
    try:
        assert app.http is not None
        url = f"http://127.0.0.1:{app.http.port}/telegram/webhook"
        update = fake.build_callback_query_update(CENTRE, COMMANDER, 1, "forged-token")
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update, headers={SECRET_HEADER: WEBHOOK_SECRET}) as response:
                assert response.status == 200
        await fake.wait_until(lambda: len(fake.callback_answers) == 1)
        assert "无效" in fake.callback_answers[0]["text"]
    finally:
        await app.stop()


# -- the keep-alive client under the answers ------------------------------------


@pytest.fixture
async def http_server() -> AsyncIterator[tuple[str, list[tuple[str, int]]]]:
    """A server that answers /json, /chunked, /close and /slow; yields its URL and each request's peer."""
    peers: list[tuple[str, int]] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        peers.append(request.transport.get_extra_info("peername")[:2])
        body = await request.read()
        kind = request.match_info["kind"]
        if kind == "chunked":
            response = web.StreamResponse()
            response.enable_chunked_encoding()
            await response.prepare(request)
            for part in (b'{"ok": ', b"true, ", b'"echo": ' + body + b"}"):
                await response.write(part)
            await response.write_eof()
            return response
        if kind == "slow":
            await asyncio.sleep(2)
        headers = {"Connection": "close"} if kind == "close" else {}
        return web.Response(body=b'{"ok": true, "echo": ' + body + b"}", status=200, headers=headers)

    app = web.Application()
    app.router.add_post("/api/{kind}", handle)
    runner = web.AppRunner(app, keepalive_timeout=0.3, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/api", peers
    await runner.cleanup()


async def test_the_keep_alive_client_reuses_connections_and_survives_their_closing(
    http_server: tuple[str, list[tuple[str, int]]]
) -> None:
    from adapters.telegram.keepalive import KeepAliveClient

    url, peers = http_server
    client = KeepAliveClient(url, connections=2)
    try:
        for n in range(4):
            assert await client.post_json("/json", b"%d" % n) == (200, b'{"ok": true, "echo": %d}' % n)
        assert len(set(peers)) == 1
        assert await client.post_json("/chunked", b'"c"') == (200, b'{"ok": true, "echo": "c"}')
        await asyncio.sleep(0.6)  # the server closes the idle connection
        assert (await client.post_json("/json", b"5"))[0] == 200
        assert (await client.post_json("/close", b"6"))[0] == 200
        assert (await client.post_json("/json", b"7"))[0] == 200
        assert len(set(peers)) == 3
        results = await asyncio.gather(*(client.post_json("/json", b"%d" % n) for n in range(20)))
        assert [json.loads(body)["echo"] for _, body in results] == list(range(20))
    finally:
        await client.close()


async def test_the_keep_alive_client_reports_failures_as_http_errors(
    http_server: tuple[str, list[tuple[str, int]]]
) -> None:
    from adapters.telegram.keepalive import HttpError, KeepAliveClient

    url, _ = http_server
    client = KeepAliveClient(url, timeout_s=0.5)
    with pytest.raises(HttpError):
        await client.post_json("/slow", b"1")
    assert (await client.post_json("/json", b"2"))[0] == 200  # the timed-out connection is not reused
    await client.close()
    unused_port = KeepAliveClient("http://127.0.0.1:9/api")
    with pytest.raises(HttpError):
        await unused_port.post_json("/json", b"1")


# -- flood control: what counts is when sends arrive -------------------------------


@pytest.mark.parametrize("hold_back", [False, True])
def test_sends_woken_late_do_not_bunch_past_telegrams_30_per_second(hold_back: bool) -> None:
    import heapq

    from adapters.telegram.adapter import TELEGRAM_LIMITS, is_group_chat
    from core.ratelimit import RateLimiter

    now = [1000.0]
    limiter = RateLimiter(TELEGRAM_LIMITS, is_group=is_group_chat, now=lambda: now[0])
    booked = [now[0] + (limiter.reserve(f"-{n}", max_wait=30) or 0.0) for n in range(90)]
    # The event loop is busy from 1000.2 s to 1000.5 s: the sends due meanwhile wake together at its end.
    wake = [max(at, 1000.5) if 1000.2 <= at <= 1000.5 else at for at in booked]
    queue = [(at, n) for n, at in enumerate(wake)]
    heapq.heapify(queue)
    sent = []
    while queue:
        now[0], n = heapq.heappop(queue)
        if hold_back and (hold := limiter.hold_back(f"-{n}")) > 0:
            heapq.heappush(queue, (now[0] + hold, n))
            continue
        limiter.sent(f"-{n}")
        limiter.settled(f"-{n}")  # answered at once: only the late wake-up is modelled here
        sent.append(now[0])
    assert len(sent) == 90
    if hold_back:
        assert most_in_one_second(sent) <= 29
    else:  # the bunch that made a 429 in the ack storm
        assert most_in_one_second(sent) > 30
