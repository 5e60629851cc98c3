"""People's names, looked up once with users.info and remembered.

Events carry only user ids. A name is a courtesy (the organisation file names
its members; the name matters for unregistered reporters), so a lookup never
holds an event up for long and never fails it: on any error the id stands in
for the name, and a rate limit pauses lookups instead of adding to the load.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

NAME_TTL_S = 6 * 3600.0
FAILURE_TTL_S = 60.0
LOOKUP_TIMEOUT_S = 2.0
MAX_NAMES = 20_000


class DisplayNames:
    def __init__(self, client: AsyncWebClient, *, clock: Callable[[], float] = time.monotonic,
                 timeout: float = LOOKUP_TIMEOUT_S):
        self.client = client
        self.clock = clock
        self.timeout = timeout
        self._names: OrderedDict[str, tuple[str, float]] = OrderedDict()  # user id -> (name, valid until)
        self._lookups: dict[str, asyncio.Future[str]] = {}
        self._paused_until = 0.0

    def known(self, user_id: str) -> str | None:
        entry = self._names.get(user_id)
        if entry is None or entry[1] < self.clock():
            return None
        return entry[0]

    def remember(self, user_id: str, name: str, ttl: float = NAME_TTL_S) -> None:
        self._names[user_id] = (name, self.clock() + ttl)
        self._names.move_to_end(user_id)
        while len(self._names) > MAX_NAMES:
            self._names.popitem(last=False)

    async def get(self, user_id: str) -> str:
        """The person's display name, or their id when Slack cannot say."""
        if not user_id:
            return user_id
        name = self.known(user_id)
        if name is not None:
            return name
        if self.clock() < self._paused_until:
            return user_id
        lookup = self._lookups.get(user_id)
        if lookup is None:  # one call per person, however many events wait for it
            lookup = asyncio.ensure_future(self._lookup(user_id))
            self._lookups[user_id] = lookup
            lookup.add_done_callback(lambda _: self._lookups.pop(user_id, None))
        try:
            return await asyncio.wait_for(asyncio.shield(lookup), self.timeout)
        except asyncio.TimeoutError:
            return user_id

    async def _lookup(self, user_id: str) -> str:
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                retry_after = _retry_after(exc)
                self._paused_until = self.clock() + retry_after
                log.info("users.info rate limited; names paused for %.0f s", retry_after)
                return user_id  # not remembered: the next event asks again after the pause
            log.info("users.info %s: %s", user_id, exc.response.get("error"))
            self.remember(user_id, user_id, FAILURE_TTL_S)
            return user_id
        except Exception as exc:  # network trouble: try again later
            log.info("users.info %s failed: %s", user_id, exc)
            self.remember(user_id, user_id, FAILURE_TTL_S)
            return user_id
        name = display_name(response.get("user") or {}) or user_id
        self.remember(user_id, name)
        return name


def display_name(user: dict) -> str:
    profile = user.get("profile") or {}
    for candidate in (profile.get("display_name"), profile.get("real_name"), user.get("real_name"), user.get("name")):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return ""


def _retry_after(exc: SlackApiError) -> float:
    try:
        return max(1.0, float(exc.response.headers.get("Retry-After", "")))
    except (TypeError, ValueError):
        return 30.0
