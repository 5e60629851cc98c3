"""Broadcast alerts end to end on the console: preview, send or cancel, progress,
receipts, the report and its re-send, scheduled alerts across a restart."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from core.clock import ManualClock
from config.organisation import Organisation
from storage.models import Broadcast, BroadcastReceipt, OutboxMessage
from tests.conftest import ConsoleBot, start_console_bot
from tests.console_transcript import token as _token

ALERT = "台风红色预警：今晚20时起停止一切户外作业"


def _copy(output: str, room: str) -> str:
    """The first message the bot printed into one room."""
    return re.split(r"(?m)^(?=\[)", output.split(f"[{room}] bot", 1)[1], maxsplit=1)[0]


def _rooms_sent_to(output: str) -> list[str]:
    """Rooms that got a new message (not an edit) from the bot."""
    return re.findall(r"(?m)^\[([\w-]+)\] bot #\d+:", output)


async def _alert_copies(bot: ConsoleBot) -> dict[str, int]:
    async with bot.app.db.transaction() as session:
        rows = await session.execute(
            select(OutboxMessage.chat_id, func.count()).where(
                OutboxMessage.message_key.like("alert:%"), OutboxMessage.kind == "send",
            ).group_by(OutboxMessage.chat_id)
        )
        return dict(rows.all())


async def _broadcast(bot: ConsoleBot) -> Broadcast:
    async with bot.app.db.transaction() as session:
        return (await session.scalars(select(Broadcast).order_by(Broadcast.id.desc()))).first()


async def _send_and_finish(bot: ConsoleBot, args: str) -> str:
    preview = await bot.say(f"王指挥@centre: /broadcast {args}")
    out = await bot.say(f"刘值班@centre: !{_token(preview, '发送')}")
    await bot.app.run_timers()  # the progress message is redrawn from the outbox's counts
    await bot.app.drain()
    return out + bot.new_output()


async def test_non_centre_members_are_refused_and_nothing_is_stored(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"张三@FIRE-01: /broadcast red {ALERT}")
    assert "只有指挥中心" in out or "指挥中心成员" in out
    assert await _broadcast(console_bot) is None


async def test_preview_then_cancel_sends_nothing(console_bot: ConsoleBot) -> None:
    preview = await console_bot.say(f"王指挥@centre: /broadcast red to:all {ALERT}")
    assert "预览，尚未发送" in preview and "🔴 红色预警" in preview
    assert "8 个单位，8 个群组" in preview
    assert _rooms_sent_to(preview) == ["centre"]
    cancelled = await console_bot.say(f"王指挥@centre: !{_token(preview, '取消')}")
    assert "王指挥 已取消，未发送" in cancelled
    late_send = await console_bot.say(f"王指挥@centre: !{_token(preview, '发送')}")
    assert "已是“已取消”" in late_send
    await console_bot.app.run_timers()
    await console_bot.app.drain()
    assert await _alert_copies(console_bot) == {}
    assert (await _broadcast(console_bot)).status == "cancelled"


async def test_send_reaches_each_conversation_of_the_audience_once_and_reports_progress(
    console_bot: ConsoleBot, org: Organisation,
) -> None:
    out = await _send_and_finish(console_bot, f"orange cap:hazmat {ALERT}")
    hazmat = sorted(u.code for u in org.units.values() if "hazmat" in u.capabilities)
    assert sorted(_rooms_sent_to(out)) == sorted([*hazmat, "centre"])  # the copies and the progress message
    copy = _copy(out, hazmat[0])
    assert "🟠 橙色预警" in copy and ALERT in copy and "发布人: 王指挥" in copy and "[收到 !" in copy
    assert f"发送完毕：送达 {len(hazmat)} / {len(hazmat)}，失败 0" in out
    assert await _alert_copies(console_bot) == {code: 1 for code in hazmat}
    broadcast = await _broadcast(console_bot)
    assert (broadcast.status, broadcast.decided_by, broadcast.conversations) == ("sent", "刘值班", len(hazmat))
    # Nothing left to redraw: the timer is quiet now.
    assert await console_bot.app.run_timers() == 0


async def test_receipts_are_per_member_and_unit_and_only_for_members(console_bot: ConsoleBot) -> None:
    out = await _send_and_finish(console_bot, f"red unit:FIRE-01,MED-01 {ALERT}")
    confirm = _token(_copy(out, "FIRE-01"), "收到")

    stranger = await console_bot.say(f"陈医生@FIRE-01: !{confirm}")
    assert "只有 FIRE-01 的成员可以在此确认" in stranger and "edits message" not in stranger
    first = await console_bot.say(f"张三@FIRE-01: !{confirm}")
    assert "已为 FIRE-01 确认收到" in first
    assert "已确认: 张三" in first.split("[FIRE-01] bot (edits message", 1)[1]
    again = await console_bot.say(f"张三@FIRE-01: !{confirm}")
    assert "您已确认过" in again and "edits message" not in again
    second = await console_bot.say(f"赵五@FIRE-01: !{confirm}")
    assert "已确认: 张三" in second and "赵五" in second.split("已确认:", 1)[1]
    async with console_bot.app.db.transaction() as session:
        receipts = [(r.unit_code, r.name) for r in await session.scalars(select(BroadcastReceipt))]
    assert sorted(receipts) == [("FIRE-01", "张三"), ("FIRE-01", "赵五")]


async def test_report_names_silent_units_and_resend_reaches_only_them(console_bot: ConsoleBot) -> None:
    out = await _send_and_finish(console_bot, f"yellow unit:FIRE-01,MED-01,POWER-01 {ALERT}")
    await console_bot.say(f"张三@FIRE-01: !{_token(_copy(out, 'FIRE-01'), '收到')}")
    broadcast = await _broadcast(console_bot)

    report = await console_bot.say(f"王指挥@centre: /broadcast-report {broadcast.id}")
    assert "送达: 3 / 3 个群组" in report and "失败: 0" in report
    assert "已确认: 1 / 3 个单位（1 人）" in report
    assert "未确认: MED-01, POWER-01" in report
    refused = await console_bot.say(f"张三@FIRE-01: /broadcast-report {broadcast.id}")
    assert "送达" not in refused

    resent = await console_bot.say(f"王指挥@centre: !{_token(report, '向 2 个未确认单位重发')}")
    assert "正在向 2 个单位（2 个群组）重发" in resent
    assert sorted(_rooms_sent_to(resent)) == ["MED-01", "POWER-01", "centre"]
    await console_bot.app.run_timers()
    await console_bot.app.drain()
    assert "向未确认单位重发" in console_bot.new_output()
    assert await _alert_copies(console_bot) == {"FIRE-01": 1, "MED-01": 2, "POWER-01": 2}
    # The re-sent copy's button confirms too, and the report counts each conversation once.
    await console_bot.say(f"陈医生@MED-01: !{_token(_copy(resent, 'MED-01'), '收到')}")
    report = await console_bot.say("王指挥@centre: /broadcast_report")  # the latest, underscore spelling
    assert "送达: 3 / 3 个群组" in report and "已确认: 2 / 3 个单位（2 人）" in report
    assert "未确认: POWER-01" in report


async def test_bad_report_requests(console_bot: ConsoleBot) -> None:
    assert "没有已发送的预警" in await console_bot.say("王指挥@centre: /broadcast-report")
    assert "用法：/broadcast-report" in await console_bot.say("王指挥@centre: /broadcast-report abc")
    assert "没有已发送的预警 99" in await console_bot.say("王指挥@centre: /broadcast-report 99")


async def test_scheduled_alert_waits_for_its_time_then_goes_out_once_across_a_restart(
    database_url: str, org: Organisation, clock: ManualClock,
) -> None:
    first = await start_console_bot(database_url, org, clock)
    try:
        preview = await first.say(f"王指挥@centre: /broadcast blue unit:FIRE-01 at:16:00 {ALERT}")
        assert "定时发送: 2026-11-22 16:00" in preview
        held = await first.say(f"王指挥@centre: !{_token(preview, '发送')}")
        assert "将于 2026-11-22 16:00 发送" in held and "FIRE-01" not in _rooms_sent_to(held)
        listing = await first.say("王指挥@centre: /broadcasts")
        assert "定时待发" in listing and "#1" in listing and "[取消 #1 !" in listing
        clock.advance(minutes=59)
        assert await first.app.run_timers() == 0
    finally:
        await first.app.stop()

    clock.advance(minutes=2)
    second = await start_console_bot(database_url, org, clock)
    third = await start_console_bot(database_url, org, clock)
    try:
        await second.app.run_timers()
        await third.app.run_timers()
        await second.app.drain()
        assert await _alert_copies(second) == {"FIRE-01": 1}
        assert "🔵 蓝色预警" in second.new_output()
    finally:
        await second.app.stop()
        await third.app.stop()


async def test_a_scheduled_alert_can_be_cancelled_until_it_is_sent(console_bot: ConsoleBot, clock: ManualClock) -> None:
    preview = await console_bot.say(f"王指挥@centre: /broadcast red at:2026-11-23T08:00 {ALERT}")
    await console_bot.say(f"王指挥@centre: !{_token(preview, '发送')}")
    listing = await console_bot.say("刘值班@centre: /broadcasts")
    cancelled = await console_bot.say(f"刘值班@centre: !{_token(listing, '取消 #1')}")
    assert "预警 #1 已取消" in cancelled and "刘值班 已取消，未发送" in cancelled
    clock.advance(days=2)
    await console_bot.app.run_timers()
    await console_bot.app.drain()
    assert await _alert_copies(console_bot) == {}
    assert "没有定时待发的预警" in await console_bot.say("王指挥@centre: /broadcasts")
