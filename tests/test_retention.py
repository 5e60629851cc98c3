"""Retention: old button tokens, update ids, delivered rows and tallies are forgotten,
recent ones and the incident record are kept (console bot, both backends)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import (
    BoardLink, BoardSession, ButtonToken, InboundEvent, Incident, OutboxMessage, ReportJob, ReportTally, TimelineEntry,
)
from tests.conftest import ConsoleBot


async def _counts(bot: ConsoleBot) -> dict[str, int]:
    async with bot.app.db.transaction() as session:
        return {model.__name__: int(await session.scalar(select(func.count()).select_from(model)) or 0)
                for model in (ButtonToken, OutboxMessage, ReportTally, Incident, TimelineEntry, InboundEvent)}


async def test_old_tokens_and_rows_are_forgotten_and_the_record_kept(console_bot: ConsoleBot) -> None:
    await console_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困")
    old = await _counts(console_bot)
    assert old["ButtonToken"] and old["OutboxMessage"] and old["ReportTally"]
    assert await console_bot.app.forget_old_rows() == 0  # nothing is old yet

    console_bot.app.clock.advance(days=console_bot.app.settings.retention_days + 1)
    await console_bot.say("路人乙@reporting: 环山路加油站起火，1人受伤")
    fresh = {k: v - old[k] for k, v in (await _counts(console_bot)).items()}
    assert await console_bot.app.forget_old_rows() > 0
    after = await _counts(console_bot)
    assert after["ButtonToken"] == fresh["ButtonToken"] and after["OutboxMessage"] == fresh["OutboxMessage"]
    assert after["ReportTally"] == fresh["ReportTally"]
    assert after["Incident"] == 2 and after["TimelineEntry"] == old["TimelineEntry"] + fresh["TimelineEntry"]


async def test_finished_report_jobs_and_expired_board_sign_ins_are_forgotten(console_bot: ConsoleBot) -> None:
    """A job still waiting is kept however old; a session still valid is kept."""
    now = console_bot.app.clock.now()
    async with console_bot.app.db.transaction() as session:
        for status in ("done", "failed", "pending"):
            session.add(ReportJob(kind="stats", args={}, answer_to=["console:centre"], reply_to_message_id=None,
                                  requested_by="王指挥", requested_at=now, status=status))
        session.add(BoardLink(token_hash="a" * 64, person="console:王指挥", name="王指挥", created_at=now,
                              expires_at=now + timedelta(minutes=10)))
        session.add(BoardSession(token_hash="b" * 64, person="console:王指挥", name="王指挥", created_at=now,
                                 expires_at=now + timedelta(hours=12)))
        session.add(BoardSession(token_hash="c" * 64, person="console:王指挥", name="王指挥", created_at=now,
                                 expires_at=now + timedelta(days=400)))
    console_bot.app.clock.advance(days=console_bot.app.settings.retention_days + 1)
    assert await console_bot.app.forget_old_rows() > 0
    async with console_bot.app.db.transaction() as session:
        assert list(await session.scalars(select(ReportJob.status))) == ["pending"]
        assert list(await session.scalars(select(BoardLink.token_hash))) == []
        assert list(await session.scalars(select(BoardSession.token_hash))) == ["c" * 64]
