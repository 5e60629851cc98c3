"""Wiring: organisation, database, router, pipeline, platforms, senders, HTTP."""
from __future__ import annotations

import asyncio
import gc
import logging
import time
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any, Callable, TextIO

import adapters  # noqa: F401  (fills the platform registry)
from bot.cap_feeds import FeedPoller
from bot.cap_http import CapEndpoints, take_cap
from bot.http import HttpServer
from bot.metrics import Metrics
from bot.outbox import OutboxSender
from bot.pipeline import Pipeline, TimerJob
from bot.reports import ReportWorker
from bot.spool import InboundSpool
from adapters.web.server import WebBoard, WebSettings
from config.organisation import Organisation
from config.roster import merge as merge_roster
from config.settings import Settings
from core.clock import Clock, SystemClock
from core.i18n import LANGUAGES, Translator
from core.platform import ChatPlatform, CommandInfo, PlatformBuild
from core.registry import PLATFORMS
from handlers.router import Router
from storage.broadcasts import BroadcastRepository
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.retention import forget_before
from storage.rollcalls import RollcallRepository
from storage.roster import RosterRepository

log = logging.getLogger(__name__)

SENDER_STOP_TIMEOUT_S = 15.0
TIMER_INTERVAL_S = 1.0
SPOOL_REPLAY_INTERVAL_S = 1.0
ROSTER_POLL_TICKS = 5  # how often (in timer ticks) to look for roster changes made elsewhere
RETENTION_TICKS = 3_600  # how often (in timer ticks, about an hour) to forget old tokens, ids and rows
# /readyz fails when a message has waited this long for delivery: the platform is away,
# refusing, or the bot cannot keep up.
OUTBOX_MAX_AGE_S = 120.0


def build_router(board_url: Callable[[], str] = lambda: "http://127.0.0.1:8080") -> Router:
    from handlers import board, broadcast, dispatch, drill, duty, phone, review, rollcall, roster
    from handlers import help as help_handlers
    from handlers.intake import handler as intake

    router = Router()
    board.register(router, board_url)  # /board: a sign-in link to the web board
    broadcast.register(router)
    roster.register(router)
    duty.register(router)
    dispatch.register(router)  # before intake: replies to its questions are not reports
    rollcall.register(router)  # before intake too: reasons for absence are replies
    review.register(router)
    drill.register(router)  # /drill, /drills (#16)
    phone.register(router)  # key presses on calls, statuses of SMS and calls (issue #18)
    intake.register(router)
    help_handlers.register(router)
    return router


def timer_jobs() -> list[TimerJob]:
    from handlers.broadcast.fanout import expire_due, send_scheduled, update_progress
    from handlers.dispatch.delivery import settle_deliveries
    from handlers.dispatch.escalation import escalate_due
    from handlers.rollcall.runs import process_deadlines
    from handlers.review.schedules import start_due_reports
    from handlers.rollcall.schedules import start_due

    from handlers.phone.alert_steps import escalate_alerts
    from handlers.drill.runner import run_drills
    from handlers.drill.schedules import start_scheduled_drills

    return [settle_deliveries, escalate_due, send_scheduled, update_progress, start_due, process_deadlines,
            start_due_reports, expire_due, escalate_alerts, start_scheduled_drills, run_drills]


class Liandong:
    """One bot process. `start()` brings everything up; `stop()` takes it down."""

    def __init__(
        self, settings: Settings, org: Organisation, *, clock: Clock | None = None,
        console_out: TextIO | None = None, http: bool = True, outbox_max_age_s: float = OUTBOX_MAX_AGE_S,
    ):
        self.settings = settings
        self.org = org
        self.clock = clock or SystemClock()
        self.metrics = Metrics()  # a registry of this bot's own: several bots in one process count apart
        self.outbox_max_age = timedelta(seconds=outbox_max_age_s)
        self.db = Database(settings.database_url)
        self.router = build_router(self.board_url)
        self.platforms = settings.enabled_platforms()
        self.base = org.spec  # the organisation file; the database's roster is laid over it
        self.spool = InboundSpool(settings.spool_path)
        self.pipeline = Pipeline(self.db, org, self.router, self.clock, self.platforms, self._wake,
                                 roster_changed=self.load_roster, spool=self.spool, metrics=self.metrics,
                                 reports_asked=lambda: self.reports.wake())
        commands = self.command_menu()
        self.chats: list[ChatPlatform] = [
            PLATFORMS.get(name).build(PlatformBuild(
                settings=settings, values=settings.values_for(PLATFORMS.get(name)), sink=self.pipeline.handle,
                commands=commands, organisation=org, output=console_out,
            ))
            for name in self.platforms
        ]
        self.senders = {
            chat.platform: OutboxSender(self.db, chat, self.clock, limiter=chat.limiter,
                                        max_retry_after_s=settings.max_retry_after_s, metrics=self.metrics)
            for chat in self.chats
        }
        self.metrics.platforms_known(self.senders)
        self.http = (
            HttpServer(settings.http_host, settings.http_port, self.db, self.scrape, self.readiness)
            if http else None
        )
        for chat in self.chats:
            for route in chat.http_routes():
                if self.http is not None:
                    self.http.add_route(*route)
        # The web board (/board): a read-only channel on the same server.
        self.board = WebBoard(self.db, lambda: self.org, self.clock, WebSettings(
            session_ttl=timedelta(hours=settings.board_session_hours), public_url=settings.public_url,
            map_tiles=settings.map_tiles))
        if self.http is not None:
            for route in self.board.routes():
                self.http.add_route(*route)
        # Reviews and statistics, built off the event loop (bot/reports.py).
        self.reports = ReportWorker(self.db, lambda: self.org, self.clock, self.platforms, self._wake)
        # CAP 1.2 warnings in and out (#17): only with a token, never open to anyone.
        self.cap = CapEndpoints(self, settings.cap_token) if settings.cap_token else None
        if self.cap is not None and self.http is not None:
            for route in self.cap.routes():
                self.http.add_route(*route)
        self.cap_feeds = (FeedPoller(settings.cap_feeds, partial(take_cap, self), settings.cap_poll_s)
                          if settings.cap_feeds else None)
        self._tasks: list[asyncio.Task[None]] = []
        self._sender_tasks: dict[str, asyncio.Task[None]] = {}
        self._stopping = False

    def chat(self, platform: str) -> ChatPlatform | None:
        return next((c for c in self.chats if c.platform == platform), None)

    @property
    def console(self) -> Any:
        """The chat in the terminal, when it runs (tests type into it)."""
        return next((c for c in self.chats if PLATFORMS.mirrors(c.platform)), None)

    def command_menu(self) -> list[CommandInfo]:
        """Each command with its menu description in both languages."""
        translators = {lang: Translator(lang) for lang in LANGUAGES}

        def texts(key: str) -> dict[str, str]:
            found = {lang: t(key) if t.has(key) else "" for lang, t in translators.items()}
            return {**found, "default": found[self.org.language]}

        return [CommandInfo(name, texts(f"cmd.{name}")) for name in self.router.commands]

    async def start(self, *, senders: bool = True, timers: bool | None = None) -> None:
        """Raises DatabaseUnavailable when the database cannot be reached.

        Tests deliver and fire timers step by step instead: senders=False stops both,
        timers=False only the timer loop (so a test's own run_timers() is not raced)."""
        await self.db.upgrade()
        await self.load_roster()
        if len(self.spool):  # kept while the database was down, before a restart
            log.warning("%s events wait in %s from a database outage; handling them", len(self.spool), self.spool.path)
            await self.pipeline.replay_spooled()
        await self.pipeline.redraw_left_over()  # boards and cards a process that died had not redrawn
        if senders:
            self._tasks.append(asyncio.create_task(self._replay_spool_forever(), name="spool-replay"))
        if senders if timers is None else timers:
            self._tasks.append(asyncio.create_task(self._run_timers_forever(), name="timers"))
            if self.cap_feeds is not None:  # polled like a timer: tests call poll_due themselves
                self._tasks.append(asyncio.create_task(self._poll_cap_feeds_forever(), name="cap-feeds"))
        if senders:  # tests build reports step by step (run_reports), like they deliver
            self._tasks.append(asyncio.create_task(self.reports.run_forever(lambda: self._stopping), name="reports"))
        if self.http is not None:
            try:
                await self.http.start()
            except OSError as exc:
                if self.needs_http:
                    raise
                # Health and metrics are a convenience until a webhook platform needs the port.
                log.warning("HTTP server not started on %s:%s: %s", self.settings.http_host, self.settings.http_port, exc)
                self.http = None
        # Each sender starts once its own platform is connected (before, its first sends
        # failed), and no later: Telegram waiting out an outage must not hold Slack's.
        for chat in self.chats:
            await chat.start()
            if senders and chat.platform in self.senders:
                self._start_sender(chat.platform)
        # Start-up leaves ~100k long-lived objects; frozen, a full collection no longer
        # walks them, which otherwise paused the bot ~100 ms in the middle of a storm.
        gc.collect()
        gc.freeze()
        log.info("Liandong up for %s on %s", self.org.name, ", ".join(self.platforms))

    def _start_sender(self, platform: str) -> None:
        task = asyncio.create_task(self.senders[platform].run(), name=f"outbox-{platform}")
        self._tasks.append(task)
        self._sender_tasks[platform] = task

    async def load_roster(self) -> None:
        """Rebuild the organisation from the file and the roster in the database."""
        async with self.db.transaction() as session:
            snapshot = await RosterRepository(session).snapshot()
        self.use_organisation(merge_roster(self.base, snapshot, self.org.source))

    def use_organisation(self, org: Organisation) -> None:
        self.org = org
        self.pipeline.org = org
        for chat in self.chats:
            chat.use_organisation(org)

    async def catch_up_roster(self) -> bool:
        """Another process (or the CLI) changed the roster: catch up."""
        async with self.db.transaction() as session:
            version = await RosterRepository(session).version()
        if version != self.org.roster_version:
            await self.load_roster()
            return True
        return False

    async def run_foreground(self) -> None:
        """Until the platform that owns the terminal (the console) is quit; without
        one, until cancelled (a signal stops the bot)."""
        if not any(await asyncio.gather(*(chat.run_foreground() for chat in self.chats))):
            await asyncio.Event().wait()

    async def run_timers(self) -> int:
        """Fire every timer that is due now; returns how many fired."""
        from handlers.dispatch.escalation import escalate_due

        fired = 0
        for job in timer_jobs():
            done = await self.pipeline.run_job(job)
            if job is escalate_due:
                self.metrics.escalations.inc(done)
            fired += done
        return fired

    async def run_reports(self) -> int:
        """Build every report asked for so far (tests; the bot runs them as they come)."""
        return await self.reports.run_all()

    async def _run_timers_forever(self) -> None:
        ticks = 0
        while not self._stopping:
            try:
                await self.run_timers()
                ticks += 1
                if ticks % ROSTER_POLL_TICKS == 0:
                    await self.catch_up_roster()
                if ticks % RETENTION_TICKS == 1:
                    await self.forget_old_rows()
            except Exception:  # the database may be briefly away; timers stay due
                log.exception("timers failed; trying again")
            await asyncio.sleep(TIMER_INTERVAL_S)

    async def forget_old_rows(self) -> int:
        """Delete tokens, update ids and delivered rows past retention, a batch per transaction."""
        moment = self.clock.now() - timedelta(days=self.settings.retention_days)
        total = 0
        while True:
            async with self.db.transaction() as session:
                forgotten = await forget_before(session, moment)
            total += forgotten.total
            if not forgotten.total:
                break
        if total:
            log.info("retention: forgot %s rows older than %s", total, moment.date())
        return total

    async def _poll_cap_feeds_forever(self) -> None:
        """LIANDONG_CAP_FEEDS: each feed when its interval (or backoff) has passed."""
        assert self.cap_feeds is not None
        while not self._stopping:
            try:
                await self.cap_feeds.poll_due(time.monotonic())
            except Exception:  # a feed's surprise must not end the polling of the others
                log.exception("CAP feed polling failed; trying again")
            await asyncio.sleep(TIMER_INTERVAL_S)

    async def _replay_spool_forever(self) -> None:
        """Events kept during a database outage go back in, oldest first, once it answers."""
        while not self._stopping:
            if len(self.spool):
                try:
                    await self.pipeline.replay_spooled()
                except Exception:
                    log.exception("replaying the spool failed; trying again")
            await asyncio.sleep(SPOOL_REPLAY_INTERVAL_S)

    async def readiness(self) -> dict[str, str]:
        """Checks that fail now, by name (empty: ready). /readyz answers 503 with them.

        `database`, `spool`; per configured platform `platform:NAME` (its API has not
        answered lately, see ChatPlatform.reachability), `outbox_sender:NAME` (its
        sender task is not running) and `outbox_backlog:NAME` (a message has waited
        longer than `outbox_max_age`). The texts name no host and no secret."""
        failed = {}
        if self.pipeline.degraded_since is not None:
            failed["database"] = f"unavailable since {self.pipeline.degraded_since.isoformat(timespec='seconds')}"
        if len(self.spool):
            failed["spool"] = f"{len(self.spool)} events waiting for the database"
        wall = datetime.now(timezone.utc)
        for chat in self.chats:
            if problem := chat.reachability().problem(wall):
                failed[f"platform:{chat.platform}"] = problem
        for platform, running in self.senders_running().items():
            if not running:
                failed[f"outbox_sender:{platform}"] = "not running"
        try:
            undelivered = await self._undelivered()
        except Exception:  # the database check says so; this one cannot tell
            undelivered = {}
        now = self.clock.now()
        for platform, (count, oldest) in sorted(undelivered.items()):
            if oldest is not None and now - oldest > self.outbox_max_age:
                failed[f"outbox_backlog:{platform}"] = (
                    f"{count} messages undelivered, the oldest for {round((now - oldest).total_seconds())} s "
                    f"(limit {round(self.outbox_max_age.total_seconds())} s)")
        self.metrics.ready.set(0 if failed else 1)
        return failed

    def senders_running(self) -> dict[str, bool]:
        return {platform: (task := self._sender_tasks.get(platform)) is not None and not task.done()
                for platform in self.senders}

    async def _undelivered(self) -> dict[str, tuple[int, datetime | None]]:
        async with self.db.transaction() as session:
            return await OutboxRepository(session).undelivered_by_platform()

    async def drain(self, seconds: float = 2.0) -> None:
        """Deliver what is due now, for up to `seconds` (a clean console exit)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        try:  # boards redrawn after commit, too
            await asyncio.wait_for(self.pipeline.settle(), seconds)
        except asyncio.TimeoutError:
            log.warning("draining: the pipeline had not settled after %.1f s; delivering what is queued", seconds)
        for sender in self.senders.values():
            await sender.drain(max(0.0, deadline - loop.time()))

    @property
    def needs_http(self) -> bool:
        return any(chat.needs_http for chat in self.chats)

    def stop_taking_updates(self) -> None:
        """The first step of stopping: no platform takes new updates; what is in hand
        is finished and deliveries still go out until stop()."""
        for chat in self.chats:
            chat.stop_taking_updates()

    async def stop(self, timeout: float = SENDER_STOP_TIMEOUT_S) -> None:
        self._stopping = True
        for chat in self.chats:
            chat.stop_taking_updates()
        for sender in self.senders.values():
            sender.stop()
        # Let each sender settle the batch in hand (a delivery abandoned between send
        # and record would be sent again after restart), while its adapter still has
        # its connections: what is left waits in the outbox for the next start.
        _, late = await asyncio.wait(self._tasks, timeout=timeout) if self._tasks else (set(), set())
        for task in late:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        for chat in self.chats:
            await chat.stop()
        await self.pipeline.stop()
        await self.board.close()  # open board streams end, so the HTTP server need not wait for them
        self.reports.close()
        if self.http is not None:
            await self.http.stop()
        await self.db.dispose()

    def board_url(self) -> str:
        """Where /board's sign-in links point: the public URL, else the server as it listens."""
        if self.settings.public_url:
            return self.settings.public_url
        port = self.http.port if self.http is not None else self.settings.http_port
        return f"http://{self.settings.http_host}:{port}"

    def _wake(self, platforms: set[str]) -> None:
        self.board.changed()  # a commit here: open boards look now, not at their next poll
        for platform in platforms:
            if sender := self.senders.get(platform):
                sender.wake()

    async def scrape(self) -> bytes:
        """/metrics: the gauges about state set now, then everything in Prometheus text."""
        m = self.metrics
        await self.readiness()  # sets liandong_ready
        m.spool_waiting.set(len(self.spool))
        m.set_platforms({chat.platform: chat.reachability() for chat in self.chats}, self.senders_running(),
                        datetime.now(timezone.utc))
        m.set_pool(self.db.engine.pool)
        try:
            async with self.db.transaction() as session:
                outbox = OutboxRepository(session)
                counts, undelivered = await outbox.counts(), await outbox.undelivered_by_platform()
                m.set_confirmations(*await _confirmation_counts(session))
        except Exception:  # the database is away: the rest still says so, the outbox gauges go absent
            log.debug("metrics: outbox not readable", exc_info=True)
            m.clear_outbox()
        else:
            m.set_outbox(counts, undelivered, self.senders, self.clock.now())
        return m.exposition()


async def _confirmation_counts(session: Any) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(answered, asked) of the latest roll-call, (confirmed, sent to) of the latest alert."""
    run = await RollcallRepository(session).latest()
    rollcall = (len(await RollcallRepository(session).units_answered(run.id) & set(run.units)), len(run.units)) \
        if run is not None else None
    alert = await BroadcastRepository(session).latest()
    confirmed = (len(await BroadcastRepository(session).units_confirmed(alert.id) & set(alert.units)),
                 len(alert.units)) if alert is not None else None
    return rollcall, confirmed
