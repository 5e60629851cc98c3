"""editMessageText without python-telegram-bot's object layer.

In a roll-call or an ack storm most of what the bot sends are edits: each unit's
message redrawn as its members answer. Through PTB each edit's answer was turned
back into a Message with its chat, sender, entities and keyboard — some thirty
objects nobody reads — which cost more CPU than drawing the edit. Here it is one
JSON POST on a keep-alive client of its own (keepalive.py). An edit is safe to
send twice (the second is "not modified"), which that client may do when a kept
connection turns out closed; a new message is not, so sends stay with PTB.

Telegram's refusals are raised as PTB's own exceptions, chosen the way PTB
chooses them, so the adapter settles an edit exactly as it settles a send.
"""
from __future__ import annotations

import json
from typing import Any

from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter

from adapters.telegram.direct import DirectMethod
from adapters.telegram.keepalive import HttpError
from adapters.telegram.render import inline_keyboard
from core.messages import Button
from core.platform import ReachabilityTracker


class TextEdits(DirectMethod):
    def __init__(self, api_url: str, token: str, *, connections: int = 8, timeout_s: float = 20.0,
                 reachability: ReachabilityTracker | None = None):
        super().__init__(api_url, token, "editMessageText", connections=connections, timeout_s=timeout_s,
                         reachability=reachability)

    async def edit(self, chat_id: int, message_id: int, html: str, buttons: tuple[Button, ...]) -> None:
        """Replace the message's text and buttons. Raises what PTB's edit_message_text would."""
        payload: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id, "text": html,
                                   "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}  # as sent
        if buttons:
            payload["reply_markup"] = inline_keyboard(buttons)
        try:
            status, raw = await self.call(json.dumps(payload).encode())
        except HttpError as exc:  # no connection, a broken answer or none in time: retried like PTB's
            raise NetworkError(str(exc)) from exc
        if status != 200:
            raise _refusal(status, raw)


def _refusal(status: int, raw: bytes) -> Exception:
    """The exception PTB raises for this answer (telegram.request.BaseRequest._request_wrapper)."""
    try:
        reply = json.loads(raw)
    except ValueError:
        reply = None
    reply = reply if isinstance(reply, dict) else {}
    description = str(reply.get("description") or f"HTTP {status}")
    parameters = reply.get("parameters") if isinstance(reply.get("parameters"), dict) else {}
    if isinstance(parameters.get("migrate_to_chat_id"), int) and parameters["migrate_to_chat_id"]:
        return ChatMigrated(parameters["migrate_to_chat_id"])
    if isinstance(parameters.get("retry_after"), (int, float)) and parameters["retry_after"]:
        return RetryAfter(int(parameters["retry_after"]))
    if status == 403:
        return Forbidden(description)
    if status in (401, 404):  # a wrong token: 404 when malformed, 401 when unknown
        return InvalidToken(description)
    if status == 400:
        return BadRequest(description)
    return NetworkError(description)
