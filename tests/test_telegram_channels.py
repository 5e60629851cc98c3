"""A unit's Telegram channel (one-way announcements), end to end: bound with an invite
code posted in the channel, it gets orders and alerts without buttons and with a note to
answer in the unit's group; nothing else posted there is read, reports least of all."""
from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from bot.app import Liandong
from config.schema import Channel
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import incident_id_in
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)

CENTRE, REPORTING, SEA_GROUP = -1001000, -1003000, -1002007
SEA_CHANNEL = -1007007
COMMANDER, CAPTAIN, STRANGER = 1001, 2601, 777
REPORT = "人民路化工厂起火，3人受伤，有人被困"
WAIT_S = 10.0


def _keyboard(message: dict) -> list:
    return message.get("reply_markup", {}).get("inline_keyboard", [])


async def _said(fake: FakeTelegramAPI, chat: int, user: int, text: str) -> dict:
    before = len(fake.sent_messages(chat))
    fake.inject_message(chat, user, text)
    return (await fake.wait_for_messages(chat, before + 1, timeout=WAIT_S))[-1]


async def _bound_channel(fake: FakeTelegramAPI) -> None:
    invite = await _said(fake, CENTRE, COMMANDER, "/invite SEA-01")
    code = re.search(r"([A-Z0-9]{5}-[A-Z0-9]{5})", invite["text"]).group(1)
    fake.inject_channel_post(SEA_CHANNEL, f"/bind {code}", title="海上搜救队公告")
    [bound] = await fake.wait_for_messages(SEA_CHANNEL, timeout=WAIT_S)
    assert "公告频道" in bound["text"] and "SEA-01" in bound["text"]


async def test_a_bound_channel_gets_orders_and_alerts_without_buttons_and_reads_nothing(
    bot: Liandong, fake: FakeTelegramAPI,
) -> None:
    await _bound_channel(fake)
    # Posts in the channel are not reports, and commands other than bind/unbind get no answer.
    fake.inject_channel_post(SEA_CHANNEL, REPORT)
    fake.inject_channel_post(SEA_CHANNEL, "/status")
    await _said(fake, REPORTING, STRANGER, REPORT)
    await fake.wait_until(lambda: any("新事件" in m.get("text", "") for m in fake.sent_messages(CENTRE)), WAIT_S)
    [card] = [m for m in fake.sent_messages(CENTRE) if "新事件" in m.get("text", "")]
    incident_id = incident_id_in(card["text"])
    assert incident_id.endswith("-0001")  # the channel's post made none
    assert len(fake.sent_messages(SEA_CHANNEL)) == 1

    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} SEA-01")
    [in_group] = await fake.wait_for_messages(SEA_GROUP, timeout=WAIT_S)
    in_channel = (await fake.wait_for_messages(SEA_CHANNEL, 2, timeout=WAIT_S))[1]
    assert "调度指令" in in_group["text"] and _keyboard(in_group)
    assert "调度指令" in in_channel["text"] and not _keyboard(in_channel)
    assert "请在本单位的群组中接令" in in_channel["text"]

    # Acknowledged in the group, the channel's copy follows, still without buttons.
    ack = next(b for row in _keyboard(in_group) for b in row if b["text"] == "接令")
    fake.inject_callback_query(SEA_GROUP, CAPTAIN, in_group["message_id"], ack["callback_data"])
    await fake.wait_until(lambda: "已接令" in fake.message(SEA_CHANNEL, in_channel["message_id"])["text"], WAIT_S)
    assert not _keyboard(fake.message(SEA_CHANNEL, in_channel["message_id"]))

    # An alert: the group's copy has 收到, the channel's says where to confirm.
    fake.inject_message(CENTRE, COMMANDER, "/broadcast red unit:SEA-01 台风红色预警：船只立即回港")

    def previews() -> list[dict]:  # the dispatch's own answers to the centre may still be on their way
        return [m for m in fake.sent_messages(CENTRE) if any(b["text"] == "发送" for row in _keyboard(m) for b in row)]
    await fake.wait_until(lambda: bool(previews()), WAIT_S)
    [preview] = previews()
    send = next(b for row in _keyboard(preview) for b in row if b["text"] == "发送")
    fake.inject_callback_query(CENTRE, COMMANDER, preview["message_id"], send["callback_data"])
    alert_in_group = (await fake.wait_for_messages(SEA_GROUP, 2, timeout=WAIT_S))[1]
    alert_in_channel = (await fake.wait_for_messages(SEA_CHANNEL, 3, timeout=WAIT_S))[2]
    assert "红色预警" in alert_in_group["text"] and _keyboard(alert_in_group)
    assert "红色预警" in alert_in_channel["text"] and not _keyboard(alert_in_channel)
    assert "收到" in alert_in_channel["text"]


async def test_a_roll_call_skips_the_channel_and_unbind_in_the_channel_ends_it(
    bot: Liandong, fake: FakeTelegramAPI,
) -> None:
    await _bound_channel(fake)
    await _said(fake, CENTRE, COMMANDER, "/rollcall SEA-01")
    await fake.wait_for_messages(SEA_GROUP, timeout=WAIT_S)
    assert len(fake.sent_messages(SEA_CHANNEL)) == 1  # only the binding's answer

    fake.inject_channel_post(SEA_CHANNEL, "/unbind")
    await fake.wait_for_messages(SEA_CHANNEL, 2, timeout=WAIT_S)
    assert "SEA-01" in fake.sent_messages(SEA_CHANNEL)[1]["text"]
    assert all(ref.chat_id != str(SEA_CHANNEL) for ref in bot.org.units["SEA-01"].conversations)


def test_the_organisation_file_declares_a_channel_on_telegram_only() -> None:
    assert Channel(telegram="-1007007", announce_only=True).announce_only
    with pytest.raises(ValidationError, match="announce_only is for a Telegram channel"):
        Channel(slack="C0SEA", announce_only=True)
    with pytest.raises(ValidationError, match="announce_only is for a Telegram channel"):
        Channel(telegram="-1007007", slack="C0SEA", announce_only=True)
