"""Polling Atom or RSS feeds of CAP alerts (LIANDONG_CAP_FEEDS).

Each feed is asked with a conditional GET (If-None-Match / If-Modified-Since from
its last answer), so an unchanged feed costs a 304 and nothing else. An entry's
CAP document is linked (Atom <link>, RSS <link> or <enclosure>) or inline (an
<alert> inside the entry); each linked document is fetched once per process.
A feed that fails (unreachable, an HTTP error, not XML) is asked again after a
backoff that doubles up to an hour, so a broken issuer is not hammered; one
answer that works resets it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Awaitable, Callable
from urllib.parse import urljoin

import aiohttp
from lxml import etree

from core.cap.model import NAMESPACE
from core.cap.reader import MAX_BYTES, CapRefused, parse_xml

log = logging.getLogger(__name__)

FEED_LIMIT = 5 * MAX_BYTES
MAX_BACKOFF_S = 3600.0
SEEN_KEPT = 5000  # links remembered per feed; the database refuses a warning twice anyway
TIMEOUT = aiohttp.ClientTimeout(total=30)
ATOM = "http://www.w3.org/2005/Atom"

Take = Callable[[bytes], Awaitable[object]]  # a CAP document → drafted, or refused (never raises)


@dataclass
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    next_poll: float = 0.0  # the poller's clock (seconds)
    seen: dict[str, None] = field(default_factory=dict)  # linked documents fetched, oldest first


class FeedPoller:
    def __init__(self, urls: tuple[str, ...], take: Take, interval_s: float = 60.0):
        self.feeds = [FeedState(url) for url in urls]
        self.take = take
        self.interval_s = interval_s

    async def poll_due(self, now: float) -> int:
        """Poll every feed whose time has come; returns how many documents were handed on."""
        taken = 0
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            for feed in self.feeds:
                if feed.next_poll <= now:
                    taken += await self._poll(http, feed, now)
        return taken

    async def _poll(self, http: aiohttp.ClientSession, feed: FeedState, now: float) -> int:
        headers = {}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        try:
            async with http.get(feed.url, headers=headers) as response:
                if response.status == 304:
                    self._succeeded(feed, now)
                    return 0
                if response.status != 200:
                    raise FeedError(f"HTTP {response.status}")
                body = await _read(response, FEED_LIMIT)
                etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
            documents = self._documents(feed, parse_xml(body, FEED_LIMIT))
        except (aiohttp.ClientError, TimeoutError, FeedError, CapRefused) as exc:
            feed.failures += 1
            delay = min(self.interval_s * 2 ** feed.failures, MAX_BACKOFF_S)
            feed.next_poll = now + delay
            log.warning("CAP feed %s failed (%s); next try in %.0f s", feed.url, exc, delay)
            return 0
        self._succeeded(feed, now)
        taken, missed = 0, False
        for link, inline in documents:
            document = inline if inline is not None else await self._fetch(http, feed, link)
            if document is None:
                missed = True
                continue
            await self.take(document)
            taken += 1
        if not missed:  # else the next poll asks for the whole feed again, to retry what was missed
            feed.etag, feed.last_modified = etag, modified
        return taken

    def _succeeded(self, feed: FeedState, now: float) -> None:
        feed.failures, feed.next_poll = 0, now + self.interval_s

    def _documents(self, feed: FeedState, root: etree._Element) -> list[tuple[str, bytes | None]]:
        """(link, inline document) of each entry not seen before, oldest first as issuers list newest first."""
        found: list[tuple[str, bytes | None]] = []
        entries = root.findall(f".//{{{ATOM}}}entry") or root.findall(".//item")
        for entry in entries:
            inline = entry.find(f".//{{{NAMESPACE}}}alert")
            if inline is not None:
                found.append(("", etree.tostring(inline)))
                continue
            link = _link(entry)
            if link:
                link = urljoin(feed.url, link)
                if link not in feed.seen:
                    found.append((link, None))
        return list(reversed(found))

    async def _fetch(self, http: aiohttp.ClientSession, feed: FeedState, link: str) -> bytes | None:
        try:
            async with http.get(link) as response:
                if response.status != 200:
                    raise FeedError(f"HTTP {response.status}")
                body = await _read(response, MAX_BYTES)
        except (aiohttp.ClientError, TimeoutError, FeedError) as exc:
            log.warning("CAP document %s not fetched (%s); tried again with the feed", link, exc)
            return None
        feed.seen[link] = None
        while len(feed.seen) > SEEN_KEPT:
            feed.seen.pop(next(iter(feed.seen)))
        return body


class FeedError(Exception):
    pass


def _link(entry: etree._Element) -> str:
    """An Atom entry's CAP link (typed, else alternate, else any); an RSS item's enclosure or link."""
    links = entry.findall(f"{{{ATOM}}}link")
    for wanted in (lambda l: "cap" in (l.get("type") or ""), lambda l: l.get("rel", "alternate") == "alternate",
                   lambda l: True):
        for link in links:
            if wanted(link) and link.get("href"):
                return link.get("href", "")
    enclosure = entry.find("enclosure")
    if enclosure is not None and enclosure.get("url"):
        return enclosure.get("url", "")
    return (entry.findtext("link") or "").strip()


async def _read(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """At most one byte past the limit (enough for the parser to refuse it)."""
    chunks, size = [], 0
    while size <= limit and (chunk := await response.content.read(limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
