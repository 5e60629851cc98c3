"""CAP-era alerts over Telegram (#17): the real python-telegram-bot stack against the fake
Bot API. An update and a cancel reach the units and edit their earlier copies; a task
goes 收到 → 已部署; the report comes with the alert's CAP 1.2 document."""
from __future__ import annotations

import asyncio
from pathlib import Path


from bot.app import Liandong
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import bot, fake, telegram_settings  # noqa: F401 (fixtures)
from tests.test_broadcast_telegram import (
    CENTRE, COMMANDER, DUTY, FIRE_GROUP, FIREFIGHTER, MED_GROUP, _button, _press,
)

ALERT = "暴雨橙色预警：今晚有大暴雨"


def _previews(fake: FakeTelegramAPI, since: int) -> list[dict]:
    return [m for m in fake.sent_messages(CENTRE)[since:]
            if any(b["text"] == "发送" for row in m.get("reply_markup", {}).get("inline_keyboard", []) for b in row)]


async def _send(fake: FakeTelegramAPI, args: str, copies_before: int) -> tuple[dict, dict]:
    before = len(fake.sent_messages(CENTRE))
    fake.inject_message(CENTRE, COMMANDER, f"/broadcast {args}")
    # Notices of the steps before (a task deployed) may reach the centre after the preview:
    # the preview is the new message with a Send button, not simply the newest.
    await fake.wait_until(lambda: bool(_previews(fake, before)))
    preview = _previews(fake, before)[0]
    await _press(fake, CENTRE, DUTY, preview, "发送")
    fire = (await fake.wait_for_messages(FIRE_GROUP, copies_before + 1))[-1]
    med = (await fake.wait_for_messages(MED_GROUP, copies_before + 1))[-1]
    return fire, med


async def test_an_update_and_a_cancel_edit_the_earlier_copies_and_a_task_is_done(
    bot: Liandong, fake: FakeTelegramAPI,
) -> None:
    fire, med = await _send(fake, f"orange unit:FIRE-01,MED-01 area:城关镇 event:暴雨 {ALERT}\ntask:预置抽水泵", 0)
    assert "区域: 城关镇" in fire["text"] and "1. 预置抽水泵" in fire["text"]
    answer = await _press(fake, FIRE_GROUP, FIREFIGHTER, fire, "收到 任务1")
    assert answer["text"].startswith("任务1：FIRE-01 已收到")
    await fake.wait_until(lambda: "FIRE-01 已收到" in fake.message(FIRE_GROUP, fire["message_id"])["text"])
    fire = fake.message(FIRE_GROUP, fire["message_id"])
    assert _button(fire, "已部署 任务1")
    await _press(fake, FIRE_GROUP, FIREFIGHTER, fire, "已部署 任务1")
    await fake.wait_until(lambda: "FIRE-01 已部署" in fake.message(FIRE_GROUP, fire["message_id"])["text"])

    new_fire, new_med = await _send(fake, "update 1 red 雨势加大", 1)
    assert "[更新 #1] 🔴 红色预警" in new_fire["text"] and "区域: 城关镇" in new_med["text"]
    for chat, copy in ((FIRE_GROUP, fire), (MED_GROUP, med)):
        await fake.wait_until(lambda: "[已被 #2 取代]" in fake.message(chat, copy["message_id"])["text"])
        assert not fake.message(chat, copy["message_id"]).get("reply_markup", {}).get("inline_keyboard")

    cancel_fire, _ = await _send(fake, "cancel 2 雨势减弱", 2)
    assert "✅ [解除 #2]" in cancel_fire["text"] and "雨势减弱" in cancel_fire["text"]
    await fake.wait_until(lambda: "[已被 #3 取代]" in fake.message(FIRE_GROUP, new_fire["message_id"])["text"])

    documents = len(fake.calls("sendDocument"))
    fake.inject_message(CENTRE, COMMANDER, "/broadcast_report 2")
    await fake.wait_until(lambda: len(fake.calls("sendDocument")) > documents, timeout=10)
    [document] = [m for m in fake.sent_messages(CENTRE) if m.get("document")][-1:]
    assert document["document"]["file_name"] == "alert-2.cap.xml"


async def test_a_cap_file_dropped_in_the_centre_becomes_a_draft(bot: Liandong, fake: FakeTelegramAPI) -> None:
    data = Path(__file__).with_name("data") / "cap"
    before = len(fake.sent_messages(CENTRE))
    # The specification's example (it has no expiry; this test runs on the real clock).
    fake.inject_document(CENTRE, COMMANDER, (data / "spec_homeland_security.xml").read_bytes(), file_name="hsas.xml")
    [draft] = (await fake.wait_for_messages(CENTRE, before + 1))[before:]
    assert "📥 外部预警 · 草稿 #1" in draft["text"] and "🟠 橙色预警" in draft["text"]
    assert _button(draft, "发送") and _button(draft, "修改") and _button(draft, "忽略")

    fake.inject_document(CENTRE, COMMANDER, (data / "bad_xxe.xml").read_bytes(), file_name="x.xml")
    [refusal] = (await fake.wait_for_messages(CENTRE, before + 2))[before + 1:]
    assert "未采用该 CAP 预警" in refusal["text"] and "DOCTYPE" in refusal["text"]
    # A photo or a PDF is not read as a warning.
    fake.inject_document(CENTRE, COMMANDER, b"%PDF-1.4", file_name="plan.pdf", mime_type="application/pdf")
    await asyncio.sleep(0.3)
    assert len(fake.sent_messages(CENTRE)) == before + 2


async def test_a_file_from_anyone_but_a_centre_member_in_the_centre_is_not_fetched(
        bot: Liandong, fake: FakeTelegramAPI) -> None:
    """Nobody else's file is downloaded, let alone read: a unit's group, or a stranger in the centre."""
    cap = (Path(__file__).with_name("data") / "cap" / "spec_homeland_security.xml").read_bytes()
    fake.inject_document(FIRE_GROUP, FIREFIGHTER, cap, file_name="hsas.xml")
    fake.inject_document(CENTRE, FIREFIGHTER, cap, file_name="hsas.xml")
    fake.inject_document(CENTRE, COMMANDER, b"<not-cap/>", file_name="note.xml")  # the one that is fetched
    await fake.wait_until(lambda: len(fake.calls("getFile")) >= 1, timeout=10)
    await asyncio.sleep(0.5)
    assert len(fake.calls("getFile")) == 1
    assert not any("外部预警" in m.get("text", "") for m in fake.sent_messages())
