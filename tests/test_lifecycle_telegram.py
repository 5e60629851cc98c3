"""The incident lifecycle end to end on Telegram (#14): the real python-telegram-bot
stack against the fake Bot API. A level announced to the unit, a follow-up with a new
death said in a new message, a decline then a new order, and the close standing the
unit down with its order's buttons removed. Organisation: config/org.example.yaml."""
from __future__ import annotations


from bot.app import Liandong
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import reported
from tests.telegram_bot import bot, fake  # noqa: F401  (fixtures)

CENTRE, REPORTING, FIRE_GROUP = -1001000, -1003000, -1002001
COMMANDER, FIREFIGHTER, STRANGER = 1001, 2001, 777
REPORT = "人民路化工厂起火，3人受伤，有人被困"


def _buttons(message: dict) -> list[dict]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def _texts(fake: FakeTelegramAPI, chat: int) -> list[str]:  # noqa: F811  (the fixture's name)
    return [m.get("text", "") for m in fake.sent_messages(chat)]


async def _wait_text(fake: FakeTelegramAPI, chat: int, part: str) -> None:  # noqa: F811  (the fixture's name)
    await fake.wait_until(lambda: any(part in text for text in _texts(fake, chat)))


async def test_levels_deaths_redispatch_and_close_reach_the_unit(bot: Liandong, fake: FakeTelegramAPI) -> None:  # noqa: F811
    _, incident = await reported(fake, STRANGER, REPORT)
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident} FIRE-01 level:3 -- 从东门进入")
    [order] = await fake.wait_for_messages(FIRE_GROUP)
    assert "响应级别: 🟡三级" in order["text"]

    # A raised level is a new message in the unit's group, and the order is redrawn.
    fake.inject_message(CENTRE, COMMANDER, f"/level {incident} 2 火势蔓延")
    await _wait_text(fake, FIRE_GROUP, f"⬆️ 事件 {incident} 响应级别：🟠二级（原：🟡三级）。原因：火势蔓延")
    await fake.wait_until(lambda: "🟠二级 🆕已更新" in fake.sent_messages(FIRE_GROUP)[0]["text"])

    # A further report with a death: said to the unit and the centre, not only drawn.
    fake.inject_message(REPORTING, STRANGER, f"续报 {incident}：已有1人死亡")
    await _wait_text(fake, FIRE_GROUP, f"事件 {incident} 情况加重：死亡 0→1")
    await _wait_text(fake, CENTRE, f"事件 {incident} 情况加重：死亡 0→1")

    # The unit cannot comply; ordered again, it gets a new order with live buttons.
    decline = next(b for b in _buttons(fake.sent_messages(FIRE_GROUP)[0]) if b["text"] == "无法执行")
    fake.inject_callback_query(FIRE_GROUP, FIREFIGHTER, order["message_id"], decline["callback_data"])
    await _wait_text(fake, CENTRE, "无法执行（张三）")
    sent_before = len(fake.sent_messages(FIRE_GROUP))
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident} FIRE-01 -- 车辆已回站，请出动")
    await fake.wait_until(lambda: any("车辆已回站" in m.get("text", "") and _buttons(m)
                                      for m in fake.sent_messages(FIRE_GROUP)[sent_before:]))
    second = next(m for m in fake.sent_messages(FIRE_GROUP)[sent_before:] if "车辆已回站" in m.get("text", ""))
    assert [b["text"] for b in _buttons(second)] == ["接令", "出动", "到场", "无法执行"]

    # Closing stands the unit down: a new message, and the live order loses its buttons.
    fake.inject_message(CENTRE, COMMANDER, f"/close {incident} 明火已扑灭")
    await _wait_text(fake, FIRE_GROUP, f"事件 {incident} 已结束，FIRE-01 收队。总结：明火已扑灭")
    await fake.wait_until(lambda: "收队" in next(m for m in fake.sent_messages(FIRE_GROUP)
                                                if m["message_id"] == second["message_id"])["text"])
    closed = next(m for m in fake.sent_messages(FIRE_GROUP) if m["message_id"] == second["message_id"])
    assert _buttons(closed) == []
    await _wait_text(fake, REPORTING, f"您报告的事件 {incident} 已处置结束")
