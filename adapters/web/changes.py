"""Knowing when the board changed, in this process or another one on the same database.

One watcher per process, whatever the number of open boards. While nobody watches it
does nothing. While someone does, it reads a change mark (storage/board.py: a handful
of index lookups in one round trip) every POLL_S, which catches what the other bot
process did; and this process's own pipeline nudges it after each commit, so a press
here reaches the board without waiting for the next poll. Each minute it also moves
on by itself: ages and minutes of silence grow without anything happening.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Callable

from storage.board import change_mark, floors_of
from storage.db import Database

log = logging.getLogger(__name__)

POLL_S = 0.5
NUDGE_DELAY_S = 0.05  # gather a burst of commits into one redraw
# In a storm of presses every commit nudges: the boards are redrawn at most this often,
# so reading and drawing them (some 50 ms of CPU at 500 incidents, on the drawing
# thread: adapters/web/drawing.py) cannot crowd out the presses.
MIN_GAP_S = 0.3
MINUTE_S = 60.0


class ChangeWatcher:
    def __init__(self, db: Database, now_minute: Callable[[], int], poll_s: float = POLL_S):
        self.db = db
        self.poll_s = poll_s
        self.now_minute = now_minute
        self.version = 0  # moves on each change: what the streams wait on
        # Moves each time watching starts again after nobody watched: the version stood still
        # meanwhile, so anything drawn before is older than its version says.
        self.epoch = 0
        self._mark: tuple[int, ...] | None = None
        self._minute = now_minute()
        self._watchers = 0
        self._changed = asyncio.Condition()
        self._nudged = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # -- the streams' side --

    async def watch(self) -> "Watching":
        self._watchers += 1
        if self._task is None or self._task.done():
            # The mark as it is now, before the stream draws its first page: a change
            # after this point moves the version, one before it is on that page.
            self._mark = None
            try:
                await self._look()
            except Exception:
                log.debug("board change mark not readable", exc_info=True)
            self.epoch += 1
            self._task = asyncio.create_task(self._run(), name="board-changes")
        return Watching(self)

    async def unchanged(self) -> bool:
        """Nothing changed since the last look: what was drawn then is the board now. One
        cheap read, for a screen connecting (this process's commits are looked at after a
        short delay, another's at the next poll: the page it just loaded may be newer)."""
        if self._mark is None:
            return False
        async with self.db.reading() as session:
            mark = await change_mark(session, floors_of(self._mark))
        return mark == self._mark and self.now_minute() == self._minute

    @property
    def sessions_ended(self) -> int | None:
        """How many board sessions have ended (the mark's last figure): a stream asks the
        database whether its own session ended only when this moved."""
        return self._mark[-1] if self._mark else None

    def _unwatch(self) -> None:
        self._watchers -= 1
        if self._watchers <= 0 and self._task is not None:
            self._task.cancel()  # nobody looks: no more polling
            self._task = None

    async def wait_beyond(self, version: int, timeout: float) -> int:
        """The version once it is past `version`, or the same after `timeout` seconds."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: self.version != version), timeout)
            except asyncio.TimeoutError:
                pass
            return self.version

    # -- the pipeline's side --

    def nudge(self) -> None:
        """Something was committed here: look now rather than at the next poll."""
        if self._watchers:
            self._nudged.set()

    # -- the loop --

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            try:
                await asyncio.wait_for(self._nudged.wait(), self.poll_s)
                await asyncio.sleep(max(NUDGE_DELAY_S, MIN_GAP_S - (loop.time() - last)))
            except asyncio.TimeoutError:
                pass
            self._nudged.clear()
            last = loop.time()
            try:
                await self._look()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database is briefly away: the board stays as it was
                log.debug("board change mark not readable", exc_info=True)

    async def _look(self) -> None:
        # A read beside the writers: on SQLite a transaction would take the one write lock
        # twice a second, and a press arriving then would wait for the board's poll.
        async with self.db.reading() as session:
            mark = await change_mark(session, floors_of(self._mark) if self._mark else None)
        minute = self.now_minute()
        if mark != self._mark or minute != self._minute:
            first = self._mark is None
            self._mark, self._minute = mark, minute
            if not first:
                await self._bump()

    async def _bump(self) -> None:
        async with self._changed:
            self.version += 1
            self._changed.notify_all()


class Watching:
    """A stream's hold on the watcher; released when the stream ends."""

    def __init__(self, watcher: ChangeWatcher):
        self.watcher = watcher

    def close(self) -> None:
        self.watcher._unwatch()

