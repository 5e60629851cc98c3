"""Polling CAP feeds (LIANDONG_CAP_FEEDS, #17) from an aiohttp test server on
127.0.0.1: Atom and RSS, conditional GET answered with 304, errors met with a
growing backoff, each warning drafted once."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.app import Liandong
from config.organisation import Organisation
from config.settings import Settings
from core.clock import ManualClock
from storage.models import Broadcast

DATA = Path(__file__).with_name("data") / "cap"
ATOM_ENTRY = """<entry><id>urn:{name}</id><title>{name}</title><updated>2026-11-22T07:00:00Z</updated>
<link rel="alternate" type="application/cap+xml" href="/docs/{name}"/></entry>"""


@dataclass
class Issuer:
    """A warning service: its feeds, the documents they link, and what it was asked."""

    atom_entries: list[str] = field(default_factory=lambda: ["cn_rainstorm_red.xml"])
    version: int = 1
    failing: int = 0  # this many answers of /feed.atom are HTTP 503 first
    asked: list[tuple[str, str | None]] = field(default_factory=list)  # (path, If-None-Match)
    not_modified: int = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/feed.atom", self.atom)
        app.router.add_get("/feed.rss", self.rss)
        app.router.add_get("/garbage", self.garbage)
        app.router.add_get("/docs/{name}", self.document)
        return app

    async def atom(self, request: web.Request) -> web.Response:
        self.asked.append((request.path, request.headers.get("If-None-Match")))
        if self.failing:
            self.failing -= 1
            return web.Response(status=503, text="busy")
        etag = f'"v{self.version}"'
        if request.headers.get("If-None-Match") == etag:
            self.not_modified += 1
            return web.Response(status=304)
        entries = "".join(ATOM_ENTRY.format(name=n) for n in reversed(self.atom_entries))  # newest first
        body = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>广州市气象台</title><id>urn:feed</id><updated>2026-11-22T07:00:00Z</updated>{entries}</feed>")
        return web.Response(body=body.encode(), content_type="application/atom+xml",
                            headers={"ETag": etag, "Last-Modified": "Sun, 22 Nov 2026 07:00:00 GMT"})

    async def rss(self, request: web.Request) -> web.Response:
        self.asked.append((request.path, None))
        body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Advisories</title>'
                '<item><title>HSAS</title><link>/docs/spec_homeland_security.xml</link></item>'
                '<item><title>bad</title><enclosure url="/docs/bad_xxe.xml" type="application/cap+xml" length="1"/>'
                "</item></channel></rss>")
        return web.Response(body=body.encode(), content_type="application/rss+xml")

    async def garbage(self, request: web.Request) -> web.Response:
        self.asked.append((request.path, None))
        return web.Response(text="<html><p>maintenance", content_type="text/html")

    async def document(self, request: web.Request) -> web.Response:
        self.asked.append((request.path, None))
        path = DATA / request.match_info["name"]
        if not path.is_file():
            return web.Response(status=404)
        return web.Response(body=path.read_bytes(), content_type="application/cap+xml")


@pytest.fixture
async def issuer() -> AsyncIterator[tuple[Issuer, str]]:
    issuer = Issuer()
    runner = web.AppRunner(issuer.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield issuer, f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def _bot(database_url: str, org: Organisation, clock: ManualClock, feeds: tuple[str, ...]) -> Liandong:
    settings = Settings.of(database_url=database_url, console=True, cap_feeds=feeds, cap_poll_s=60)
    app = Liandong(settings, org, clock=clock, console_out=io.StringIO(), http=False)
    await app.start(senders=False)
    return app


async def _drafts(app: Liandong) -> list[tuple[str | None, str]]:
    async with app.db.transaction() as session:
        return [(b.cap_identifier, b.msg_type) for b in await session.scalars(select(Broadcast).order_by(Broadcast.id))]


async def test_an_atom_feed_is_asked_conditionally_and_each_warning_drafted_once(
    database_url: str, org: Organisation, clock: ManualClock, issuer: tuple[Issuer, str],
) -> None:
    server, base = issuer
    app = await _bot(database_url, org, clock, (f"{base}/feed.atom",))
    try:
        poller = app.cap_feeds
        assert poller is not None
        assert await poller.poll_due(1000.0) == 1
        assert await _drafts(app) == [("44010041600000_20261122145000", "alert")]
        assert await poller.poll_due(1030.0) == 0  # not due yet: nothing asked
        assert len(server.asked) == 2  # the feed and its one document
        assert await poller.poll_due(1061.0) == 0
        assert server.asked[-1] == ("/feed.atom", '"v1"') and server.not_modified == 1

        # The issuer downgrades the warning: only the new document is fetched.
        server.atom_entries.append("cn_rainstorm_orange_update.xml")
        server.version = 2
        assert await poller.poll_due(1122.0) == 1
        assert [path for path, _ in server.asked].count("/docs/cn_rainstorm_red.xml") == 1
        assert await _drafts(app) == [("44010041600000_20261122145000", "alert"),
                                      ("44010041600000_20261122163000", "alert")]  # red never sent: drafted afresh
    finally:
        await app.stop()


async def test_a_failing_feed_is_asked_again_after_a_growing_backoff(
    database_url: str, org: Organisation, clock: ManualClock, issuer: tuple[Issuer, str],
) -> None:
    server, base = issuer
    server.failing = 2
    app = await _bot(database_url, org, clock, (f"{base}/feed.atom", f"{base}/garbage"))
    try:
        poller = app.cap_feeds
        assert poller is not None
        assert await poller.poll_due(0.0) == 0  # 503, and a page that is not a feed
        atom, garbage = poller.feeds
        assert (atom.failures, atom.next_poll, garbage.failures) == (1, 120.0, 1)
        await poller.poll_due(100.0)
        assert len(server.asked) == 2  # neither is due during its backoff
        await poller.poll_due(121.0)
        assert (atom.failures, atom.next_poll) == (2, 121.0 + 240.0)
        assert await poller.poll_due(400.0) == 1  # the issuer is back: drafted, and the backoff is over
        assert (atom.failures, atom.next_poll) == (0, 460.0)
        assert await _drafts(app) == [("44010041600000_20261122145000", "alert")]
    finally:
        await app.stop()


async def test_an_rss_feed_drafts_its_warnings_and_refuses_a_hostile_one(
    database_url: str, org: Organisation, clock: ManualClock, issuer: tuple[Issuer, str],
) -> None:
    _, base = issuer
    app = await _bot(database_url, org, clock, (f"{base}/feed.rss",))
    try:
        assert app.cap_feeds is not None
        assert await app.cap_feeds.poll_due(0.0) == 2  # both handed on; the XXE one refused there
        assert await _drafts(app) == [("43b080713727", "alert")]
        assert await app.cap_feeds.poll_due(61.0) == 0  # no ETag here, but documents are fetched once
    finally:
        await app.stop()


def test_core_cap_does_no_io() -> None:
    """core is the neutral model: the feeds are fetched in bot/, only read in core/cap."""
    import ast
    core_cap = Path(__file__).resolve().parents[1] / "core" / "cap"
    for path in core_cap.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {"aiohttp", "socket", "urllib3", "httpx", "requests", "asyncio"}, path.name
