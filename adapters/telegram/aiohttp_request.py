"""python-telegram-bot's networking on aiohttp instead of httpx.

PTB lets a bot bring its own networking (telegram.request.BaseRequest). Under
a storm of button presses the default httpx/httpcore stack spent most of the
bot's CPU in its connection pool bookkeeping, which grows with every queued
request; aiohttp (already the bot's HTTP server) does the same work for a
fraction of it.

The long-poll request may carry a tap: getUpdates answers pass through it
before PTB parses them (see presses.py).

Every exchange tells the adapter's reachability tracker whether the Bot API
answered: a network error or a 5xx is a failure, 401/404 (Telegram's answers
to a wrong token) an authentication failure, any other answer (a 400 about one
message, a 429) proof that the API is there.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Callable

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from core.platform import ReachabilityTracker

log = logging.getLogger(__name__)

# Takes a getUpdates result list; returns what PTB is still to see (the same list when it took nothing).
UpdatesTap = Callable[[list[Any]], list[Any]]


class AiohttpRequest(BaseRequest):
    def __init__(self, *, connections: int = 16, read_timeout: float = 10.0, connect_timeout: float = 10.0,
                 write_timeout: float = 20.0, pool_timeout: float = 10.0, updates_tap: UpdatesTap | None = None,
                 reachability: ReachabilityTracker | None = None):
        self._connections = connections
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._write_timeout = write_timeout
        self._pool_timeout = pool_timeout
        self._updates_tap = updates_tap
        self._reachability = reachability
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, keepalive_timeout=60)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE, pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        timeout = aiohttp.ClientTimeout(
            sock_connect=_given(connect_timeout, self._connect_timeout),
            sock_read=_given(read_timeout, self._read_timeout),
            # A long poll's read timeout is long: the whole call may take as long, plus sending.
            total=_sum(_given(read_timeout, self._read_timeout), _given(write_timeout, self._write_timeout),
                       _given(pool_timeout, self._pool_timeout)),
        )
        try:
            async with self._session.request(method, url, data=_body(request_data), timeout=timeout) as response:
                status, payload = response.status, await response.read()
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            self._outcome(None)
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            self._outcome(None)
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        self._outcome(status)
        if self._updates_tap is not None and status == 200 and url.endswith("/getUpdates"):
            payload = _tapped(payload, self._updates_tap)
        return status, payload


    def _outcome(self, status: int | None) -> None:
        if self._reachability is not None:
            self._reachability.http_outcome(status)


def _tapped(payload: bytes, tap: UpdatesTap) -> bytes:
    """The getUpdates answer with what the tap took out; anything unexpected is left to PTB."""
    try:
        body = json.loads(payload)
    except ValueError:
        return payload
    if not (isinstance(body, dict) and body.get("ok") is True and isinstance(body.get("result"), list)):
        return payload
    try:
        rest = tap(body["result"])
    except Exception:  # a bug in the tap must not stop the polling: PTB gets everything
        log.exception("getUpdates tap failed; leaving the whole answer to PTB")
        return payload
    if rest is body["result"]:
        return payload
    return json.dumps({**body, "result": rest}).encode()


def _body(request_data: RequestData | None) -> Any:
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields  # form-encoded, as PTB's own networking sends it
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        filename, content, mime_type = part
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form


def _given(value: Any, default: float | None) -> float | None:
    return default if isinstance(value, type(BaseRequest.DEFAULT_NONE)) else value


def _sum(*parts: float | None) -> float | None:
    return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
