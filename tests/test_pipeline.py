"""The pipeline's promises: one transaction per batch of events with failures
isolated, redeliveries ignored, and messages that survive a crash."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

from sqlalchemy import func, select

from bot.redraw_queue import REDRAW_EVERY_S
from core.clock import ManualClock
from handlers.context import Context, HandlerContext
from core.events import Actor, CommandEvent, Conversation, ConversationRef, MessageEvent
from core.messages import Message
from config.organisation import Organisation
from storage.models import Incident, IncidentSource, OutboxMessage, PendingRedraw
from tests.conftest import start_console_bot
from tests.console_transcript import room

REPORTING = Conversation(ConversationRef("console", "reporting"))
REPORT = "人民路化工厂起火，3人受伤"


def _event(text: str, n: int, event_id: str | None = None) -> MessageEvent | CommandEvent:
    common = dict(actor=Actor("console", f"r{n}", f"r{n}"), conversation=REPORTING,
                  received_at=datetime.now(timezone.utc), platform_event_id=event_id,
                  platform_message_id=str(n))
    if text.startswith("/"):
        return CommandEvent(**common, name=text[1:], args="")
    return MessageEvent(**common, text=text)


async def test_a_failing_handler_in_a_batch_does_not_take_the_others_down(
    database_url: str, org: Organisation, clock: ManualClock
) -> None:
    bot = await start_console_bot(database_url, org, clock)

    async def boom(ctx: HandlerContext, event: CommandEvent) -> None:
        ctx.reply(Message(text="half-done work that must not survive"))
        raise RuntimeError("handler bug")

    bot.app.router.command("boom", boom, "help.cmd.help")
    try:
        events = [_event(REPORT, n) for n in range(6)]
        events.insert(3, _event("/boom", 99))
        results = await asyncio.gather(*(bot.app.pipeline.handle(e) for e in events))
        assert len(results) == 7
        assert bot.app.pipeline.events_failed == 1 and bot.app.pipeline.events_handled == 6
        async with bot.app.db.transaction() as session:
            # Six reports of one fire: one incident, five further sources.
            assert await session.scalar(select(func.count()).select_from(Incident)) == 1
            assert await session.scalar(select(func.count()).select_from(IncidentSource)) == 5
            texts = [m["text"] for m in await session.scalars(select(OutboxMessage.payload))]
        assert "half-done work that must not survive" not in texts
        assert any("处理时出错" in t for t in texts)  # the one who hit the bug is told
    finally:
        await bot.app.stop()


async def test_a_redelivered_update_creates_one_incident_and_one_receipt(
    database_url: str, org: Organisation, clock: ManualClock
) -> None:
    bot = await start_console_bot(database_url, org, clock)
    try:
        first = await bot.app.pipeline.handle(_event(REPORT, 1, event_id="update-7"))
        again = await asyncio.gather(*(bot.app.pipeline.handle(_event(REPORT, 1, event_id="update-7")) for _ in range(3)))
        assert not first.duplicate and all(r.duplicate for r in again)
        async with bot.app.db.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(Incident)) == 1
            assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    finally:
        await bot.app.stop()


async def test_a_crash_between_commit_and_delivery_delivers_once_after_restart(
    database_url: str, org: Organisation, clock: ManualClock
) -> None:
    crashed = await start_console_bot(database_url, org, clock)
    assert await crashed.say("路人甲@reporting: " + REPORT, deliver=False) == ""  # committed, not sent
    # The process dies: nothing is stopped cleanly, nothing was delivered.
    await crashed.app.db.dispose()

    restarted = await start_console_bot(database_url, org, clock)
    await restarted.app.drain()
    out = restarted.new_output()
    assert out.count("已登记事件 20261122-0001") == 1 and out.count("新事件 20261122-0001") == 1
    await restarted.app.drain()
    assert restarted.new_output() == ""
    await restarted.app.stop()

    again = await start_console_bot(database_url, org, clock)
    await again.app.drain()
    assert again.new_output() == ""  # delivered means never again
    await again.app.stop()


async def test_work_after_commit_runs_once_for_a_batch_and_sees_it_committed(
    database_url: str, org: Organisation, clock: ManualClock
) -> None:
    bot = await start_console_bot(database_url, org, clock)
    seen: list[int] = []

    async def count_incidents(ctx: Context, incident_id: str) -> None:
        async with bot.app.db.reading() as elsewhere:  # another connection sees only what is committed
            seen.append(await elsewhere.scalar(select(func.count()).select_from(Incident)))
        ctx.send(REPORTING.ref, Message(text="drawn after commit"))

    async def report_and_redraw(ctx: HandlerContext, event: CommandEvent) -> None:
        ctx.redraw_after_commit("count", "20261122-0001")
        ctx.reply(Message(text="answered"))

    bot.app.router.on_redraw("count", count_incidents)
    bot.app.router.command("redraw", report_and_redraw, "help.cmd.help")
    try:
        events = [_event(REPORT, 0), *(_event("/redraw", n) for n in range(1, 6))]
        await asyncio.gather(*(bot.app.pipeline.handle(e) for e in events))
        await bot.app.pipeline.settle()
        assert seen == [1]  # once for the five, after the report committed
        async with bot.app.db.transaction() as session:
            texts = [m["text"] for m in await session.scalars(select(OutboxMessage.payload))]
        assert texts.count("drawn after commit") == 1 and texts.count("answered") == 5
    finally:
        await bot.app.stop()


async def test_a_view_that_keeps_changing_is_redrawn_at_once_then_once_a_second(
    database_url: str, org: Organisation, clock: ManualClock
) -> None:
    bot = await start_console_bot(database_url, org, clock)
    drawn_at: list[float] = []

    async def draw(ctx: Context, incident_id: str) -> None:
        drawn_at.append(time.monotonic())

    async def ask(ctx: HandlerContext, event: CommandEvent) -> None:
        ctx.redraw_after_commit("view", "20261122-0001")

    bot.app.router.on_redraw("view", draw)
    bot.app.router.command("redraw", ask, "help.cmd.help")
    try:
        started = time.monotonic()
        await bot.app.pipeline.handle(_event("/redraw", 0))
        for _ in range(50):  # the first is drawn within milliseconds; what follows it rests
            if drawn_at:
                break
            await asyncio.sleep(0.01)
        assert len(drawn_at) == 1 and drawn_at[0] - started < REDRAW_EVERY_S / 2
        for n in range(1, 6):  # five more changes within its second: one redraw, when the second is up
            await bot.app.pipeline.handle(_event("/redraw", n))
        await asyncio.sleep(REDRAW_EVERY_S / 2)
        assert len(drawn_at) == 1
        for _ in range(150):
            if len(drawn_at) == 2:
                break
            await asyncio.sleep(0.01)
        assert len(drawn_at) == 2 and drawn_at[1] - drawn_at[0] >= REDRAW_EVERY_S
        await asyncio.sleep(0.1)
        assert len(drawn_at) == 2
        # Draining (a stop, a test) draws a resting view at once.
        await bot.app.pipeline.handle(_event("/redraw", 6))
        await asyncio.wait_for(bot.app.pipeline.settle(), REDRAW_EVERY_S / 2)
        assert len(drawn_at) == 3
    finally:
        await bot.app.stop()


async def test_work_after_commit_that_fails_takes_nothing_back(
    database_url: str, org: Organisation, clock: ManualClock
) -> None:
    bot = await start_console_bot(database_url, org, clock)

    async def broken_drawing(ctx: Context, incident_id: str) -> None:
        ctx.send(REPORTING.ref, Message(text="half a drawing"))
        raise RuntimeError("drawing bug")

    async def ask(ctx: HandlerContext, event: CommandEvent) -> None:
        ctx.redraw_after_commit("broken", "20261122-0001")

    bot.app.router.on_redraw("broken", broken_drawing)
    bot.app.router.command("redraw", ask, "help.cmd.help")
    try:
        await bot.app.pipeline.handle(_event("/redraw", 1))
        await bot.app.pipeline.settle()
        later = await bot.app.pipeline.handle(_event(REPORT, 2))  # the writer goes on
        assert not later.duplicate and bot.app.pipeline.events_failed == 0
        async with bot.app.db.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(Incident)) == 1
            texts = [m["text"] for m in await session.scalars(select(OutboxMessage.payload))]
        assert "half a drawing" not in texts
    finally:
        await bot.app.stop()


async def test_a_notice_not_drawn_before_a_crash_is_drawn_at_the_next_start(
    database_url: str, org: Organisation, clock: ManualClock
) -> None:
    crashed = await start_console_bot(database_url, org, clock)
    await crashed.say("路人甲@reporting: " + REPORT)

    async def dies_first(redraws: list[tuple[str, str]], **_: bool) -> None:  # the process died after commit
        return

    crashed.app.pipeline._redraw = dies_first  # type: ignore[method-assign]
    await crashed.app.console.handle_line("路人甲@reporting: 20261122-0001 续报：又有2人受伤",  # type: ignore[union-attr]
                                          crashed.app.pipeline.handle)
    await crashed.app.db.dispose()

    restarted = await start_console_bot(database_url, org, clock)
    try:
        await restarted.app.drain()
        centre = room(restarted.new_output(), "centre")
        # The notice of further reports is drawn after commit (the card was edited with the figures).
        assert "已收到 2 份报告" in centre and "续报：又有2人受伤" in centre
        async with restarted.app.db.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(PendingRedraw)) == 0
    finally:
        await restarted.app.stop()
