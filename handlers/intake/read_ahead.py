"""Reports read ahead in a worker process, while the transaction before them runs.

Reading a report's words (handlers.intake.parser) needs no database and is about
two fifths of what intake costs the event loop in a flood of reports. So the texts
of reporting conversations are handed, as they arrive, to one worker process on
another core, in batches (one hand-over per batch keeps the cost of crossing
processes small); by the time their transaction reaches them, they have usually
been read.

The worker only ever saves time. With one core, before the worker has started,
after it crashed, or when it is slow, the handler reads the text itself: a report
is never lost, nor held up for long, for the worker's sake. Parsing is a pure
function of the text, so either way the answer is the same.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass

from handlers.intake.parse_worker import ParseWorker
from handlers.intake.parser import ParsedReport, parse_report

log = logging.getLogger(__name__)

# Texts per hand-over. Fewer would cost more in crossing processes; more would keep the
# first of a burst waiting for the last to be read, and the event loop with it.
BATCH = 8
# A transaction waits no longer than this for the worker, then reads the text itself.
WAIT_FOR_WORKER_S = 1.0
# A text offered but never asked for (the message was a reply to a question, say) is
# forgotten after this long.
FORGET_AFTER_S = 60.0
# After the worker failed, texts are read in the event loop for this long before a new
# worker is tried: a worker that cannot start must not be restarted for every message.
RESTART_AFTER_S = 30.0


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class _Ahead:
    batch: asyncio.Future[list[ParsedReport]]
    index: int
    offered_at: float
    wanted: int = 1  # the same text offered again (a repost) shares one reading


class ReadAhead:
    def __init__(self, *, workers_allowed: bool | None = None):
        # One core: a worker would only take turns with the event loop. Not on Windows: the
        # worker's pipes are handed over as inherited file descriptors.
        self.workers_allowed = (_cores() >= 2 and os.name == "posix") if workers_allowed is None else workers_allowed
        self.read_by_worker = 0
        self.read_here = 0
        self._worker: ParseWorker | None = None
        self._failed_at: float | None = None
        self._waiting: list[str] = []
        self._handing_over_on: asyncio.AbstractEventLoop | None = None
        self._ahead: dict[str, _Ahead] = {}

    def offer(self, text: str) -> None:
        """A reporting conversation's text has arrived: start reading it in the worker."""
        if not self.workers_allowed:
            return
        loop = asyncio.get_running_loop()
        if self._worker is not None and self._worker.loop is not loop:
            self._ahead.clear()  # readings promised to a loop that is no more (tests run one per test)
        if (known := self._ahead.get(text)) is not None:
            known.wanted += 1
            return
        if self._handing_over_on is not loop:  # one hand-over for all that arrive in this turn of the loop
            self._waiting = []  # (left by a loop that closed before handing them over)
            self._handing_over_on = loop
            loop.call_soon(self._hand_over)
        self._waiting.append(text)

    async def parsed(self, text: str) -> ParsedReport:
        """The text read: by the worker if it was offered and the worker answers in time."""
        ahead = self._take(text)
        if ahead is None and self._waiting:  # its transaction came before the turn that hands over
            self._hand_over()
            ahead = self._take(text)
        if ahead is not None:
            try:
                batch = await asyncio.wait_for(asyncio.shield(ahead.batch), WAIT_FOR_WORKER_S)
            except Exception as exc:  # noqa: BLE001 - gone or slow: read it here
                self._worker_failed(exc)
            else:
                self.read_by_worker += 1
                return batch[ahead.index]
        self.read_here += 1
        return parse_report(text)

    def start(self) -> None:
        """Start the worker now rather than with the first report (it takes a few tenths of a second)."""
        if self.workers_allowed:
            self._ready_worker(asyncio.get_running_loop())

    @property
    def ready(self) -> bool:
        return self._worker is not None and self._worker.ready and not self._worker.gone

    @property
    def worker_pid(self) -> int | None:
        return self._worker.pid if self._worker is not None else None

    @property
    def held(self) -> int:
        """Texts read or being read whose handler has not asked yet."""
        return len(self._ahead)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        self._ahead.clear()

    def _take(self, text: str) -> _Ahead | None:
        ahead = self._ahead.get(text)
        if ahead is None:
            return None
        ahead.wanted -= 1
        if ahead.wanted <= 0:
            del self._ahead[text]
        return ahead

    def _hand_over(self) -> None:
        texts, loop, self._waiting, self._handing_over_on = self._waiting, self._handing_over_on, [], None
        worker = self._ready_worker(loop) if loop is not None else None
        if worker is None or not texts:
            return  # they are read in the event loop, as without a worker
        now = time.monotonic()
        self._forget_older_than(now - FORGET_AFTER_S)
        for start in range(0, len(texts), BATCH):
            chunk = texts[start:start + BATCH]
            batch = worker.submit(chunk)
            if batch is None:  # it has enough in hand: these are read in the event loop
                return
            for index, text in enumerate(chunk):
                if text in self._ahead:  # offered twice in one turn
                    self._ahead[text].wanted += 1
                else:
                    self._ahead[text] = _Ahead(batch, index, now)

    def _ready_worker(self, loop: asyncio.AbstractEventLoop) -> ParseWorker | None:
        """The worker, reading its answers in this event loop, once it has started; None
        until then (starting it if need be)."""
        if self._worker is not None and self._worker.gone:
            self._worker_failed(None)
        if self._worker is None:
            if self._failed_at is not None and time.monotonic() - self._failed_at < RESTART_AFTER_S:
                return None
            try:
                self._worker = ParseWorker()
            except Exception as exc:  # noqa: BLE001 - no processes allowed here, say: read in the loop
                self._worker_failed(exc)
                return None
        if self._worker.loop is not loop:
            self._ahead.clear()  # readings promised to a loop that is no more (tests run one per test)
            self._worker.attach(loop)
        return self._worker if self._worker.ready else None  # starting takes a few tenths of a second

    def _worker_failed(self, exc: BaseException | None) -> None:
        if self._failed_at is None or time.monotonic() - self._failed_at >= RESTART_AFTER_S:
            log.warning("reading reports in the event loop for %.0f s: the parse worker failed (%s)",
                        RESTART_AFTER_S, type(exc).__name__ if exc is not None else "it exited")
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        self._failed_at = time.monotonic()
        self._ahead.clear()

    def _forget_older_than(self, moment: float) -> None:
        stale = []
        for text, ahead in self._ahead.items():  # in the order offered: the oldest first
            if ahead.offered_at >= moment:
                break
            stale.append(text)
        for text in stale:
            del self._ahead[text]
