"""An acknowledgement storm through Telegram: one incident, 200 units × 5 members,
everyone pressing 接令 within one second, through the fake Bot API server with
Telegram's limits.

Prints presses recorded on the timeline (must be 1,000, each exactly once),
p50/p99 from press to answerCallbackQuery (target p99 ≤ 200 ms), board edits sent
to Telegram, and 429 answers (target 0).
Run: .venv/bin/python bench/ack_storm.py [--units 200] [--members 5]
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from bot.app import Liandong  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from config.organisation import Organisation  # noqa: E402
from config.schema import OrganisationFile  # noqa: E402
from config.settings import Settings  # noqa: E402
from storage.models import TimelineEntry  # noqa: E402
from bench.remote_telegram import RemoteFakeTelegram  # noqa: E402
from bench.database import add_database_option, backend_name, bench_database  # noqa: E402
from bench.profiling import add_profile_option, profiled  # noqa: E402
from bench.waiting import wait_for  # noqa: E402
from bot import event_loop  # noqa: E402

CENTRE, REPORTING, COMMANDER = -100, -200, 1


def organisation(units: int, members: int) -> Organisation:
    spec = OrganisationFile.model_validate({
        "organisation": {"name": "bench", "language": "zh", "timezone": "Asia/Shanghai"},
        "command_centre": {"channels": [{"telegram": str(CENTRE)}],
                           "members": [{"name": "指挥", "telegram": str(COMMANDER)}]},
        "reporting": {"channels": [{"telegram": str(REPORTING)}]},
        "units": [{
            "code": f"U{u:03d}", "name": f"单位{u}", "kind": "government",
            "channels": [{"telegram": str(-10_000 - u)}],
            "members": [{"name": f"队员{u}-{m}", "telegram": str(100_000 + u * 10 + m),
                         "role": "duty_officer" if m == 0 else "member"} for m in range(members)],
        } for u in range(units)],
    })
    return Organisation(spec)


async def main(units: int, members: int, database: str | None = None) -> None:
    org = organisation(units, members)
    async with RemoteFakeTelegram() as fake:
        async with bench_database(database, "storm") as database_url:
            settings = Settings.of(database_url=database_url, telegram_token=fake.token,
                                telegram_api_url=fake.root_url, http_port=0, console=False)
            app = Liandong(settings, org, clock=SystemClock(), http=False)
            await app.start()
            await fake.post("inject_message", chat_id=REPORTING, user_id=999, text="人民路化工厂起火，3人受伤，有人被困")
            incident_id = app.clock.now().astimezone(org.timezone).strftime("%Y%m%d") + "-0001"
            await wait_for(lambda: _has_messages(fake, CENTRE), 10, every=0.2)
            await fake.post("inject_message", chat_id=CENTRE, user_id=COMMANDER,
                            text=f"/dispatch {incident_id} {' '.join(org.units)}")
            print(f"dispatching to {units} units…", flush=True)

            async def all_ordered() -> bool:
                return len({m["chat"]["id"] for m in await fake.get("sent") if m["chat"]["id"] <= -10_000}) >= units
            await wait_for(all_ordered, units / 20 + 30, every=0.2)

            presses = []
            for message in await fake.get("sent"):
                chat = message["chat"]["id"]
                if chat > -10_000:
                    continue
                token = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"]
                             for b in row if b["text"] == "接令")
                u = -10_000 - chat
                presses += [{"chat_id": chat, "user_id": 100_000 + u * 10 + m, "message_id": message["message_id"],
                             "data": token} for m in range(members)]
            random.shuffle(presses)
            before = await fake.get("stats")
            await fake.post("inject_callbacks", presses=presses, spread_seconds=1.0)

            async def all_answered() -> bool:
                return (await fake.get("stats"))["answered"] - before["answered"] >= len(presses)
            await wait_for(all_answered, 60, every=0.2)
            await asyncio.sleep(5)  # let the board edits settle
            after = await fake.get("stats")
            async with app.db.transaction() as session:
                recorded = await session.scalar(select(func.count()).select_from(TimelineEntry)
                                                .where(TimelineEntry.kind == "order_press"))
                distinct = await session.scalar(select(func.count(func.distinct(TimelineEntry.actor_id)))
                                                .where(TimelineEntry.kind == "order_press"))
            await app.stop()
    latencies = sorted(after["latencies"])
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000
    board_edits = after["edits_by_chat"].get(str(CENTRE), 0) - before["edits_by_chat"].get(str(CENTRE), 0)
    print(f"presses recorded: {recorded} of {len(presses)} ({distinct} distinct people, each once)")
    print(f"press → answerCallbackQuery: p50 {p50:.0f} ms, p99 {p99:.0f} ms (target p99 ≤ 200 ms)")
    print(f"board edits sent: {board_edits}")
    print(f"429s: {after['count_429']} (target 0)")


async def _has_messages(fake: RemoteFakeTelegram, chat: int) -> bool:
    return bool(await fake.get("sent", chat_id=chat))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--members", type=int, default=5)
    add_database_option(parser)
    add_profile_option(parser)
    args = parser.parse_args()
    print(f"database: {backend_name(args.database)}, event loop: {event_loop.name()}")
    with profiled(args.profile):
        event_loop.run(main(args.units, args.members, args.database))
