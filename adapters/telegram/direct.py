"""One Bot API method called directly, without python-telegram-bot's object layer, on a
keep-alive client of its own (keepalive.py): what answers.py and edits.py share.

Each exchange tells the adapter's reachability tracker whether the Bot API answered,
as the PTB requests do (aiohttp_request.py): in webhook mode these calls may be the
bot's only ones for a while.
"""
from __future__ import annotations

from adapters.telegram.keepalive import HttpError, KeepAliveClient
from core.platform import ReachabilityTracker


class DirectMethod:
    def __init__(self, api_url: str, token: str, method: str, *, connections: int, timeout_s: float,
                 reachability: ReachabilityTracker | None = None):
        self._api_url = api_url.rstrip("/")
        self._path = f"/bot{token}/{method}"  # holds the token: never logged
        self._connections = connections
        self._timeout_s = timeout_s
        self._client: KeepAliveClient | None = None
        self._reachability = reachability

    @property
    def started(self) -> bool:
        return self._client is not None

    async def start(self) -> None:
        if self._client is None:
            self._client = KeepAliveClient(self._api_url, connections=self._connections, timeout_s=self._timeout_s)

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()

    async def call(self, body: bytes) -> tuple[int, bytes]:
        """(status, body) of one POST of this JSON body. Raises HttpError (not started included)."""
        if self._client is None:
            raise HttpError("not started, or closed")
        try:
            status, raw = await self._client.post_json(self._path, body)
        except HttpError:
            self._tell(None)
            raise
        self._tell(status)
        return status, raw

    def _tell(self, status: int | None) -> None:
        if self._reachability is not None:
            self._reachability.http_outcome(status)
