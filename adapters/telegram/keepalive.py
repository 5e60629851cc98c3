"""A small HTTP/1.1 client for JSON POSTs to one server over kept-alive connections.

Made for answerCallbackQuery, a thousand times a second in an ack storm:
aiohttp spends ~180 µs of CPU on each such request (its request/response
objects, timers, tracing hooks, cookie and header machinery), this ~60 µs. It
does only what that needs: POST a body, read a response framed by
Content-Length or chunked encoding, keep the connection for the next request.
No redirects, proxies, compression or cookies. Anything it does not expect
closes the connection and raises HttpError. A request whose kept connection
turns out closed or reset is sent again on another: only for requests where
that is harmless (Telegram refuses a second answer to the same press).
"""
from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit

MAX_HEAD = 64 * 1024  # status line and headers; Telegram's are a few hundred bytes
MAX_BODY = 1024 * 1024


class HttpError(Exception):
    """The exchange failed: no connection, a broken or unexpected response, a timeout."""


_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class KeepAliveClient:
    def __init__(self, base_url: str, *, connections: int = 16, timeout_s: float = 10.0):
        url = urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self._host = url.hostname
        self._port = url.port or (443 if url.scheme == "https" else 80)
        self._ssl = ssl.create_default_context() if url.scheme == "https" else None
        default_port = self._port == (443 if self._ssl else 80)
        host = f"[{self._host}]" if ":" in self._host else self._host  # IPv6 literals keep their brackets
        self._host_header = host if default_port else f"{host}:{self._port}"
        self._prefix = url.path.rstrip("/")
        self._timeout_s = timeout_s
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[_Connection] = []
        self._closed = False

    async def post_json(self, path: str, body: bytes) -> tuple[int, bytes]:
        """(status, body) of POST base_url + path. Raises HttpError."""
        if self._closed:
            raise HttpError("client closed")
        request = self._request(path, body)
        async with self._slots:
            try:
                return await asyncio.wait_for(self._exchange(request), self._timeout_s)
            except asyncio.TimeoutError:
                raise HttpError(f"no answer within {self._timeout_s:.0f} s") from None

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()
        for _, writer in idle:
            try:
                await writer.wait_closed()
            except (OSError, ssl.SSLError):
                pass

    def _request(self, path: str, body: bytes) -> bytes:
        head = (
            f"POST {self._prefix}{path} HTTP/1.1\r\nHost: {self._host_header}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode("latin-1") + body

    async def _exchange(self, request: bytes) -> tuple[int, bytes]:
        # A kept connection the server has meanwhile closed fails before any answer
        # arrives: then the request goes on another one, in the end a fresh one.
        while self._idle:
            connection = self._idle.pop()
            reader, writer = connection
            if reader.at_eof() or reader._buffer:  # closed, or an answer nobody asked for: not reusable
                writer.close()
                continue
            try:
                return await self._send(connection, request)
            except _StaleConnection:
                continue
        try:
            connection = await asyncio.open_connection(
                self._host, self._port, ssl=self._ssl, limit=MAX_HEAD,
                server_hostname=self._host if self._ssl else None,
            )
        except (OSError, ssl.SSLError) as exc:
            raise HttpError(f"cannot connect: {exc}") from exc
        try:
            return await self._send(connection, request)
        except _StaleConnection as exc:
            raise HttpError("connection closed before the answer") from exc

    async def _send(self, connection: _Connection, request: bytes) -> tuple[int, bytes]:
        reader, writer = connection
        try:
            writer.write(request)
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                if not exc.partial:
                    raise _StaleConnection from exc
                raise
            status, headers, keep = _parse_head(head)
            body = await _read_body(reader, headers)
        except _StaleConnection:
            writer.close()
            raise
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            writer.close()
            if isinstance(exc, ConnectionError):  # reset or broken pipe: the server had closed it
                raise _StaleConnection from exc
            raise HttpError(f"broken answer: {type(exc).__name__}: {exc}") from exc
        except BaseException:  # cancelled or timed out mid-exchange: the connection is in an unknown state
            writer.close()
            raise
        if keep and not self._closed:
            self._idle.append(connection)
        else:
            writer.close()
        return status, body


class _StaleConnection(Exception):
    """A kept-alive connection closed by the server before it answered."""


def _parse_head(head: bytes) -> tuple[int, dict[str, str], bool]:
    """(status, lower-cased headers, whether the connection may be kept)."""
    lines = head.decode("latin-1").split("\r\n")
    version, status, *_ = lines[0].split(" ", 2)
    if not version.startswith("HTTP/1.") or not status.isdigit():
        raise ValueError(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    return int(status), headers, keep


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return await _read_chunked(reader)
    length = int(headers.get("content-length", "-1"))
    if not 0 <= length <= MAX_BODY:
        raise ValueError("answer without a usable Content-Length")
    return await reader.readexactly(length)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts, total = [], 0
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                pass
            return b"".join(parts)
        total += size
        if total > MAX_BODY:
            raise ValueError("answer too long")
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)  # the CRLF after each chunk
