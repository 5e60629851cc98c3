"""Two bot processes on one PostgreSQL database, in Telegram webhook mode behind one
address, against one: an ack storm and a roll-call through each.

Each run starts a fresh database, the fake Bot API in a process of its own (it posts
updates to the webhook as Telegram does, secret header included), a small round-robin
proxy (the load balancer), and N `liandong run` processes behind it. Then: a report,
a dispatch of every unit, every member pressing 接令 within a second (the ack storm);
a roll-call of every unit, every member answering 到 within the window.

Printed per run: press → answerCallbackQuery p50/p99 per phase, presses recorded
(each exactly once: the two processes share the database, and a press handled twice
would show as a second row), the bots' CPU, 429s. A run with one process comes first,
for comparison.

Run: .venv/bin/python bench/scaleout.py [--processes 1,2] [--units 200] [--members 5]
     [--seconds 10] [--database postgresql://postgres@127.0.0.1:5432/test]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import yaml
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from storage.db import Database  # noqa: E402
from storage.models import RollcallAnswer, TimelineEntry  # noqa: E402
from bench.database import bench_database  # noqa: E402
from bench.remote_telegram import RemoteFakeTelegram  # noqa: E402
from bench.rollcall import _child_cpu_seconds  # noqa: E402
from bench.waiting import wait_for  # noqa: E402

CENTRE, REPORTING, COMMANDER = -100, -200, 1
FIRST_UNIT_GROUP = -10_000
SECRET = "bench-webhook-secret"
INCIDENT_ID = re.compile(r"\d{8}-\d{4}")
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/test"


def member_id(u: int, m: int) -> int:
    return 1_000_000 + u * 100 + m


def organisation_file(path: Path, units: int, members: int) -> None:
    path.write_text(yaml.safe_dump({
        "organisation": {"name": "bench", "language": "zh", "timezone": "Asia/Shanghai"},
        "command_centre": {"channels": [{"telegram": str(CENTRE)}],
                           "members": [{"name": "指挥", "telegram": str(COMMANDER)}]},
        "reporting": {"channels": [{"telegram": str(REPORTING)}]},
        "units": [{
            "code": f"U{u:04d}", "name": f"单位{u}", "kind": "government",
            "channels": [{"telegram": str(FIRST_UNIT_GROUP - u)}],
            "members": [{"name": f"队员{u}-{m}", "telegram": str(member_id(u, m)),
                         "role": "duty_officer" if m == 0 else "member"} for m in range(members)],
        } for u in range(units)],
    }, allow_unicode=True), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def round_robin(backends: list[str]) -> AsyncIterator[str]:
    """The load balancer: each webhook POST to the next bot in turn; its URL."""
    turn = {"next": 0}
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=512))

    async def forward(request: web.Request) -> web.Response:
        backend = backends[turn["next"] % len(backends)]
        turn["next"] += 1
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-telegram")}
        async with session.post(f"{backend}{request.path}", data=await request.read(),
                                headers={**headers, "Content-Type": "application/json"}) as answer:
            return web.Response(status=answer.status, body=await answer.read())

    app = web.Application()
    app.router.add_post("/telegram/webhook", forward)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
        await session.close()


async def start_bot(n: int, tmp: Path, database_url: str, fake: RemoteFakeTelegram, public_url: str,
                    org_path: Path) -> tuple[asyncio.subprocess.Process, str]:
    port = _free_port()
    env = {**os.environ, "LIANDONG_ORG": str(org_path), "LIANDONG_DATABASE_URL": database_url,
           "LIANDONG_TELEGRAM_TOKEN": fake.token, "LIANDONG_TELEGRAM_API_URL": fake.root_url,
           "LIANDONG_TELEGRAM_MODE": "webhook", "LIANDONG_TELEGRAM_WEBHOOK_SECRET": SECRET,
           "LIANDONG_PUBLIC_URL": public_url, "LIANDONG_HTTP_HOST": "127.0.0.1", "LIANDONG_HTTP_PORT": str(port),
           "LIANDONG_CONSOLE": "0", "LIANDONG_DATA_DIR": str(tmp / f"bot{n}"), "LIANDONG_LOG_LEVEL": "WARNING"}
    liandong = Path(sys.executable).with_name("liandong")
    process = await asyncio.create_subprocess_exec(str(liandong), "run", env=env, stdin=asyncio.subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    async def ready() -> bool:
        try:
            async with aiohttp.ClientSession() as http, http.get(f"{url}/readyz") as answer:
                return answer.status == 200
        except aiohttp.ClientError:
            return False
    await wait_for(ready, 60, every=0.3)
    return process, url


async def stop_bots(processes: list[asyncio.subprocess.Process]) -> None:
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    await asyncio.gather(*(asyncio.wait_for(p.wait(), 30) for p in processes), return_exceptions=True)


def _percentiles(values: list[float]) -> str:
    if not values:
        return "no data"
    ordered = sorted(values)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"


async def run(processes: int, units: int, members: int, seconds: float, server: str) -> None:
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        org_path = tmp / "org.yaml"
        organisation_file(org_path, units, members)
        async with RemoteFakeTelegram() as fake, bench_database(server, f"scaleout{processes}") as database_url:
            backends: list[str] = []
            bots: list[asyncio.subprocess.Process] = []
            async with round_robin(backends) as public_url:
                webhook = {"webhook_url": f"{public_url}/telegram/webhook", "secret": SECRET}
                try:
                    for n in range(processes):  # one at a time: the first creates the schema
                        process, url = await start_bot(n, tmp, database_url, fake, public_url, org_path)
                        bots.append(process)
                        backends.append(url)
                    cpu_before = sum(_child_cpu_seconds(p.pid) for p in bots)
                    started = time.monotonic()
                    await _storm_and_rollcall(fake, webhook, units, members, seconds, rng)
                    elapsed = time.monotonic() - started
                    cpu = sum(_child_cpu_seconds(p.pid) for p in bots) - cpu_before
                finally:
                    await stop_bots(bots)
            # After the bots stopped: a process taking over the sending as the other stops
            # sends then, and its 429s count too.
            stats = await fake.get("stats")
            acks, ack_people, answers, answer_pairs = await _recorded(database_url)
    print(f"{processes} process(es), {units} units × {members} members, PostgreSQL, webhook behind a round-robin proxy:")
    for kind, values in sorted(stats["latencies_by_kind"].items()):
        print(f"  {kind}: press → answer {_percentiles(values)} (n={len(values)})")
    print(f"  接令 recorded {acks} for {ack_people} people (each once: {acks == ack_people == units * members}); "
          f"到 recorded {answers} for {answer_pairs} (unit, person) (each once: "
          f"{answers == answer_pairs == units * members})")
    print(f"  bots' CPU {cpu:.1f} s in {elapsed:.0f} s ({cpu / elapsed:.0%} of one core, all processes); "
          f"429s {stats['count_429']}", flush=True)


async def _storm_and_rollcall(fake: RemoteFakeTelegram, webhook: dict, units: int, members: int, seconds: float,
                              rng: random.Random) -> None:
    await fake.post("push_message", chat_id=REPORTING, user_id=999, text="人民路化工厂起火，3人受伤，有人被困", **webhook)
    receipt = await wait_for(lambda: _first(fake, chat_id=REPORTING), 30, every=0.3)
    incident_id = INCIDENT_ID.search(receipt["text"]).group(0)  # type: ignore[union-attr]
    await fake.post("push_message", chat_id=CENTRE, user_id=COMMANDER,
                    text=f"/dispatch {incident_id} " + " ".join(f"U{u:04d}" for u in range(units)), **webhook)
    orders = await _with_button(fake, "接令", units)
    await _press(fake, webhook, orders, "接令", "ack storm", members, 1.0, rng)
    await wait_for(lambda: _answered(fake, units * members), 60, every=0.5)

    await fake.post("push_message", chat_id=CENTRE, user_id=COMMANDER,
                    text="/rollcall all answer:all deadline:30m", **webhook)
    rollcalls = await _with_button(fake, "到", units)
    await _press(fake, webhook, rollcalls, "到", "roll-call", members, seconds, rng)
    await asyncio.sleep(seconds)
    await wait_for(lambda: _answered(fake, 2 * units * members), 120, every=0.5)


async def _first(fake: RemoteFakeTelegram, **params: object) -> dict | None:
    return next(iter(await fake.get("sent", **params)), None)


async def _with_button(fake: RemoteFakeTelegram, label: str, count: int) -> list[dict]:
    async def arrived() -> list[dict] | None:
        found = await fake.get("sent", chat_max=FIRST_UNIT_GROUP, button=label)
        return found if len(found) >= count else None
    return await wait_for(arrived, count / 20 + 120, every=0.5)


async def _answered(fake: RemoteFakeTelegram, count: int) -> bool:
    return (await fake.get("stats"))["answered"] >= count


async def _press(fake: RemoteFakeTelegram, webhook: dict, messages: list[dict], label: str, kind: str,
                 members: int, spread: float, rng: random.Random) -> None:
    presses = [{"chat_id": m["chat"]["id"], "user_id": member_id(FIRST_UNIT_GROUP - m["chat"]["id"], member),
                "message_id": m["message_id"],
                "data": next(b["callback_data"] for row in m["reply_markup"]["inline_keyboard"] for b in row
                             if b["text"] == label)}
               for m in messages for member in range(members)]
    rng.shuffle(presses)
    await fake.post("push_callbacks", kind=kind, presses=presses, spread_seconds=spread, **webhook)


async def _recorded(database_url: str) -> tuple[int, int, int, int]:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            presses = TimelineEntry.kind == "order_press"
            acks = await session.scalar(select(func.count()).select_from(TimelineEntry).where(presses))
            people = await session.scalar(select(func.count(func.distinct(TimelineEntry.actor_id))).where(presses))
            answers = await session.scalar(select(func.count()).select_from(RollcallAnswer))
            pairs = len((await session.execute(
                select(RollcallAnswer.unit_code, RollcallAnswer.user_id).distinct())).all())
    finally:
        await db.dispose()
    return int(acks or 0), int(people or 0), int(answers or 0), pairs


async def main(args: argparse.Namespace) -> None:
    for processes in (int(p) for p in args.processes.split(",")):
        await run(processes, args.units, args.members, args.seconds, args.database)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", default="1,2", help="bot processes per run, comma-separated")
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0, help="the roll-call's answering window")
    parser.add_argument("--database", metavar="URL", default=DEFAULT_DATABASE,
                        help="PostgreSQL server (two processes need it; a fresh database is made and dropped)")
    asyncio.run(main(parser.parse_args()))
