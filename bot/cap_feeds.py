"""Polling Atom or RSS feeds of CAP alerts (LIANDONG_CAP_FEEDS, #17): the HTTP side.

Each feed is asked with a conditional GET (If-None-Match / If-Modified-Since from
its last answer), so an unchanged feed costs a 304 and nothing else; each linked
document is fetched once per process. A feed that fails (unreachable, an HTTP
error, not XML) is asked again after a backoff that doubles up to an hour, so a
broken issuer is not hammered; one answer that works resets it. What a feed
lists is read by core/cap/feeds.py, which does no I/O.
"""
from __future__ import annotations

import logging
from typing import Awaitable, Callable

import aiohttp

from core.cap.feeds import FEED_LIMIT, FeedState, feed_documents
from core.cap.reader import MAX_BYTES, CapRefused, parse_xml

log = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=30)

Take = Callable[[bytes], Awaitable[object]]  # a CAP document → drafted, or refused (never raises)


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
                    feed.succeeded(now, self.interval_s)
                    return 0
                if response.status != 200:
                    raise FeedError(f"HTTP {response.status}")
                body = await _read(response, FEED_LIMIT)
                etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
            documents = feed_documents(feed, parse_xml(body, FEED_LIMIT))
        except (aiohttp.ClientError, TimeoutError, FeedError, CapRefused) as exc:
            delay = feed.failed(now, self.interval_s)
            log.warning("CAP feed %s failed (%s); next try in %.0f s", feed.url, exc, delay)
            return 0
        feed.succeeded(now, self.interval_s)
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

    async def _fetch(self, http: aiohttp.ClientSession, feed: FeedState, link: str) -> bytes | None:
        try:
            async with http.get(link) as response:
                if response.status != 200:
                    raise FeedError(f"HTTP {response.status}")
                body = await _read(response, MAX_BYTES)
        except (aiohttp.ClientError, TimeoutError, FeedError) as exc:
            log.warning("CAP document %s not fetched (%s); tried again with the feed", link, exc)
            return None
        feed.remember(link)
        return body


class FeedError(Exception):
    pass


async def _read(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """At most one byte past the limit (enough for the parser to refuse it)."""
    chunks, size = [], 0
    while size <= limit and (chunk := await response.content.read(limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
