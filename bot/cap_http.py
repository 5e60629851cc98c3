"""CAP 1.2 over HTTP (#17), on the bot's own server, all behind LIANDONG_CAP_TOKEN:

    GET  /cap/alerts/{id}.xml   one sent alert (or update, or cancel) as a CAP document
    GET  /cap/alerts.atom       the latest of them as an Atom feed, each entry linking its document
    POST /cap/inbound           an outside warning (a CAP document) → a draft in the centre

The token is checked before anything of the request is read: a wrong or missing
one is 401. A refused document is 400 with the reason, and nothing is drafted.
"""
from __future__ import annotations

import hmac
import logging
from typing import TYPE_CHECKING, Awaitable, Callable

from aiohttp import web
from lxml import etree

from core.cap.model import cap_time
from core.cap.reader import MAX_BYTES, CapRefused, read_alert
from handlers.broadcast.cap_in import Drafted, draft_from_cap
from handlers.broadcast.cap_out import cap_document, cap_identifier, to_cap
from handlers.context import Context
from storage.broadcasts import BroadcastRepository

if TYPE_CHECKING:
    from bot.app import Liandong

log = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
CAP_MIME = "application/cap+xml"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class CapEndpoints:
    def __init__(self, app: "Liandong", token: str):
        self.app = app
        self._token = token.encode()

    def routes(self) -> list[tuple[str, str, Handler]]:
        return [
            ("GET", "/cap/alerts.atom", self._guarded(self.feed)),
            ("GET", r"/cap/alerts/{id:\d{1,12}}.xml", self._guarded(self.document)),
            ("POST", "/cap/inbound", self._guarded(self.inbound)),
        ]

    def _guarded(self, handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            given = request.headers.get("Authorization", "")
            scheme, _, token = given.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), self._token):
                log.warning("CAP %s %s refused: no valid bearer token", request.method, request.path)
                return web.json_response({"error": "a valid bearer token is required"}, status=401,
                                         headers={"WWW-Authenticate": "Bearer"})
            return await handler(request)
        return guarded

    async def document(self, request: web.Request) -> web.Response:
        async with self.app.db.transaction() as session:
            repo = BroadcastRepository(session)
            broadcast = await repo.get(int(request.match_info["id"]))
            if broadcast is None or broadcast.sent_at is None:
                return web.json_response({"error": "no sent alert with that id"}, status=404)
            body = await cap_document(repo, self.app.org, broadcast)
        return web.Response(body=body, content_type=CAP_MIME, charset="utf-8")

    async def feed(self, request: web.Request) -> web.Response:
        """Atom (RFC 4287): one entry per document, newest first, linking /cap/alerts/{id}.xml."""
        base = (self.app.settings.public_url or "").rstrip("/")
        root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
        etree.SubElement(root, f"{{{ATOM}}}title").text = f"{self.app.org.name} — CAP alerts"
        etree.SubElement(root, f"{{{ATOM}}}id").text = f"urn:liandong:{self.app.org.name}:alerts"
        etree.SubElement(root, f"{{{ATOM}}}link", rel="self", href=f"{base}/cap/alerts.atom")
        updated = etree.SubElement(root, f"{{{ATOM}}}updated")
        updated.text = cap_time(self.app.clock.now())
        async with self.app.db.transaction() as session:
            repo = BroadcastRepository(session)
            for broadcast in await repo.sent_for_feed(FEED_ENTRIES):
                earlier = await repo.get(broadcast.references_id) if broadcast.references_id else None
                alert = to_cap(self.app.org, broadcast, earlier)
                entry = etree.SubElement(root, f"{{{ATOM}}}entry")
                etree.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:liandong:{cap_identifier(broadcast)}"
                etree.SubElement(entry, f"{{{ATOM}}}title").text = alert.headline or alert.event or alert.msg_type
                etree.SubElement(entry, f"{{{ATOM}}}updated").text = cap_time(alert.sent)
                author = etree.SubElement(entry, f"{{{ATOM}}}author")
                etree.SubElement(author, f"{{{ATOM}}}name").text = alert.sender_name
                etree.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type=CAP_MIME,
                                 href=f"{base}/cap/alerts/{broadcast.id}.xml")
                etree.SubElement(entry, f"{{{ATOM}}}summary").text = alert.description[:500]
        if len(root) > 4:
            updated.text = root.find(f"{{{ATOM}}}entry/{{{ATOM}}}updated").text  # type: ignore[union-attr]
        body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return web.Response(body=body, content_type="application/atom+xml", charset="utf-8")

    async def inbound(self, request: web.Request) -> web.Response:
        body = await _body(request)
        if body is None:
            return web.json_response({"refused": "too_large", "detail": f"more than {MAX_BYTES} bytes"}, status=400)
        outcome = await self.take(body)
        if isinstance(outcome, CapRefused):
            if outcome.reason == "duplicate":  # a retry of a delivery already taken: fine
                return web.json_response({"outcome": "duplicate"}, status=200)
            return web.json_response({"refused": outcome.reason, "detail": outcome.detail}, status=400)
        return web.json_response({"outcome": outcome.outcome, "draft": outcome.broadcast_id}, status=202)

    async def take(self, document: bytes) -> Drafted | CapRefused:
        return await take_cap(self.app, document)


async def take_cap(app: "Liandong", document: bytes) -> Drafted | CapRefused:
    """A CAP document from outside (POST, feed, chat) → a draft, or the reason it was refused (never raised)."""
    try:
        alert = read_alert(document, app.org.language)
    except CapRefused as refused:
        log.warning("CAP document refused: %s", refused)
        return refused
    result: list[Drafted] = []

    async def draft(ctx: Context) -> int:
        result.append(await draft_from_cap(ctx, alert))
        return 1

    draft.__name__ = "cap_inbound"  # the metrics' label
    try:
        await app.pipeline.run_job(draft)
    except CapRefused as refused:  # the transaction rolled back: nothing drafted
        log.warning("CAP %s from %s refused: %s", alert.identifier, alert.sender, refused)
        return refused
    return result[0]


async def _body(request: web.Request) -> bytes | None:
    """The body, or None when it is over the limit: never more than a byte past it is read."""
    if (request.content_length or 0) > MAX_BYTES:
        return None
    chunks, size = [], 0
    while size <= MAX_BYTES and (chunk := await request.content.read(MAX_BYTES + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks) if size <= MAX_BYTES else None
