"""The web board under load: 500 open incidents with 2,000 orders, 50 boards connected.

A console bot with its HTTP server; the incidents and orders are written straight to
the database, each order with a 接令 button of its own. Boards are server-sent event
clients signed in with links from /board (a real browser would paint the same bytes;
one Chromium, when found, measures first contentful paint).

Prints:
- the page: time to the whole /board answer, and the browser's first contentful paint;
- press → board: from a unit's press typed in the console to every connected board
  holding the new state, p50/p99 (target p99 ≤ 1 s);
- press latency (the console handling the press, to its commit) with no board open and
  with the boards connected, p50/p99 (target: within 20 % of each other).

Run: .venv/bin/python bench/board.py [--incidents 500] [--boards 50] [--presses 40]
"""
from __future__ import annotations

import argparse
import asyncio
import io
import logging
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402

from bot.app import Liandong  # noqa: E402
from config.organisation import load_organisation  # noqa: E402
from config.settings import DEFAULT_ORG, Settings  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from core.events import ConversationRef  # noqa: E402
from storage.buttons import ButtonRepository  # noqa: E402
from storage.models import DispatchOrder, Incident  # noqa: E402

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


class Board:
    """One connected board: the latest content its stream pushed, and when."""

    def __init__(self) -> None:
        self.html = ""
        self.changed = asyncio.Event()

    async def follow(self, http: aiohttp.ClientSession, base: str) -> None:
        async with http.get(f"{base}/board/events?page=board") as stream:
            event, data = "", []
            async for raw in stream.content:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
                elif line == "" and event:
                    if event == "board":
                        self.html = "\n".join(data)
                        self.changed.set()
                    event, data = "", []

    def shows(self, incident_id: str) -> bool:
        card = self.html.split(f'id="incident-{incident_id}"', 1)
        return len(card) == 2 and 'data-unit="FIRE-01" data-state="acknowledged"' in card[1].split("</article>", 1)[0]


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
                connected = [Board() for _ in range(boards)]
                followers = [asyncio.create_task(b.follow(http, base)) for b in connected]
                await asyncio.wait_for(asyncio.gather(*(b.changed.wait() for b in connected)), 60)
                delays, loaded = [], []
                for incident_id, token in pressable[presses:2 * presses]:
                    for b in connected:
                        b.changed.clear()
                    began = time.perf_counter()
                    loaded.append(await press(app, token))
                    pending = list(connected)
                    while pending:
                        await asyncio.wait_for(asyncio.wait([asyncio.ensure_future(b.changed.wait())
                                                             for b in pending]), 10)
                        for b in [b for b in pending if b.changed.is_set()]:
                            b.changed.clear()
                            if b.shows(incident_id):
                                delays.append(time.perf_counter() - began)
                                pending.remove(b)
                for task in followers:
                    task.cancel()
                await asyncio.gather(*followers, return_exceptions=True)
        finally:
            await app.stop()
    print(f"/board page: {page_s * 1000:.0f} ms to the whole answer"
          + (f", first contentful paint {paint * 1000:.0f} ms" if paint is not None else ", no Chromium for paint"))
    print(f"press → {boards} boards updated: {percentiles(delays)} (target p99 ≤ 1000 ms)")
    print(f"press latency, no board open: {percentiles(quiet)}; with {boards} boards: {percentiles(loaded)} "
          f"(target within 20 %)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=500)
    parser.add_argument("--boards", type=int, default=50)
    parser.add_argument("--presses", type=int, default=40)
    args = parser.parse_args()
    asyncio.run(main(args.incidents, args.boards, args.presses))
