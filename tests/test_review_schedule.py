"""The monthly bulletin scheduled in the organisation file (`scheduled_reports:`):
claimed once across bot processes, like a roll-call; it reports the previous month."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from config.organisation import Organisation
from core.clock import ManualClock
from storage.models import ReportJob
from tests.conftest import start_console_bot

# The example schedules "0 10 2 * *": 10:00 on the 2nd, Shanghai time = 02:00 UTC.
DEC_2_1000 = datetime(2026, 12, 2, 2, 0, tzinfo=timezone.utc)


async def test_two_processes_send_one_bulletin_for_the_previous_month(
    database_url: str, org: Organisation, clock: ManualClock,
) -> None:
    assert [r.cron for r in org.spec.scheduled_reports] == ["0 10 2 * *"]
    clock.set(DEC_2_1000.replace(hour=1, minute=59))
    first = await start_console_bot(database_url, org, clock)
    second = await start_console_bot(database_url, org, clock)
    try:
        assert await first.app.run_timers() == 0  # 09:59: not yet
        clock.set(DEC_2_1000)
        fired = [await first.app.run_timers(), await second.app.run_timers()]
        assert sorted(fired) == [0, 1]  # one process claimed it; the other found it claimed
        built = await first.app.run_reports() + await second.app.run_reports()
        assert built == 1
        for bot in (first, second):
            await bot.app.drain()
        out = first.new_output() + second.new_output()
        assert out.count("统计分析 · 2026-11") == 1 and "[centre] bot" in out
        assert "📎 stats-2026-11.pdf" in out
        clock.advance(hours=2)  # later the same day, and after a restart: nothing again
        assert await first.app.run_timers() == 0
        async with first.app.db.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(ReportJob)) == 1
            job = await session.scalar(select(ReportJob))
            assert job.args["period"] == {"first": "2026-11-01", "last": "2026-11-30"} and job.status == "done"
    finally:
        await first.app.stop()
        await second.app.stop()


async def test_a_run_missed_beyond_its_grace_is_skipped(
    database_url: str, org: Organisation, clock: ManualClock,
) -> None:
    clock.set(DEC_2_1000.replace(hour=3, minute=1))  # 61 minutes late; the grace is 60
    bot = await start_console_bot(database_url, org, clock)
    try:
        assert await bot.app.run_timers() == 0
        async with bot.app.db.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(ReportJob)) == 0
    finally:
        await bot.app.stop()
