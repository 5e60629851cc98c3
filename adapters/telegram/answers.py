"""answerCallbackQuery without python-telegram-bot's object layer.

The answer is what a pressing user waits for (the client's spinner). Through
PTB each one cost more CPU than recording the press itself: defaults merged
into the arguments, a RequestData built, the JSON result parsed back, and
aiohttp's per-request machinery under it all. Here it is one small JSON POST
on a keep-alive client of its own (keepalive.py), so answers never queue
behind the outbox's sends and edits either.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from adapters.telegram.direct import DirectMethod
from adapters.telegram.keepalive import HttpError
from core.platform import ReachabilityTracker

log = logging.getLogger(__name__)

CALLBACK_ANSWER_LIMIT = 200  # characters Telegram shows in a callback answer
ATTEMPTS = 2  # a lost answer leaves the spinner turning until the client gives up
RETRY_DELAY_S = 0.5
MAX_RETRY_AFTER_S = 5.0  # later than that, the client has given up on the answer anyway


class CallbackAnswers(DirectMethod):
    # Answers are many, small and latency-bound: against Telegram's round trip of
    # ~0.1 s, a thousand presses a second need this many requests in flight.
    def __init__(self, api_url: str, token: str, *, connections: int = 64, timeout_s: float = 10.0,
                 reachability: ReachabilityTracker | None = None):
        super().__init__(api_url, token, "answerCallbackQuery", connections=connections, timeout_s=timeout_s,
                         reachability=reachability)

    async def answer(self, query_id: str, text: str | None) -> None:
        """Stop the spinner; a refusal or notice is shown as an alert. Never raises."""
        payload: dict[str, Any] = {"callback_query_id": query_id}
        if text:
            payload.update(text=text[:CALLBACK_ANSWER_LIMIT], show_alert=True)
        body = json.dumps(payload).encode()
        for attempt in range(1, ATTEMPTS + 1):
            retry_in = await self._post(query_id, body)
            if retry_in is None:
                return
            if attempt < ATTEMPTS:
                await asyncio.sleep(retry_in)

    async def _post(self, query_id: str, body: bytes) -> float | None:
        """None when done (answered, or refused for good); else seconds to wait before retrying."""
        if not self.started:
            log.info("answerCallbackQuery after shutdown: %s not answered", query_id)
            return None
        try:
            status, raw = await self.call(body)
        except HttpError as exc:
            log.info("answerCallbackQuery %s: %s", query_id, exc)
            return RETRY_DELAY_S
        if status == 200:
            return None
        reply = _json_object(raw)
        if status == 429:
            retry_after = (reply.get("parameters") or {}).get("retry_after")
            if isinstance(retry_after, (int, float)):
                return min(float(retry_after), MAX_RETRY_AFTER_S)
            return RETRY_DELAY_S
        if status >= 500:
            return RETRY_DELAY_S
        # Too late, already answered, or an id Telegram does not know: nothing more to do.
        log.info("answerCallbackQuery %s failed: %s", query_id, reply.get("description") or f"HTTP {status}")
        return None


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
