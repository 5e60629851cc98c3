"""The report worker: builds what /review, /stats and the scheduled bulletin ask for,
off the event loop, and answers through the outbox.

A job is taken under a lease (a short transaction), then read and built in a worker
process: the reading over the worker's own connection in a read-only snapshot (no
write lock held, and the month's rows are turned into values off the bot's event
loop), the building there too (figures, matplotlib, the PDF: CPU that would
otherwise stall every button press for seconds). It is answered in a second short
transaction that queues the messages and marks the job done. Only a database no
other process can open (in-memory SQLite) is read in the bot's process. A build
that fails is answered with an apology and kept as failed with its error; the bot
carries on.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

from config.organisation import Organisation
from core.clock import Clock
from core.events import ConversationRef
from core.messages import Message, Outgoing
from core.i18n import Translator
from handlers.drill_marks import incident_ids_named, mark_drill_messages
from handlers.review import jobs
from storage.db import Database, sqlite_path
from storage.incidents import drill_ids_among
from storage.outbox import OutboxRepository
from storage.reports import ReportRepository

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 1.0


# How much lower the worker's CPU priority is than the bot's (nice). A report is a
# second or two of CPU; on a small machine (two cores shared with other work) a
# worker at the bot's priority took the core from the event loop and presses
# answered up to ten times slower while it built. Lowered, it waits for the bot.
WORKER_NICENESS = 19


def _prepare_worker() -> None:
    """Runs first in the worker process."""
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not allowed here: the report is still built, at the bot's priority
        log.warning("could not lower the report worker's priority")
    # The worker reads the organisation's people (whom an escalation reminded), and
    # their platform ids need the platform registry, which importing adapters fills.
    import adapters  # noqa: F401


def process_pool() -> Executor:
    """One worker process, started from a clean server process (forkserver): forking the
    bot itself would copy its event loop, threads and connections into the child."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"),
                               initializer=_prepare_worker)


class ReportWorker:
    def __init__(self, db: Database, organisation: Callable[[], Organisation], clock: Clock,
                 enabled_platforms: frozenset[str], wake: Callable[[set[str]], None],
                 executor: Callable[[], Executor] = process_pool):
        self.db = db
        self.organisation = organisation
        self.clock = clock
        self.enabled_platforms = enabled_platforms
        self.wake_senders = wake
        self._make_executor = executor
        self._executor: Executor | None = None
        self._asked = asyncio.Event()
        self.built = 0

    def wake(self) -> None:
        self._asked.set()

    async def run_once(self) -> bool:
        """Take one job and answer it; False when none was waiting."""
        org = self.organisation()
        # Also polled every second (a job may be asked in another process): look first,
        # in a read, and take the write lock only when there is a job.
        async with self.db.reading() as session:
            if not await ReportRepository(session).any_waiting(self.clock.now()):
                return False
        async with self.db.transaction() as session:
            job = await ReportRepository(session).take(self.clock.now())
            if job is None:
                return False
            job_id, kind, args = job.id, job.kind, dict(job.args)
            answer_to, reply_to = list(job.answer_to), job.reply_to_message_id
        error = None
        try:
            if self._worker_can_read():
                url = self.db.url.render_as_string(hide_password=False)
                message = await self._build(jobs.read_and_build,
                                            jobs.Request(url, org, kind, args, self.clock.now()))
            else:
                async with self.db.reading() as session:
                    work = await jobs.load(session, org, kind, args, self.clock.now())
                message = work if isinstance(work, Message) else await self._build(jobs.build, work)
        except Exception as exc:
            log.exception("report job %s (%s) failed", job_id, kind)
            error = f"{type(exc).__name__}: {exc}"[:2000]
            message = jobs.failed(org.language)
        outgoing = []
        for target in answer_to:
            platform, _, chat_id = target.partition(":")
            if platform in self.enabled_platforms:
                outgoing.append(Outgoing(ConversationRef(platform, chat_id), message,
                                         reply_to_message_id=reply_to if len(answer_to) == 1 else None))
        async with self.db.transaction() as session:
            now = self.clock.now()
            # Built outside the pipeline, so marked here: a drill's review says so first (#16).
            drills = await drill_ids_among(session, incident_ids_named(outgoing))
            outgoing = mark_drill_messages(outgoing, drills, Translator(org.language)("drill.mark"))
            await OutboxRepository(session).enqueue(outgoing, now)
            await ReportRepository(session).finish(job_id, now, error)
        self.built += 1
        if outgoing:
            self.wake_senders({o.to.platform for o in outgoing})
        return True

    def _worker_can_read(self) -> bool:
        return not self.db.is_sqlite or sqlite_path(self.db.url) is not None

    async def _build(self, function: Callable[[Any], Message], work: Any) -> Message:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            try:
                if self._executor is None:
                    # Started in a thread: the first submit starts the worker process and
                    # waits for the forkserver to fork it (50-180 ms on a busy machine,
                    # more while the forkserver itself starts); on the event loop every
                    # press waited that long.
                    self._executor = await asyncio.to_thread(self._started_executor)
                return await loop.run_in_executor(self._executor, function, work)
            except BrokenProcessPool:  # the worker died (killed, out of memory): a new one, once
                self._discard_executor()
                if attempt == 2:
                    raise
            except (OSError, NotImplementedError) as exc:
                # No worker process can be started here (a sandbox without semaphores or
                # sockets): a thread still keeps the loop free, if less well than a process.
                log.warning("report worker process unavailable (%s); building in a thread", exc)
                self._discard_executor()
                self._make_executor = lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="reports")
                self._executor = self._make_executor()
        raise AssertionError("unreachable")

    def _started_executor(self) -> Executor:
        """A new executor whose worker is up (runs in a thread, off the event loop)."""
        executor = self._make_executor()
        try:
            executor.submit(os.getpid).result()
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        return executor

    def _discard_executor(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def run_all(self) -> int:
        done = 0
        while await self.run_once():
            done += 1
        return done

    async def run_forever(self, stopping: Callable[[], bool]) -> None:
        while not stopping():
            try:
                await self.run_all()
            except Exception:  # the database may be briefly away; the job stays pending
                log.exception("report worker failed; trying again")
            try:
                await asyncio.wait_for(self._asked.wait(), POLL_INTERVAL_S)
            except asyncio.TimeoutError:
                pass
            self._asked.clear()

    def close(self) -> None:
        self._discard_executor()
