"""One message to each of 1,000 Telegram chats through the outbox, against the
fake Bot API server with Telegram's limits (30 messages/s overall, 20/min per
group, about 1/s per chat).

Prints elapsed ÷ the floor the limits allow (1,000 / 30 s), the number of 429
answers, and losses. Targets: ratio ≤ 1.10 with zero 429s.
Run: .venv/bin/python bench/telegram_burst.py [--chats 1000]
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from bot.app import Liandong  # noqa: E402
from core.events import ConversationRef  # noqa: E402
from core.messages import Button, Field, Message, Outgoing  # noqa: E402
from config.organisation import load_organisation  # noqa: E402
from config.settings import DEFAULT_ORG, Settings  # noqa: E402
from storage.models import OutboxMessage  # noqa: E402
from storage.outbox import OutboxRepository  # noqa: E402
from bench.remote_telegram import RemoteFakeTelegram  # noqa: E402
from bench.database import add_database_option, backend_name, bench_database  # noqa: E402
from bot import event_loop  # noqa: E402

TELEGRAM_GLOBAL_RATE = 30.0


async def main(chats: int, database: str | None = None) -> None:
    message = Message(
        title="🔴 红色预警 · 台风「海燕」", text="预计今夜 22 时前后在荣成沿海登陆，请各单位立即进入一级应急响应。",
        fields=(Field("发布", "王指挥"), Field("时间", "21:05")), buttons=(Button("收到", "bench-token"),),
    )
    async with RemoteFakeTelegram() as fake:
        async with bench_database(database, "burst") as database_url:
            settings = Settings.of(database_url=database_url, telegram_token=fake.token,
                                telegram_api_url=fake.root_url, http_port=0, console=False)
            app = Liandong(settings, load_organisation(DEFAULT_ORG), http=False)
            await app.start()
            started = time.perf_counter()
            async with app.db.transaction() as session:
                await OutboxRepository(session).enqueue(
                    [Outgoing(ConversationRef("telegram", str(-1_000_000_000_000 - i)), message) for i in range(chats)],
                    app.clock.now(),
                )
            app.senders["telegram"].wake()
            while True:
                async with app.db.transaction() as session:
                    delivered = await session.scalar(
                        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "delivered"))
                if delivered >= chats:
                    break
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            await app.stop()
        received = len({m["chat"]["id"] for m in await fake.get("sent")})
        count_429 = (await fake.get("stats"))["count_429"]
    floor = chats / TELEGRAM_GLOBAL_RATE
    print(f"{chats} chats in {elapsed:.1f} s; floor {floor:.1f} s; ratio {elapsed / floor:.3f} (target ≤ 1.10)")
    print(f"429s: {count_429} (target 0); chats that got it: {received}; lost: {chats - received}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=1000)
    add_database_option(parser)
    args = parser.parse_args()
    print(f"database: {backend_name(args.database)}, event loop: {event_loop.name()}")
    event_loop.run(main(args.chats, args.database))
