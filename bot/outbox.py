"""The outbox sender: one task per platform delivering outbox rows, in three lanes
(urgent, ordinary and bulk messages) that share the platform's rate (see LANES).

Rows are claimed under a lease, handed to the platform's deliverer, and settled
in a fresh transaction: delivered (with the platform's message id, so later
edits find the message), retried with backoff, or, after MAX_ATTEMPTS or a
permanent refusal, marked failed and logged. A row recorded as delivered is
never claimed again.

Waits are bounded: no delivery sleeps for long inside a batch (a far slot, a
platform's retry_after or a long message's next part puts the row back with its
due-time), a platform's demand to wait longer than `max_retry_after` counts as a
failed attempt retried after that long, and due-times are read from a clock
that never runs backwards.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.metrics import Metrics
from core.clock import Clock, SteadyClock
from core.messages import Delivery, DeliveryError, Priority
from core.ratelimit import RateLimiter
from core.turns import RankedTurns
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.send_lock import send_lock

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Without a rate limit (the console) deliveries are recorded together, at most
# this long after they happen: one transaction for many messages. A crash in
# between would send those few again after their lease. A rate-limited platform
# sends at most ~30 a second, so each send is recorded as soon as it is made:
# after a crash only a message in flight at that moment can go twice (the
# platforms offer no idempotency key). A message once recorded as delivered is
# never sent again. Edits are recorded together on every platform: an edit made
# twice changes nothing the second time, and in a roll-call storm recording each
# at once was a transaction per edit.
RECORD_EVERY_S = 0.2
BASE_BACKOFF_S = 1.0
MAX_BACKOFF_S = 300.0
DEFAULT_MAX_RETRY_AFTER_S = 300.0
# A send waits this long at most for its rate-limit slot; a later slot puts the row
# back in the queue (its chat's task ends), so no task sleeps for long.
MAX_SLOT_WAIT_S = 5.0


class Deliverer(Protocol):
    """What a platform adapter offers the sender."""

    platform: str

    async def deliver(self, delivery: Delivery) -> str | None:
        """Send or edit; return the platform's message id. Raise DeliveryError."""
        ...


@dataclass(frozen=True)
class Lane:
    """A stream of claims over a band of priorities (see claim's `priorities`)."""

    name: str
    priorities: tuple[int | None, int | None]
    stretch: int  # rows claimed at a time when the platform is rate-limited


# Urgent messages (orders, alerts, escalations), the ordinary ones (receipts, cards,
# answers, notices) and bulk ones (a roll-call's 500 messages and their redraws) are
# claimed by three loops sharing the platform's rate. Each books a short stretch of the
# platform's slots at a time: while a red alert to 500 groups paces Telegram for 17 s,
# a reporter's receipt waits behind one stretch of it, not all of it. The urgent lane's
# stretch is the longest, so it keeps most of the rate; the bulk lane's the shortest,
# so a receipt books its slot about a seventh of a second behind a roll-call, where
# sharing a lane with it (a stretch of 8, receipts booked after the roll-call's rows
# claimed with them) kept receipts 0.8 s at the median while the roll-call went out.
LANES = (
    Lane("urgent", (None, Priority.URGENT), stretch=15),
    Lane("ordinary", (Priority.URGENT + 1, Priority.BULK - 1), stretch=8),
    Lane("bulk", (Priority.BULK, None), stretch=4),
)
EVERY_PRIORITY = (None, None)
# The next stretch is claimed when the booked slots run out this soon.
CLAIM_LEAD_S = 0.15
# ... and when no more of the lane's sends than this wait for room in the platform's
# window. The booking line is a plan: a platform slow to answer keeps its window full
# longer (a send counts until its answer), and a lane claiming by the plan alone piled
# up sends waiting for room, ahead of anything another lane queued meanwhile.
CROWD_AT_MOST = 4  # about what CLAIM_LEAD_S holds at Telegram's 29 a second
CROWD_POLL_S = 0.05
# A lane with nothing more to claim looks again after this long at the soonest.
CLAIM_GAP_S = 0.1
# PostgreSQL: a process that does not hold a platform's send lock tries again this often,
# and the holder checks this often that its session (and so the lock) is still there.
LOCK_RETRY_S = 2.0
LOCK_CHECK_S = 5.0
# A process that takes the send lock waits this long before its first send: what the
# process before it sent in its last second still counts in the platform's window, and
# this process's limiter never saw it.
TAKEOVER_QUIET_S = 1.0
SHARED_DATABASE_POLL_S = 0.25


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with jitter, so many failed rows do not retry in step."""
    base = min(MAX_BACKOFF_S, BASE_BACKOFF_S * 2 ** (attempt - 1))
    return base * random.uniform(0.8, 1.2)


class OutboxSender:
    def __init__(
        self, db: Database, deliverer: Deliverer, clock: Clock, *,
        batch_size: int = 50, lease: timedelta = timedelta(seconds=60),
        idle_poll_s: float = 1.0, max_attempts: int = MAX_ATTEMPTS,
        limiter: RateLimiter | None = None, max_retry_after_s: float = DEFAULT_MAX_RETRY_AFTER_S,
        metrics: Metrics | None = None,
    ):
        self.db = db
        self.deliverer = deliverer
        self.platform = deliverer.platform
        self.clock = SteadyClock(clock)
        self.max_retry_after_s = max_retry_after_s
        self.batch_size = batch_size
        self.lease = lease
        self.idle_poll_s = idle_poll_s
        self.max_attempts = max_attempts
        self.limiter = limiter
        self.metrics = metrics
        self._wakes = {lane.name: asyncio.Event() for lane in LANES}
        self._turns = RankedTurns()  # sends waiting for the platform's window, in booked order
        self._lane_of: dict[int, str] = {}  # outbox id → the lane delivering it
        self._crowd: Counter[str | None] = Counter()  # per lane: sends waiting for the platform's window
        self._stopping = False
        self._stopped = asyncio.Event()
        # On PostgreSQL rows written by the other process wake nobody here: look more often.
        self._poll_s = min(idle_poll_s, SHARED_DATABASE_POLL_S) if db.is_postgres else idle_poll_s
        self._delivered: list[tuple[int, str | None, datetime]] = []
        self._record_every_s = 0.0 if limiter is not None else RECORD_EVERY_S
        self._last_recorded = time.monotonic()
        self._secrets_delivered: list[int] = []  # rows whose stored text is to be blanked
        self._holds_lock = False  # PostgreSQL: this process sends the platform's outbox now

    def wake(self) -> None:
        """New rows were committed: look now instead of at the next poll."""
        for event in self._wakes.values():
            event.set()

    def stop(self) -> None:
        self._stopping = True
        self._stopped.set()
        self.wake()

    async def run(self) -> None:
        if not self.db.is_postgres:  # SQLite: one process per database (bot.instance)
            await self._run_lanes()
            return
        lanes: asyncio.Task[None] | None = None
        try:
            while not self._stopping:
                lanes = await self._send_while_holding_lock(lanes)
                if not self._stopping:
                    await self._sleep_unless_stopped(LOCK_RETRY_S)
            if lanes is not None:
                await lanes  # a clean stop lets the sends under way finish
        except asyncio.CancelledError:
            if lanes is not None:
                lanes.cancel()
            raise

    async def _send_while_holding_lock(self, lanes: asyncio.Task[None] | None) -> asyncio.Task[None] | None:
        """Take the platform's send lock and run the lanes while it is held; the lanes still running.

        Lost with the database connection, the lock is taken again when the database
        returns, the lanes running on meanwhile (their claims fail while it is away; what
        they had claimed goes out). Held by another process by then, that one sends, and
        the lanes stop: their claimed rows go out again after their lease.
        """
        try:
            async with send_lock(self.db.engine, self.platform) as lock:
                if lock is None:
                    if lanes is not None:
                        log.warning("another process sends the %s outbox now: stopping sends here", self.platform)
                        lanes.cancel()
                        await asyncio.wait({lanes})
                    return None
                self._holds_lock = True
                if lanes is None or lanes.done():
                    log.info("this process sends the %s outbox", self.platform)
                    lanes = asyncio.create_task(self._run_lanes(after=TAKEOVER_QUIET_S))
                while not lanes.done() and await lock.still_held():
                    await asyncio.wait({lanes}, timeout=LOCK_CHECK_S)
                if not lanes.done():
                    log.warning("the %s send lock went with the database connection: taking it again", self.platform)
        except asyncio.CancelledError:
            raise
        except Exception:  # the database is away: the sender stays, and tries again
            log.exception("outbox sender for %s: the send lock could not be taken; retrying", self.platform)
        finally:
            self._holds_lock = False
        return lanes

    async def _run_lanes(self, after: float = 0.0) -> None:
        if after and self.limiter is not None:
            await self._sleep_unless_stopped(after)
        await asyncio.gather(*(self._run_lane(lane) for lane in LANES))

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopped.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    async def _run_lane(self, lane: Lane) -> None:
        """Claim and deliver this lane's rows until stopped.

        Rate-limited, the next stretch is claimed while the last one is still going
        out, once its booked slots run low: claiming (a query over every waiting row)
        between stretches left the platform's slots unused, a third of the rate.
        """
        limit = lane.stretch if self.limiter is not None else self.batch_size
        going: set[asyncio.Task[None]] = set()
        try:
            while not self._stopping:
                try:
                    batch = await self._claim(limit, lane.priorities)
                except asyncio.CancelledError:
                    raise
                except Exception:  # the database may be briefly away; keep the sender alive
                    log.exception("outbox sender for %s (%s): claim failed; retrying", self.platform, lane.name)
                    batch = []
                if batch:
                    delivering = asyncio.create_task(self._deliver_batch(batch, lane))
                    going.add(delivering)
                    delivering.add_done_callback(going.discard)
                    if len(batch) == limit:  # more may be waiting
                        await self._until_slots_run_low(delivering, len(batch), lane)
                        continue
                await self._idle(self._wakes[lane.name], going)
        except asyncio.CancelledError:
            for delivering in going:
                delivering.cancel()  # their leases run out and another claim delivers them
            raise
        await asyncio.gather(*going)  # a clean stop lets the sends under way finish

    async def _until_slots_run_low(self, delivering: asyncio.Task[None], size: int, lane: Lane) -> None:
        """Until the stretch just claimed has nearly gone out (or has: no platform-wide rate)."""
        rate = self.limiter.limits.per_second if self.limiter is not None else None
        if not rate or self.limiter is None:
            await asyncio.wait({delivering})
            return
        # Its deliveries book their slots once they start; by the time that many slots
        # have passed, the booking line (pushed back by a slowed platform) says the rest,
        # and the lane's sends still waiting for room say whether the plan holds.
        await asyncio.wait({delivering}, timeout=max(0.0, size / rate - CLAIM_LEAD_S))
        while not delivering.done():
            ahead = self.limiter.booked_ahead() - CLAIM_LEAD_S
            if ahead <= 0 and self._crowd[lane.name] <= CROWD_AT_MOST:
                return
            await asyncio.wait({delivering}, timeout=max(ahead, CROWD_POLL_S))

    async def _idle(self, wake: asyncio.Event, going: set[asyncio.Task[None]]) -> None:
        """Until new rows are committed, a delivery finishes (its chat's next row may go) or the
        poll; and at least CLAIM_GAP_S: in a storm every commit wakes the sender, and a claim
        per commit (a write, and a query over every waiting row) cost more than the sends."""
        started = time.monotonic()
        woken = asyncio.create_task(wake.wait())
        try:
            await asyncio.wait({woken, *going}, timeout=self._poll_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
        if (rest := CLAIM_GAP_S - (time.monotonic() - started)) > 0 and not self._stopping:
            await asyncio.sleep(rest)
        wake.clear()

    async def _deliver_batch(self, batch: list[Delivery], lane: Lane) -> None:
        self._lane_of.update((delivery.outbox_id, lane.name) for delivery in batch)
        try:
            await self._deliver_all(batch)
        except asyncio.CancelledError:
            raise
        except Exception:  # recorded at the next try (see _record_delivered)
            log.exception("outbox sender for %s (%s): recording deliveries failed; retrying",
                          self.platform, lane.name)
        finally:
            for delivery in batch:
                self._lane_of.pop(delivery.outbox_id, None)

    async def _deliver_all(self, batch: list[Delivery]) -> None:
        await asyncio.gather(*(self._deliver_in_order(items) for items in _by_chat(batch)))
        await self._record_delivered()

    async def drain(self, seconds: float) -> None:
        """Deliver what is due now, for up to `seconds` (a clean exit's last lines).

        On PostgreSQL only while holding the platform's send lock: another process may
        be sending, and a drain beside it doubled the rate (48 × 429 in bench/scaleout.py
        as both processes stopped, from the one that had not been sending)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds

        async def deliver_due() -> None:
            while loop.time() < deadline and await self.run_once():
                pass
        if not self.db.is_postgres or self._holds_lock:  # this process's limiter sees every send
            await deliver_due()
            return
        async with send_lock(self.db.engine, self.platform) as lock:
            if lock is not None:
                await deliver_due()

    async def run_once(self, priorities: tuple[int | None, int | None] = EVERY_PRIORITY,
                       limit: int | None = None) -> bool:
        """Claim one batch (of one lane's priorities) and deliver it; True when there was anything to do.

        Chats go out concurrently, each strictly in order. No delivery waits long: a
        slot further off than MAX_SLOT_WAIT_S, a platform's retry_after or the next
        part of a long message puts the row back with its due-time, so one chat's
        wait never holds the batch, and with it every other chat.
        """
        batch = await self._claim(limit or self.batch_size, priorities)
        if not batch:
            return False
        await self._deliver_all(batch)
        return True

    async def _claim(self, limit: int, priorities: tuple[int | None, int | None]) -> list[Delivery]:
        if limit <= 0:
            return []
        async with self.db.transaction() as session:
            return await OutboxRepository(session).claim(self.platform, self.clock.now(), self.lease, limit,
                                                         priorities)

    async def _record_delivered(self) -> None:
        done, self._delivered = self._delivered, []
        secrets, self._secrets_delivered = self._secrets_delivered, []
        self._last_recorded = time.monotonic()
        if done:
            try:
                async with self.db.transaction() as session:
                    outbox = OutboxRepository(session)
                    await outbox.mark_delivered_many(done)
                    await outbox.blank(secrets)
            except Exception:
                self._delivered[:0] = done  # recorded at the next try, or a delivered row is sent again
                self._secrets_delivered[:0] = secrets
                raise

    async def _deliver_in_order(self, deliveries: list[Delivery]) -> None:
        for delivery in deliveries:
            if not await self._deliver_one(delivery):
                break  # later rows of this chat wait for this one's retry

    async def _deliver_one(self, delivery: Delivery) -> bool:
        if delivery.kind == "edit" and delivery.target_message_id is None:
            await self._settle_failure(delivery, DeliveryError("the message to edit was never delivered",
                                                               permanent=True))
            return False
        if not await self._wait_for_slot(delivery):
            return False
        try:
            message_id = await self._deliver_paced(delivery)
        except DeliveryError as exc:
            await self._settle_failure(delivery, exc)
            return False
        except asyncio.CancelledError:
            raise  # the lease runs out and another claim delivers it
        except Exception as exc:  # an adapter bug must not lose the message
            log.exception("outbox %s: unexpected delivery error", delivery.outbox_id)
            await self._settle_failure(delivery, DeliveryError(f"{type(exc).__name__}: {exc}"))
            return False
        self._delivered.append((delivery.outbox_id, message_id, self.clock.now()))
        self._count("ok")
        if delivery.message.secret:
            self._secrets_delivered.append(delivery.outbox_id)
        record_every_s = RECORD_EVERY_S if delivery.kind == "edit" else self._record_every_s
        if time.monotonic() - self._last_recorded >= record_every_s:
            await self._record_delivered()
        return True

    async def _deliver_paced(self, delivery: Delivery) -> str | None:
        try:
            return await self.deliverer.deliver(delivery)
        finally:  # answered or failed: it reached the platform, or never will (see RateLimiter)
            if self.limiter is not None:
                self.limiter.settled(delivery.to.chat_id)

    async def _wait_for_slot(self, delivery: Delivery) -> bool:
        """Pace to the platform's limits; a slot too far off returns the row to the queue."""
        if self.limiter is None:
            return True
        # A long wait would hold this chat's task (and, beyond half the lease, risk
        # another sender claiming the row): the row goes back until its slot.
        delay = self.limiter.reserve(delivery.to.chat_id,
                                     max_wait=min(MAX_SLOT_WAIT_S, self.lease.total_seconds() / 2))
        if delay is None:
            later = self.clock.now() + timedelta(seconds=self.limiter.earliest(delivery.to.chat_id))
            async with self.db.transaction() as session:
                await OutboxRepository(session).defer(delivery.outbox_id, later)
            return False
        booked = time.monotonic() + delay
        if delay > 0:
            await asyncio.sleep(delay)
        # Woken late, with others booked after us? Then the booked slot no longer
        # keeps the platform's window: wait for what the sends that went out allow,
        # first the chat's own limits, then a turn at the platform's in booked order
        # (which keeps each lane's share; whoever woke first took the room before).
        chat_id = delivery.to.chat_id
        while (hold := self.limiter.chat_hold_back(chat_id)) > 0:
            await asyncio.sleep(hold)
        lane = self._lane_of.get(delivery.outbox_id)
        self._crowd[lane] += 1
        try:
            async with self._turns.turn(booked):
                while (hold := self.limiter.hold_back(chat_id)) > 0:
                    await asyncio.sleep(hold)
                self.limiter.sent(chat_id)
        finally:
            self._crowd[lane] -= 1
        return True

    async def _settle_failure(self, delivery: Delivery, exc: DeliveryError) -> None:
        reason = str(exc) or type(exc).__name__
        async with self.db.transaction() as session:
            outbox = OutboxRepository(session)
            if exc.permanent or (delivery.attempt >= self.max_attempts and not exc.progressed):
                log.error(
                    "outbox %s to %s failed for good after %d attempt(s): %s",
                    delivery.outbox_id, delivery.to, delivery.attempt, reason,
                )
                await outbox.mark_failed(delivery.outbox_id, reason)
                self._count("failed")
                return
            delay = backoff_seconds(delivery.attempt) if exc.retry_after is None else exc.retry_after
            if delay > self.max_retry_after_s:
                reason = f"{reason} (asked to wait {delay:.0f} s; retrying after {self.max_retry_after_s:.0f} s)"
                delay = self.max_retry_after_s
            log.warning(
                "outbox %s to %s: attempt %d failed (%s); retrying in %.1fs",
                delivery.outbox_id, delivery.to, delivery.attempt, reason, delay,
            )
            later = self.clock.now() + timedelta(seconds=delay)
            self._count("rate_limited" if exc.rate_limited else "retried")
            if exc.progressed:  # parts went out: not a failed attempt, the rest follows
                await outbox.defer(delivery.outbox_id, later)
            else:
                await outbox.mark_retry(delivery.outbox_id, reason, later)

    def _count(self, result: str) -> None:
        if self.metrics is not None:
            self.metrics.delivery(self.platform, result)


def _by_chat(batch: list[Delivery]) -> list[list[Delivery]]:
    by_chat: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in batch:
        by_chat[delivery.to.chat_id].append(delivery)
    return list(by_chat.values())
