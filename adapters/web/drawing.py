"""Where the live board is read and drawn: a thread of its own, off the bot's event loop.

Reading 500 incidents with their 2,000 orders is some 40 ms of Python (rows made into
objects, units sorted) and drawing the changed cards a few more. On the bot's event loop
that is 40 ms in one piece during which a unit's press waits. Here it runs on a thread
with its own event loop and its own database engine (reading only; on SQLite, WAL lets
it read while the bot writes), so the interpreter hands the bot's loop its turn every
few milliseconds instead, and the press's transaction never waits for board work.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Awaitable, Callable, TypeVar

from storage.db import Database

T = TypeVar("T")
STOP_WAIT_S = 5.0


class DrawingThread:
    def __init__(self, db: Database):
        self._url = db.url.render_as_string(hide_password=False)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._db: Database | None = None
        self._start = threading.Lock()
        self._pending: set[concurrent.futures.Future[object]] = set()

    async def run(self, work: Callable[[Database], Awaitable[T]]) -> T:
        """`work(database)` on the drawing thread; its result here."""
        loop = self._running()
        done = asyncio.run_coroutine_threadsafe(self._call(work), loop)
        self._pending.add(done)
        done.add_done_callback(self._pending.discard)
        # Shielded: a stream that ends (the browser left, the bot stops) does not cancel a
        # read in the middle of a database call on the other loop; close() waits for it.
        return await asyncio.shield(asyncio.wrap_future(done))

    async def _call(self, work: Callable[[Database], Awaitable[T]]) -> T:
        if self._db is None:  # made on the thread's loop: its connections belong there
            self._db = Database(self._url)
        return await work(self._db)

    def _running(self) -> asyncio.AbstractEventLoop:
        with self._start:
            if self._loop is None:  # started on the first board opened: a bot without one has no thread
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever, name="board-drawing", daemon=True)
                self._thread.start()
            return self._loop

    async def close(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if self._pending:  # a drawing under way finishes first: its connection goes back to the pool
            await asyncio.wait([asyncio.wrap_future(f) for f in list(self._pending)], timeout=STOP_WAIT_S)
        if self._db is not None:
            done = asyncio.run_coroutine_threadsafe(self._db.dispose(), loop)
            try:
                await asyncio.wait_for(asyncio.wrap_future(done), STOP_WAIT_S)
            except Exception:  # stopping anyway: the thread is a daemon
                pass
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join, STOP_WAIT_S)
        if not thread.is_alive():
            loop.close()
        self._loop = self._thread = self._db = None
