"""Duty roll-calls end to end on the console with a hand-moved clock: a cron
schedule firing, answers, the reminder, the summary, late answers, absence with
a reason, intensified periods, restarts across a run and a deadline, the
monthly report, and bad input."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update

from core.clock import ManualClock
from core.messages import Message
from config.organisation import Organisation
from storage.models import ButtonToken, OutboxMessage, RollcallAnswer, RollcallRun, RollcallSchedule
from tests.conftest import ConsoleBot, start_console_bot
from tests.console_transcript import room as _room, token as _token

# The example organisation's "0 9 1 * *" in Asia/Shanghai.
DEC_1_0900 = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)


async def _tick(bot: ConsoleBot) -> tuple[int, str]:
    fired = await bot.app.run_timers()
    await bot.app.drain()
    return fired, bot.new_output()


async def _count_sends(bot: ConsoleBot, key_like: str) -> int:
    async with bot.app.db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.message_key.like(key_like), OutboxMessage.kind == "send"))


async def _runs(bot: ConsoleBot) -> list[RollcallRun]:
    async with bot.app.db.transaction() as session:
        return list(await session.scalars(select(RollcallRun).order_by(RollcallRun.id)))


async def test_a_monthly_schedule_fires_collects_answers_reminds_and_summarises(
    console_bot: ConsoleBot, clock: ManualClock, org: Organisation,
) -> None:
    clock.set(DEC_1_0900 - timedelta(minutes=1))
    fired, out = await _tick(console_bot)
    assert "值班点名" not in out and await _runs(console_bot) == []

    clock.set(DEC_1_0900)
    fired, out = await _tick(console_bot)
    assert fired == 1
    for code in org.units:
        assert "📋 值班点名 · 每月值班调度 #1" in _room(out, code), code
    assert "定时点名“每月值班调度” #1 已发出：8 个单位，09:30 截止" in _room(out, "centre")
    assert "请值班员于 09:30 前应答" in _room(out, "FIRE-01")
    assert "应答人: 张三" in _room(out, "FIRE-01")  # whose answer is expected, by name

    clock.advance(minutes=2)
    present = await console_bot.say(f"张三@FIRE-01: !{_token(_room(out, 'FIRE-01'), '到')}")
    assert "(only 张三 sees) 已记录：FIRE-01 到" in present
    assert "[FIRE-01] bot (edits message" in present and "已应答: 张三 09:02 到" in present
    again = await console_bot.say(f"张三@FIRE-01: !{_token(_room(out, 'FIRE-01'), '不在岗')}")
    assert "您已应答：到（09:02）" in again and "edits message" not in again
    refused = await console_bot.say(f"赵五@FIRE-01: !{_token(_room(out, 'FIRE-01'), '到')}")
    assert "只有 FIRE-01 的值班员可以应答本次点名" in refused and "edits message" not in refused

    absent = await console_bot.say(f"陈医生@MED-01: !{_token(_room(out, 'MED-01'), '不在岗')}")
    question = re.search(r"#(\d+):\n  陈医生，请回复本消息说明不在岗原因", absent)
    assert question, absent
    reason = await console_bot.say(f"陈医生@MED-01: ^{question.group(1)} 外出参加培训，周护士代班")
    assert "不在岗原因已记录" in reason and "陈医生 09:02 不在岗（外出参加培训，周护士代班）" in reason
    for code, person in (("ENV-01", "吴监测"), ("POWER-01", "郑班长"), ("EXP-01", "卫教授")):
        await console_bot.say(f"{person}@{code}: !{_token(_room(out, code), '到')}")

    clock.set(DEC_1_0900.replace(minute=30))
    fired, reminded = await _tick(console_bot)
    assert fired == 1
    assert sorted(re.findall(r"(?m)^\[([\w-]+)\] bot #\d+:\n  ⏰ 值班点名提醒", reminded)) == [
        "BLUESKY-01", "CHEM-01", "SEA-01"]
    assert "@褚船长" in _room(reminded, "SEA-01")

    clock.advance(minutes=5)
    late = await console_bot.say(f"孙队长@CHEM-01: !{_token(_room(reminded, 'CHEM-01'), '到')}")
    assert "记为迟到" in late and "孙队长 09:35 到（迟到）" in late

    clock.set(DEC_1_0900.replace(minute=40))
    fired, summary = await _tick(console_bot)
    assert fired == 1
    centre = _room(summary, "centre")
    assert "📋 点名结果 · 每月值班调度 #1" in centre
    assert centre.index("未应答单位") < centre.index("各单位应答")
    assert "BLUESKY-01 荣成蓝天救援队 — 值班员：钱队长" in centre and "SEA-01 海上搜救志愿队 — 值班员：褚船长" in centre
    assert "CHEM-01 石岛化工园区企业救援队 1/1 · 孙队长 09:35 到（迟到）" in centre
    assert "MED-01 市人民医院急救中心 1/1 · 陈医生 09:02 不在岗（外出参加培训，周护士代班）" in centre
    assert "已应答 6 / 8，未应答 2" in centre and "迟到: 1" in centre and "不在岗: 1" in centre
    assert "点名已于 09:40 结束" in _room(summary, "SEA-01")

    closed = await console_bot.say(f"钱队长@BLUESKY-01: !{_token(_room(reminded, 'BLUESKY-01'), '到')}")
    assert "点名已于 09:40 结束" in closed and "edits message" not in closed
    clock.advance(hours=2)
    assert (await _tick(console_bot))[0] == 0
    async with console_bot.app.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(RollcallAnswer)) == 6

    report = await console_bot.say("王指挥@centre: /rollcall-report 2026-12")
    assert "值班点名记录 · 2026-12" in report and "点名次数: 1" in report
    assert "FIRE-01 | 1 | 1 | 0 | 0 | 0 | 2分00秒" in report
    assert "CHEM-01 | 1 | 0 | 1 | 0 | 0 | 35分00秒" in report
    assert "SEA-01 | 1 | 0 | 0 | 0 | 1 | —" in report
    # 不在岗 is counted apart: reached (an answer time), but neither on time nor late (#15).
    assert "MED-01 | 1 | 0 | 0 | 1 | 0 | 2分00秒" in report
    # …with the record to file attached as a CSV (the console shows its first lines).
    assert "📎 rollcall-2026-12.csv (" in report and ", text/csv)" in report
    assert "  | 单位代码,单位名称,收到点名,按时应答,迟到应答,不在岗,未应答,应答时间中位数（分钟）" in report
    assert "  | FIRE-01,市消防救援大队,1,1,0,0,0,2.0" in report
    async with console_bot.app.db.transaction() as session:
        payloads = list(await session.scalars(select(OutboxMessage.payload).where(
            OutboxMessage.chat_id == "centre").order_by(OutboxMessage.id.desc()).limit(1)))
    [record] = Message.from_json(payloads[0]).files
    assert record.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    rows = list(csv.reader(io.StringIO(record.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(org.units)
    assert rows[1:][[r[0] for r in rows[1:]].index("CHEM-01")] == [
        "CHEM-01", "石岛化工园区企业救援队", "1", "0", "1", "0", "0", "35.0"]
    assert ["MED-01", "市人民医院急救中心", "1", "0", "0", "1", "0", "2.0"] in rows
    assert ["SEA-01", "海上搜救志愿队", "1", "0", "0", "0", "1", ""] in rows
    assert "该月没有点名" in await console_bot.say("王指挥@centre: /rollcall_report 2026-11")


async def test_an_ad_hoc_roll_call_for_chosen_units_with_all_members_answering(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    started = await console_bot.say("王指挥@centre: /rollcall fire-01 MED-01 deadline:90s answer:all")
    assert "已发起点名 #1：2 个单位（2 个群组），15:01 截止" in started
    assert sorted(re.findall(r"(?m)^\[([\w-]+)\] bot #\d+:\n  📋", started)) == ["FIRE-01", "MED-01"]
    member = await console_bot.say(f"赵五@FIRE-01: !{_token(_room(started, 'FIRE-01'), '到')}")
    assert "已记录：FIRE-01 到" in member
    stranger = await console_bot.say(f"陈医生@FIRE-01: !{_token(_room(started, 'FIRE-01'), '到')}")
    assert "只有 FIRE-01 的成员可以应答" in stranger
    clock.advance(seconds=91)
    fired, out = await _tick(console_bot)
    assert "⏰ 值班点名提醒" in _room(out, "MED-01") and "[FIRE-01]" not in out
    clock.advance(seconds=90)  # the grace after the reminder is never longer than the deadline
    fired, out = await _tick(console_bot)
    assert "MED-01 市人民医院急救中心 — 值班员：陈医生" in _room(out, "centre")
    assert "FIRE-01 市消防救援大队 1/3 · 赵五 15:00 到" in _room(out, "centre")


async def test_a_redrawn_roll_call_shows_the_same_buttons_and_writes_no_new_ones(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    """Each answer redraws the unit's message; in a county-wide storm a new pair of
    button rows per redraw was most of what the database wrote."""
    started = await console_bot.say("王指挥@centre: /rollcall fire-01 MED-01 deadline:30m answer:all")
    silent_unit = _token(_room(started, "MED-01"), "到")
    present, absent = _token(_room(started, "FIRE-01"), "到"), _token(_room(started, "FIRE-01"), "不在岗")
    async with console_bot.app.db.transaction() as session:
        tokens_before = await session.scalar(select(func.count()).select_from(ButtonToken))
    redrawn = await console_bot.say(f"赵五@FIRE-01: !{present}")
    assert "edits message" in redrawn
    assert _token(_room(redrawn, "FIRE-01"), "到") == present
    assert _token(_room(redrawn, "FIRE-01"), "不在岗") == absent
    later = await console_bot.say(f"张三@FIRE-01: !{absent}")
    assert "请回复本消息说明不在岗原因" in later and "edits message" in later
    async with console_bot.app.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(ButtonToken)) == tokens_before
    clock.advance(minutes=31)
    _, reminded = await _tick(console_bot)  # the reminder is a new message with the same buttons
    assert "⏰ 值班点名提醒" in _room(reminded, "MED-01") and _token(_room(reminded, "MED-01"), "到") == silent_unit


async def test_a_roll_call_sent_before_derived_buttons_still_works_and_gets_them(console_bot: ConsoleBot) -> None:
    """A run under way during the upgrade has random tokens: its buttons keep working, and
    the first redraw issues the derived ones, which work too."""
    started = await console_bot.say("王指挥@centre: /rollcall fire-01 deadline:30m answer:all")
    present = _token(_room(started, "FIRE-01"), "到")
    async with console_bot.app.db.transaction() as session:  # as the earlier version issued them
        await session.execute(update(ButtonToken).where(ButtonToken.chat_id == "FIRE-01")
                              .values(token=func.substr(ButtonToken.token, 3) + "old"))
        old_present = await session.scalar(select(ButtonToken.token).where(
            ButtonToken.chat_id == "FIRE-01", ButtonToken.data["status"].as_string() == "present"))
    redrawn = await console_bot.say(f"赵五@FIRE-01: !{old_present}")
    assert "已记录：FIRE-01 到" in redrawn and _token(_room(redrawn, "FIRE-01"), "到") == present
    again = await console_bot.say(f"张三@FIRE-01: !{present}")
    assert "已记录：FIRE-01 到" in again


async def test_restarts_across_a_scheduled_time_and_a_deadline_act_once(
    database_url: str, org: Organisation, clock: ManualClock,
) -> None:
    clock.set(DEC_1_0900.replace(hour=0, minute=50))
    first = await start_console_bot(database_url, org, clock)
    try:
        assert (await _tick(first))[0] == 0
    finally:
        await first.app.stop()

    clock.set(DEC_1_0900.replace(minute=5))  # down across 09:00, back within the grace
    second, third = await start_console_bot(database_url, org, clock), await start_console_bot(database_url, org, clock)
    try:
        assert (await _tick(second))[0] == 1
        assert (await _tick(third))[0] == 0
        assert (await _tick(second))[0] == 0
        assert await _count_sends(second, "rollcall:1:%") == len(org.units)
        assert [r.scheduled_for for r in await _runs(second)] == [DEC_1_0900]
    finally:
        await second.app.stop()
        await third.app.stop()

    clock.set(DEC_1_0900.replace(minute=36))  # down across the deadline (09:35)
    fourth, fifth = await start_console_bot(database_url, org, clock), await start_console_bot(database_url, org, clock)
    try:
        await _tick(fourth)
        await _tick(fifth)
        assert await _count_sends(fourth, "rollcall:1:%") == 2 * len(org.units)  # one reminder each
        clock.advance(minutes=11)
        await _tick(fifth)
        await _tick(fourth)
        assert await _count_sends(fourth, "rollcall-summary:1") == 1
        assert (await _runs(fourth))[0].stage == "closed"
    finally:
        await fourth.app.stop()
        await fifth.app.stop()


async def test_a_run_missed_for_longer_than_the_grace_is_skipped(console_bot: ConsoleBot, clock: ManualClock) -> None:
    clock.set(DEC_1_0900.replace(minute=16))
    assert (await _tick(console_bot))[0] == 0
    assert await _runs(console_bot) == []


async def test_an_intensified_period_runs_from_its_start_to_its_end_and_can_be_cancelled(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    added = await console_bot.say("王指挥@centre: /rollcall-intensify 16:00..23:00 every:3h FIRE-01")
    assert "已添加临时点名计划 #1：2026-11-22 16:00 至 2026-11-22 23:00，每 3小时0分，1 个单位" in added
    other = await console_bot.say("王指挥@centre: /rollcall-intensify now..2026-11-23T12:00 every:1h SEA-01")
    assert "#2" in other
    listing = await console_bot.say("刘值班@centre: /rollcalls")
    assert "每月值班调度 · 0 9 1 * * · 全部单位 · 值班员 · 下次 2026-12-01 09:00" in listing
    assert "#1 2026-11-22 16:00 至 2026-11-22 23:00 · 每 3小时0分 · FIRE-01 · 下次 2026-11-22 16:00" in listing
    refused = await console_bot.say(f"张三@centre: !{_token(listing, '取消 #2')}")
    assert "只有指挥中心" in refused
    cancelled = await console_bot.say(f"刘值班@centre: !{_token(listing, '取消 #2')}")
    assert "临时点名计划 #2 已取消" in cancelled

    for _ in range(24):  # 15:00 → 15:00 the next day, an hour at a time
        await _tick(console_bot)
        clock.advance(hours=1)
    runs = await _runs(console_bot)
    assert [(r.schedule_key, r.scheduled_for.hour) for r in runs] == [("temp:1", 8), ("temp:1", 11), ("temp:1", 14)]
    assert all(r.stage == "closed" for r in runs)
    listing = await console_bot.say("刘值班@centre: /rollcalls")
    assert "没有临时点名计划" in listing


async def test_bad_input_is_refused_and_nothing_is_scheduled(console_bot: ConsoleBot) -> None:
    assert "只有指挥中心" in await console_bot.say("张三@FIRE-01: /rollcall")
    out = await console_bot.say("王指挥@centre: /rollcall FIRE-1 deadline:0m")
    assert "没有单位 FIRE-1（相近：FIRE-01" in out and "截止时间 0m 无效" in out and "用法：/rollcall" in out
    assert "截止时间 25h 无效" in await console_bot.say("王指挥@centre: /rollcall deadline:25h")
    assert "截止时间 10x 无效" in await console_bot.say("王指挥@centre: /rollcall deadline:10x")
    assert "every:5m 无效" in await console_bot.say("王指挥@centre: /rollcall-intensify 16:00..20:00 every:5m")
    assert "时间段 — 无效" in await console_bot.say("王指挥@centre: /rollcall-intensify every:4h")
    assert "时间段 25:00..20:00 无效" in await console_bot.say("王指挥@centre: /rollcall-intensify 25:00..20:00 every:4h")
    assert "结束须晚于开始" in await console_bot.say(
        "王指挥@centre: /rollcall-intensify 2026-11-20T08:00..2026-11-21T08:00 every:4h")
    assert "用法：/rollcall-report" in await console_bot.say("王指挥@centre: /rollcall-report 2026-13")
    async with console_bot.app.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(RollcallRun)) == 0
        assert await session.scalar(select(func.count()).select_from(RollcallSchedule)) == 0
