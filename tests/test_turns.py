"""Turns at the platform's window: one at a time, lowest rank first, cancellation safe."""
from __future__ import annotations

import asyncio

import pytest

from core.turns import RankedTurns


async def test_the_lowest_ranked_waiter_goes_next_then_first_come() -> None:
    turns, order = RankedTurns(), []

    async def take(name: str, rank: float) -> None:
        async with turns.turn(rank):
            order.append(name)
            await asyncio.sleep(0.01)

    first = asyncio.create_task(take("first", 2))
    await asyncio.sleep(0)  # holds the turn
    waiters = [asyncio.create_task(take(name, rank))
               for name, rank in [("bulk-1", 2), ("bulk-2", 2), ("receipt", 0), ("alert", -1)]]
    await asyncio.gather(first, *waiters)
    assert order == ["first", "alert", "receipt", "bulk-1", "bulk-2"]


async def test_a_waiter_cancelled_before_or_as_its_turn_comes_never_blocks_the_rest() -> None:
    turns, order = RankedTurns(), []
    release = asyncio.Event()

    async def take(name: str, rank: float, hold: asyncio.Event | None = None) -> None:
        async with turns.turn(rank):
            order.append(name)
            if hold:
                await hold.wait()

    holder = asyncio.create_task(take("holder", 0, release))
    await asyncio.sleep(0)
    gone = asyncio.create_task(take("gone", 0))
    handed = asyncio.create_task(take("handed", 1))
    last = asyncio.create_task(take("last", 2))
    await asyncio.sleep(0)
    gone.cancel()  # cancelled while waiting
    release.set()
    await asyncio.sleep(0)  # the holder ends its turn and hands it to "handed", which has not run yet
    assert holder.done()
    handed.cancel()  # cancelled just as the turn was handed to it
    with pytest.raises(asyncio.CancelledError):
        await gone
    with pytest.raises(asyncio.CancelledError):
        await handed
    await asyncio.wait_for(last, 1)
    assert order == ["holder", "last"]
