"""A Telegram group upgraded to a supergroup is followed, end to end: Telegram answers
sends to the old id with 400 and parameters.migrate_to_chat_id; the bot moves the
binding (file-declared chats too), re-sends what was refused, and says so in the log."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Callable

import pytest

from bot.app import Liandong
from config.organisation import Organisation, parse_organisation
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import incident_id_in
from tests.telegram_bot import bot, fake, telegram_settings  # noqa: F401
from tests.test_cli import run

CENTRE, REPORTING, FIRE_GROUP = -1001000, -1003000, -1002001
NEW_CENTRE, NEW_FIRE_GROUP = -1009001000, -1009002001
COMMANDER, FIREFIGHTER, STRANGER = 1001, 2001, 777
REPORT = "人民路化工厂起火，3人受伤，有人被困"
WAIT_S = 10.0


def _texts(fake: FakeTelegramAPI, chat: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent_messages(chat)]


def _button(message: dict, label: str) -> dict:
    return next(b for row in message["reply_markup"]["inline_keyboard"] for b in row if b["text"] == label)


async def _eventually(predicate: Callable[[], bool]) -> None:
    """For what the fake does not see change (the bot's log)."""
    for _ in range(int(WAIT_S * 20)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not within the wait")


async def _incident(fake: FakeTelegramAPI, centre: int = CENTRE) -> str:
    fake.inject_message(REPORTING, STRANGER, REPORT)
    [card] = await fake.wait_for_messages(centre, timeout=WAIT_S)
    return incident_id_in(card["text"])


async def test_an_order_refused_by_a_migrated_group_goes_to_the_supergroup_and_its_buttons_work(
    bot: Liandong, fake: FakeTelegramAPI, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    incident_id = await _incident(fake)
    # Upgraded with no service message reaching the bot: only the refused send tells.
    fake.migrate_chat(FIRE_GROUP, NEW_FIRE_GROUP, FIREFIGHTER, notify=False)
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} FIRE-01")

    [order] = await fake.wait_for_messages(NEW_FIRE_GROUP, timeout=WAIT_S)
    assert "调度指令" in order["text"]
    assert fake.sent_messages(FIRE_GROUP) == []
    assert any(f"telegram chat {FIRE_GROUP}" in r.message and str(NEW_FIRE_GROUP) in r.message
               for r in caplog.records), "the move is said in the log"
    assert not any("failed for good" in r.message for r in caplog.records)

    # The buttons sent there work there, and the order's later edits reach it.
    fake.inject_callback_query(NEW_FIRE_GROUP, FIREFIGHTER, order["message_id"], _button(order, "接令")["callback_data"])
    await fake.wait_until(lambda: "已接令（张三" in fake.sent_messages(NEW_FIRE_GROUP)[0]["text"], WAIT_S)
    assert str(NEW_FIRE_GROUP) in [ref.chat_id for ref in bot.org.units["FIRE-01"].conversations]


async def test_the_service_message_moves_the_centre_and_the_file_declared_chat_reads_as_the_new_one(
    tmp_path: Path, fake: FakeTelegramAPI, org: Organisation, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    settings = telegram_settings(tmp_path, fake)
    app = Liandong(settings, org, http=False)
    await app.start()
    try:
        fake.migrate_chat(CENTRE, NEW_CENTRE, COMMANDER)  # the service messages reach the bot
        await _eventually(lambda: any(str(NEW_CENTRE) in r.message for r in caplog.records))
        # Cards go to the supergroup, and its members act there as the centre.
        incident_id = await _incident(fake, NEW_CENTRE)
        fake.inject_message(NEW_CENTRE, COMMANDER, f"/dispatch {incident_id} FIRE-01")
        await fake.wait_for_messages(FIRE_GROUP, timeout=WAIT_S)
        assert fake.sent_messages(CENTRE) == []
        assert any("update the file" in r.message for r in caplog.records)
    finally:
        await app.stop()

    # After a restart the move holds; `liandong roster export` shows the new id.
    again = Liandong(settings, org, http=False)
    await again.start(senders=False)
    try:
        assert ("telegram", str(NEW_CENTRE)) in {(r.platform, r.chat_id) for r in again.org.centre_conversations()}
        assert ("telegram", str(CENTRE)) not in {(r.platform, r.chat_id) for r in again.org.centre_conversations()}
    finally:
        await again.stop()
    exported = run("roster", "export", env={"LIANDONG_DATABASE_URL": settings.database_url})
    assert exported.returncode == 0, exported.stderr
    channels = parse_organisation(exported.stdout).spec.command_centre.channels
    assert str(NEW_CENTRE) in [c.telegram for c in channels] and str(CENTRE) not in [c.telegram for c in channels]
