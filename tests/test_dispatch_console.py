"""Dispatch end to end on the console: orders, answers, the board, escalation,
approval and closing. Time is moved by hand; timers fire when the test says."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.clock import ManualClock
from config.organisation import Organisation
from storage.models import DispatchOrder, TimelineEntry
from tests.conftest import ConsoleBot, start_console_bot
from tests.console_transcript import room as _room, token as _token

REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"


async def _reported(bot: ConsoleBot) -> str:
    return await bot.say(f"路人甲@reporting: {REPORT}")


async def _orders(bot: ConsoleBot) -> dict[str, DispatchOrder]:
    async with bot.app.db.transaction() as session:
        return {o.unit_code: o for o in await session.scalars(select(DispatchOrder))}


async def test_one_line_dispatch_orders_each_unit_and_posts_one_board(console_bot: ConsoleBot) -> None:
    await _reported(console_bot)
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} fire-01 MED-01 -- 从东门进入，注意风向")
    assert "已就事件 20261122-0001 调度：FIRE-01, MED-01" in out
    for room in ("FIRE-01", "MED-01"):
        assert f"[{room}] bot" in out
    order = out.split("[FIRE-01] bot", 1)[1]
    assert "调度指令 · 事件 20261122-0001" in order and "指令: 从东门进入，注意风向" in order
    assert "下达人: 王指挥" in order
    for label in ("接令", "出动", "到场", "无法执行"):
        _token(order, label)
    assert out.count("调度看板 · 事件 20261122-0001") == 1
    again = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 BLUESKY-01")
    assert "已在调度中，未重复下达：FIRE-01" in again and "BLUESKY-01" in again
    assert "edits message" in again.split("[centre] bot", 1)[1]  # the board, edited in place


async def test_presses_move_forward_only_and_only_for_the_units_members(console_bot: ConsoleBot) -> None:
    await _reported(console_bot)
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    ack, on_scene = _token(out, "接令"), _token(out, "到场")

    refused = await console_bot.say(f"陈医生@FIRE-01: !{ack}")
    assert "只有 FIRE-01 的成员可以回应" in refused
    assert (await _orders(console_bot))["FIRE-01"].state == "ordered"

    pressed = await console_bot.say(f"赵五@FIRE-01: !{on_scene}")
    assert "(only 赵五 sees) 已记录：已到场" in pressed
    assert "[FIRE-01] bot (edits message" in pressed and "状态: 已到场（赵五" in pressed
    late = await console_bot.say(f"张三@FIRE-01: !{ack}")  # an old button, pressed late
    assert "状态只能向前" in late and "edits message" not in late
    double = await console_bot.say(f"赵五@FIRE-01: !{on_scene}")
    assert "无需重复" in double
    order = (await _orders(console_bot))["FIRE-01"]
    assert (order.state, order.state_by) == ("on_scene", "赵五")
    assert order.acknowledged_at is not None and order.escalate_at is None


async def test_cannot_comply_asks_a_reason_and_tells_the_centre(console_bot: ConsoleBot) -> None:
    await _reported(console_bot)
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    declined = await console_bot.say(f"张三@FIRE-01: !{_token(out, '无法执行')}")
    assert "FIRE-01 对事件 20261122-0001 无法执行（张三）" in declined
    question = re.search(r"#(\d+):\n  请回复本消息", declined)
    assert question, declined
    reason = await console_bot.say(f"张三@FIRE-01: ^{question.group(1)} 两台消防车正在另一现场")
    assert "无法执行事件 20261122-0001 的原因（张三）：两台消防车正在另一现场" in reason
    assert "原因：两台消防车正在另一现场" in reason  # on the board too


async def test_the_card_offers_the_plan_which_can_be_edited_then_sent(console_bot: ConsoleBot) -> None:
    card = await _reported(console_bot)
    refused = await console_bot.say(f"张三@centre: !{_token(card, '调度')}")
    assert "只有指挥中心成员" in refused
    draft = await console_bot.say(f"王指挥@centre: !{_token(card, '调度')}")
    assert "调度编成 · 事件 20261122-0001" in draft and "拟调度单位: FIRE-01, MED-01" in draft
    toggled = await console_bot.say(f"王指挥@centre: !{_token(draft, '✅ MED-01')}")
    assert "拟调度单位: FIRE-01" in toggled
    toggled = await console_bot.say(f"王指挥@centre: !{_token(toggled, '➕ CHEM-01')}")
    assert "拟调度单位: FIRE-01, CHEM-01" in toggled
    draft_id = re.search(r"#(\d+):\n  调度编成", draft).group(1)
    instructed = await console_bot.say(f"王指挥@centre: ^{draft_id} 从东门进入，注意风向")
    assert "指令: 从东门进入，注意风向" in instructed
    toggled = instructed
    sent = await console_bot.say(f"王指挥@centre: !{_token(toggled, '发送')}")
    assert "调度：FIRE-01, CHEM-01" in sent and "[CHEM-01] bot" in sent and "[MED-01]" not in sent
    assert "指令: 从东门进入，注意风向" in _room(sent, "CHEM-01")
    stale = await console_bot.say(f"王指挥@centre: !{_token(toggled, '发送')}")
    assert "已发送或取消" in stale


async def test_silence_is_escalated_twice_and_only_twice(console_bot: ConsoleBot, clock: ManualClock) -> None:
    await _reported(console_bot)
    await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 MED-01")
    clock.advance(minutes=4)
    assert await console_bot.app.run_timers() == 0
    await console_bot.say(f"陈医生@MED-01: !{_token(_room(console_bot.out.getvalue(), 'MED-01'), '接令')}")
    clock.advance(minutes=1, seconds=1)
    assert await console_bot.app.run_timers() == 1
    await console_bot.app.drain()
    first = console_bot.new_output()
    assert "调度指令未接收，请立即接令" in first and "@张三" in first and "[FIRE-01] bot" in first
    assert "[MED-01]" not in first
    clock.advance(minutes=5, seconds=1)
    assert await console_bot.app.run_timers() == 1
    await console_bot.app.drain()
    second = console_bot.new_output()
    assert "市消防救援大队 (FIRE-01) 已 10 分钟未接收事件 20261122-0001" in second
    assert "值班员：张三" in second
    clock.advance(hours=1)
    assert await console_bot.app.run_timers() == 0


async def test_a_restart_between_order_and_timeout_still_escalates_once(
    database_url: str, org: Organisation, clock: ManualClock
) -> None:
    first = await start_console_bot(database_url, org, clock)
    await first.say(f"路人甲@reporting: {REPORT}")
    await first.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    await first.app.stop()
    clock.advance(minutes=6)
    second = await start_console_bot(database_url, org, clock)
    third = await start_console_bot(database_url, org, clock)  # a second process on the same database
    try:
        fired = await second.app.run_timers() + await third.app.run_timers()
        assert fired == 1
        async with second.app.db.transaction() as session:
            kinds = list(await session.scalars(select(TimelineEntry.kind).where(TimelineEntry.kind == "escalated")))
        assert kinds == ["escalated"]
    finally:
        await second.app.stop()
        await third.app.stop()


async def test_units_needing_approval_wait_for_a_second_centre_member(console_bot: ConsoleBot) -> None:
    await _reported(console_bot)
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} POWER-01")
    assert "调度 国网荣成供电公司抢修队 (POWER-01) 需批准" in out and "[POWER-01]" not in out
    assert "待批准" in out  # on the board
    self_approval = await console_bot.say(f"王指挥@centre: !{_token(out, '批准')}")
    assert "申请人不能自己批准" in self_approval
    approved = await console_bot.say(f"刘值班@centre: !{_token(out, '批准')}")
    assert "[POWER-01] bot" in approved and "调度指令 · 事件" in approved
    assert (await _orders(console_bot))["POWER-01"].state == "ordered"
    async with console_bot.app.db.transaction() as session:
        kinds = list(await session.scalars(select(TimelineEntry.kind).order_by(TimelineEntry.id)))
    assert kinds == ["reported", "approval_requested", "approved"]


async def test_a_rejected_request_never_reaches_the_unit(console_bot: ConsoleBot) -> None:
    await _reported(console_bot)
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} POWER-01")
    rejected = await console_bot.say(f"刘值班@centre: !{_token(out, '不批准')}")
    assert "[POWER-01]" not in rejected and "未批准（刘值班）" in rejected
    assert (await _orders(console_bot))["POWER-01"].state == "rejected"


async def test_closing_stops_escalation_and_shows_the_timings(console_bot: ConsoleBot, clock: ManualClock) -> None:
    await _reported(console_bot)
    clock.advance(minutes=2)
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 MED-01")
    clock.advance(minutes=1)
    await console_bot.say(f"张三@FIRE-01: !{_token(_room(out, 'FIRE-01'), '接令')}")
    clock.advance(minutes=7)
    await console_bot.say(f"张三@FIRE-01: !{_token(_room(out, 'FIRE-01'), '到场')}")
    clock.advance(minutes=20)
    closed = await console_bot.say(f"王指挥@centre: /close {ID} 明火已扑灭")
    assert "调度看板 · 事件 20261122-0001（已结束）" in closed
    assert "报告至首次接令: 3 分钟" in closed and "报告至首次到场: 10 分钟" in closed
    assert "报告至结束: 30 分钟" in closed
    clock.advance(hours=1)
    assert await console_bot.app.run_timers() == 0  # MED-01's silence is no longer escalated
    late = await console_bot.say(f"陈医生@MED-01: !{_token(_room(out, 'MED-01'), '接令')}")
    assert "已结束，未做任何更改" in late
    assert "已结束" in await console_bot.say(f"王指挥@centre: /dispatch {ID} SEA-01")


async def test_a_timer_left_on_a_closed_incident_is_cleared_not_counted(
        console_bot: ConsoleBot, clock: ManualClock) -> None:
    """Another process may set an order's timer just as the incident closes; the timer then
    finds it closed, clears it and sends nothing — and the escalation metric stays at 0."""
    await _reported(console_bot)
    await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    await console_bot.say(f"王指挥@centre: /close {ID} 误报")
    async with console_bot.app.db.transaction() as session:
        order = await session.scalar(select(DispatchOrder))
        order.escalate_at = clock.now()
    console_bot.new_output()
    clock.advance(minutes=1)
    assert await console_bot.app.run_timers() == 0
    await console_bot.app.drain()
    assert "未接收" not in console_bot.new_output()
    assert (await _orders(console_bot))["FIRE-01"].escalate_at is None
    assert "liandong_escalations_fired_total 0.0" in console_bot.app.metrics.exposition().decode()


async def test_bad_dispatch_commands(console_bot: ConsoleBot) -> None:
    await _reported(console_bot)
    assert "用法：/dispatch" in await console_bot.say("王指挥@centre: /dispatch")
    assert "未找到事件 20261122-0099" in await console_bot.say("王指挥@centre: /dispatch 20261122-0099 FIRE-01")
    unknown = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-1 NOPE")
    assert "没有单位 FIRE-1。是否是：FIRE-01" in unknown and "没有单位 NOPE" in unknown
    refused = await console_bot.say(f"张三@FIRE-01: /dispatch {ID} FIRE-01")
    assert "只有指挥中心成员" in refused
    assert await _orders(console_bot) == {}
