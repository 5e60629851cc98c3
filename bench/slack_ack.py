"""How fast the bot answers Slack: 500 concurrent signed requests at /slack/events.

Slack gives an app three seconds to answer a request (and retries events that
get no answer); the bot acknowledges first and works after. This fires a mixed
storm — message events (reports and chatter from many people), slash commands
(/status, /help) and button presses (refused drill marks, dispatch presses) —
all at once, and prints p50/p99 time to the HTTP response (target p99 ≤ 250 ms),
how long the bot took to work through all of it, and what the bot itself saw
(when the requests reached its handler, and any full garbage collection meanwhile).

Then the same storms against a do-nothing aiohttp server in this process, the
bot stopped: the floor. Opening 500 connections at once from one Python process
takes the sender itself 100-300 ms on a two-core machine, varying from run to
run, so the bot's own share is its p99 less the floor's, measured side by side.

Three processes, as in production: the bot (this one), the fake Slack Web API,
and the sender of the storm, so neither fake competes with the bot for the CPU.
Run: .venv/bin/python bench/slack_ack.py [--requests 500] [--rounds 3] [--keep-alive] [--tuned]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from adapters.slack.adapter import SlackAdapter  # noqa: E402
from bot.app import Liandong  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from config.organisation import load_organisation  # noqa: E402
from config.settings import DEFAULT_ORG, Settings  # noqa: E402
from storage.models import ButtonToken, InboundEvent, OutboxMessage  # noqa: E402
from bench.database import add_database_option, backend_name, bench_database  # noqa: E402
from bench.profiling import add_profile_option, profiled  # noqa: E402
from bench.waiting import wait_for  # noqa: E402
from bot import event_loop  # noqa: E402
from tests.fakes.slack_api import (  # noqa: E402
    DEFAULT_SIGNING_SECRET, FakeSlackAPI, SlackEventSender, message_event, new_event_id, new_trigger_id,
    sign_request,
)

REPORTING, CENTRE, COMMANDER = "C0REP", "C0CMD", "U1001"


# -- the fake Web API (child process) ----------------------------------------------------


async def serve_fake(port_file: Path) -> None:
    async with FakeSlackAPI() as fake:
        port_file.write_text(json.dumps({"base_url": fake.base_url, "response_url_base": fake.response_url_base,
                                         "token": fake.bot_token}))
        await asyncio.Event().wait()


# -- the storm (child process) ---------------------------------------------------------------


def storm(spec: dict[str, Any], round_no: int) -> list[tuple[str, str, str]]:
    """(kind, content type, body) for every request of one round, in a shuffled order."""
    import random

    sender = SlackEventSender(spec["secret"], spec["url"], response_url_base=spec["response_url_base"])
    rng = random.Random(round_no)
    n = spec["requests"]
    requests: list[tuple[str, str, str]] = []
    for i in range(n):
        share = i / n
        user = f"U5{rng.randrange(60):03d}"
        if share < 0.25:  # reports from people on the ground
            text = f"{rng.randrange(1, 99)}号楼起火，{rng.randrange(1, 9)}人受伤（第{round_no}轮{i}）"
            envelope = sender.event_envelope(message_event(REPORTING, user, text), event_id=new_event_id())
            requests.append(("event", "application/json", json.dumps(envelope, ensure_ascii=False)))
        elif share < 0.5:  # chatter in the same channel
            text = rng.choice(["收到", "好的", "谢谢", "明白，马上到", "ok"])
            envelope = sender.event_envelope(message_event(REPORTING, user, text), event_id=new_event_id())
            requests.append(("event", "application/json", json.dumps(envelope, ensure_ascii=False)))
        elif share < 0.6:
            fields = _command(sender, "/status", spec["incident"], COMMANDER, CENTRE)
            requests.append(("command", "application/x-www-form-urlencoded", urlencode(fields)))
        elif share < 0.7:
            fields = _command(sender, "/help", "", user, f"D{user[1:]}")
            requests.append(("command", "application/x-www-form-urlencoded", urlencode(fields)))
        else:  # presses: most by people who may not (refused), some by the commander
            by_commander = share >= 0.9
            token = spec["dispatch"] if by_commander else spec["drill"]
            payload = _press(sender, COMMANDER if by_commander else user, spec["card_ts"], token)
            body = urlencode({"payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))})
            requests.append(("action", "application/x-www-form-urlencoded", body))
    rng.shuffle(requests)
    return requests


def _command(sender: SlackEventSender, command: str, text: str, user: str, channel: str) -> dict[str, str]:
    return {"token": "x", "team_id": sender.team_id, "team_domain": sender.team_domain, "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else channel.lower(), "user_id": user,
            "user_name": user.lower(), "command": command, "text": text, "api_app_id": sender.api_app_id,
            "is_enterprise_install": "false", "response_url": sender.response_url("commands", channel, user),
            "trigger_id": new_trigger_id()}


def _press(sender: SlackEventSender, user: str, card_ts: str, token: str) -> dict[str, Any]:
    return {
        "type": "block_actions", "user": {"id": user, "username": user.lower(), "team_id": sender.team_id},
        "api_app_id": sender.api_app_id, "token": "x", "trigger_id": new_trigger_id(),
        "container": {"type": "message", "message_ts": card_ts, "channel_id": CENTRE, "is_ephemeral": False},
        "team": {"id": sender.team_id, "domain": sender.team_domain}, "channel": {"id": CENTRE, "name": "c0cmd"},
        "message": {"type": "message", "ts": card_ts, "bot_id": "BBOT", "text": "", "blocks": []},
        "state": {"values": {}}, "response_url": sender.response_url("actions", CENTRE, card_ts),
        "actions": [{"action_id": "liandong.button.0", "block_id": "liandong.actions.0", "type": "button",
                     "value": token, "text": {"type": "plain_text", "text": "·"}, "action_ts": f"{time.time():.6f}"}],
    }


async def _verify_url(session: aiohttp.ClientSession, spec: dict[str, Any]) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c", "token": "x"})
    stamp = int(time.time())
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": str(stamp),
               "X-Slack-Signature": sign_request(spec["secret"], stamp, body)}
    async with session.post(spec["url"], data=body.encode(), headers=headers) as response:
        await response.read()


async def fire(spec: dict[str, Any]) -> None:
    results: dict[str, Any] = {"rounds": [], "keep_alive": spec["keep_alive"], "tuned": spec["tuned"]}
    # A connection per request, or connections kept open from one storm to the next.
    connector = aiohttp.TCPConnector(limit=0, force_close=not spec["keep_alive"])
    async with aiohttp.ClientSession(connector=connector) as session:
        if spec["keep_alive"]:  # open the connections before the clock starts
            await asyncio.gather(*(_verify_url(session, spec) for _ in range(spec["requests"])))
            await asyncio.sleep(spec["pause"])
        for round_no in range(spec["rounds"]):
            requests = storm(spec, round_no)
            start = asyncio.Event()

            async def one(kind: str, content_type: str, body: str) -> tuple[str, int, float]:
                await start.wait()
                stamp = int(time.time())
                headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(stamp),
                           "X-Slack-Signature": sign_request(spec["secret"], stamp, body)}
                began = time.perf_counter()
                try:
                    async with session.post(spec["url"], data=body.encode(), headers=headers,
                                            timeout=aiohttp.ClientTimeout(total=10)) as response:
                        await response.read()
                        status = response.status
                except Exception:  # noqa: BLE001 - a lost request counts as a failure, never hangs
                    status = 0
                return kind, status, (time.perf_counter() - began) * 1000

            tasks = [asyncio.ensure_future(one(*request)) for request in requests]
            await asyncio.sleep(0.05)
            start.set()
            done = await asyncio.gather(*tasks)
            results["rounds"].append(done)
            results["last_storm_answered_at"] = time.time()
            if round_no < spec["rounds"] - 1:
                await asyncio.sleep(spec["pause"])
    print(json.dumps(results), flush=True)


# -- the bot (this process) ------------------------------------------------------------------


class ServerSide:
    """What the bot itself saw: when each request reached its handler and was
    answered, and the garbage collector's pauses (a full collection stops the
    event loop for tens of milliseconds)."""

    def __init__(self) -> None:
        self.handled: list[tuple[float, float]] = []
        self.gc_pauses: list[tuple[int, float, float]] = []  # generation, start, ms
        self._gc_started = 0.0
        answer = SlackAdapter._on_http
        handled = self.handled

        async def timed(adapter: SlackAdapter, request: Any) -> Any:
            began = time.perf_counter()
            try:
                return await answer(adapter, request)
            finally:
                handled.append((began, time.perf_counter()))

        SlackAdapter._on_http = timed  # type: ignore[method-assign]  # before the bot adds its route
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_pauses.append((info["generation"], self._gc_started,
                                   (time.perf_counter() - self._gc_started) * 1000))

    def storms(self, size: int) -> list[list[tuple[float, float]]]:
        """The handled requests, grouped into storms (a second apart or more)."""
        groups: list[list[tuple[float, float]]] = []
        for mark in sorted(self.handled):
            if not groups or mark[0] - groups[-1][-1][0] > 1.0:
                groups.append([])
            groups[-1].append(mark)
        return [g for g in groups if len(g) >= size * 0.9]

    def describe(self, size: int, skip: int = 0) -> list[str]:
        lines = []
        for number, storm in enumerate(self.storms(size)[skip:], 1):
            first, last = storm[0][0], max(end for _, end in storm)
            handler = sorted((end - began) * 1000 for began, end in storm)
            full = [ms for gen, at, ms in self.gc_pauses if gen == 2 and first <= at <= last]
            lines.append(
                f"  bot side, round {number}: {len(storm)} requests reached the handler within "
                f"{(storm[-1][0] - first) * 1000:.0f} ms and were all answered {(last - first) * 1000:.0f} ms after "
                f"the first; handler p50 {_pct(handler, 50):.2f} ms, max {handler[-1]:.1f} ms"
                + (f"; full GC pause(s) meanwhile: {', '.join(f'{ms:.0f} ms' for ms in full)}" if full else ""))
        return lines


def tune_process() -> None:
    """--tuned: the two changes the bot has made at start since they were measured here,
    repeated after the warm-up.

    aiohttp's default listen backlog is 128: when a
    pause of the event loop lets more connections queue than that, the kernel
    drops their SYNs and the client retries a second later. And a full garbage
    collection scans every object the bot made while starting (about 125,000,
    ~70 ms): gc.freeze() after start takes them out of it.
    """
    from aiohttp import web

    listen = web.TCPSite.__init__

    def with_backlog(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("backlog", 1024)
        listen(self, *args, **kwargs)

    web.TCPSite.__init__ = with_backlog  # type: ignore[method-assign]


async def main(requests: int, rounds: int, pause: float, keep_alive: bool, tuned: bool = False,
               database: str | None = None) -> None:
    logging.basicConfig(level=logging.ERROR)
    org = load_organisation(DEFAULT_ORG)
    async with contextlib.AsyncExitStack() as stack:  # the fake's port file, then the database
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        port_file = Path(tmp) / "fake.json"
        fake = await asyncio.create_subprocess_exec(sys.executable, __file__, "--serve-fake", str(port_file))
        try:
            for _ in range(200):
                if port_file.exists() and port_file.read_text():
                    break
                await asyncio.sleep(0.05)
            info = json.loads(port_file.read_text())
            database_url = await stack.enter_async_context(bench_database(database, "slack"))
            settings = Settings.of(database_url=database_url, slack_bot_token=info["token"],
                                slack_signing_secret=DEFAULT_SIGNING_SECRET, slack_api_url=info["base_url"],
                                http_port=0, console=False)
            server = ServerSide()
            app = Liandong(settings, org, clock=SystemClock())
            await app.start()
            try:
                assert app.http is not None
                url = f"http://127.0.0.1:{app.http.port}/slack/events"
                spec = await warm_up(app, url, info)
                spec.update(requests=requests, rounds=rounds, pause=pause, keep_alive=keep_alive, tuned=tuned)
                await asyncio.sleep(pause)  # the warm-up's own work done: the storm meets an idle bot
                if tuned:
                    gc.collect()
                    gc.freeze()
                handled_before = app.pipeline.events_handled + app.pipeline.events_failed
                child = await asyncio.create_subprocess_exec(
                    sys.executable, __file__, "--fire", json.dumps(spec), stdout=asyncio.subprocess.PIPE)
                out, _ = await asyncio.wait_for(child.communicate(), 60 + rounds * (30 + pause))
                results = json.loads(out)

                async def all_handled() -> bool:
                    return app.pipeline.events_handled + app.pipeline.events_failed - handled_before >= requests * rounds
                await wait_for(all_handled, 120)
                worked = time.time() - results["last_storm_answered_at"]
                report(results, requests, worked, await _counts(app))
                # With --keep-alive the first storm only opened the connections.
                print("\n".join(server.describe(requests, skip=1 if keep_alive else 0)))
            finally:
                await app.stop()
            floor_results = await floor(spec)
            report_floor(results, floor_results)
        finally:
            fake.terminate()
            await fake.wait()


async def floor(spec: dict[str, Any]) -> dict[str, Any]:
    """The same storms, same sender, answered by a server that does nothing but answer."""
    from aiohttp import web

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="")

    server = web.Application()
    server.router.add_post("/slack/events", answer)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)  # as the bot listens
    await site.start()
    try:
        port = runner.addresses[0][1]
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--fire", json.dumps({**spec, "url": f"http://127.0.0.1:{port}/slack/events"}),
            stdout=asyncio.subprocess.PIPE)
        out, _ = await asyncio.wait_for(child.communicate(), 60 + spec["rounds"] * (30 + spec["pause"]))
        return json.loads(out)
    finally:
        await runner.cleanup()


def report_floor(bot: dict[str, Any], floor: dict[str, Any]) -> None:
    def worst(results: dict[str, Any]) -> float:
        return max(_pct(sorted(ms for _, _, ms in done), 99) for done in results["rounds"])

    rounds = "  ".join(f"round {n} p99 {_pct(sorted(ms for _, _, ms in done), 99):.0f}"
                       for n, done in enumerate(floor["rounds"], 1))
    print(f"floor, a do-nothing server answering the same sender: {rounds} ms; worst round's p99 "
          f"{worst(floor):.0f} ms, so the bot added {worst(bot) - worst(floor):+.0f} ms")


async def warm_up(app: Liandong, url: str, info: dict[str, str]) -> dict[str, Any]:
    """One report through the whole bot, for an incident and a card with real buttons."""
    async with SlackEventSender(DEFAULT_SIGNING_SECRET, url, response_url_base=info["response_url_base"]) as sender:
        await sender.send_event(message_event(REPORTING, "U4000", "人民路化工厂起火，3人受伤，有人被困"))

        async def card_sent() -> bool:
            async with app.db.transaction() as session:
                return bool(await session.scalar(select(OutboxMessage.platform_message_id).where(
                    OutboxMessage.chat_id == CENTRE, OutboxMessage.status == "delivered")))
        await wait_for(card_sent, 20)
        async with app.db.transaction() as session:
            card_ts = await session.scalar(select(OutboxMessage.platform_message_id).where(
                OutboxMessage.chat_id == CENTRE, OutboxMessage.status == "delivered"))
            buttons = {b.action: b.token for b in await session.scalars(
                select(ButtonToken).where(ButtonToken.chat_id == CENTRE))}
            key = await session.scalar(select(OutboxMessage.message_key).where(OutboxMessage.chat_id == CENTRE))
        # A few of each kind, so every code path has run once before the clock starts.
        for n in range(5):
            await sender.send_event(message_event(REPORTING, f"U41{n:02d}", "收到"))
            await sender.send_command("/help", "", user_id=f"U41{n:02d}", channel_id=f"D41{n:02d}")
            await sender.send_interaction(_press(sender, f"U41{n:02d}", card_ts, buttons["incident.drill"]))
    return {"url": url, "secret": DEFAULT_SIGNING_SECRET, "response_url_base": info["response_url_base"],
            "card_ts": card_ts, "incident": key.split(":")[1], "drill": buttons["incident.drill"],
            "dispatch": next(t for a, t in buttons.items() if a != "incident.drill")}


async def _counts(app: Liandong) -> dict[str, int]:
    async with app.db.transaction() as session:
        return {"inbound events": await session.scalar(select(func.count()).select_from(InboundEvent))}


def report(results: dict[str, Any], requests: int, worked: float, counts: dict[str, int]) -> None:
    mode = "connections kept alive" if results.get("keep_alive") else "a new connection each"
    mode += ", tuned" if results.get("tuned") else ""
    print(f"{requests} concurrent signed requests per round at /slack/events ({mode}), "
          f"{len(results['rounds'])} round(s)")
    for number, done in enumerate(results["rounds"], 1):
        times = sorted(ms for _, _, ms in done)
        statuses: dict[int, int] = {}
        for _, status, _ in done:
            statuses[status] = statuses.get(status, 0) + 1
        by_kind = {kind: sorted(ms for k, _, ms in done if k == kind) for kind in ("event", "command", "action")}
        kinds = "  ".join(f"{k} p99 {_pct(v, 99):.0f}" for k, v in by_kind.items() if v)
        print(f"round {number}: p50 {_pct(times, 50):.0f} ms  p99 {_pct(times, 99):.0f} ms  "
              f"max {times[-1]:.0f} ms  statuses {statuses}  ({kinds})")
    everything = sorted(ms for done in results["rounds"] for _, _, ms in done)
    worst = max(_pct(sorted(ms for _, _, ms in done), 99) for done in results["rounds"])
    print(f"all rounds: p50 {_pct(everything, 50):.0f} ms  p99 {_pct(everything, 99):.0f} ms  "
          f"worst round's p99 {worst:.0f} ms  (target p99 ≤ 250 ms)")
    print(f"the work of all {requests * len(results['rounds'])} requests was done {max(0.0, worked):.1f} s after the "
          f"last storm was answered; {counts['inbound events']} distinct platform event ids stored")


def _pct(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-fake":
        asyncio.run(serve_fake(Path(sys.argv[2])))
    elif len(sys.argv) > 1 and sys.argv[1] == "--fire":
        gc.disable()  # the sender's own collections are not the bot's latency
        asyncio.run(fire(json.loads(sys.argv[2])))
    else:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("--requests", type=int, default=500)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--pause", type=float, default=5.0, help="seconds between storms")
        parser.add_argument("--keep-alive", action="store_true",
                            help="reuse connections (opened before the clock starts) instead of one per request")
        parser.add_argument("--tuned", action="store_true",
                            help="listen backlog 1024 and gc.freeze() again after the warm-up (the bot does both at start)")
        add_database_option(parser)
        add_profile_option(parser)
        args = parser.parse_args()
        print(f"database: {backend_name(args.database)}, event loop: {event_loop.name()}")
        if args.tuned:
            tune_process()
        with profiled(args.profile):
            event_loop.run(main(args.requests, args.rounds, args.pause, args.keep_alive, args.tuned, args.database))
