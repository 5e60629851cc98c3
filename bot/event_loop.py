"""The event loop `liandong run` and the benchmarks run on: uvloop where it is installed
(Linux and macOS; a dependency there), else asyncio's own.

In a storm the loop itself was about a fifth of the bot's CPU (cProfile over a roll-call
storm): every press, answer and send is a few callbacks, a future and a socket read or
write. uvloop does that bookkeeping in C over libuv behind the same API, so nothing else
changes. Side by side on 2026-12-04: the roll-call storm 89–92 % → 86 % of a core, the
ack storm's p99 683 → 495 ms (README, Performance).
"""
from __future__ import annotations

import asyncio
from typing import Any, Coroutine, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:  # Windows, or installed without it: asyncio's loop does the same work
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def name() -> str:
    """Which loop `run` uses, for the start-up log line and the benchmarks' output."""
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"
