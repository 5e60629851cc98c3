"""Polling until the bot under test has got somewhere, for the benchmarks."""
from __future__ import annotations

import asyncio
import time
from typing import Any, Awaitable, Callable


async def wait_for(check: Callable[[], Awaitable[Any]], timeout: float, every: float = 0.1) -> Any:
    """Await `check()` every `every` seconds until it is truthy; return it, or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    while not (found := await check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not reached within {timeout:.0f} s")
        await asyncio.sleep(every)
    return found
