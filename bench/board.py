"""The web board under load: 500 open incidents with 2,000 orders, 50 boards connected.

A console bot with its HTTP server; the incidents and orders are written straight to
the database, each order with a 接令 button of its own. Boards are server-sent event
clients signed in with links from /board, in a process of their own as the centre's
screens would be (a real browser would paint the same bytes; one Chromium, when found,
measures first contentful paint).

Prints:
- the page: time to the whole /board answer, and the browser's first contentful paint;
- press → board: from a unit's press typed in the console to every connected board
  holding the new state, p50/p99 (target p99 ≤ 1 s);
- what reached the boards during the presses: how many whole pages and patches (only
  the elements that changed), and their mean size;
- press latency (the console handling the press, to its commit) with no board open and
  with the boards connected, p50/p99 (target: within 20 % of each other).

Run: .venv/bin/python bench/board.py [--incidents 500] [--boards 50] [--presses 40]
"""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402

from bot.app import Liandong  # noqa: E402
from config.organisation import load_organisation  # noqa: E402
from config.settings import DEFAULT_ORG, Settings  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from core.events import ConversationRef  # noqa: E402
from storage.buttons import ButtonRepository  # noqa: E402
from storage.models import DispatchOrder, Incident  # noqa: E402
from bot import event_loop  # noqa: E402

UNITS = ("FIRE-01", "MED-01", "ENV-01", "POWER-01")
PRESSER = {"FIRE-01": "张三"}  # a member of the unit, as the console knows people by name


async def seed(app: Liandong, incidents: int) -> list[tuple[str, str]]:
    """Open incidents with four orders each; returns (incident id, 接令 token of its FIRE-01 order)."""
    now = app.clock.now()
    day = now.astimezone(app.org.timezone).strftime("%Y%m%d")
    pressable = []
    async with app.db.transaction() as session:
        for n in range(incidents):
            incident_id = f"{day}-{n + 1:04d}"
            session.add(Incident(
                id=incident_id, created_at=now, status="open", drill=False, type="fire", location=f"人民路{n}号",
                text=f"人民路{n}号起火", language="zh", reporter_platform="console", reporter_id="路人甲",
                reporter_name="路人甲", reporter_registered=False, source_platform="console",
                source_chat_id="reporting", level=1 + n % 4))
        await session.flush()
        orders = [DispatchOrder(incident_id=f"{day}-{n + 1:04d}", unit_code=code, state="ordered", ordered_at=now,
                                ordered_by="王指挥", ordered_by_id="console:王指挥", state_at=now)
                  for n in range(incidents) for code in UNITS]
        session.add_all(orders)
        await session.flush()
        buttons = ButtonRepository(session)
        for order in orders:
            if order.unit_code == "FIRE-01":
                token = await buttons.issue("order.press", {"order": order.id, "state": "acknowledged"},
                                            ConversationRef("console", "FIRE-01"), now)
                pressable.append((order.incident_id, token))
    return pressable


async def sign_in(app: Liandong, out: io.StringIO, http: aiohttp.ClientSession, base: str) -> None:
    assert app.console is not None
    await app.console.handle_line("王指挥@centre: /board", app.pipeline.handle)
    await app.drain()
    link = re.findall(r"http://\S+/board/signin/\S+", out.getvalue())[-1]
    async with http.post(link, headers={"Origin": base}) as response:
        assert response.status == 200, response.status


ACKNOWLEDGED = re.compile(r'id="incident-([0-9-]+)".*?(?=</article>)', re.S)


def acknowledged_incidents(html: str) -> set[str]:
    """The incidents whose FIRE-01 order the board shows acknowledged."""
    return {m.group(1) for m in ACKNOWLEDGED.finditer(html)
            if 'data-unit="FIRE-01" data-state="acknowledged"' in m.group(0)}


async def follow(http: aiohttp.ClientSession, base: str, cookie: str, board: int) -> None:
    """One screen: reads the board's stream (the whole board, then patches of what changed)
    and prints, once per incident, when it first shows that incident's FIRE-01 order
    acknowledged (CLOCK_MONOTONIC, shared by processes)."""
    seen: set[str] = set()
    first = True
    async with http.get(f"{base}/board/events?page=board", headers={"Cookie": cookie}) as stream:
        event, data, pending = "", [], b""
        # Chunks, not aiohttp's line iterator: a board of 500 incidents is one data line
        # of several hundred kilobytes, past the iterator's 64 KB line limit.
        async for chunk in stream.content.iter_any():
            *lines, pending = (pending + chunk).split(b"\n")
            for raw in lines:
                line = raw.decode()
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
                elif line == "" and event:
                    if event in ("board", "patch"):
                        now = time.monotonic()
                        html = "\n".join(data)
                        print(json.dumps({"board": board, "event": event, "bytes": len(html.encode())}), flush=True)
                        if event == "patch":  # only the elements that changed, as board.js applies them
                            html = "".join(part for _, part in json.loads(html))
                        shown = acknowledged_incidents(html)
                        for incident_id in sorted(shown - seen):
                            print(json.dumps({"board": board, "incident": incident_id, "at": now}), flush=True)
                        seen |= shown
                        if first:
                            print(json.dumps({"board": board, "connected": True}), flush=True)
                            first = False
                    event, data = "", []


async def screens(base: str, cookie: str, boards: int) -> None:
    """The child process: `boards` screens following the board, as browsers elsewhere would."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as http:
        await asyncio.gather(*(follow(http, base, cookie, n) for n in range(boards)))


async def press(app: Liandong, token: str) -> float:
    assert app.console is not None
    started = time.perf_counter()
    await app.console.handle_line(f"{PRESSER['FIRE-01']}@FIRE-01: !{token}", app.pipeline.handle)
    return time.perf_counter() - started


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[max(0, int(len(ordered) * 0.99 + 0.5) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"


async def first_paint(url_of_link: str) -> float | None:
    """First contentful paint of /board in the system's Chromium, if there is one."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = await browser.new_page()
        await page.goto(url_of_link)
        await page.click("#signin")
        await page.wait_for_selector("#incidents")
        paint = await page.evaluate(
            "performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint')?.startTime")
        await browser.close()
        return None if paint is None else paint / 1000


async def main(incidents: int, boards: int, presses: int) -> None:
    # The seeded orders have no message to edit: the outbox says so for each redrawn one.
    logging.getLogger("bot.outbox").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        out = io.StringIO()
        settings = Settings.of(database_url=f"sqlite+aiosqlite:///{tmp}/board.db", console=True, http_port=0)
        app = Liandong(settings, load_organisation(DEFAULT_ORG), clock=SystemClock(), console_out=out)
        await app.start(senders=False)
        try:
            pressable = await seed(app, incidents)
            print(f"{incidents} open incidents, {incidents * len(UNITS)} orders", flush=True)
            quiet = [await press(app, token) for _, token in pressable[:presses]]  # nobody watching
            base = app.board_url()
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=None)) as http:
                await sign_in(app, out, http, base)
                started = time.perf_counter()
                async with http.get(f"{base}/board") as response:
                    await response.read()
                page_s = time.perf_counter() - started
                await app.console.handle_line("王指挥@centre: /board", app.pipeline.handle)  # type: ignore[union-attr]
                await app.drain()
                paint = await first_paint(re.findall(r"http://\S+/board/signin/\S+", out.getvalue())[-1])
                cookie = "; ".join(f"{c.key}={c.value}" for c in jar)
                child = await asyncio.create_subprocess_exec(
                    sys.executable, __file__, "--screens", base, cookie, str(boards),
                    stdout=asyncio.subprocess.PIPE)
                shown: dict[str, list[float]] = {}
                received: dict[str, list[int]] = {}  # per kind of event, the size of each a board got
                connected = 0

                async def read_child() -> None:
                    nonlocal connected
                    assert child.stdout is not None
                    async for raw in child.stdout:
                        report = json.loads(raw)
                        if report.get("connected"):
                            connected += 1
                        elif "event" in report:
                            received.setdefault(report["event"], []).append(report["bytes"])
                        else:
                            shown.setdefault(report["incident"], []).append(report["at"])
                reader = asyncio.create_task(read_child())
                try:
                    await wait_until(lambda: connected == boards, 120)
                    delays, loaded = [], []
                    received.clear()  # from here: what the presses cost, not the first whole page
                    for incident_id, token in pressable[presses:2 * presses]:
                        began = time.monotonic()
                        loaded.append(await press(app, token))
                        await wait_until(lambda: len(shown.get(incident_id, ())) == boards, 60)
                        delays += [at - began for at in shown[incident_id]]
                finally:
                    child.terminate()
                    await child.wait()
                    reader.cancel()
        finally:
            await app.stop()
    print(f"/board page: {page_s * 1000:.0f} ms to the whole answer"
          + (f", first contentful paint {paint * 1000:.0f} ms" if paint is not None else ", no Chromium for paint"))
    print(f"press → {boards} boards updated: {percentiles(delays)} (target p99 ≤ 1000 ms)")
    sent = {kind: f"{len(sizes)} × {statistics.mean(sizes) / 1000:.1f} KB" for kind, sizes in sorted(received.items())}
    print(f"sent to the boards during the presses: {sent or 'nothing'} "
          "(board: the whole page; patch: only what changed)")
    print(f"press latency, no board open: {percentiles(quiet)}; with {boards} boards: {percentiles(loaded)} "
          f"(target within 20 %)")


async def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout:.0f} s")
        await asyncio.sleep(0.01)


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "--screens":
    asyncio.run(screens(sys.argv[2], sys.argv[3], int(sys.argv[4])))
elif __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=500)
    parser.add_argument("--boards", type=int, default=50)
    parser.add_argument("--presses", type=int, default=40)
    args = parser.parse_args()
    event_loop.run(main(args.incidents, args.boards, args.presses))
