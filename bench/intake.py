"""Intake throughput and latency through the whole pipeline.

Typed lines go through the console adapter's event path into the pipeline
(parse, incident, timeline, receipt and command-centre cards in the outbox; the
events that arrive together share a transaction) on a SQLite file database. By
default the outbox senders deliver at the same time, as in production;
--no-senders measures intake alone, the path the targets are set for.

1. Flood: 5,000 reports offered as fast as the bot accepts them → reports/s.
2. Steady: 200 reports/s for 10 s → p50/p99 from line typed to outbox committed.

Targets on the 2-core machine (#22): ≥ 1,500 reports/s; p99 ≤ 50 ms.
Run: .venv/bin/python bench/intake.py [--reports 5000] [--rate 200] [--seconds 10] [--no-senders]
"""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import Liandong  # noqa: E402
from config.organisation import Organisation, load_organisation  # noqa: E402
from config.schema import IntakeLimits  # noqa: E402
from config.settings import DEFAULT_ORG, Settings  # noqa: E402
from bench.database import add_database_option, backend_name, bench_database  # noqa: E402
from bench.profiling import add_profile_option, profiled  # noqa: E402
from bot import event_loop  # noqa: E402
from handlers.intake.handler import READ_AHEAD  # noqa: E402

DEV_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "intake-dev.jsonl"
FALLBACK = [
    "人民路化工厂起火，3人受伤，有人被困",
    "Fire at the Renmin Rd chemical plant, 3 injured",
    "环山路K12处山体滑坡，2人被埋",
    "石岛港2号码头一渔船碰撞，1人落水失踪",
]
IN_FLIGHT = 64  # concurrent chat messages, as from many groups at once


class NullWriter(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def report_texts() -> tuple[list[str], str]:
    """The reports to send, and where they come from: the figures depend on the texts (the
    fallback's run about 1.7 times faster), so the run says which it used."""
    if DEV_FILE.exists():
        rows = [json.loads(line) for line in DEV_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts = [r["text"].replace("\n", " ") for r in rows if r["expected"]["is_report"]]
        if texts:
            return texts, f"the development sample's {len(texts)} reports ({DEV_FILE})"
    return FALLBACK, f"the {len(FALLBACK)} built-in reports ({DEV_FILE} is not there: figures differ from the README's)"


async def main(args: argparse.Namespace) -> None:
    texts, source = report_texts()
    print(f"texts: {source}")
    async with bench_database(args.database, "intake") as database_url:
        settings = Settings.of(database_url=database_url, console=True)
        file = load_organisation(DEFAULT_ORG)
        # The benchmark is a flood by design; it measures the path every report takes
        # below the limits (a card each), not the summary that held reports get.
        unlimited = IntakeLimits(unregistered_per_hour=10_000, registered_per_hour=10_000,
                                 conversation_per_minute=10_000)
        org = Organisation(file.spec.model_copy(update={"intake_limits": unlimited}), file.source)
        app = Liandong(settings, org, console_out=NullWriter(), http=False)
        await app.start(senders=not args.no_senders)
        console, handle = app.console, app.pipeline.handle
        assert console is not None

        async def one(i: int) -> float:
            started = time.perf_counter()
            await console.handle_line(f"reporter{i % 97}@reporting: {texts[i % len(texts)]}", handle)
            return time.perf_counter() - started

        # The bot has been up for a while when a flood comes: its parse worker has started.
        READ_AHEAD.start()
        while READ_AHEAD.workers_allowed and not READ_AHEAD.ready:
            await asyncio.sleep(0.05)

        # 1. Flood
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def gated(i: int) -> float:
            async with gate:
                return await one(i)

        started = time.perf_counter()
        await asyncio.gather(*(gated(i) for i in range(args.reports)))
        elapsed = time.perf_counter() - started
        print(f"flood: {args.reports} reports in {elapsed:.2f} s = {args.reports / elapsed:,.0f} reports/s "
              f"(target ≥ 1,500)")

        # 2. Steady rate, once the flood's own work (views redrawn after commit) is done
        flood_settled = time.perf_counter()
        await app.pipeline.settle()
        print(f"the flood's redraws were done {time.perf_counter() - flood_settled:.2f} s after its last report")
        total = int(args.rate * args.seconds)
        t0 = time.perf_counter()
        tasks = []
        for i in range(total):
            delay = t0 + i / args.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(args.reports + i)))
        latencies = sorted(await asyncio.gather(*tasks))
        p50 = statistics.median(latencies) * 1000
        p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
        print(f"steady: {total} reports at {args.rate}/s: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
              f"max {latencies[-1] * 1000:.1f} ms (target p99 ≤ 50 ms)")
        failed = app.pipeline.events_failed
        print(f"events handled {app.pipeline.events_handled}, failed {failed}")
        print(f"reports read ahead by the parse worker {READ_AHEAD.read_by_worker}, "
              f"in the event loop {READ_AHEAD.read_here}")
        await app.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--no-senders", action="store_true",
                        help="measure intake alone (line in → outbox committed), no delivery beside it")
    add_database_option(parser)
    add_profile_option(parser)
    args = parser.parse_args()
    print(f"database: {backend_name(args.database)}, event loop: {event_loop.name()}")
    with profiled(args.profile):
        event_loop.run(main(args))
