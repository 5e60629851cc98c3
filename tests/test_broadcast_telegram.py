"""Broadcast alerts over Telegram: the real python-telegram-bot stack against the
fake Bot API server (with Telegram's rate limits), SQLite underneath.

Organisation: config/org.example.yaml — command centre chat -1001000 (王指挥 1001,
刘值班 1002), FIRE-01's group -1002001 (张三 2001), MED-01's -1002002 (陈医生 2101).
The crash test builds its own organisation of 200 units, one group each.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.app import Liandong
from core.clock import SystemClock
from config.organisation import Organisation
from config.schema import OrganisationFile
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import bot, fake, telegram_settings  # noqa: F401 (fixtures)

CENTRE, FIRE_GROUP, MED_GROUP = -1001000, -1002001, -1002002
COMMANDER, DUTY, FIREFIGHTER, DOCTOR = 1001, 1002, 2001, 2101
ALERT = "台风红色预警：今晚20时起停止一切户外作业"


def _button(message: dict, label: str) -> dict:
    return next(b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row
                if b["text"] == label)


async def _answer(fake: FakeTelegramAPI, query_id: str) -> dict:
    await fake.wait_until(lambda: any(c["callback_query_id"] == query_id for c in fake.calls("answerCallbackQuery")))
    return next(c for c in fake.calls("answerCallbackQuery") if c["callback_query_id"] == query_id)


async def _press(fake: FakeTelegramAPI, chat: int, user: int, message: dict, label: str) -> dict:
    query = fake.inject_callback_query(chat, user, message["message_id"], _button(message, label)["callback_data"])
    return await _answer(fake, query)


async def _preview(fake: FakeTelegramAPI, args: str) -> dict:
    before = len(fake.sent_messages(CENTRE))
    fake.inject_message(CENTRE, COMMANDER, f"/broadcast {args}")
    return (await fake.wait_for_messages(CENTRE, before + 1))[-1]


async def test_preview_send_confirm_and_report(bot: Liandong, fake: FakeTelegramAPI) -> None:
    preview = await _preview(fake, f"red unit:FIRE-01,MED-01 {ALERT}")
    assert "预览，尚未发送" in preview["text"] and "2 个单位，2 个群组" in preview["text"]
    assert fake.sent_messages(FIRE_GROUP) == []

    answer = await _press(fake, CENTRE, DUTY, preview, "发送")
    assert answer["text"] == "正在发送到 2 个群组。"
    [fire_copy] = await fake.wait_for_messages(FIRE_GROUP)
    [med_copy] = await fake.wait_for_messages(MED_GROUP)
    assert "🔴 红色预警" in fire_copy["text"] and ALERT in fire_copy["text"] and "王指挥" in fire_copy["text"]
    await fake.wait_until(lambda: any("发送完毕：送达 2 / 2，失败 0" in m.get("text", "")
                                      for m in fake.sent_messages(CENTRE)), timeout=10)

    refused = await _press(fake, FIRE_GROUP, DOCTOR, fire_copy, "收到")
    assert refused.get("show_alert") and "只有 FIRE-01 的成员" in refused["text"]
    confirmed = await _press(fake, FIRE_GROUP, FIREFIGHTER, fire_copy, "收到")
    assert confirmed["text"] == "已为 FIRE-01 确认收到，谢谢。"
    await fake.wait_until(lambda: "已确认" in fake.message(FIRE_GROUP, fire_copy["message_id"])["text"], timeout=5)
    assert "张三" in fake.message(FIRE_GROUP, fire_copy["message_id"])["text"]
    assert "已确认" not in fake.message(MED_GROUP, med_copy["message_id"])["text"]

    before = len(fake.sent_messages(CENTRE))
    fake.inject_message(CENTRE, COMMANDER, "/broadcast-report")  # Telegram sees "/broadcast" + "-report"
    report = (await fake.wait_for_messages(CENTRE, before + 1))[-1]
    assert "送达" in report["text"] and "2 / 2 个群组" in report["text"]
    assert "1 / 2 个单位（1 人）" in report["text"] and "MED-01" in report["text"]
    _button(report, "向 1 个未确认单位重发")


async def test_non_centre_members_cannot_broadcast(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(FIRE_GROUP, FIREFIGHTER, f"/broadcast red {ALERT}")
    [refusal] = await fake.wait_for_messages(FIRE_GROUP)
    assert "指挥中心" in refusal["text"] and ALERT not in refusal["text"]
    assert fake.sent_messages(CENTRE) == []


async def test_cancel_sends_nothing_and_the_buttons_are_gone(bot: Liandong, fake: FakeTelegramAPI) -> None:
    preview = await _preview(fake, f"yellow to:all {ALERT}")
    answer = await _press(fake, CENTRE, COMMANDER, preview, "取消")
    assert "已取消" in answer["text"]
    await fake.wait_until(lambda: "王指挥 已取消" in fake.message(CENTRE, preview["message_id"])["text"])
    assert not fake.message(CENTRE, preview["message_id"]).get("reply_markup", {}).get("inline_keyboard")
    await asyncio.sleep(0.5)
    assert [m for m in fake.sent_messages() if m["chat"]["id"] != CENTRE] == []


# -- a crash halfway through a broadcast to 200 groups ----------------------------

UNITS = 200


def _many_groups() -> Organisation:
    return Organisation(OrganisationFile.model_validate({
        "organisation": {"name": "crash test", "language": "zh", "timezone": "Asia/Shanghai"},
        "command_centre": {"channels": [{"telegram": str(CENTRE)}],
                           "members": [{"name": "王指挥", "telegram": str(COMMANDER)}]},
        "units": [{"code": f"U{u:03d}", "name": f"单位{u}", "kind": "government",
                   "channels": [{"telegram": str(-10_000 - u)}],
                   "members": [{"name": f"队员{u}", "telegram": str(100_000 + u)}]} for u in range(UNITS)],
    }))


class _LaterClock(SystemClock):
    """The restarted process's clock, past the dead one's delivery leases."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + timedelta(minutes=2)


def _alert_copies(fake: FakeTelegramAPI) -> Counter[int]:
    return Counter(m["chat"]["id"] for m in fake.sent_messages() if -10_000 - UNITS < m["chat"]["id"] <= -10_000)


async def test_a_crash_mid_broadcast_then_a_restart_gives_every_group_exactly_one_copy(
    tmp_path: Path, fake: FakeTelegramAPI,
) -> None:
    org = _many_groups()
    first = Liandong(telegram_settings(tmp_path, fake), org, clock=SystemClock(), http=False)
    await first.start()
    preview = await _preview(fake, f"red {ALERT}")
    assert f"{UNITS} 个单位，{UNITS} 个群组" in preview["text"]
    await _press(fake, CENTRE, COMMANDER, preview, "发送")
    await fake.wait_until(lambda: len(_alert_copies(fake)) >= 60, timeout=20)

    # Telegram stops answering, then the process dies without shutting down: no
    # stop(), no last words — its tasks are simply gone.
    fake.drop_next("*", times=10**9)
    await asyncio.sleep(1.0)  # deliveries in hand fail and are settled for a retry
    for task in first._tasks:
        task.cancel()
    await asyncio.gather(*first._tasks, return_exceptions=True)
    for chat in first.chats:
        await chat.stop()
    await first.db.dispose()
    delivered_before = len(_alert_copies(fake))
    assert 60 <= delivered_before < UNITS

    fake.clear_faults()
    second = Liandong(telegram_settings(tmp_path, fake), org, clock=_LaterClock(), http=False)
    await second.start()
    try:
        await fake.wait_until(lambda: len(_alert_copies(fake)) >= UNITS, timeout=30)
        await asyncio.sleep(1.0)  # anything sent twice would show up now
        copies = _alert_copies(fake)
        assert len(copies) == UNITS and set(copies.values()) == {1}
        await fake.wait_until(lambda: any(f"发送完毕：送达 {UNITS} / {UNITS}，失败 0" in m.get("text", "")
                                          for m in fake.sent_messages(CENTRE)), timeout=10)
    finally:
        await second.stop()


async def test_an_alert_over_telegrams_limit_is_split_not_cut(bot: Liandong, fake: FakeTelegramAPI) -> None:
    paragraphs = [f"第{i}段：" + "沿海各单位立即加固设施，转移危险区域人员。" * 20 for i in range(1, 31)]
    text = "\n".join(paragraphs)
    assert len(text) > 4096 * 2
    preview = await _preview(fake, f"red unit:FIRE-01 {text}")
    await _press(fake, CENTRE, COMMANDER, preview, "发送")
    await fake.wait_until(lambda: "第30段" in "".join(m.get("text", "") for m in fake.sent_messages(FIRE_GROUP)),
                          timeout=15)
    parts = fake.sent_messages(FIRE_GROUP)
    assert len(parts) >= 3
    received = "".join(m["text"] for m in parts)
    for paragraph in paragraphs:
        assert paragraph in received
    # The Confirm button comes with the copy and works.
    with_button = next(m for m in parts if m.get("reply_markup"))
    assert (await _press(fake, FIRE_GROUP, FIREFIGHTER, with_button, "收到"))["text"] == "已为 FIRE-01 确认收到，谢谢。"



async def test_a_resend_button_sends_one_round_however_often_it_is_pressed(
    bot: Liandong, fake: FakeTelegramAPI
) -> None:
    preview = await _preview(fake, f"red unit:FIRE-01,MED-01 {ALERT}")
    await _press(fake, CENTRE, COMMANDER, preview, "发送")
    await fake.wait_until(lambda: any("发送完毕：送达 2 / 2" in m.get("text", "")
                                      for m in fake.sent_messages(CENTRE)), timeout=10)
    [fire_copy] = await fake.wait_for_messages(FIRE_GROUP)
    await _press(fake, FIRE_GROUP, FIREFIGHTER, fire_copy, "收到")
    before = len(fake.sent_messages(CENTRE))
    fake.inject_message(CENTRE, COMMANDER, "/broadcast-report")
    report = (await fake.wait_for_messages(CENTRE, before + 1))[-1]

    first = await _press(fake, CENTRE, COMMANDER, report, "向 1 个未确认单位重发")
    assert first["text"] == "正在向 1 个单位（1 个群组）重发。"
    [_, resent] = await fake.wait_for_messages(MED_GROUP, 2)
    assert resent["text"].startswith("【重发】🔴 红色预警") and ALERT in resent["text"]
    # Pressed again (by the same or another centre member) while the round runs or after it.
    for who in (COMMANDER, DUTY):
        again = await _press(fake, CENTRE, who, report, "向 1 个未确认单位重发")
        assert again["text"].startswith("已于 ") and "重发过，未再发送" in again["text"]
    await fake.wait_until(lambda: any("发送完毕" in m.get("text", "") and "重发" in m.get("text", "")
                                      for m in fake.sent_messages(CENTRE)), timeout=10)
    await asyncio.sleep(0.5)
    assert len(fake.sent_messages(MED_GROUP)) == 2 and len(fake.sent_messages(FIRE_GROUP)) == 1
    # A confirmation on the re-sent copy keeps its mark.
    await _press(fake, MED_GROUP, DOCTOR, resent, "收到")
    await fake.wait_until(lambda: "已确认" in fake.message(MED_GROUP, resent["message_id"])["text"], timeout=5)
    assert fake.message(MED_GROUP, resent["message_id"])["text"].startswith("【重发】")
