"""Reading Atom or RSS feeds of CAP alerts (LIANDONG_CAP_FEEDS): pure, no I/O.

An entry's CAP document is linked (Atom <link>, RSS <link> or <enclosure>) or
inline (an <alert> inside the entry). Fetching the feeds and the documents they
link is bot/cap_feeds.py's job; this module only says what a feed lists and how
long a failing feed should wait.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from core.cap.model import NAMESPACE
from core.cap.reader import MAX_BYTES

FEED_LIMIT = 5 * MAX_BYTES
MAX_BACKOFF_S = 3600.0
SEEN_KEPT = 5000  # links remembered per feed; the database refuses a warning twice anyway
ATOM = "http://www.w3.org/2005/Atom"


@dataclass
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    next_poll: float = 0.0  # the poller's clock (seconds)
    seen: dict[str, None] = field(default_factory=dict)  # linked documents fetched, oldest first

    def succeeded(self, now: float, interval_s: float) -> None:
        self.failures, self.next_poll = 0, now + interval_s

    def failed(self, now: float, interval_s: float) -> float:
        """Back off: twice as long after each failure in a row, up to an hour. Returns the delay."""
        self.failures += 1
        delay = min(interval_s * 2 ** self.failures, MAX_BACKOFF_S)
        self.next_poll = now + delay
        return delay

    def remember(self, link: str) -> None:
        self.seen[link] = None
        while len(self.seen) > SEEN_KEPT:
            self.seen.pop(next(iter(self.seen)))


def feed_documents(feed: FeedState, root: etree._Element) -> list[tuple[str, bytes | None]]:
    """(link, inline document) of each entry not seen before, oldest first as issuers list newest first."""
    found: list[tuple[str, bytes | None]] = []
    entries = root.findall(f".//{{{ATOM}}}entry") or root.findall(".//item")
    for entry in entries:
        inline = entry.find(f".//{{{NAMESPACE}}}alert")
        if inline is not None:
            found.append(("", etree.tostring(inline)))
            continue
        link = entry_link(entry)
        if link:
            link = urljoin(feed.url, link)
            if link not in feed.seen:
                found.append((link, None))
    return list(reversed(found))


def entry_link(entry: etree._Element) -> str:
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
