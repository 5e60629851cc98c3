"""Events in, transactions out: dedupe, route, write the outbox, commit, wake
the senders. The only place that opens a transaction for a handler.

Group commit: events that arrive while a transaction is running are handled
together in the next one. Every statement costs a round trip to the database
driver, and a batch shares its BEGIN, COMMIT and multi-row INSERTs, which is
what lets intake keep up with a flood of reports on SQLite. If any handler in a
batch fails, the batch is rolled back and each event is handled again in a
transaction of its own, so one bad event never takes others down with it.

Views a transaction asks to have redrawn after it commits (Context.redraw_after_commit:
an incident's board, cards, notice, drawn from what every bot process has committed)
are redrawn once the batch is answered, in a transaction of its own, when no events
come for a few milliseconds or at least every AFTER_COMMIT_AT_MOST_S; a view drawn
less than a second ago rests until its second is up (bot/redraw_queue.py).
"""
from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Awaitable, Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from handlers.context import Context, HandlerContext, take_finishers, take_redraws
from core.events import ButtonEvent, Event
from core.i18n import Translator
from core.messages import Message, Outgoing
from core.platform import HandleResult
from handlers.drill_marks import mark_drill_messages
from handlers.router import Router
from bot.metrics import Metrics
from bot.redraw_queue import RedrawQueue
from bot.spool import InboundSpool, SpoolFull
from core.text import strip_invisible
from config.organisation import Organisation
from storage.db import Database, is_storage_failure
from storage.inbound import first_deliveries
from storage.incidents import IncidentRepository, drill_ids_seen
from storage.outbox import OutboxRepository
from storage.redraws import Redraw, RedrawRepository
from storage.transaction import transaction_state

log = logging.getLogger(__name__)

MAX_BATCH = 64
# While events keep coming, work asked for after commit (an incident's board redrawn)
# waits for a pause, but no longer than this: a storm of presses redraws each board a
# few times a second, not once per batch.
AFTER_COMMIT_AT_MOST_S = 0.25
AFTER_COMMIT_LINGER_S = 0.005
# A transaction that redrew a storm's fifty incidents at once would hold up the events
# behind it for tens of milliseconds: eight at a time, with events in between.
REDRAWS_PER_TRANSACTION = 8

TimerJob = Callable[[Context], Awaitable[int]]


class StorageUnavailable(Exception):
    """The database did not take a spooled event's replay: try again later."""


@dataclass
class _Pending:
    event: Event
    done: asyncio.Future[HandleResult]
    from_spool: bool = False


@dataclass(frozen=True)
class _Nudge:
    """Wakes the writer: redraws were asked outside it, or (flush) every view resting
    is wanted now."""
    flush: bool = False


_TIMED_OUT = object()


class Pipeline:
    def __init__(
        self, db: Database, org: Organisation, router: Router, clock: Clock,
        enabled_platforms: Iterable[str], wake_senders: Callable[[set[str]], None] = lambda _: None,
        max_batch: int = MAX_BATCH, roster_changed: Callable[[], Awaitable[None]] | None = None,
        spool: InboundSpool | None = None, metrics: Metrics | None = None,
        reports_asked: Callable[[], None] = lambda: None,
    ):
        self.db = db
        self.org = org
        self.router = router
        self.clock = clock
        self.enabled_platforms = frozenset(enabled_platforms)
        self.wake_senders = wake_senders
        self.max_batch = max_batch
        self.roster_changed = roster_changed
        self.reports_asked = reports_asked  # wakes the report worker after a /review, /stats …
        self.t = Translator(org.language)
        self.metrics = metrics or Metrics()
        self.events_handled = 0
        self.events_failed = 0
        self.spool = spool
        self.events_spooled = 0
        self.degraded_since: datetime | None = None  # when the database last refused us, until it takes events again
        self._told_degraded: set[tuple[str, str]] = set()  # conversations told once per outage
        self._queue: asyncio.Queue[_Pending | _Nudge | None] = asyncio.Queue()  # None: stop
        self._writer: asyncio.Task[None] | None = None
        self._redraws = RedrawQueue()  # asked by the transactions since they last ran
        self._redraws_owner = secrets.token_hex(8)  # this process, on its marks (storage.redraws)
        self._settled = asyncio.Event()  # set while the writer has nothing in hand

    async def handle(self, event: Event) -> HandleResult:
        """Handle one event; returns once its effects and messages are committed (or spooled)."""
        return await self._submit(event, from_spool=False)

    async def replay_spooled(self, batch: int = MAX_BATCH) -> int:
        """Hand spooled events back, oldest first, while the database takes them; how many."""
        replayed = 0
        while self.spool is not None and len(self.spool):
            events = self.spool.peek(batch)
            results = await asyncio.gather(
                *(self._submit(e, from_spool=True) for e in events if e is not None), return_exceptions=True)
            if any(isinstance(r, BaseException) for r in results):
                return replayed  # still down: the spool keeps them (ids make a second go harmless)
            self.spool.drop_first(len(events))
            replayed += len(events)
            log.info("replayed %s spooled events; %s still waiting", len(events), len(self.spool))
        self._recovered()
        return replayed

    async def _submit(self, event: Event, *, from_spool: bool) -> HandleResult:
        event = _visible(event)
        self._start_writer()
        pending = _Pending(event, asyncio.get_running_loop().create_future(), from_spool)
        self.router.arrived(self.org, event)
        self._settled.clear()
        self._queue.put_nowait(pending)
        return await pending.done

    async def run_job(self, job: TimerJob) -> int:
        """Run a timer job in a transaction of its own, its messages with it."""
        started = time.perf_counter()
        done, redraws = await self._in_own_transaction(job)
        self.metrics.transaction_seconds.labels(getattr(job, "__name__", "timer")).observe(
            time.perf_counter() - started)
        self.metrics.timer_jobs_fired.labels(getattr(job, "__name__", "timer")).inc(done)
        if redraws:  # timers are few: no batching to wait for
            await self._redraw(redraws)
        return done

    async def redraw_left_over(self) -> int:
        """Redraw what a process that died after commit had not redrawn; how many."""
        async with self.db.transaction() as session:
            left = await RedrawRepository(session, self._redraws_owner).left_over()
        for start in range(0, len(left), REDRAWS_PER_TRANSACTION):
            await self._redraw(left[start:start + REDRAWS_PER_TRANSACTION], of_every_owner=True)
        if left:
            log.info("redrew %s views a stopped process left: %s", len(left),
                     ", ".join(f"{kind} {incident}" for kind, incident in left[:10]))
        return len(left)

    async def settle(self) -> None:
        """Wait until what was handed in is committed and its views redrawn, those resting too."""
        if self._writer is not None and not self._writer.done():
            if not self._settled.is_set():
                self._queue.put_nowait(_Nudge(flush=True))
            await self._settled.wait()

    def _start_writer(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches(), name="pipeline-writer")

    async def _in_own_transaction(self, job: TimerJob) -> tuple[int, list[Redraw]]:
        """A job's work, messages and end-of-transaction work in one transaction; the
        redraws it asked for after commit."""
        async with self.db.transaction() as session:
            ctx = Context(session=session, org=self.org, t=self.t, now=self.clock.now(),
                          enabled_platforms=self.enabled_platforms)
            done = await job(ctx)
            outgoing = [o for o in ctx.outgoing if o.to.platform in self.enabled_platforms]
            outgoing.extend(await self._finish(session, ctx.now))
            outgoing = self._drills_marked(session, outgoing)
            await OutboxRepository(session).enqueue(outgoing, ctx.now)
            report_asked = transaction_state(session).report_asked
            redraws = await self._take_redraws(session, ctx.now)
        if report_asked:  # a scheduled bulletin claimed
            self.reports_asked()
        if outgoing:
            self.wake_senders({o.to.platform for o in outgoing})
        return done, redraws

    async def _take_redraws(self, session: AsyncSession, now: datetime) -> list[Redraw]:
        """The transaction's asks to redraw after commit, written with it (see storage.redraws)."""
        redraws = take_redraws(session)
        await RedrawRepository(session, self._redraws_owner).mark(redraws, now)
        return redraws

    async def _redraw(self, redraws: list[Redraw], *, of_every_owner: bool = False) -> None:
        """Redraw the views in one transaction of its own that first holds every incident
        they draw, and clears their marks; those of incidents the other process holds
        just then go to the next round. If it fails, the marks stay: the next start
        redraws them, and so does the next change of each incident."""
        later: list[Redraw] = []
        drawn: list[Redraw] = []

        async def redraw_all(ctx: Context) -> int:
            held, busy = await IncidentRepository(ctx.session).held(sorted({i for _, i in redraws}))
            ctx.work.incidents_held = held
            # The other process is redrawing these: once it is done, with the next round.
            later.extend(r for r in redraws if r[1] in busy)
            drawn.extend(r for r in redraws if r[1] not in busy)
            for kind, incident_id in drawn:
                if (redraw := self.router.redraws.get(kind)) is not None:
                    await redraw(ctx, incident_id)
                else:
                    log.error("no redraw of kind %r (for %s)", kind, incident_id)
            await RedrawRepository(ctx.session, self._redraws_owner).clear(drawn, of_every_owner=of_every_owner)
            return len(drawn)

        started = time.perf_counter()
        try:
            _, more = await self._in_own_transaction(redraw_all)
        except Exception:  # noqa: BLE001 - the writer must go on with the next events
            log.exception("redrawing after commit failed (%s)", ", ".join(f"{k} {i}" for k, i in redraws))
            return
        self.metrics.transaction_seconds.labels("after_commit").observe(time.perf_counter() - started)
        self._redraws.drawn(drawn, time.monotonic())
        if later:
            self._defer(later)
        if more:  # it would run again at once, and again: a loop, not a redraw
            log.error("a redraw asked for more redraws, dropped: %s", more)

    def _defer(self, redraws: list[Redraw]) -> None:
        self._redraws.ask(redraws, time.monotonic())
        if asyncio.current_task() is not self._writer:  # a timer's or the start's: the writer may be asleep
            self._start_writer()
            self._settled.clear()
            self._queue.put_nowait(_Nudge())

    async def stop(self) -> None:
        """Finish what was handed in, then stop (never abandon a transaction midway)."""
        if self._writer is not None and not self._writer.done():
            self._queue.put_nowait(None)
            await self._writer

    async def _write_batches(self) -> None:
        while True:
            first = await self._next_event()
            if first is None:
                await self._redraw_left()
                return
            batch = [first]
            stopping = False
            while len(batch) < self.max_batch and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:
                    stopping = True
                    break
                if isinstance(item, _Nudge):
                    self._nudged(item)
                else:
                    batch.append(item)
            await self._run(batch)
            if stopping:
                await self._redraw_left()
                return

    async def _next_event(self) -> _Pending | None:
        """The next event (None: stop), redrawing after commit when it is due: once no
        event has come for AFTER_COMMIT_LINGER_S (the answered senders of a flood send
        their next ones within a millisecond or so), or when the ready redraws have waited
        AFTER_COMMIT_AT_MOST_S. Between rounds of redraws, events come first."""
        while True:
            now = time.monotonic()
            self._redraws.wake(now)
            if self._redraws.ready:
                if now - self._redraws.ready_since < AFTER_COMMIT_AT_MOST_S:
                    item = await self._get(AFTER_COMMIT_LINGER_S)
                    if item is not _TIMED_OUT and not self._nudged(item):
                        return item  # type: ignore[return-value]
                    continue
                await self._redraw(self._redraws.take(REDRAWS_PER_TRANSACTION))
                timeout: float | None = 0.0
            else:
                wake = self._redraws.next_wake()
                if wake is None and self._queue.empty():
                    self._settled.set()
                timeout = None if wake is None else max(0.0, wake - now)
            item = await self._get(timeout)
            if item is not _TIMED_OUT and not self._nudged(item):
                return item  # type: ignore[return-value]

    async def _get(self, timeout: float | None) -> object:
        """The next item in the queue, or _TIMED_OUT if none came within the timeout."""
        if timeout == 0.0:
            return self._queue.get_nowait() if not self._queue.empty() else _TIMED_OUT
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except asyncio.TimeoutError:
            return _TIMED_OUT

    def _nudged(self, item: object) -> bool:
        """Whether the item was a nudge (taken care of here) rather than an event or stop."""
        if not isinstance(item, _Nudge):
            return False
        if item.flush:
            self._redraws.wake(time.monotonic(), everything=True)
        return True

    async def _redraw_left(self) -> None:
        self._redraws.wake(time.monotonic(), everything=True)
        while self._redraws.ready:
            await self._redraw(self._redraws.take(REDRAWS_PER_TRANSACTION))
        self._settled.set()

    async def _run(self, batch: list[_Pending]) -> None:
        started = time.perf_counter()
        try:
            results, outgoing, redraws = await self._handle_in_transaction([p.event for p in batch])
        except Exception as exc:
            if is_storage_failure(exc):
                self._spool(batch, exc)
                return
            if len(batch) > 1:  # find the culprit: each event on its own
                for pending in batch:
                    await self._run([pending])
                return
            self.events_failed += 1
            event = batch[0].event
            self.metrics.failed(event)
            log.exception("handling %s from %s failed", type(event).__name__, event.actor)
            results, outgoing = [await self._apologise(event)], []
        else:
            if redraws:
                self._defer(redraws)
            self.metrics.transaction_seconds.labels("events").observe(time.perf_counter() - started)
            self.events_handled += len(batch)
            self.metrics.handled(p.event for p in batch)
            if self.degraded_since is not None and not (self.spool and len(self.spool)):
                self._recovered()
        if outgoing:
            self.wake_senders({o.to.platform for o in outgoing})
        for pending, result in zip(batch, results):
            if not pending.done.done():  # the caller may have given up waiting
                pending.done.set_result(result)

    async def _handle_in_transaction(
        self, events: list[Event]
    ) -> tuple[list[HandleResult], list[Outgoing], list[Redraw]]:
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
            outgoing = self._drills_marked(session, outgoing)
            await OutboxRepository(session).enqueue(outgoing, now)
            reload_roster = transaction_state(session).roster_changed
            report_asked = transaction_state(session).report_asked
            redraws = await self._take_redraws(session, now)
        if report_asked:
            self.reports_asked()
        if reload_roster and self.roster_changed is not None:
            await self.roster_changed()  # the next events see who joined or was bound
        return results, outgoing, redraws

    def _drills_marked(self, session: AsyncSession, outgoing: list[Outgoing]) -> list[Outgoing]:
        return mark_drill_messages(outgoing, drill_ids_seen(session), self.t("drill.mark"))

    async def _finish(self, session: AsyncSession, now: datetime) -> list[Outgoing]:
        """Work the transaction's events asked to have done once (see Context.once_per_transaction)."""
        finishers = take_finishers(session)
        if not finishers:
            return []
        ctx = Context(session=session, org=self.org, t=self.t, now=now, enabled_platforms=self.enabled_platforms)
        for _ in range(3):  # a finisher may ask for more (a board redrawn redraws the upper centre's card)
            for finish in finishers:
                await finish(ctx)
            if not (finishers := take_finishers(session)):
                break
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

    def _spool(self, batch: list[_Pending], exc: Exception) -> None:
        """The database refused the batch: keep its events locally, and say so once per conversation."""
        if self.degraded_since is None:
            self.degraded_since = self.clock.now()
            log.error("database unavailable (%s); incoming events are kept in %s until it returns",
                      _first_line(exc), self.spool.path if self.spool is not None else "nowhere")
        for pending in batch:
            if pending.done.done():
                continue
            if pending.from_spool:  # already in the spool: the replayer tries again later
                pending.done.set_exception(StorageUnavailable(_first_line(exc)))
                continue
            pending.done.set_result(self._keep(pending.event))

    def _keep(self, event: Event) -> HandleResult:
        try:
            if self.spool is None:
                raise SpoolFull("no spool configured")
            self.spool.append(event)
        except SpoolFull as full:
            log.error("could not keep %s from %s: %s", type(event).__name__, event.actor, full)
            return HandleResult(private_answer=self.t("degraded.not_kept"), degraded=True)
        self.events_spooled += 1
        self.metrics.spooled(event)
        where = (event.conversation.ref.platform, event.conversation.ref.chat_id)
        if isinstance(event, ButtonEvent) or where not in self._told_degraded:
            self._told_degraded.add(where)
            return HandleResult(private_answer=self.t("degraded.kept"), degraded=True)
        return HandleResult(degraded=True)

    def _recovered(self) -> None:
        if self.degraded_since is not None:
            log.warning("database available again (unavailable since %s)", self.degraded_since.isoformat())
        self.degraded_since = None
        self._told_degraded.clear()

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


def _first_line(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:300]


def _visible(event: Event) -> Event:
    """The event with direction overrides and zero-width characters taken out of the
    sender's name and words, once, for every platform (see core.text.strip_invisible)."""
    changes: dict[str, object] = {}
    name = strip_invisible(event.actor.display_name)
    if name != event.actor.display_name:
        changes["actor"] = replace(event.actor, display_name=name)
    for text_field in ("text", "args"):
        value = getattr(event, text_field, None)
        if isinstance(value, str) and (visible := strip_invisible(value)) != value:
            changes[text_field] = visible
    return replace(event, **changes) if changes else event
