"""Turns, one at a time, the lowest rank first, then first come.

Sends that wait for the platform's window all wake when it has room, and whichever
woke first took it: a reporter's receipt that joined a roll-call's crowd of sends
waited for most of them (2 s in the mixed storm). The outbox ranks its sends by the
slot each booked, so the room goes in the order the lanes booked it.
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
from contextlib import asynccontextmanager
from typing import AsyncIterator


class RankedTurns:
    def __init__(self) -> None:
        self._busy = False
        self._waiting: list[tuple[float, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    @asynccontextmanager
    async def turn(self, rank: float) -> AsyncIterator[None]:
        """Until it is this caller's turn (lower rank first); the turn ends with the block."""
        await self._acquire(rank)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, rank: float) -> None:
        if not self._busy and not self._waiting:
            self._busy = True
            return
        entry = (rank, next(self._arrivals), asyncio.get_running_loop().create_future())
        heapq.heappush(self._waiting, entry)
        try:
            await entry[2]  # handed the turn: _busy stays set for us
        except asyncio.CancelledError:
            if entry[2].done() and not entry[2].cancelled():
                self._release()  # the turn came just as we were cancelled: pass it on
            else:
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
            raise

    def _release(self) -> None:
        while self._waiting:
            _, _, waiter = heapq.heappop(self._waiting)
            if not waiter.done():
                waiter.set_result(None)
                return
        self._busy = False
