"""Reports on a busy month: 10,000 incidents with 30,000 dispatch orders in the database.

Prints the time from asking to the answer queued for `/stats` (the month) and for one
`/review`, and the bot's button press → answer latency (the pipeline's handling of an
order's 接令, as the console drives it) alone and while each report builds. The report
is read in a read-only snapshot and built in a worker process, so presses should not
notice it.

The presses without a report and while reports build are taken in alternating rounds
(a quiet window, a `/stats`, a `/review`), so that a machine shared with other work
weighs on both samples alike; a p99 of a hundred presses is little more than their
slowest, so take several rounds.

Targets (issue #15): stats ≤ 3 s, review ≤ 1 s, presses unaffected (p99 within 20 % of
the figure without a report).
With --idle-worker the worker process only sleeps and answers with 0.4 MB of files: what
then remains of the presses' delay is the bot process's own work (taking the job, starting
the worker, writing the answer to the outbox), apart from the worker's CPU competing for
the machine's cores.

Run: .venv/bin/python bench/reports.py [--incidents 10000] [--orders 30000] [--rounds 5] [--idle-worker]
     [--database URL]
"""
from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import adapters  # noqa: E402,F401  (fills the platform registry)
from bench.database import add_database_option, backend_name, bench_database  # noqa: E402
from bot.app import Liandong  # noqa: E402
from config.organisation import load_organisation  # noqa: E402
from config.schema import INCIDENT_TYPES  # noqa: E402
from config.settings import DEFAULT_ORG, Settings  # noqa: E402
from core.messages import Message, OutgoingFile  # noqa: E402
from handlers.review import jobs  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from sqlalchemy import select  # noqa: E402

from storage.models import DispatchOrder, Incident, ReportJob  # noqa: E402
from bot import event_loop  # noqa: E402

MONTH_START = datetime(2026, 10, 31, 16, 0, tzinfo=timezone.utc)  # 2026-11-01 00:00 in Shanghai
STATES = ("on_scene", "on_scene", "on_scene", "en_route", "acknowledged", "declined", "ordered")


def _rows(incidents: int, orders: int, units: list[str]) -> tuple[list[dict], list[dict]]:
    rng = random.Random(15)
    places = ["人民路化工厂", "石岛港码头", "龙须岛镇", "成山镇东村", "崖头街道", "好运角旅游区"]
    incident_rows, order_rows = [], []
    per_day: dict[str, int] = {}
    for n in range(incidents):
        at = MONTH_START + timedelta(seconds=rng.randrange(30 * 86400 - 7200))
        day = (at + timedelta(hours=8)).strftime("%Y%m%d")
        per_day[day] = per_day.get(day, 0) + 1
        incident_rows.append({
            "id": f"{day}-{per_day[day]:04d}", "created_at": at, "status": "closed", "drill": n % 25 == 0,
            "type": rng.choice(INCIDENT_TYPES), "location": rng.choice(places), "stated_time": None,
            "dead": 0, "injured": rng.randrange(4), "trapped": 0, "missing": 0, "text": "bench",
            "language": "zh", "reporter_platform": "console", "reporter_id": "bench", "reporter_name": "bench",
            "reporter_registered": False, "source_platform": "console", "source_chat_id": "reporting",
            "source_message_id": None, "latitude": None, "longitude": None, "closed_at": at + timedelta(hours=2),
            "closed_by": "bench", "close_summary": None, "level": rng.choice((None, 1, 2, 3, 4)),
            "level_name": None, "merged_into": None, "unsure": "",
        })
    for n in range(orders):
        incident = incident_rows[n % incidents]
        ordered = incident["created_at"] + timedelta(minutes=rng.randrange(1, 10))
        state = rng.choice(STATES)
        ack = ordered + timedelta(seconds=rng.randrange(30, 900)) if state not in ("ordered", "declined") else None
        scene = ack + timedelta(minutes=rng.randrange(5, 60)) if ack and state == "on_scene" else None
        order_rows.append({
            "incident_id": incident["id"], "unit_code": units[(n // incidents) % len(units)], "state": state,
            "instruction": "", "ordered_at": ordered, "ordered_by": "bench", "ordered_by_id": "console:bench",
            "state_at": scene or ack or ordered, "state_by": None, "decline_reason": None, "decided_by": None,
            "acknowledged_at": ack, "en_route_at": None, "on_scene_at": scene, "escalation_level": 0,
            "escalate_at": None, "delivery": "delivered", "attempt": 1,
        })
    return incident_rows, order_rows


async def _press_latencies(app: Liandong, line: str, seconds: float, rate: float,
                           while_: "asyncio.Task[object] | None" = None) -> list[float]:
    """Press the same button at `rate` a second for `seconds` (or until the task ends)."""
    found = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and not (while_ is not None and while_.done()):
        started = time.perf_counter()
        await app.console.handle_line(line, app.pipeline.handle)
        found.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - started)))
    return found


def _idle_build(request: object) -> Message:
    """--idle-worker: the worker process only waits, then answers with as many bytes as a
    real review (a chart and a PDF); what is left of the presses' delay is the bot's own."""
    time.sleep(1.0)
    return Message(text="idle", files=(OutgoingFile("chart.png", os.urandom(150_000), "image/png"),
                                       OutgoingFile("review.pdf", os.urandom(250_000), "application/pdf")))


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def _timed_report(app: Liandong, ask: str, press: str, rate: float) -> tuple[float, list[float]]:
    await app.console.handle_line(ask, app.pipeline.handle)
    started = time.perf_counter()
    build = asyncio.create_task(app.reports.run_once())
    presses = await _press_latencies(app, press, 60, rate, while_=build)
    assert await build, "no report job was waiting"
    took = time.perf_counter() - started
    async with app.db.reading() as session:
        status, error = (await session.execute(
            select(ReportJob.status, ReportJob.error).order_by(ReportJob.id.desc()).limit(1))).one()
    assert status == "done", f"the report was not built: {error}"
    return took, presses


async def main(args: argparse.Namespace) -> None:
    if args.idle_worker:
        jobs.read_and_build = _idle_build  # type: ignore[assignment]
    org = load_organisation(DEFAULT_ORG)
    async with bench_database(args.database, "reports") as url:
        out = io.StringIO()
        app = Liandong(Settings.of(database_url=url, console=True), org, clock=SystemClock(),
                       console_out=out, http=False)
        await app.start(senders=False)
        try:
            incidents, orders = _rows(args.incidents, args.orders, list(org.units))
            started = time.perf_counter()
            async with app.db.transaction() as session:
                for table, rows in ((Incident.__table__, incidents), (DispatchOrder.__table__, orders)):
                    for first in range(0, len(rows), 2000):
                        await session.execute(table.insert(), rows[first:first + 2000])
            print(f"seeded {len(incidents):,} incidents and {len(orders):,} orders in "
                  f"{time.perf_counter() - started:.1f} s ({backend_name(args.database)})")
            # A live order to press on: the presses are real answers through the pipeline.
            await app.console.handle_line("路人甲@reporting: 人民路化工厂起火，3人受伤", app.pipeline.handle)
            today = datetime.now(timezone.utc).astimezone(org.timezone).strftime("%Y%m%d")
            await app.console.handle_line(f"王指挥@centre: /dispatch {today}-0001 FIRE-01", app.pipeline.handle)
            await app.drain()
            token = out.getvalue().rsplit("[接令 !", 1)[1].split("]", 1)[0]
            press = f"张三@FIRE-01: !{token}"
            await _press_latencies(app, press, 1, args.rate)  # warm up
            # The first build also starts the worker process; time it apart.
            stats = "王指挥@centre: /stats 2026-11"
            first_s, starting = await _timed_report(app, stats, press, args.rate)
            during: list[float] = []
            review_id = incidents[len(incidents) // 2]["id"]
            alone: list[float] = []
            stats_s: list[float] = []
            review_s: list[float] = []
            for _ in range(args.rounds):
                alone += await _press_latencies(app, press, args.baseline_seconds, args.rate)
                took, presses = await _timed_report(app, stats, press, args.rate)
                stats_s.append(took)
                during += presses
                took, presses = await _timed_report(app, f"王指挥@centre: /review {review_id}", press, args.rate)
                review_s.append(took)
                during += presses
            print(f"/stats 2026-11 ({len(incidents):,} incidents, {len(orders):,} orders): {first_s:.2f} s "
                  f"(first, worker process starting), then {_p(stats_s, .5):.2f} s median, "
                  f"{max(stats_s):.2f} s slowest of {len(stats_s)}  [target ≤ 3 s]")
            print(f"/review {review_id}: {_p(review_s, .5):.2f} s median, {max(review_s):.2f} s slowest "
                  f"of {len(review_s)}  [target ≤ 1 s]")
            print(f"press → answer without a report: p50 {_p(alone, .5):.1f} ms, p99 {_p(alone, .99):.1f} ms "
                  f"({len(alone)} presses)")
            print(f"press → answer while reports build: p50 {_p(during, .5):.1f} ms, p99 {_p(during, .99):.1f} ms "
                  f"({len(during)} presses)  [target: p99 within 20 % of the above]")
            print(f"press → answer during the first report, while the worker process starts: p50 "
                  f"{_p(starting, .5):.1f} ms, p99 {_p(starting, .99):.1f} ms ({len(starting)} presses)")
        finally:
            await app.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=30_000)
    parser.add_argument("--rate", type=float, default=20.0, help="presses a second")
    parser.add_argument("--baseline-seconds", type=float, default=2.0, help="the quiet window of each round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of a quiet window, a /stats and a /review")
    parser.add_argument("--idle-worker", action="store_true",
                        help="the worker process builds nothing (sleeps): presses then show the bot's own share")
    add_database_option(parser)
    event_loop.run(main(parser.parse_args()))
