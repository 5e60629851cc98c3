"""Orders into the void, end to end on Telegram: an order nobody received is shown as
未送达 on the board, the centre is told at once whom to phone, and asking again
re-sends it once the unit can be reached."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.app import Liandong
from storage.models import DispatchOrder
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import reported
from tests.telegram_bot import bot, fake  # noqa: F401

CENTRE, REPORTING, FIRE_GROUP = -1001000, -1003000, -1002001
COMMANDER, STRANGER = 1001, 777
REPORT = "人民路化工厂起火，3人受伤，有人被困"
WAIT_S = 10.0


def _texts(fake: FakeTelegramAPI, chat: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent_messages(chat)]


async def _incident(fake: FakeTelegramAPI) -> str:
    _, incident_id = await reported(fake, STRANGER, REPORT)
    return incident_id


def _undelivered_notices(fake: FakeTelegramAPI) -> list[str]:
    return [t for t in _texts(fake, CENTRE) if "调度指令未送达" in t]


def _board(fake: FakeTelegramAPI) -> str:
    return next((t for t in _texts(fake, CENTRE) if "调度看板" in t), "")


async def _delivery_of(bot: Liandong, unit: str) -> str | None:
    async with bot.db.transaction() as session:
        return await session.scalar(select(DispatchOrder.delivery).where(DispatchOrder.unit_code == unit))


async def test_an_order_every_group_refuses_is_not_delivered_and_the_centre_is_told_whom_to_phone(
    bot: Liandong, fake: FakeTelegramAPI,
) -> None:
    fake.remove_bot_from_chat(FIRE_GROUP, kicked=True)
    incident_id = await _incident(fake)
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} FIRE-01")

    await fake.wait_until(lambda: bool(_undelivered_notices(fake)), WAIT_S)
    [notice] = _undelivered_notices(fake)
    assert "FIRE-01" in notice and incident_id in notice
    assert "张三 13800002001" in notice  # the duty officer and their phone, in the centre only
    await fake.wait_until(lambda: "未送达" in _board(fake), WAIT_S)
    assert "未接令" not in _board(fake)
    assert fake.sent_messages(FIRE_GROUP) == []
    assert await _delivery_of(bot, "FIRE-01") == "undelivered"

    # Back in the group and asked again, the order goes out, and nobody is told twice.
    fake.set_bot_status(FIRE_GROUP, "member")
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} FIRE-01")
    [order] = await fake.wait_for_messages(FIRE_GROUP, timeout=WAIT_S)
    assert "调度指令" in order["text"] and order["reply_markup"]["inline_keyboard"]
    await fake.wait_until(lambda: "未送达" not in _board(fake), WAIT_S)
    for _ in range(int(WAIT_S * 10)):  # the timer settles it within a tick or two
        if await _delivery_of(bot, "FIRE-01") == "delivered":
            break
        await asyncio.sleep(0.1)
    assert await _delivery_of(bot, "FIRE-01") == "delivered"
    assert len(_undelivered_notices(fake)) == 1


async def test_an_order_to_a_unit_with_no_conversation_here_is_reported_at_once(
    bot: Liandong, fake: FakeTelegramAPI,
) -> None:
    # ENV-01 talks on Slack only; this bot runs Telegram only.
    incident_id = await _incident(fake)
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} ENV-01")

    await fake.wait_until(lambda: bool(_undelivered_notices(fake)), WAIT_S)
    [notice] = _undelivered_notices(fake)
    assert "ENV-01" in notice and "吴监测" in notice and "/dispatch" in notice
    await fake.wait_until(lambda: "ENV-01" in _board(fake) and "未送达" in _board(fake), WAIT_S)
    # Its reminder would be lost as well: silence is not escalated again.
    async with bot.db.transaction() as session:
        order = await session.scalar(select(DispatchOrder).where(DispatchOrder.unit_code == "ENV-01"))
    assert order.escalate_at is None and order.delivery == "undelivered"
