"""The outbox sender against a deliverer that fails the way platforms do."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import ManualClock
from core.events import ConversationRef
from core.messages import Delivery, DeliveryError, Message, Outgoing
from bot.outbox import OutboxSender
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox import OutboxRepository

CHAT = ConversationRef("fake", "chat-1")


class FlakyDeliverer:
    """Delivers, or fails with the next scripted error."""

    platform = "fake"

    def __init__(self, failures: list[DeliveryError] | None = None):
        self.failures = list(failures or [])
        self.delivered: list[str] = []

    async def deliver(self, delivery: Delivery) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append(delivery.message.text)
        return f"m{len(self.delivered)}"


async def _enqueue(db: Database, clock: ManualClock, *texts: str) -> None:
    async with db.transaction() as session:
        await OutboxRepository(session).enqueue([Outgoing(CHAT, Message(text=t)) for t in texts], clock.now())


def _fan_out(prefix: str, text: str, count: int, priority: int) -> list[Outgoing]:
    """One message to each of `count` chats, as an alert or a roll-call sends."""
    return [Outgoing(ConversationRef("fake", f"{prefix}-{n}"), Message(text=f"{text} {n}"), priority=priority)
            for n in range(count)]


async def _receipt_during(db: Database, clock: ManualClock, sender: OutboxSender, fan_out: list[Outgoing],
                          went: list[str], once: int, wait_s: float) -> int:
    """Queue the fan-out, run the sender, queue a receipt once `once` of it went (as `went`
    records), and deliver until all have gone; how many had gone when the receipt was queued."""
    import asyncio

    async with db.transaction() as session:
        await OutboxRepository(session).enqueue(fan_out, clock.now())
    running = asyncio.create_task(sender.run())
    try:
        while len(went) < once:
            await asyncio.sleep(0.01)
        async with db.transaction() as session:
            await OutboxRepository(session).enqueue(
                [Outgoing(ConversationRef("fake", "reporter"), Message(text="receipt"))], clock.now())
        sender.wake()
        queued_at = len(went)
        for _ in range(int(wait_s / 0.1)):
            if len(went) == len(fan_out) + 1:
                break
            await asyncio.sleep(0.1)
    finally:
        sender.stop()
        await asyncio.wait_for(running, 20)
    assert len(went) == len(fan_out) + 1
    return queued_at


async def _rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def _run_until_idle(sender: OutboxSender) -> None:
    while await sender.run_once():
        pass


async def test_messages_in_one_chat_go_out_in_order(db: Database, clock: ManualClock) -> None:
    deliverer = FlakyDeliverer()
    await _enqueue(db, clock, "1", "2", "3")
    await _run_until_idle(OutboxSender(db, deliverer, clock))
    assert deliverer.delivered == ["1", "2", "3"]
    assert [(r.status, r.platform_message_id) for r in await _rows(db)] == [
        ("delivered", "m1"), ("delivered", "m2"), ("delivered", "m3"),
    ]


async def test_rate_limit_waits_retry_after_then_delivers_in_order(db: Database, clock: ManualClock) -> None:
    deliverer = FlakyDeliverer([DeliveryError("429 Too Many Requests", retry_after=7)])
    sender = OutboxSender(db, deliverer, clock)
    await _enqueue(db, clock, "first", "second")
    await _run_until_idle(sender)
    assert deliverer.delivered == []  # waiting; "second" must not overtake
    clock.advance(seconds=6)
    await _run_until_idle(sender)
    assert deliverer.delivered == []
    clock.advance(seconds=2)
    await _run_until_idle(sender)
    assert deliverer.delivered == ["first", "second"]
    assert (await _rows(db))[0].attempts == 2


async def test_transient_errors_back_off_and_never_drop(db: Database, clock: ManualClock) -> None:
    deliverer = FlakyDeliverer([DeliveryError("502 Bad Gateway")] * 3)
    sender = OutboxSender(db, deliverer, clock)
    await _enqueue(db, clock, "alert")
    for _ in range(4):
        await _run_until_idle(sender)
        clock.advance(seconds=30)
    assert deliverer.delivered == ["alert"]
    [row] = await _rows(db)
    assert (row.status, row.attempts) == ("delivered", 4)


async def test_after_max_attempts_the_message_is_marked_failed_and_logged(
    db: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    deliverer = FlakyDeliverer([DeliveryError("timeout")] * 3)
    sender = OutboxSender(db, deliverer, clock, max_attempts=3)
    await _enqueue(db, clock, "alert", "next")
    for _ in range(5):
        await _run_until_idle(sender)
        clock.advance(minutes=10)
    rows = await _rows(db)
    assert (rows[0].status, rows[0].attempts, rows[0].last_error) == ("failed", 3, "timeout")
    assert any("failed for good" in r.message for r in caplog.records)
    # A dead message does not block the chat for ever.
    assert deliverer.delivered == ["next"]


async def test_a_permanent_refusal_is_not_retried(db: Database, clock: ManualClock) -> None:
    deliverer = FlakyDeliverer([DeliveryError("400 chat not found", permanent=True)])
    await _enqueue(db, clock, "x")
    await _run_until_idle(OutboxSender(db, deliverer, clock))
    [row] = await _rows(db)
    assert (row.status, row.attempts) == ("failed", 1)


async def test_an_adapter_bug_is_retried_not_lost(db: Database, clock: ManualClock) -> None:
    class Buggy(FlakyDeliverer):
        async def deliver(self, delivery: Delivery) -> str:
            if not self.delivered and not getattr(self, "raised", False):
                self.raised = True
                raise KeyError("oops")
            return await super().deliver(delivery)

    deliverer = Buggy()
    sender = OutboxSender(db, deliverer, clock)
    await _enqueue(db, clock, "x")
    await _run_until_idle(sender)
    clock.advance(minutes=1)
    await _run_until_idle(sender)
    assert deliverer.delivered == ["x"]


async def test_an_edit_of_a_message_that_never_went_out_fails_visibly(db: Database, clock: ManualClock) -> None:
    async with db.transaction() as session:
        await OutboxRepository(session).enqueue(
            [Outgoing(CHAT, Message(text="v2"), edit_key="incident:9:card")], clock.now()
        )
    await _run_until_idle(OutboxSender(db, FlakyDeliverer(), clock))
    [row] = await _rows(db)
    assert row.status == "failed" and "never delivered" in (row.last_error or "")


async def test_a_sender_that_dies_mid_delivery_leaves_the_message_to_the_next_after_its_lease(
    db: Database, clock: ManualClock
) -> None:
    await _enqueue(db, clock, "x")
    async with db.transaction() as session:  # the dead process's claim
        await OutboxRepository(session).claim("fake", clock.now(), timedelta(seconds=60), 10)
    deliverer = FlakyDeliverer()
    survivor = OutboxSender(db, deliverer, clock, lease=timedelta(seconds=60))
    await _run_until_idle(survivor)
    assert deliverer.delivered == []
    clock.advance(seconds=61)
    await _run_until_idle(survivor)
    assert deliverer.delivered == ["x"]


async def test_a_rate_limited_message_is_deferred_without_spending_an_attempt(
    db: Database, clock: ManualClock
) -> None:
    from core.ratelimit import RateLimiter, RateLimits

    deliverer = FlakyDeliverer()
    limiter = RateLimiter(RateLimits(chat_interval_s=600))
    sender = OutboxSender(db, deliverer, clock, lease=timedelta(seconds=60), limiter=limiter)
    await _enqueue(db, clock, "1", "2")
    await _run_until_idle(sender)
    assert deliverer.delivered == ["1"]
    rows = await _rows(db)
    assert (rows[1].status, rows[1].attempts) == ("pending", 0)
    assert rows[1].next_attempt_at > clock.now() + timedelta(seconds=500)


async def test_on_a_paced_platform_each_send_is_recorded_at_once_and_edits_together(
    db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A send recorded late could go twice after a crash; an edit made twice changes nothing,
    and recording each edit at once was a transaction per edit in a roll-call storm."""
    from sqlalchemy import event

    import bot.outbox
    from core.ratelimit import RateLimiter, RateLimits

    monkeypatch.setattr(bot.outbox, "RECORD_EVERY_S", 600.0)  # edits: only at the end of the claim
    recorded: list[int] = []  # rows marked delivered, per statement

    def count_marks(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("UPDATE OUTBOX SET STATUS") and "delivered_at" in statement:
            recorded.append(len(parameters) if executemany else 1)
    event.listen(db.engine.sync_engine, "before_cursor_execute", count_marks)
    chats = [ConversationRef("fake", f"chat-{n}") for n in range(3)]
    sender = OutboxSender(db, FlakyDeliverer(), clock, limiter=RateLimiter(RateLimits(per_second=1000)))

    async with db.transaction() as session:
        await OutboxRepository(session).enqueue([Outgoing(c, Message(text="v1"), key="k") for c in chats], clock.now())
    await _run_until_idle(sender)
    assert recorded == [1, 1, 1]

    recorded.clear()
    async with db.transaction() as session:
        await OutboxRepository(session).enqueue(
            [Outgoing(c, Message(text="v2"), edit_key="k") for c in chats], clock.now())
    await _run_until_idle(sender)
    assert recorded == [3]
    assert [r.status for r in await _rows(db)] == ["delivered"] * 6


async def test_a_receipt_is_not_held_behind_a_whole_urgent_backlog(db: Database, clock: ManualClock) -> None:
    """An alert to many chats paces the platform for seconds; a receipt enqueued meanwhile
    goes out after one stretch of it, not after all of it, and the alert keeps the most of the rate."""
    from core.messages import Priority
    from core.ratelimit import RateLimiter, RateLimits

    deliverer = FlakyDeliverer()
    sender = OutboxSender(db, deliverer, clock, limiter=RateLimiter(RateLimits(per_second=20)))
    # Once the alert has begun (on PostgreSQL, after the send lock's quiet second).
    await _receipt_during(db, clock, sender, _fan_out("group", "alert", 60, Priority.URGENT), deliverer.delivered,
                          once=6, wait_s=10)
    position = deliverer.delivered.index("receipt")
    assert 5 <= position <= 35, deliverer.delivered  # after the alert began, long before it ended


async def test_a_receipt_goes_out_within_a_short_stretch_of_a_bulk_roll_call(db: Database, clock: ManualClock) -> None:
    """A roll-call to many groups paces the platform for seconds; it has a lane of its own
    with the shortest stretch, so a receipt enqueued meanwhile books the next slots but a few."""
    from core.messages import Priority
    from core.ratelimit import RateLimiter, RateLimits

    deliverer = FlakyDeliverer()
    sender = OutboxSender(db, deliverer, clock, limiter=RateLimiter(RateLimits(per_second=20)))
    await _receipt_during(db, clock, sender, _fan_out("unit", "roll-call", 60, Priority.BULK), deliverer.delivered,
                          once=10, wait_s=10)
    position = deliverer.delivered.index("receipt")
    assert 10 <= position <= 19, deliverer.delivered  # behind what was booked: a stretch of 4, and a claim's gap


async def test_on_postgresql_one_process_sends_a_platform_and_another_takes_over_when_it_stops(
    db: Database, clock: ManualClock
) -> None:
    """Each process paces to the platform's limits on its own, so two sending at once
    would together break them (751 × 429 in bench/scaleout.py): one holds the lock."""
    import asyncio

    if not db.is_postgres:
        pytest.skip("one process per SQLite database (bot.instance)")
    from storage.db import Database as Connection

    other_db = Connection(db.url.render_as_string(hide_password=False))  # the second process's own pool
    first, second = FlakyDeliverer(), FlakyDeliverer()
    senders = [OutboxSender(db, first, clock), OutboxSender(other_db, second, clock)]
    running = [asyncio.create_task(s.run()) for s in senders]

    async def delivered(count: int) -> None:
        for _ in range(100):
            if len(first.delivered) + len(second.delivered) >= count:
                return
            await asyncio.sleep(0.1)

    try:
        await asyncio.sleep(0.5)
        await _enqueue(db, clock, *(f"m{n}" for n in range(20)))
        for s in senders:
            s.wake()
        await delivered(20)
        assert sorted([len(first.delivered), len(second.delivered)]) == [0, 20]
        holder = 0 if first.delivered else 1
        senders[holder].stop()
        await asyncio.wait_for(running[holder], 10)  # its session ends, and the lock with it
        await _enqueue(db, clock, "after")
        await delivered(21)
        assert [first, second][1 - holder].delivered == ["after"]
    finally:
        for s in senders:
            s.stop()
        await asyncio.wait_for(asyncio.gather(*running, return_exceptions=True), 15)
        await other_db.dispose()


async def test_on_postgresql_a_process_taking_the_send_lock_waits_out_the_platforms_window_first(
    db: Database, clock: ManualClock
) -> None:
    """What the process before sent in its last second still counts on the platform's side,
    unseen by this process's limiter: it waits that second before its first send."""
    import asyncio
    import time

    from bot.outbox import TAKEOVER_QUIET_S
    from core.ratelimit import RateLimiter, RateLimits

    if not db.is_postgres:
        pytest.skip("one process per SQLite database (bot.instance): no lock to take over")
    await _enqueue(db, clock, "waiting since the last process stopped")
    deliverer = FlakyDeliverer()
    sender = OutboxSender(db, deliverer, clock, limiter=RateLimiter(RateLimits(per_second=30)))
    started = time.monotonic()
    running = asyncio.create_task(sender.run())
    try:
        while not deliverer.delivered and time.monotonic() - started < 10:
            await asyncio.sleep(0.02)
        took = time.monotonic() - started
    finally:
        sender.stop()
        await asyncio.wait_for(running, 10)
    assert deliverer.delivered == ["waiting since the last process stopped"]
    assert TAKEOVER_QUIET_S <= took < TAKEOVER_QUIET_S + 2


async def test_a_receipt_waiting_for_the_platforms_window_goes_before_bulk_sends_waiting_with_it(
    db: Database, clock: ManualClock
) -> None:
    """A platform slow to answer keeps its window full (a send counts until its answer), so
    sends wait for room. The roll-call's lane claims no more while a few of its own wait,
    and the room goes in booked order: the receipt waits behind a few, not a crowd."""
    import asyncio

    from core.messages import Priority
    from core.ratelimit import RateLimiter, RateLimits

    class SlowDeliverer(FlakyDeliverer):
        def __init__(self) -> None:
            super().__init__()
            self.left: list[str] = []  # in the order the sends left

        async def deliver(self, delivery: Delivery) -> str:
            self.left.append(delivery.message.text)
            await asyncio.sleep(1.0)  # answered late: the window stays full meanwhile
            return await super().deliver(delivery)

    deliverer = SlowDeliverer()
    sender = OutboxSender(db, deliverer, clock, limiter=RateLimiter(RateLimits(per_second=10)))
    # Once a crowd has formed; what matters is the order the sends left in.
    queued_at = await _receipt_during(db, clock, sender, _fan_out("unit", "roll-call", 40, Priority.BULK),
                                      deliverer.left, once=20, wait_s=20)
    # Sends that left after it was queued and before it: the claim's gap, the lane's few waiting.
    behind = deliverer.left.index("receipt") - queued_at
    assert behind <= 10, deliverer.left  # 16 when the lane claimed by its booked plan alone


async def test_on_postgresql_a_drain_sends_nothing_while_another_process_sends(
    db: Database, clock: ManualClock
) -> None:
    """A clean stop drains what is due; the process that does not hold the send lock must
    not, or two processes pace to the platform's limits at once (48 × 429 as both stopped
    in bench/scaleout.py)."""
    if not db.is_postgres:
        pytest.skip("one process per SQLite database (bot.instance): nobody else sends")
    from storage.db import Database as Connection
    from storage.send_lock import send_lock

    other_db = Connection(db.url.render_as_string(hide_password=False))  # the sending process's own pool
    deliverer = FlakyDeliverer()
    sender = OutboxSender(db, deliverer, clock)
    try:
        await _enqueue(db, clock, "due")
        async with send_lock(other_db.engine, "fake") as held:
            assert held is not None
            await sender.drain(1.0)
            assert deliverer.delivered == []  # the other process sends it
        await sender.drain(1.0)  # nobody sends now: the drain does
        assert deliverer.delivered == ["due"]
    finally:
        await other_db.dispose()
