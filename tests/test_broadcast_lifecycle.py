"""Richer alerts (#17) on the console: area, event, valid-until, instruction and sender
name on a unit's copy; an update and a cancel flowing through to every unit's copy;
copies past their valid-until marked expired by the timer."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.clock import ManualClock
from storage.models import Broadcast
from tests.conftest import ConsoleBot
from tests.console_transcript import token as _token

ALERT = "县气象台发布暴雨红色预警：未来3小时降雨量将达100毫米以上"


def _copy(output: str, room: str) -> str:
    return re.split(r"(?m)^(?=\[)", output.split(f"[{room}] bot", 1)[1], maxsplit=1)[0]


def _edits(output: str, room: str) -> list[str]:
    return [re.split(r"(?m)^(?=\[)", part, maxsplit=1)[0]
            for part in output.split(f"[{room}] bot (edits message")[1:]]


async def _broadcasts(bot: ConsoleBot) -> list[Broadcast]:
    async with bot.app.db.transaction() as session:
        return list(await session.scalars(select(Broadcast).order_by(Broadcast.id)))


async def _send(bot: ConsoleBot, args: str) -> str:
    preview = await bot.say(f"王指挥@centre: /broadcast {args}")
    assert "预览" in preview, preview
    out = await bot.say(f"刘值班@centre: !{_token(preview, '发送')}")
    await bot.app.run_timers()
    await bot.app.drain()
    return preview + out + bot.new_output()


async def test_a_units_copy_carries_area_event_valid_until_instruction_and_sender(console_bot: ConsoleBot) -> None:
    out = await _send(console_bot, f"red unit:FIRE-01,MED-01 area:城关镇,西河镇 event:暴雨 until:18:00 "
                                   f"from:县气象台 {ALERT}\n措施：停止户外作业，转移低洼地区群众")
    copy = _copy(out, "FIRE-01")
    assert "🔴 红色预警" in copy and ALERT in copy
    assert "发布人: 县气象台" in copy and "事件: 暴雨" in copy and "区域: 城关镇、西河镇" in copy
    assert "有效至: 2026-11-22 18:00" in copy
    assert "措施：停止户外作业，转移低洼地区群众" in copy
    [broadcast] = await _broadcasts(console_bot)
    assert (broadcast.area, broadcast.event, broadcast.sender_name) == ("城关镇、西河镇", "暴雨", "县气象台")
    assert broadcast.instruction == "停止户外作业，转移低洼地区群众" and "措施" not in broadcast.text


async def test_an_update_reaches_the_same_units_and_supersedes_every_earlier_copy(console_bot: ConsoleBot) -> None:
    await _send(console_bot, f"orange unit:FIRE-01,MED-01 area:城关镇 {ALERT}")
    out = await _send(console_bot, "update 1 red 降雨加剧，升级为红色预警")
    copy = _copy(out, "MED-01")
    assert "[更新 #1] 🔴 红色预警" in copy and "降雨加剧" in copy and "区域: 城关镇" in copy  # kept from #1
    for unit in ("FIRE-01", "MED-01"):
        [edit] = _edits(out, unit)
        assert "[已被 #2 取代] 🟠 橙色预警" in edit and "收到" not in edit  # nothing left to confirm
    first, update = await _broadcasts(console_bot)
    assert (first.replaced_by_id, update.references_id, update.msg_type) == (2, 1, "update")
    assert update.units == first.units
    # The superseded alert cannot be updated again; its successor can.
    refused = await console_bot.say("王指挥@centre: /broadcast update 1 再次更新")
    assert "已被 #2 取代" in refused and "预览" not in refused


async def test_a_cancel_goes_to_every_unit_and_ends_the_alert(console_bot: ConsoleBot) -> None:
    await _send(console_bot, f"yellow unit:FIRE-01,POWER-01 {ALERT}")
    out = await _send(console_bot, "cancel 1 雨势减弱")
    for unit in ("FIRE-01", "POWER-01"):
        assert "✅ [解除 #1]" in _copy(out, unit) and "雨势减弱" in _copy(out, unit)
        assert "[已被 #2 取代]" in _edits(out, unit)[0]
    refused = await console_bot.say("王指挥@centre: /broadcast update 2 x")
    assert "解除通知" in refused
    # Without a reason the cancel says what it cancels.
    await _send(console_bot, f"blue unit:FIRE-01 {ALERT}")
    out = await _send(console_bot, "cancel 3")
    assert "预警 #3 已解除。" in _copy(out, "FIRE-01")


async def test_update_and_cancel_refuse_what_was_never_sent(console_bot: ConsoleBot) -> None:
    assert "没有已发送的预警 9" in await console_bot.say("王指挥@centre: /broadcast cancel 9")
    assert "用法：/broadcast update" in await console_bot.say("王指挥@centre: /broadcast update abc")
    preview = await console_bot.say(f"王指挥@centre: /broadcast red unit:FIRE-01 {ALERT}")
    assert "没有已发送的预警 1" in await console_bot.say("王指挥@centre: /broadcast update 1 x")
    assert "预览" in preview
    assert "只有指挥中心" in await console_bot.say("张三@FIRE-01: /broadcast cancel 1")


async def test_two_updates_of_one_alert_cannot_both_go_out(console_bot: ConsoleBot) -> None:
    await _send(console_bot, f"orange unit:FIRE-01 {ALERT}")
    first = await console_bot.say("王指挥@centre: /broadcast update 1 第一次更新")
    second = await console_bot.say("刘值班@centre: /broadcast update 1 第二次更新")
    await console_bot.say(f"刘值班@centre: !{_token(first, '发送')}")
    late = await console_bot.say(f"王指挥@centre: !{_token(second, '发送')}")
    assert "已被 #2 取代" in late
    assert [b.status for b in await _broadcasts(console_bot)] == ["sent", "sending", "preview"]


async def test_copies_past_their_valid_until_are_marked_expired_once(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    await _send(console_bot, f"red unit:FIRE-01,MED-01 until:15:30 {ALERT}")
    clock.advance(minutes=29)
    await console_bot.app.run_timers()
    await console_bot.app.drain()
    assert "已过期" not in console_bot.new_output()
    clock.advance(minutes=2)
    await console_bot.app.run_timers()
    await console_bot.app.drain()
    out = console_bot.new_output()
    for unit in ("FIRE-01", "MED-01"):
        [edit] = _edits(out, unit)
        assert "[已过期] 🔴 红色预警" in edit and "收到" not in edit
    assert (await _broadcasts(console_bot))[0].expired_at is not None
    clock.advance(minutes=5)
    assert await console_bot.app.run_timers() == 0


async def test_bad_options_are_refused_with_their_reason(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"王指挥@centre: /broadcast red until:25:99 {ALERT}")
    assert "until:25:99" in out and "预览" not in out
    out = await console_bot.say(f"王指挥@centre: /broadcast red at:17:00 until:16:30 {ALERT}")
    assert "早于 at:" in out
    tasks = "\n".join(f"task:任务{n}" for n in range(11))
    assert "任务最多 10 项" in await console_bot.say(f"王指挥@centre: /broadcast red {ALERT}\n{tasks}")
