"""Who is looking at the board: the session cookie, checked on every request.

A session is a secret in an HttpOnly, SameSite=Strict cookie (Secure over https);
the database keeps its hash, its person and its end. A session whose person is no
longer a centre member of the organisation as it stands now (the roster laid over
the file) opens nothing, so removing someone from the centre ends their board too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from aiohttp import web

from config.organisation import Organisation
from storage.board import BoardAccessRepository
from storage.db import Database

SESSION_COOKIE = "liandong_board"
LANGUAGE_COOKIE = "liandong_board_lang"


@dataclass(frozen=True)
class Viewer:
    person: str  # platform:user_id
    name: str


def is_https(request: web.Request, public_url: str | None) -> bool:
    """Behind the proxy the bot itself speaks http: the proxy or the public URL tell."""
    return (request.scheme == "https" or request.headers.get("X-Forwarded-Proto") == "https"
            or bool(public_url and public_url.startswith("https://")))


def still_centre(org: Organisation, person: str) -> bool:
    platform, _, user_id = person.partition(":")
    info = org.person(platform, user_id)
    return bool(info and info.centre)


async def viewer_of(request: web.Request, db: Database, org: Callable[[], Organisation],
                    now: datetime) -> tuple[Viewer | None, str | None]:
    """(the viewer, None) or (None, why not: "none", "ended")."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret or len(secret) > 200:
        return None, "none"
    async with db.reading() as session:
        row = await BoardAccessRepository(session).live_session(secret, now)
    if row is None or not still_centre(org(), row.person):
        return None, "ended"
    return Viewer(row.person, row.name), None


def set_session_cookie(response: web.StreamResponse, secret: str, max_age_s: int, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, secret, max_age=max_age_s, path="/board", httponly=True,
                        samesite="Strict", secure=secure)


def clear_session_cookie(response: web.StreamResponse, secure: bool) -> None:
    response.del_cookie(SESSION_COOKIE, path="/board", httponly=True, samesite="Strict", secure=secure)


def same_origin(request: web.Request) -> bool:
    """A form posted from another site (a forged sign-out or sign-in) is refused.

    Browsers send Origin with every POST; one from elsewhere is not ours."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("X-Forwarded-Host") or request.host
    return origin.split("://", 1)[-1] == host
