"""A duty roll-call through Telegram: 500 units × 20 members, everyone answering
到 within 60 seconds, through the fake Bot API server with Telegram's limits.

A centre member types `/rollcall all answer:all deadline:30m`; once every unit's
group has its roll-call message, each member of each unit presses 到 (shuffled),
the presses spread evenly over the window.

Prints answers recorded (rollcall_answers rows; must be units × members, each
(unit, person) exactly once), p50/p99 from press to answerCallbackQuery (target
p99 ≤ 200 ms), peak RSS of the bot's process (target ≤ 300 MB; the fake runs in
a child process and is not counted), 429 answers (target 0) and the edits sent.
Run: .venv/bin/python bench/rollcall.py [--units 500] [--members 20] [--seconds 60]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from bot.app import Liandong  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from config.organisation import Organisation  # noqa: E402
from config.schema import OrganisationFile  # noqa: E402
from config.settings import Settings  # noqa: E402
from storage.models import RollcallAnswer  # noqa: E402
from storage.outbox import OutboxRepository  # noqa: E402
from bench.remote_telegram import RemoteFakeTelegram  # noqa: E402
from bench.database import add_database_option, backend_name, bench_database  # noqa: E402
from bench.profiling import add_profile_option, profiled  # noqa: E402
from bench.waiting import wait_for  # noqa: E402
from bot import event_loop  # noqa: E402

CENTRE, REPORTING, COMMANDER = -100, -200, 1
FIRST_UNIT_CHAT = -10_000


def unit_chat(u: int) -> int:
    return FIRST_UNIT_CHAT - u


def member_id(u: int, m: int) -> int:
    return 1_000_000 + u * 1000 + m


def organisation(units: int, members: int) -> Organisation:
    spec = OrganisationFile.model_validate({
        "organisation": {"name": "bench", "language": "zh", "timezone": "Asia/Shanghai"},
        "command_centre": {"channels": [{"telegram": str(CENTRE)}],
                           "members": [{"name": "指挥", "telegram": str(COMMANDER)}]},
        "reporting": {"channels": [{"telegram": str(REPORTING)}]},
        "units": [{
            "code": f"U{u:04d}", "name": f"单位{u}", "kind": "government",
            "channels": [{"telegram": str(unit_chat(u))}],
            "members": [{"name": f"队员{u}-{m}", "telegram": str(member_id(u, m)),
                         "role": "duty_officer" if m == 0 else "member"} for m in range(members)],
        } for u in range(units)],
    })
    return Organisation(spec)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child_cpu_seconds(pid: int) -> float:
    """User + system CPU of another process (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def main(units: int, members: int, seconds: float, detail: bool = False, database: str | None = None) -> None:
    org = organisation(units, members)
    async with RemoteFakeTelegram() as fake:
        async with bench_database(database, "rollcall") as database_url:
            settings = Settings.of(database_url=database_url, telegram_token=fake.token,
                                telegram_api_url=fake.root_url, http_port=0, console=False)
            app = Liandong(settings, org, clock=SystemClock(), http=False)
            await app.start()
            started_rss = rss_mb()
            await fake.post("inject_message", chat_id=CENTRE, user_id=COMMANDER,
                            text="/rollcall all answer:all deadline:30m")
            print(f"roll-call to {units} units × {members} members…", flush=True)
            sending = time.monotonic()

            async def unit_messages() -> list[dict]:
                return [m for m in await fake.get("sent") if m["chat"]["id"] <= FIRST_UNIT_CHAT]

            async def all_sent() -> bool:
                return len({m["chat"]["id"] for m in await unit_messages()}) >= units
            await wait_for(all_sent, units / 20 + 60, every=0.5)
            send_seconds = time.monotonic() - sending
            print(f"roll-call messages in all {units} groups after {send_seconds:.1f} s", flush=True)

            presses = []
            for message in await unit_messages():
                token = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"]
                             for b in row if b["text"].startswith("到"))
                u = FIRST_UNIT_CHAT - message["chat"]["id"]
                presses += [{"chat_id": message["chat"]["id"], "user_id": member_id(u, m),
                             "message_id": message["message_id"], "data": token} for m in range(members)]
            random.shuffle(presses)
            before = await fake.get("stats")
            cpu_before, fake_cpu_before = _cpu_seconds(), _child_cpu_seconds(fake.process.pid)
            await fake.post("inject_callbacks", presses=presses, spread_seconds=seconds)
            pressing = time.monotonic()

            async def all_answered() -> bool:
                return (await fake.get("stats"))["answered"] - before["answered"] >= len(presses)
            # Not polled during the window: the stats are big, and reading them costs the bot's loop.
            await asyncio.sleep(seconds)
            await wait_for(all_answered, 120, every=0.5)
            answer_seconds = time.monotonic() - pressing
            press_cpu = _cpu_seconds() - cpu_before
            fake_cpu = _child_cpu_seconds(fake.process.pid) - fake_cpu_before

            async def edits_settled() -> bool:  # every pending edit sent (Telegram's limits pace them)
                async with app.db.transaction() as session:
                    counts = await OutboxRepository(session).counts()
                return counts.get("pending", 0) + counts.get("sending", 0) == 0
            await wait_for(edits_settled, units / 20 + 120, every=0.5)
            settle_seconds = time.monotonic() - pressing - answer_seconds
            await asyncio.sleep(2)
            after = await fake.get("stats", **({"detail": 1} if detail else {}))
            async with app.db.transaction() as session:
                recorded = await session.scalar(select(func.count()).select_from(RollcallAnswer))
                pairs = (await session.execute(
                    select(RollcallAnswer.unit_code, RollcallAnswer.user_id, func.count())
                    .group_by(RollcallAnswer.unit_code, RollcallAnswer.user_id)
                )).all()
            await app.stop()
    peak_rss = rss_mb()
    once = sum(1 for *_, n in pairs if n == 1)
    latencies = sorted(after["latencies"])
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000

    def unit_edits(stats: dict) -> int:
        return sum(n for chat, n in stats["edits_by_chat"].items() if int(chat) <= FIRST_UNIT_CHAT)
    edits = unit_edits(after) - unit_edits(before)
    print(f"answers recorded: {recorded} of {len(presses)} ({len(pairs)} distinct (unit, person), "
          f"{once} exactly once)")
    print(f"all presses answered {answer_seconds:.1f} s after the first (window {seconds:g} s)")
    print(f"press → answerCallbackQuery: p50 {p50:.0f} ms, p99 {p99:.0f} ms (target p99 ≤ 200 ms)")
    print(f"bot CPU while pressing: {press_cpu:.1f} s in {answer_seconds:.1f} s "
          f"({press_cpu / answer_seconds:.0%} of one core; the fake Telegram {fake_cpu / answer_seconds:.0%})")
    print(f"peak RSS of the bot: {peak_rss:.0f} MB (target ≤ 300 MB; {started_rss:.0f} MB after start)")
    print(f"429s: {after['count_429']} (target 0)")
    print(f"edits sent: {edits} to {units} unit groups (the last {settle_seconds:.1f} s after the last answer)")
    if detail:
        _print_detail(after["detail"], seconds)


def _print_detail(detail: dict, seconds: float) -> None:
    """p50/p99 press → answer by slice of the window, to see when latency grows."""
    first = min(injected for injected, _ in detail.values())
    slices: dict[int, list[float]] = {}
    width = max(1.0, seconds / 12)
    for injected, answered in detail.values():
        if answered is not None:
            slices.setdefault(int((injected - first) // width), []).append(answered - injected)
    for index in sorted(slices):
        values = sorted(slices[index])
        p99 = values[max(0, int(len(values) * 0.99) - 1)]
        print(f"  {index * width:5.0f}–{(index + 1) * width:.0f} s: {len(values)} presses, "
              f"p50 {statistics.median(values) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {values[-1] * 1000:.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--detail", action="store_true", help="latency by slice of the window")
    add_database_option(parser)
    add_profile_option(parser)
    args = parser.parse_args()
    print(f"database: {backend_name(args.database)}, event loop: {event_loop.name()}")
    with profiled(args.profile):
        event_loop.run(main(args.units, args.members, args.seconds, args.detail, args.database))
