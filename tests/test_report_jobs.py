"""The report worker's machinery: reading without the write lock, a failed build answered
with an apology (the bot carries on), and a job whose worker died taken again."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from core.clock import ManualClock
from storage.db import Database
from storage.models import Incident, ReportJob
from tests.conftest import ConsoleBot


async def test_a_report_reads_while_a_writer_holds_the_database(db: Database) -> None:
    """Reading a month must not wait for the pipeline's transaction, nor hold it up."""
    async with db.transaction() as writing:
        await writing.execute(select(Incident.id).limit(1))
        async with asyncio.timeout(3):
            async with db.reading() as session:
                assert list(await session.scalars(select(ReportJob.id))) == []


def _job(clock: ManualClock, kind: str, args: dict[str, str] | None = None, status: str = "pending",
         lease_until: object = None) -> ReportJob:
    return ReportJob(kind=kind, args=args or {}, answer_to=["console:centre"], reply_to_message_id=None,
                     requested_by="test", requested_at=clock.now(), status=status, lease_until=lease_until)


async def test_a_failed_build_is_answered_and_kept_with_its_error(console_bot: ConsoleBot, clock: ManualClock) -> None:
    async with console_bot.app.db.transaction() as session:
        session.add(_job(clock, "no-such-report"))
    assert await console_bot.app.run_reports() == 1
    await console_bot.app.drain()
    assert "报告生成失败，已记录错误" in console_bot.new_output()
    async with console_bot.app.db.transaction() as session:
        job = await session.scalar(select(ReportJob))
        assert job.status == "failed" and "no-such-report" in (job.error or "")
    # …and the bot carries on: the next report is built.
    await console_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤")
    await console_bot.say("王指挥@centre: /review 20261122-0001")
    assert await console_bot.app.run_reports() == 1
    await console_bot.app.drain()
    assert "事件总结评估 · 20261122-0001" in console_bot.new_output()


async def test_a_job_whose_worker_died_is_taken_again_after_its_lease(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    await console_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤")
    async with console_bot.app.db.transaction() as session:
        session.add(_job(clock, "review", {"incident": "20261122-0001"}, status="working",
                         lease_until=clock.now() + timedelta(minutes=5)))
    assert await console_bot.app.run_reports() == 0  # another worker holds it
    clock.advance(minutes=6)
    assert await console_bot.app.run_reports() == 1
    await console_bot.app.drain()
    assert "事件总结评估 · 20261122-0001" in console_bot.new_output()


async def test_the_worker_is_woken_by_a_report_asked_not_by_every_commit(console_bot: ConsoleBot) -> None:
    """Waking it after every commit cost each button press a query of its own in a storm."""
    woken: list[int] = []
    console_bot.app.pipeline.reports_asked = lambda: woken.append(1)
    await console_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤")
    await console_bot.say("王指挥@centre: /incidents")
    assert woken == []
    await console_bot.say("王指挥@centre: /stats")
    assert woken == [1]
