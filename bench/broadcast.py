"""A red alert to 1,000 Telegram groups, end to end: `/broadcast red to:all …`
typed in the command centre, Send pressed, and the copies going out through the
outbox to the fake Bot API server with Telegram's limits (30 messages/s overall,
about 1/s per chat, 20/min per group), in a process of its own.

Prints elapsed (Send pressed → last group has its copy) ÷ the floor the limits
allow (groups / 30 s), 429 answers and losses (groups without exactly one copy),
first clean, then with 5% of sendMessage calls failing with 502.
Targets: clean ≤ 1.10, 0 × 429, 0 lost; with 502s ≤ 1.30, 0 lost.
Run: .venv/bin/python bench/broadcast.py [--groups 1000] [--failures 0.05]
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import Liandong  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from config.organisation import Organisation  # noqa: E402
from config.schema import OrganisationFile  # noqa: E402
from config.settings import Settings  # noqa: E402
from storage.broadcasts import BroadcastRepository, round_key  # noqa: E402
from bench.remote_telegram import RemoteFakeTelegram  # noqa: E402
from bench.database import add_database_option, backend_name, bench_database  # noqa: E402
from bench.waiting import wait_for  # noqa: E402
from bot import event_loop  # noqa: E402

CENTRE, COMMANDER = -100, 1
FIRST_GROUP = -10_000
TELEGRAM_GLOBAL_RATE = 30.0
ALERT = "台风「海燕」红色预警：预计今夜22时前后在荣成沿海登陆，请各单位立即进入一级应急响应，停止一切海上及户外作业。"


def organisation(groups: int) -> Organisation:
    return Organisation(OrganisationFile.model_validate({
        "organisation": {"name": "bench", "language": "zh", "timezone": "Asia/Shanghai"},
        "command_centre": {"channels": [{"telegram": str(CENTRE)}],
                           "members": [{"name": "王指挥", "telegram": str(COMMANDER)}]},
        "units": [{"code": f"U{g:04d}", "name": f"单位{g}", "kind": "enterprise",
                   "channels": [{"telegram": str(FIRST_GROUP - g)}],
                   "members": [{"name": f"值班{g}", "telegram": str(100_000 + g), "role": "duty_officer"}]}
                  for g in range(groups)],
    }))


async def run(groups: int, failure_ratio: float, database: str | None) -> tuple[float, int, int, int]:
    """(elapsed ÷ floor, 429s, groups missing a copy, groups with more than one)."""
    async with RemoteFakeTelegram() as fake:
        async with bench_database(database, "broadcast") as database_url:
            settings = Settings.of(database_url=database_url, telegram_token=fake.token,
                                telegram_api_url=fake.root_url, http_port=0, console=False)
            app = Liandong(settings, organisation(groups), clock=SystemClock(), http=False)
            await app.start()
            await fake.post("inject_message", chat_id=CENTRE, user_id=COMMANDER, text=f"/broadcast red to:all {ALERT}")

            async def preview() -> dict | None:
                return next(iter(await fake.get("sent", chat_id=CENTRE)), None)
            message = await wait_for(preview, 10)
            send = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                        if b["text"] == "发送")
            if failure_ratio:
                await fake.post("fail_ratio", method="sendMessage", ratio=failure_ratio)
            started = time.perf_counter()
            await fake.post("inject_callbacks", spread_seconds=0, presses=[
                {"chat_id": CENTRE, "user_id": COMMANDER, "message_id": message["message_id"], "data": send}])

            async def settled() -> bool:
                async with app.db.transaction() as session:
                    counts = await BroadcastRepository(session).counts(round_key(1, 1))
                return counts.done and counts.delivered + counts.failed == groups
            await wait_for(settled, groups / 10 + 60, every=0.05)
            elapsed = time.perf_counter() - started
            stats = await fake.get("stats")
            copies = Counter(m["chat"]["id"] for m in await fake.get("sent")
                             if FIRST_GROUP - groups < m["chat"]["id"] <= FIRST_GROUP)
            await app.stop()
    missing = groups - len(copies)
    doubled = sum(1 for n in copies.values() if n > 1)
    return elapsed / (groups / TELEGRAM_GLOBAL_RATE), stats["count_429"], missing, doubled


async def main(groups: int, failures: float, database: str | None = None) -> None:
    for label, ratio, target in (("clean", 0.0, 1.10), (f"{failures:.0%} of sends fail with 502", failures, 1.30)):
        result, count_429, missing, doubled = await run(groups, ratio, database)
        print(f"{groups} groups, {label}: elapsed ÷ floor {result:.3f} (target ≤ {target:.2f}), "
              f"429s {count_429}, lost {missing}, sent twice {doubled}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--failures", type=float, default=0.05)
    add_database_option(parser)
    args = parser.parse_args()
    print(f"database: {backend_name(args.database)}, event loop: {event_loop.name()}")
    # The injected 502s are retried by design; their log lines would bury the figures.
    logging.basicConfig(level=logging.CRITICAL)
    event_loop.run(main(args.groups, args.failures, args.database))
