"""What the bot needs from a chat platform adapter (Telegram, Slack)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable, Protocol

from aiohttp import web

from core.events import Event
from core.messages import Delivery
from core.ratelimit import RateLimiter

EventSink = Callable[[Event], Awaitable[object]]
HttpRoute = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]


class PlatformError(Exception):
    """A platform refused to start for a reason the operator must fix (e.g. a bad token)."""


@dataclass(frozen=True)
class CommandInfo:
    """A command for a platform's command menu, described in every language."""

    name: str
    descriptions: dict[str, str]  # language -> text, plus "default": the organisation's


class ChatPlatform(Protocol):
    platform: str
    limiter: RateLimiter | None

    @property
    def needs_http(self) -> bool:
        """True when updates arrive through the bot's HTTP server (webhooks)."""
        ...

    def http_routes(self) -> list[HttpRoute]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver(self, delivery: Delivery) -> str | None: ...
