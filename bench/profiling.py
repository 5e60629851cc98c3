"""`--profile`: where a benchmark's CPU goes, from cProfile, printed after its figures.

The profiler slows the bot by a third or more, so a profiled run's latencies are
not the benchmark's figures; its shares of CPU are what it is for.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
from contextlib import contextmanager
from typing import Iterator

TOP = 30


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", action="store_true",
                        help=f"profile the bot's process with cProfile and print the {TOP} costliest functions "
                             "(figures of a profiled run are slower than the real ones)")


@contextmanager
def profiled(enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        print(report(profiler))


def report(profiler: cProfile.Profile) -> str:
    """The costliest functions by their own time, then by time including callees."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    print(f"--- profile: {TOP} functions by own time ---", file=out)
    stats.sort_stats("tottime").print_stats(TOP)
    print(f"--- profile: {TOP} functions by cumulative time ---", file=out)
    stats.sort_stats("cumulative").print_stats(TOP)
    return out.getvalue()
