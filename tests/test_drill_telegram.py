"""#16 over Telegram (the real python-telegram-bot stack against the fake Bot API): a
centre member starts the hazmat drill, its report arrives in the chemical park's group,
the fire brigade receives a marked order and presses its buttons, and the evaluation the
centre receives on /drill stop names who met which target."""
from __future__ import annotations


from bot.app import Liandong
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import incident_id_in
from tests.telegram_bot import bot, fake  # noqa: F401  (fixtures)

CENTRE, FIRE_GROUP, CHEM_GROUP = -1001000, -1002001, -1002005
COMMANDER, FIREFIGHTER, CHEM_LEADER = 1001, 2001, 2401
MARK = "🧪【演练】"


def _texts(api: FakeTelegramAPI, chat: int) -> list[str]:
    return [m.get("text", "") for m in api.sent_messages(chat)]


def _button(message: dict, label: str) -> str:
    return next(b["callback_data"] for row in message.get("reply_markup", {}).get("inline_keyboard", [])
                for b in row if b["text"] == label)


async def test_units_get_marked_orders_press_and_are_named_in_the_evaluation(
    bot: Liandong, fake: FakeTelegramAPI,  # noqa: F811
) -> None:
    fake.inject_message(CENTRE, FIREFIGHTER, "/drill start hazmat-chemical-park")  # not a centre member
    await fake.wait_until(lambda: any("指挥中心" in t for t in _texts(fake, CENTRE)))
    fake.inject_message(CENTRE, COMMANDER, "/drill start hazmat-chemical-park")
    await fake.wait_until(lambda: any("演练事件" in t for t in _texts(fake, CENTRE)), timeout=10)
    assert any(t.startswith(f"{MARK}园区安全员：石岛化工园区3号罐区") for t in _texts(fake, CHEM_GROUP))
    card = next(t for t in _texts(fake, CENTRE) if "演练事件" in t)
    incident = incident_id_in(card)

    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident} FIRE-01 CHEM-01")
    await fake.wait_until(lambda: any("接令" in str(m.get("reply_markup")) for m in fake.sent_messages(FIRE_GROUP)))
    order = next(m for m in fake.sent_messages(FIRE_GROUP) if "接令" in str(m.get("reply_markup")))
    assert order["text"].startswith(MARK)  # a unit can tell a drill from a fire
    fake.inject_callback_query(FIRE_GROUP, FIREFIGHTER, order["message_id"], _button(order, "接令"))
    await fake.wait_until(lambda: any("接令（张三）" in t or "已接令" in t for t in _texts(fake, CENTRE))
                          or "张三" in next(m for m in fake.sent_messages(FIRE_GROUP)
                                           if m["message_id"] == order["message_id"])["text"])

    fake.inject_message(CENTRE, COMMANDER, "/drill stop")
    await fake.wait_until(lambda: any("演练评估" in t for t in _texts(fake, CENTRE)), timeout=10)
    evaluation = next(t for t in _texts(fake, CENTRE) if "演练评估" in t)
    assert evaluation.startswith(f"{MARK}演练评估 · 石岛化工园区液氯泄漏应急演练 #1")
    assert "✅ 指挥中心 调度（leak）" in evaluation
    assert "✅ FIRE-01 接令（leak）：0分 / 目标 3分" in evaluation
    assert "❌ CHEM-01 接令（leak）：未完成 / 目标 3分" in evaluation
    assert "FIRE-01 1/2" in evaluation and "CHEM-01 0/2" in evaluation
    assert "演练中途中止" in evaluation
    await fake.wait_until(lambda: any(d.filename == "drill-1.pdf" for d in fake.sent_documents), timeout=20)
