"""Events in, transactions out: dedupe, route, write the outbox, commit, wake
the senders. The only place that opens a transaction for a handler.

Group commit: events that arrive while a transaction is running are handled
together in the next one. Every statement costs a round trip to the database
driver, and a batch shares its BEGIN, COMMIT and multi-row INSERTs, which is
what lets intake keep up with a flood of reports on SQLite. If any handler in a
batch fails, the batch is rolled back and each event is handled again in a
transaction of its own, so one bad event never takes others down with it.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Awaitable, Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.context import FINISHERS, Context, HandlerContext
from bot.events import ButtonEvent, Event
from bot.i18n import Translator
from bot.messages import Message, Outgoing
from bot.router import Router
from config.organisation import Organisation
from storage.db import Database
from storage.inbound import first_deliveries
from storage.outbox import OutboxRepository
from storage.roster import ROSTER_CHANGED

log = logging.getLogger(__name__)

MAX_BATCH = 64

TimerJob = Callable[[Context], Awaitable[int]]


@dataclass(frozen=True)
class HandleResult:
    """What the adapter must do beyond the outbox: answer a button press privately."""

    private_answer: str | None = None
    duplicate: bool = False


@dataclass
class _Pending:
    event: Event
    done: asyncio.Future[HandleResult]


class Pipeline:
    def __init__(
        self, db: Database, org: Organisation, router: Router, clock: Clock,
        enabled_platforms: Iterable[str], wake_senders: Callable[[set[str]], None] = lambda _: None,
        max_batch: int = MAX_BATCH, roster_changed: Callable[[], Awaitable[None]] | None = None,
    ):
        self.db = db
        self.org = org
        self.router = router
        self.clock = clock
        self.enabled_platforms = frozenset(enabled_platforms)
        self.wake_senders = wake_senders
        self.max_batch = max_batch
        self.roster_changed = roster_changed
        self.t = Translator(org.language)
        self.events_handled = 0
        self.events_failed = 0
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()  # None: stop
        self._writer: asyncio.Task[None] | None = None

    async def handle(self, event: Event) -> HandleResult:
        """Handle one event; returns once its effects and messages are committed."""
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches(), name="pipeline-writer")
        pending = _Pending(event, asyncio.get_running_loop().create_future())
        self._queue.put_nowait(pending)
        return await pending.done

    async def run_job(self, job: TimerJob) -> int:
        """Run a timer job in a transaction of its own, its messages with it."""
        async with self.db.transaction() as session:
            ctx = Context(session=session, org=self.org, t=self.t, now=self.clock.now(),
                          enabled_platforms=self.enabled_platforms)
            done = await job(ctx)
            outgoing = [o for o in ctx.outgoing if o.to.platform in self.enabled_platforms]
            outgoing.extend(await self._finish(session, ctx.now))
            await OutboxRepository(session).enqueue(outgoing, ctx.now)
        if outgoing:
            self.wake_senders({o.to.platform for o in outgoing})
        return done

    async def stop(self) -> None:
        """Finish what was handed in, then stop (never abandon a transaction midway)."""
        if self._writer is not None and not self._writer.done():
            self._queue.put_nowait(None)
            await self._writer

    async def _write_batches(self) -> None:
        while True:
            first = await self._queue.get()
            if first is None:
                return
            batch = [first]
            stopping = False
            while len(batch) < self.max_batch and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            await self._run(batch)
            if stopping:
                return

    async def _run(self, batch: list[_Pending]) -> None:
        try:
            results, outgoing = await self._handle_in_transaction([p.event for p in batch])
        except Exception:
            if len(batch) > 1:  # find the culprit: each event on its own
                for pending in batch:
                    await self._run([pending])
                return
            self.events_failed += 1
            event = batch[0].event
            log.exception("handling %s from %s failed", type(event).__name__, event.actor)
            results, outgoing = [await self._apologise(event)], []
        else:
            self.events_handled += len(batch)
        if outgoing:
            self.wake_senders({o.to.platform for o in outgoing})
        for pending, result in zip(batch, results):
            if not pending.done.done():  # the caller may have given up waiting
                pending.done.set_result(result)

    async def _handle_in_transaction(self, events: list[Event]) -> tuple[list[HandleResult], list[Outgoing]]:
        results: list[HandleResult] = []
        outgoing: list[Outgoing] = []
        async with self.db.transaction() as session:
            now = self.clock.now()
            keys = [(e.actor.platform, e.platform_event_id) for e in events if e.platform_event_id is not None]
            fresh = await first_deliveries(session, keys, now)
            # An id seen twice in one batch is the same update delivered twice.
            handled: set[tuple[str, str]] = set()
            is_new = []
            for event in events:
                key = (event.actor.platform, event.platform_event_id or "")
                new = event.platform_event_id is None or (key in fresh and key not in handled)
                handled.add(key)
                is_new.append(new)
            await self.router.prepare(session, [e for e, new in zip(events, is_new) if new])
            for event, new in zip(events, is_new):
                if not new:
                    log.info("ignoring redelivered %s %s", event.actor.platform, event.platform_event_id)
                    results.append(HandleResult(duplicate=True))
                    continue
                result, messages = await self._handle_one(session, event, now)
                results.append(result)
                outgoing.extend(messages)
            outgoing.extend(await self._finish(session, now))
            await OutboxRepository(session).enqueue(outgoing, now)
            reload_roster = session.info.pop(ROSTER_CHANGED, False)
        if reload_roster and self.roster_changed is not None:
            await self.roster_changed()  # the next events see who joined or was bound
        return results, outgoing

    async def _finish(self, session: AsyncSession, now: datetime) -> list[Outgoing]:
        """Work the transaction's events asked to have done once (see Context.once_per_transaction)."""
        finishers = session.info.pop(FINISHERS, {})
        if not finishers:
            return []
        ctx = Context(session=session, org=self.org, t=self.t, now=now, enabled_platforms=self.enabled_platforms)
        for finish in finishers.values():
            await finish(ctx)
        return [o for o in ctx.outgoing if o.to.platform in self.enabled_platforms]

    async def _handle_one(
        self, session: AsyncSession, event: Event, now: datetime
    ) -> tuple[HandleResult, list[Outgoing]]:
        ctx = HandlerContext(
            session=session, org=self.org, t=self.t, now=now, event=event,
            person=self.org.person(event.actor.platform, event.actor.user_id),
            where=self.org.conversation(event.conversation.ref),
            enabled_platforms=self.enabled_platforms,
        )
        await self.router.route(ctx)
        messages = [o for o in ctx.outgoing if o.to.platform in self.enabled_platforms]
        return HandleResult(private_answer=ctx.private_answer), messages

    async def _apologise(self, event: Event) -> HandleResult:
        """Tell the person their action did nothing, without risking a second crash."""
        apology = self.t("error.internal")
        if isinstance(event, ButtonEvent):
            return HandleResult(private_answer=apology)
        try:
            async with self.db.transaction() as session:
                await OutboxRepository(session).enqueue(
                    [Outgoing(event.conversation.ref, Message(text=apology),
                              reply_to_message_id=event.platform_message_id)],
                    self.clock.now(),
                )
            self.wake_senders({event.conversation.ref.platform})
        except Exception:
            log.exception("could not even queue the apology")
        return HandleResult()
