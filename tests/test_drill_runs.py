"""#16: running a drill scenario on the console with a hand-moved clock, to its evaluation
with exact figures; injects on time across a restart; a stopped run compared with the
previous one; bad input refused and changing nothing."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from core.clock import ManualClock
from config.organisation import Organisation
from storage.models import DrillInject, DrillRun, Incident
from tests.conftest import ConsoleBot, example_org_with, start_console_bot
from tests.console_transcript import room, token
from tests.test_cli import run

MARK = "🧪【演练】"
ID = "20261122-0001"


async def _tick(bot: ConsoleBot) -> str:
    await bot.app.run_timers()
    await bot.app.drain()
    return bot.new_output()


async def _at(bot: ConsoleBot, clock: ManualClock, start, minutes: float) -> str:
    clock.set(start + timedelta(minutes=minutes))
    return await _tick(bot)


async def _press(bot: ConsoleBot, who: str, unit: str, transcript: str, label: str) -> str:
    return await bot.say(f"{who}@{unit}: !{token(room(transcript, unit), label)}")


async def _hazmat_to_the_broadcast(bot: ConsoleBot, clock: ManualClock) -> tuple[object, str]:
    """The hazmat drill's first quarter hour, the units' presses at chosen times."""
    start = clock.now()
    started = await bot.say("王指挥@centre: /drill start hazmat-chemical-park")
    assert f"{MARK}演练 #" in started and "（不预先通知）" in started
    first = await _tick(bot)  # the leak report arrives at once, in CHEM-01's group
    assert f"{MARK}园区安全员：石岛化工园区3号罐区液氯储罐阀门泄漏" in room(first, "CHEM-01")
    assert f"{MARK}演练事件 {ID}" in room(first, "centre")
    clock.set(start + timedelta(minutes=2))
    orders = await bot.say(f"王指挥@centre: /dispatch {ID} CHEM-01 FIRE-01 ENV-01 MED-01")
    for unit in ("CHEM-01", "FIRE-01", "ENV-01", "MED-01"):
        assert room(orders, unit).strip().startswith(MARK) or f"{MARK}" in room(orders, unit), unit
    clock.set(start + timedelta(minutes=3))
    await _press(bot, "孙队长", "CHEM-01", orders, "接令")
    await _press(bot, "张三", "FIRE-01", orders, "接令")
    clock.set(start + timedelta(minutes=6))
    await _press(bot, "吴监测", "ENV-01", orders, "接令")  # 4 min after the order: over the 3 min target
    follow = await _at(bot, clock, start, 8)
    assert f"{MARK}园区安全员：续报 {ID}：泄漏量加大" in follow
    clock.set(start + timedelta(minutes=9))
    await _press(bot, "孙队长", "CHEM-01", orders, "到场")
    draft = await _at(bot, clock, start, 15)
    command = next(line.strip() for line in room(draft, "centre").splitlines() if line.strip().startswith("/broadcast"))
    assert command.startswith("/broadcast red unit:FIRE-01,CHEM-01,ENV-01,MED-01 🧪【演练】石岛化工园区液氯泄漏")
    clock.set(start + timedelta(minutes=16))
    preview = await bot.say(f"王指挥@centre: {command}")
    alert = await bot.say(f"王指挥@centre: !{token(preview, '发送')}")
    clock.set(start + timedelta(minutes=17))
    await _press(bot, "张三", "FIRE-01", orders, "到场")  # 17 min: over FIRE-01's 15 min
    clock.set(start + timedelta(minutes=18))
    await _press(bot, "张三", "FIRE-01", alert, "收到")
    await _press(bot, "孙队长", "CHEM-01", alert, "收到")
    return start, alert


async def test_the_hazmat_drill_runs_to_its_evaluation_with_exact_figures(
    console_bot: ConsoleBot, clock: ManualClock, database_url: str, tmp_path: Path,
) -> None:
    start, alert = await _hazmat_to_the_broadcast(console_bot, clock)
    clock.set(start + timedelta(minutes=29))
    await _press(console_bot, "吴监测", "ENV-01", alert, "收到")  # 13 min after the alert: late
    # Every target is settled once MED-01's last deadline (the alert's 10 min) has passed.
    end = await _at(console_bot, clock, start, 29)
    evaluation = room(end, "centre")
    assert f"{MARK}演练评估 · 石岛化工园区液氯泄漏应急演练 #1" in evaluation
    assert "15:00–15:29，全部目标已有结果" in evaluation
    for line in (
        "✅ 指挥中心 调度（leak）：2分 / 目标 3分",
        "✅ CHEM-01 接令（leak）：1分 / 目标 3分",
        "✅ FIRE-01 接令（leak）：1分 / 目标 3分",
        "❌ ENV-01 接令（leak）：4分 / 目标 3分",
        "❌ MED-01 接令（leak）：未完成 / 目标 3分",
        "✅ CHEM-01 到场（leak）：9分 / 目标 10分",
        "❌ FIRE-01 到场（leak）：17分 / 目标 15分",
        "✅ FIRE-01 确认预警（evacuate）：2分 / 目标 10分",
        "✅ CHEM-01 确认预警（evacuate）：2分 / 目标 10分",
        "❌ ENV-01 确认预警（evacuate）：13分 / 目标 10分",
        "❌ MED-01 确认预警（evacuate）：未完成 / 目标 10分",
        "CHEM-01 3/3", "FIRE-01 2/3", "ENV-01 0/2", "MED-01 0/2", "指挥中心 1/1",
        "本脚本第一次演练，无上次可比。",
        "· FIRE-01 到场（leak）用时 17分，目标 15分",
    ):
        assert line in evaluation, line
    async with console_bot.app.db.transaction() as session:
        ended = await session.get(DrillRun, 1)
        assert ended.status == "finished" and ended.active_key is None
        assert ended.evaluation["scores"]["FIRE-01"] == [2, 3]
        # drill incidents only: nothing real was registered by the injects
        assert await session.scalar(select(func.count()).select_from(Incident).where(Incident.drill.is_(False))) == 0
    # Everything the units were sent during the drill says so first: reports, receipts,
    # orders, reminders, the alert, the roll-call.
    from tests.test_drill_marks import messages
    to_units = [(head, body) for head, body in messages(console_bot.out.getvalue())
                if re.match(r"\[(CHEM|FIRE|ENV|MED)-01\] bot", head)]
    assert len(to_units) > 10
    unmarked = [f"{head} {body.strip().splitlines()[0]}" for head, body in to_units if not body.strip().startswith(MARK)]
    assert not unmarked, "\n".join(unmarked)
    # The chart and the document follow, drawn by the report worker.
    assert await console_bot.app.run_reports() == 1
    await console_bot.app.drain()
    files = room(console_bot.new_output(), "centre")
    assert f"{MARK}演练 #1 评估图表和报告" in files
    assert "📎 drill-1.png (" in files and "📎 drill-1.pdf (" in files
    listed = await console_bot.say("王指挥@centre: /drills")
    assert "hazmat-chemical-park" in listed and "#1 hazmat-chemical-park 2026-11-22 15:00 全部目标已有结果" in listed

    env = {"LIANDONG_DATABASE_URL": database_url, "LIANDONG_DATA_DIR": str(tmp_path)}
    printed = run("drill", "report", "1", env=env)
    assert printed.returncode == 0, printed.stderr
    assert "❌ FIRE-01 到场（leak）：17分 / 目标 15分" in printed.stdout and "CHEM-01 3/3" in printed.stdout
    written = run("drill", "report", "1", "-o", str(tmp_path / "drill-1.pdf"), env=env)
    assert written.returncode == 0 and (tmp_path / "drill-1.pdf").read_bytes().startswith(b"%PDF")
    assert run("drill", "report", "9", env=env).returncode == 1
    assert "RUN_ID" in run("drill", "report", "--help").stdout


async def test_a_second_run_stopped_halfway_says_so_and_is_compared_with_the_first(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    await _hazmat_to_the_broadcast(console_bot, clock)
    await console_bot.say("王指挥@centre: /drill stop")
    await console_bot.say("王指挥@centre: /drill reset --yes")  # not a chat command: nothing happens
    clock.advance(hours=1)
    second = clock.now()
    await console_bot.say("王指挥@centre: /drill start hazmat-chemical-park")
    first = await _tick(console_bot)
    incident = re.findall(r"演练事件 (\d{8}-\d{4})", first)[0]
    clock.set(second + timedelta(minutes=1))
    orders = await console_bot.say(f"王指挥@centre: /dispatch {incident} FIRE-01 MED-01")
    clock.set(second + timedelta(minutes=2))
    await _press(console_bot, "陈医生", "MED-01", orders, "接令")
    stopped = await console_bot.say("王指挥@centre: /drill stop")
    assert "演练 #2 已由 王指挥 中止" in stopped
    evaluation = room(stopped, "centre")
    assert "中途中止" in evaluation and "评估只包括中止前发生的情况" in evaluation
    assert "✅ 指挥中心 调度（leak）：1分 / 目标 3分" in evaluation
    assert "✅ MED-01 接令（leak）：1分 / 目标 3分" in evaluation
    assert "➖ 各单位 确认预警（evacuate）：未进行 / 目标 10分" in evaluation  # the alert was never reached
    assert "与上次演练 #1 比较。" in evaluation
    assert "MED-01 1/1 比上次进步" in evaluation  # 0/2 the first time
    assert "FIRE-01 0/2 比上次退步" in evaluation
    async with console_bot.app.db.transaction() as session:
        injects = list(await session.scalars(select(DrillInject).where(DrillInject.run_id == 2)))
        assert [i.result for i in injects][1:] == [{"skipped": True}, {"skipped": True}]


async def test_injects_arrive_on_time_across_a_restart_and_fire_once(
    database_url: str, org: Organisation, clock: ManualClock,
) -> None:
    bot = await start_console_bot(database_url, org, clock)
    start = clock.now()
    await bot.say("王指挥@centre: /drill start mine-water-inrush")
    announced = await _tick(bot)
    assert f"{MARK}演练 #1「龙须岛金矿井下透水事故救援演练」现在开始" in room(announced, "FIRE-01")
    assert f"{MARK}矿调度员：龙须岛镇金矿-120米中段突发透水" in room(announced, "reporting")
    await bot.app.stop()

    clock.set(start + timedelta(minutes=25))  # the follow-up fell due while the bot was down
    again = await start_console_bot(database_url, org, clock)
    try:
        caught_up = await _tick(again)
        assert room(caught_up, "reporting").count("已联系上5人并安全升井") == 1
        assert f"{MARK}⚠️ 事件 20261122-0001" in room(caught_up, "centre")  # the centre told of the further report
        assert "现在开始" not in caught_up and f"{MARK}矿调度员：龙须岛镇金矿" not in caught_up
        assert "已联系上5人" not in await _tick(again)  # fired once
        roll = await _at(again, clock, start, 40)
        assert f":\n  {MARK}📋 值班点名 · 龙须岛金矿井下透水事故救援演练 #1" in room(roll, "EXP-01")
        await again.say(f"卫教授@EXP-01: !{token(room(roll, 'EXP-01'), '到')}")
        stopped = await again.say("王指挥@centre: /drill stop")
        assert "✅ EXP-01 应答点名（standby）：0分 / 目标 10分" in stopped
        assert "❌ 指挥中心 调度（inrush）：未完成 / 目标 5分" in stopped
    finally:
        await again.app.stop()


async def test_bad_input_is_refused_and_changes_nothing(console_bot: ConsoleBot) -> None:
    refused = await console_bot.say("张三@FIRE-01: /drill start hazmat-chemical-park")
    assert "只有指挥中心" in refused or "指挥中心成员" in refused, refused
    assert "没有名为 ../org 的演练脚本" in await console_bot.say("王指挥@centre: /drill start ../org")
    assert "at:HH:MM" in await console_bot.say("王指挥@centre: /drill start typhoon-flood at:25:99")
    assert "用法" in await console_bot.say("王指挥@centre: /drill")
    assert "没有进行中的演练" in await console_bot.say("王指挥@centre: /drill stop")
    scheduled = await console_bot.say("王指挥@centre: /drill start typhoon-flood at:16:30")
    assert "将于 16:30 开始（预先通知）" in scheduled
    twice = await console_bot.say("王指挥@centre: /drill start typhoon-flood")
    assert "同一脚本不能同时进行两次" in twice
    assert "现在开始" not in await _tick(console_bot)  # not yet: 16:30 local
    async with console_bot.app.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(DrillRun)) == 1


async def test_the_typhoon_drill_to_its_time_limit_with_exact_figures_and_out_of_real_statistics(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    bot = console_bot
    start = clock.now()
    await bot.say("王指挥@centre: /drill start typhoon-flood")
    opened = await _tick(bot)
    for unit in ("FIRE-01", "BLUESKY-01", "SEA-01", "POWER-01", "MED-01"):
        assert f":\n  {MARK}演练 #1「台风「海燕」防汛防台联合演练」现在开始" in room(opened, unit), unit
    assert "CHEM-01" not in opened  # not a participant: told nothing
    command = next(line.strip() for line in room(opened, "centre").splitlines() if line.strip().startswith("/broadcast"))
    clock.set(start + timedelta(minutes=1))
    preview = await bot.say(f"王指挥@centre: {command}")
    alert = await bot.say(f"王指挥@centre: !{token(preview, '发送')}")
    assert f":\n  {MARK}🟠 橙色预警" in room(alert, "SEA-01"), room(alert, "SEA-01")  # the alert says so first
    for minutes, who, unit in ((3, "张三", "FIRE-01"), (4, "钱队长", "BLUESKY-01"), (13, "褚船长", "SEA-01")):
        clock.set(start + timedelta(minutes=minutes))
        await _press(bot, who, unit, alert, "收到")
    roll = await _at(bot, clock, start, 5)
    for minutes, who, unit in ((6, "张三", "FIRE-01"), (7, "冯队员", "BLUESKY-01")):  # Sunday: 冯队员 on duty
        clock.set(start + timedelta(minutes=minutes))
        await _press(bot, who, unit, roll, "到")
    family = await _at(bot, clock, start, 30)
    assert f"{MARK}巍巍村村主任：港西镇巍巍村东头低洼处进水齐腰深" in room(family, "reporting")
    clock.set(start + timedelta(minutes=33))
    orders = await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 BLUESKY-01 SEA-01")
    clock.set(start + timedelta(minutes=34))
    await _press(bot, "张三", "FIRE-01", orders, "接令")
    clock.set(start + timedelta(minutes=38))
    await _press(bot, "钱队长", "BLUESKY-01", orders, "接令")
    await _at(bot, clock, start, 45)  # the follow-up
    clock.set(start + timedelta(minutes=50))
    await _press(bot, "张三", "FIRE-01", orders, "到场")
    tunnel = await _at(bot, clock, start, 60)
    assert f"{MARK}演练事件 20261122-0002" in room(tunnel, "centre")  # its own incident, never joined to the first
    clock.set(start + timedelta(minutes=75))
    await _press(bot, "钱队长", "BLUESKY-01", orders, "到场")
    end = room(await _at(bot, clock, start, 120), "centre")
    assert "15:00–17:00，到达时限" in end, end
    for line in (
        "✅ FIRE-01 确认预警（warning）：2分 / 目标 10分",
        "✅ BLUESKY-01 确认预警（warning）：3分 / 目标 10分",
        "❌ SEA-01 确认预警（warning）：12分 / 目标 10分",
        "❌ POWER-01 确认预警（warning）：未完成 / 目标 10分",
        "✅ FIRE-01 应答点名（dutycheck）：1分 / 目标 15分",
        "✅ BLUESKY-01 应答点名（dutycheck）：2分 / 目标 15分",
        "❌ MED-01 应答点名（dutycheck）：未完成 / 目标 15分",
        "✅ 指挥中心 调度（family）：3分 / 目标 5分",
        "❌ BLUESKY-01 接令（family）：5分 / 目标 3分",
        "❌ SEA-01 接令（family）：未完成 / 目标 3分",
        "✅ FIRE-01 到场（family）：20分 / 目标 30分",
        "❌ BLUESKY-01 到场（family）：45分 / 目标 40分",
        "❌ 指挥中心 调度（tunnel）：未完成 / 目标 5分",
        "❌ FIRE-01 接令（tunnel）：未完成 / 目标 3分",
        "FIRE-01 4/5", "BLUESKY-01 2/4", "SEA-01 0/3", "POWER-01 0/2", "MED-01 0/2", "指挥中心 1/2",
    ):
        assert line in end, line
    from tests.test_drill_marks import messages
    to_units = [(head, body) for head, body in messages(bot.out.getvalue())
                if re.match(r"\[(FIRE|BLUESKY|SEA|POWER|MED)-01\] bot", head)]
    unmarked = [f"{head} {body.strip().splitlines()[0]}" for head, body in to_units if not body.strip().startswith(MARK)]
    assert len(to_units) > 20 and not unmarked, "\n".join(unmarked)

    await bot.say("王指挥@centre: /stats 2026-11")
    await bot.app.run_reports()
    await bot.app.drain()
    stats = room(bot.new_output(), "centre")
    assert "事件: 真实事件 0 起，演练 2 起" in stats
    assert "值班点名: 0" in stats  # the drill's roll-call is no duty record
    from datetime import date

    from handlers.review.statistics import Period, load_period
    async with bot.app.db.transaction() as session:
        facts = await load_period(session, bot.app.org, Period(date(2026, 11, 1), date(2026, 11, 30)))
    assert facts.alerts == {} and facts.rollcalls == 0 and facts.orders == []  # nor its alert, nor its orders
    # The drill's roll-call is no duty record either.
    assert "该月没有点名" in await bot.say("王指挥@centre: /rollcall-report 2026-11")


async def test_a_drill_scheduled_in_the_organisation_file_starts_once_across_two_processes(
    database_url: str, clock: ManualClock,
) -> None:
    from config.organisation import OrganisationError

    scheduled = example_org_with('\ndrills:\n  - {scenario: mine-water-inrush, cron: "30 15 * * *"}\n')
    try:
        example_org_with('\ndrills:\n  - {scenario: no-such-drill, cron: "30 15 * * *"}\n')
        raise AssertionError("an unknown scenario must be refused")
    except OrganisationError as exc:
        assert any("drills[0].scenario" in p or "drills.0.scenario" in p for p in exc.problems), exc.problems
        assert any("no drill scenario 'no-such-drill'" in p for p in exc.problems), exc.problems

    first = await start_console_bot(database_url, scheduled, clock)
    second = await start_console_bot(database_url, scheduled, clock)
    try:
        start = clock.now()
        assert "演练" not in await _at(first, clock, start, 29)
        clock.set(start + timedelta(minutes=31))  # 15:31 local: within the schedule's grace
        out = await _tick(first) + await _tick(second)
        assert out.count("演练 #1「龙须岛金矿井下透水事故救援演练」已开始") == 1
        assert out.count("现在开始") == 5  # the five participants, told once
        assert out.count(f"{MARK}矿调度员：龙须岛镇金矿") == 1
        clock.set(start + timedelta(minutes=32))
        await first.say("王指挥@centre: /drill stop")
        clock.set(start + timedelta(minutes=33))  # ended, still in the grace: not started again
        assert "已开始" not in await _tick(first) + await _tick(second)
    finally:
        await first.app.stop()
        await second.app.stop()
    async with first.app.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(DrillRun)) == 1
