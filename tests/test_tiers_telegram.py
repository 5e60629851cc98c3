"""Tiers end to end on Telegram (#14): the real python-telegram-bot stack against the fake
Bot API. An escalation reaches the upper centre, whose member dispatches from its card
and sets the level; a unit on scene asks for another region's boat team with 请求支援,
the upper centre approves, the team is ordered and its acknowledgement reaches the
centre's board. Organisation: tests/tier_org.py."""
from __future__ import annotations


import pytest
from sqlalchemy import select

import adapters  # noqa: F401  (the platform registry, for the organisation file's platform ids)
from bot.app import Liandong
from config.organisation import Organisation
from storage.models import TimelineEntry
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import reported
from tests.telegram_bot import bot, fake  # noqa: F401  (fixtures)
from tests.tier_org import UPPER_MEMBER_TG, UPPER_TG, REGION_TG, WD_LEAD_TG, WD_TG, tier_org

CENTRE, REPORTING, FIRE_GROUP, MED_GROUP = -1001000, -1003000, -1002001, -1002002
COMMANDER, FIREFIGHTER, STRANGER = 1001, 2001, 777
REPORT = "人民路化工厂起火，3人受伤，有人被困"


@pytest.fixture
def org() -> Organisation:
    return tier_org()


def _buttons(message: dict) -> list[dict]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def _button(message: dict, label: str) -> dict:
    return next(b for b in _buttons(message) if b["text"] == label)


def _texts(fake: FakeTelegramAPI, chat: int) -> list[str]:  # noqa: F811  (the fixture's name)
    return [m.get("text", "") for m in fake.sent_messages(chat)]


def _with(fake: FakeTelegramAPI, chat: int, part: str) -> dict:  # noqa: F811
    return next(m for m in fake.sent_messages(chat) if part in m.get("text", ""))


async def _wait_text(fake: FakeTelegramAPI, chat: int, part: str) -> dict:  # noqa: F811
    await fake.wait_until(lambda: any(part in text for text in _texts(fake, chat)))
    return _with(fake, chat, part)


async def _reported(fake: FakeTelegramAPI) -> str:  # noqa: F811
    _, incident_id = await reported(fake, STRANGER, REPORT)
    return incident_id


async def _timeline(bot: Liandong) -> list[tuple[str, str | None]]:  # noqa: F811
    async with bot.db.transaction() as session:
        return [(e.kind, e.actor_name) for e in await session.scalars(select(TimelineEntry).order_by(TimelineEntry.id))]


async def test_an_escalation_reaches_the_upper_centre_whose_member_acts_on_it(
        bot: Liandong, fake: FakeTelegramAPI) -> None:  # noqa: F811
    incident = await _reported(fake)
    fake.inject_message(UPPER_TG, UPPER_MEMBER_TG, f"/dispatch {incident} FIRE-01")
    await _wait_text(fake, UPPER_TG, "未上报上级指挥中心")  # not before it is escalated

    fake.inject_message(CENTRE, COMMANDER, f"/escalate {incident} 储罐区受威胁")
    card = await _wait_text(fake, UPPER_TG, f"🏛️ 上报事件 {incident}")
    await _wait_text(fake, UPPER_TG, "原因：储罐区受威胁")
    assert [b["text"] for b in _buttons(card)] == ["调度"]

    # From its card the upper centre's member opens a dispatch and sends it.
    fake.inject_callback_query(UPPER_TG, UPPER_MEMBER_TG, card["message_id"], _button(card, "调度")["callback_data"])
    draft = await _wait_text(fake, UPPER_TG, "调度编成")
    fake.inject_callback_query(UPPER_TG, UPPER_MEMBER_TG, draft["message_id"], _button(draft, "发送")["callback_data"])
    order = await _wait_text(fake, FIRE_GROUP, "调度指令")
    assert "下达人: 上级指挥中心 市指挥" in order["text"]
    await _wait_text(fake, MED_GROUP, "调度指令")  # the fire plan: FIRE-01 and MED-01
    # Its card stays current: edited in place with the units.
    await fake.wait_until(lambda: "FIRE-01 市消防救援大队" in (fake.message(UPPER_TG, card["message_id"]) or {})
                          .get("text", ""))

    fake.inject_message(UPPER_TG, UPPER_MEMBER_TG, f"/level {incident} 1 市级响应")
    await _wait_text(fake, FIRE_GROUP, "原因：市级响应（上级指挥中心 市指挥）")
    await fake.wait_until(lambda: "🔴一级" in (fake.message(UPPER_TG, card["message_id"]) or {}).get("text", ""))
    timeline = await _timeline(bot)
    assert ("escalated_upper", "王指挥") in timeline and ("level", "上级指挥中心 市指挥") in timeline
    assert ("dispatched", "上级指挥中心 市指挥") in timeline


async def test_a_request_across_regions_is_approved_and_answered(bot: Liandong, fake: FakeTelegramAPI) -> None:  # noqa: F811
    incident = await _reported(fake)
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident} FIRE-01")
    order = await _wait_text(fake, FIRE_GROUP, "调度指令")
    fake.inject_callback_query(FIRE_GROUP, FIREFIGHTER, order["message_id"], _button(order, "到场")["callback_data"])
    await fake.wait_until(lambda: "请求支援" in [b["text"] for b in _buttons(fake.message(FIRE_GROUP, order["message_id"])
                                                                          or {})])
    on_scene = fake.message(FIRE_GROUP, order["message_id"]) or {}
    fake.inject_callback_query(FIRE_GROUP, FIREFIGHTER, order["message_id"],
                               _button(on_scene, "请求支援")["callback_data"])
    question = await _wait_text(fake, FIRE_GROUP, "需要什么支援")
    fake.inject_message(FIRE_GROUP, FIREFIGHTER, "cap:boats -- 水域搜救需要船只",
                        reply_to_message_id=question["message_id"])
    await _wait_text(fake, FIRE_GROUP, "跨区域增援请求已送上级指挥中心审批：WD-RESCUE-01（文登区）")
    request = await _wait_text(fake, UPPER_TG, "待批准")
    assert [b["text"] for b in _buttons(request)] == ["批准", "不批准"]
    assert fake.sent_messages(WD_TG) == []

    fake.inject_callback_query(UPPER_TG, UPPER_MEMBER_TG, request["message_id"], _button(request, "批准")["callback_data"])
    wd_order = await _wait_text(fake, WD_TG, "调度指令")
    assert "下达人: 上级指挥中心 市指挥" in wd_order["text"] and "水域搜救需要船只" in wd_order["text"]
    await _wait_text(fake, REGION_TG, "本区域力量 WD-RESCUE-01 已被调派增援荣成市应急救援联调联战事件")
    await _wait_text(fake, CENTRE, "上级指挥中心批准增援")
    await fake.wait_until(lambda: _buttons(fake.message(UPPER_TG, request["message_id"]) or {"x": 1}) == [])

    # The other region's team acknowledges: the centre's one board shows it.
    fake.inject_callback_query(WD_TG, WD_LEAD_TG, wd_order["message_id"], _button(wd_order, "接令")["callback_data"])
    board = _with(fake, CENTRE, "调度看板")
    await fake.wait_until(lambda: "WD-RESCUE-01 文登区应急救援队 — 已接令（文队长" in
                          (fake.message(CENTRE, board["message_id"]) or {}).get("text", ""))
    kinds = [kind for kind, _ in await _timeline(bot)]
    assert kinds.index("support_requested") < kinds.index("support_approved") < len(kinds) - 1
