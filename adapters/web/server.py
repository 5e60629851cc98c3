"""The web board's routes on the bot's HTTP server, and what they share.

/board                      the board (sign-in page when not signed in)
/board/incident/{id}        one incident
/board/events               the live stream (server-sent events) of a page's <main>
/board/signin/{secret}      GET: a page with a button; POST: spends the link, sets the cookie
/board/signout              POST: ends this browser's session
/board/static/{name}        board.js and board.css

Sign-in redeems on POST, not GET: chat apps fetch links to preview them, and a GET
that spent the link would sign the preview robot in and leave the member refused.
"""
from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from adapters.web import pages
from adapters.web.html import tag, text
from adapters.web.access import (
    LANGUAGE_COOKIE, Viewer, clear_session_cookie, is_https, same_origin, set_session_cookie, still_centre, viewer_of,
)
from adapters.web.changes import ChangeWatcher
from adapters.web.drawing import DrawingThread
from adapters.web.feed import BoardFeed, Drawn, server_sent_event
from adapters.web.pages import Section
from adapters.web.incident import read_incident
from adapters.web.snapshot import read_board
from config.organisation import Organisation
from core.clock import Clock
from core.i18n import LANGUAGES, Translator
from storage.board import BoardAccessRepository
from storage.db import Database

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
ASSETS = {"board.js": "text/javascript", "board.css": "text/css", "icon.svg": "image/svg+xml"}
INCIDENT_ID = re.compile(r"^\d{8}-\d{4,6}$")
SECRET = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
HEARTBEAT_S = 15.0  # a comment line now and then keeps proxies from closing an idle stream
SESSION_RECHECK_S = 30.0  # an expired session ends an open stream within this


@dataclass(frozen=True)
class WebSettings:
    session_ttl: timedelta
    public_url: str | None = None
    map_tiles: str | None = None  # URL template with {z} {x} {y}


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebBoard:
    def __init__(self, db: Database, org: Callable[[], Organisation], clock: Clock, settings: WebSettings):
        self.db = db
        self.org = org
        self.clock = clock
        self.settings = settings
        self.changes = ChangeWatcher(db, lambda: int(self.clock.now().timestamp() // 60))
        self._rendered: dict[tuple[object, ...], str] = {}
        self._rendered_version = -1
        self._feeds: dict[str, BoardFeed] = {}  # the board page per language, shared by its streams
        self.drawing = DrawingThread(db)  # where the live board is read and drawn, off the bot's loop
        self._streams: set[asyncio.Task[object]] = set()  # open streams, ended when the bot stops

    def routes(self) -> list[tuple[str, str, Handler]]:
        return [
            ("GET", "/board", self.board_page),
            ("GET", "/board/incident/{incident_id}", self.incident_page),
            ("GET", "/board/events", self.events),
            ("GET", "/board/signin/{secret}", self.signin_page),
            ("POST", "/board/signin/{secret}", self.signin),
            ("POST", "/board/signout", self.signout),
            ("GET", "/board/static/{name}", self.static),
        ]

    async def close(self) -> None:
        """End every open stream now: the HTTP server's shutdown would wait for them."""
        for task in list(self._streams):
            task.cancel()
        await asyncio.gather(*self._streams, return_exceptions=True)
        await self.drawing.close()

    def changed(self) -> None:
        """The pipeline committed something in this process (bot/app.py calls it)."""
        self.changes.nudge()

    # -- language and headers --

    def translator(self, request: web.Request) -> Translator:
        wanted = request.query.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
        return Translator(wanted if wanted in LANGUAGES else self.org().language)

    def _headers(self, response: web.StreamResponse) -> web.StreamResponse:
        tiles = ""
        if self.settings.map_tiles:
            parts = urlsplit(self.settings.map_tiles)
            tiles = f" {parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            f"img-src 'self'{tiles}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        # A sign-in link never leaks in a Referer to another site; same-origin keeps the
        # Origin header on our own forms (no-referrer would make it "null").
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    def _html(self, request: web.Request, body: str, status: int = 200) -> web.Response:
        response = web.Response(text=body, content_type="text/html", charset="utf-8", status=status)
        lang = request.query.get("lang")
        if lang in LANGUAGES:  # the choice sticks for this browser
            response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 86400, path="/board", samesite="Strict",
                                httponly=True)
        self._headers(response)
        return response

    def _refused(self, request: web.Request, reason: str, status: int = 401) -> web.Response:
        t = self.translator(request)
        return self._html(request, pages.message_page(t, self.org(), "web.signin.title", f"web.signin.{reason}"),
                          status)

    # -- pages --

    async def _viewer(self, request: web.Request) -> tuple[Viewer | None, web.Response | None]:
        viewer, why = await viewer_of(request, self.db, self.org, self.clock.now())
        if viewer is None:
            return None, self._refused(request, "needed" if why == "none" else "session_ended")
        return viewer, None

    async def board_page(self, request: web.Request) -> web.StreamResponse:
        viewer, refused = await self._viewer(request)
        if viewer is None:
            return refused  # type: ignore[return-value]
        t = self.translator(request)
        main = await self.render_main(t, "board", None)
        return self._html(request, pages.layout(t, self.org(), t("web.title"), main, viewer=viewer.name,
                                                stream=f"/board/events?page=board&lang={t.language}"))

    async def incident_page(self, request: web.Request) -> web.StreamResponse:
        viewer, refused = await self._viewer(request)
        if viewer is None:
            return refused  # type: ignore[return-value]
        t = self.translator(request)
        incident_id = request.match_info["incident_id"]
        main = await self.render_main(t, "incident", incident_id) if INCIDENT_ID.match(incident_id) else None
        here = f"/board/incident/{incident_id}"
        if main is None:
            body = pages.layout(t, self.org(), t("web.not_found"), text("p", t("web.not_found")),
                                viewer=viewer.name, here=here)
            return self._html(request, body, status=404)
        return self._html(request, pages.layout(
            t, self.org(), t("web.incident.title", id=incident_id), main, viewer=viewer.name, here=here,
            stream=f"/board/events?page=incident&id={incident_id}&lang={t.language}"))

    async def render_main(self, t: Translator, page: str, incident_id: str | None, *,
                          shared: bool = False) -> str | None:
        """A page's <main>. `shared`: a push to open streams, drawn once per change and
        language however many boards show it (the version only moves while someone
        watches, so a page loaded afresh is always drawn afresh)."""
        version = self.changes.version
        if version != self._rendered_version:
            self._rendered, self._rendered_version = {}, version
        key = (page, incident_id, t.language)
        if shared and key in self._rendered:
            return self._rendered[key]
        now, org = self.clock.now(), self.org()
        async with self.db.reading() as session:
            if page == "board":
                board = await read_board(session, org, now)
            else:
                view = await read_incident(session, org, incident_id or "", now)
                if view is None:
                    return None
        # Drawn in a thread: hundreds of incidents are a tenth of a second of string work,
        # which must not hold the event loop (and the presses it serves) in one piece.
        if page == "board":
            html = await asyncio.to_thread(pages.board_main, t, org, board, self.settings.map_tiles)
        else:
            html = await asyncio.to_thread(pages.incident_main, t, org, view, now)
        if shared and self.changes.version == version:  # not kept under a version newer than its rows
            self._rendered[key] = html
        return html

    async def board_now(self, t: Translator, *, connecting: bool = False) -> Drawn:
        """The board as the streams in this language share it, drawn again if the watcher
        moved since (its version, or its epoch: the version stood still while nobody
        watched, so a feed drawn before then may be old). `connecting`: a screen's first
        push, which must not be older than the page it just loaded; it gets the feed as
        drawn if nothing changed since (one cheap read), so fifty screens reconnecting
        at once cost one drawing, not fifty."""
        feed = self._feeds.setdefault(t.language, BoardFeed())
        async with feed.lock:  # the other streams wait here for this drawing rather than draw their own
            version = (self.changes.epoch, self.changes.version)
            stale = feed.version != version
            if not stale and connecting:
                try:
                    stale = not await self.changes.unchanged()
                except Exception:  # the database is briefly away: draw, which says so if it is still away
                    stale = True
            if stale:
                now, org, tiles = self.clock.now(), self.org(), self.settings.map_tiles

                async def read_and_draw(db: Database) -> tuple[Section, ...]:
                    async with db.reading() as session:
                        board = await read_board(session, org, now)
                    return feed.draw(t, org, board, tiles)

                # On the drawing thread: reading and drawing 500 incidents is tens of
                # milliseconds of Python that must not hold the bot's loop, and the presses
                # it serves, in one piece (adapters/web/drawing.py).
                feed.advance(await self.drawing.run(read_and_draw), version)
            return feed.drawn

    # -- the live stream --

    async def events(self, request: web.Request) -> web.StreamResponse:
        viewer, refused = await self._viewer(request)
        if viewer is None:
            return refused  # type: ignore[return-value]
        t = self.translator(request)
        page = "incident" if request.query.get("page") == "incident" else "board"
        incident_id = request.query.get("id") if page == "incident" else None
        if page == "incident" and not (incident_id and INCIDENT_ID.match(incident_id)):
            raise web.HTTPNotFound()
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"})
        self._headers(response)
        await response.prepare(request)
        watching = await self.changes.watch()
        me = asyncio.current_task()
        if me is not None:
            self._streams.add(me)
        loop = asyncio.get_running_loop()
        checked = loop.time()
        try:
            # At once, the page as it is now: whatever changed while the page loaded.
            version = self.changes.version
            sessions_ended = self.changes.sessions_ended
            if page == "board":
                drawn = await self.board_now(t, connecting=True)
                seq = drawn.seq
                await response.write(drawn.page_event)
            else:
                sent = await self.render_main(t, page, incident_id) or ""
                await self._send(response, "board", sent)
            while True:
                seen = await self.changes.wait_beyond(version, HEARTBEAT_S)
                # When a session ended somewhere (a revoke, a sign-out) and now and then (a
                # session runs out): not on every change, which would be one query per
                # screen per press. Leaving the centre is looked at on each change (no query).
                ended = self.changes.sessions_ended
                if ended != sessions_ended or loop.time() - checked > SESSION_RECHECK_S:
                    checked, sessions_ended = loop.time(), ended
                    if not await self._still_signed_in(request, viewer):
                        await self._send(response, "signedout", "")
                        break
                elif seen != version and not still_centre(self.org(), viewer.person):
                    await self._send(response, "signedout", "")
                    break
                if seen == version:
                    await response.write(b": keep-alive\n\n")
                    continue
                version = seen
                if page == "board":
                    drawn = await self.board_now(t)
                    if drawn.seq == seq:  # a change elsewhere (an incident's page, say) sends nothing
                        continue
                    patch = drawn.patch_event if drawn.seq == seq + 1 else None
                    # Further behind, or sections came or went: the whole page.
                    await response.write(patch if patch is not None else drawn.page_event)
                    seq = drawn.seq
                    continue
                html = await self.render_main(t, page, incident_id, shared=True) or ""
                if html != sent:
                    sent = html
                    await self._send(response, "board", html)
        except ConnectionResetError:  # the browser went away
            pass
        finally:
            watching.close()
            self._streams.discard(me)  # type: ignore[arg-type]
        return response

    async def _still_signed_in(self, request: web.Request, viewer: Viewer) -> bool:
        current, _ = await viewer_of(request, self.db, self.org, self.clock.now())
        return current is not None and still_centre(self.org(), viewer.person)

    @staticmethod
    async def _send(response: web.StreamResponse, event: str, html: str) -> None:
        await response.write(server_sent_event(event, html))

    # -- signing in and out --

    async def signin_page(self, request: web.Request) -> web.StreamResponse:
        t = self.translator(request)
        secret = request.match_info["secret"]
        if not SECRET.match(secret):
            return self._refused(request, "unknown")
        body = tag("section", text("h2", t("web.signin.title")) + text("p", t("web.signin.press"))
                         + tag("form", text("button", t("web.signin.button"), type="submit", id="signin"),
                                     method="post", action=f"/board/signin/{secret}"), class_="notice")
        return self._html(request, pages.layout(t, self.org(), t("web.signin.title"), body))

    async def signin(self, request: web.Request) -> web.StreamResponse:
        secret = request.match_info["secret"]
        if not SECRET.match(secret) or not same_origin(request):
            return self._refused(request, "unknown")
        async with self.db.transaction() as session:
            redeemed = await BoardAccessRepository(session).redeem(secret, self.clock.now(), self.settings.session_ttl)
        if redeemed.refused is not None or redeemed.session_secret is None:
            log.info("board sign-in refused: %s", redeemed.refused)
            return self._refused(request, redeemed.refused or "unknown")
        if not still_centre(self.org(), redeemed.person or ""):
            return self._refused(request, "session_ended")
        response = web.Response(status=303, headers={"Location": "/board"})
        set_session_cookie(response, redeemed.session_secret, int(self.settings.session_ttl.total_seconds()),
                           is_https(request, self.settings.public_url))
        self._headers(response)
        log.info("board signed in: %s", redeemed.person)
        return response

    async def signout(self, request: web.Request) -> web.StreamResponse:
        if not same_origin(request):
            return self._refused(request, "unknown", status=403)
        secret = request.cookies.get("liandong_board")
        if secret:
            async with self.db.transaction() as session:
                await BoardAccessRepository(session).end_session(secret, self.clock.now())
        response = self._refused(request, "signed_out", status=200)
        clear_session_cookie(response, is_https(request, self.settings.public_url))
        return response

    async def static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in ASSETS:
            raise web.HTTPNotFound()
        response = web.Response(body=(STATIC / name).read_bytes(), content_type=ASSETS[name])
        self._headers(response)
        response.headers["Cache-Control"] = "no-cache"  # assets may be kept, but asked about again
        return response
