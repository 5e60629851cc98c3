"""Slack's HTTP requests as Bolt takes them, and which of them can be answered
before Bolt sees them.

Most of what Slack sends (events, slash commands, button presses) wants nothing
back but a 200 within three seconds. In a storm of such requests, Bolt's own
dispatch of each (its request and context objects, its middleware, matching the
listeners) cost more of the event loop than everything else about answering:
the adapter checks the signature itself, answers, and hands the request to Bolt
once the storm has passed (AfterTheStorm). Requests whose answer carries
something (the URL check, a form's errors, an SSL check) and requests whose
signature does not hold go through Bolt at once, which answers them as it
always has.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any, Mapping

import yarl
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

# Work waits until requests have stopped arriving for QUIET_S (at most
# MAX_DEFER_S), so that in a storm every request is answered before the work
# of any of them competes with the answering.
QUIET_S = 0.05
MAX_DEFER_S = 1.0

# Interactive payloads Slack only wants acknowledged; a view submission may be answered with errors.
_ACKNOWLEDGED_PAYLOADS = frozenset({"block_actions", "shortcut", "message_action", "view_closed"})


def bolt_http_request(raw: str, query: str, headers: Any, body: dict[str, Any] | None = None) -> AsyncBoltRequest:
    """Bolt's request for an HTTP body, the form parsed by yarl's C decoder.

    A button press arrives as several kilobytes of percent-encoded JSON; Bolt's
    urllib parsing of it cost more than all the rest of answering the press.
    (It also read any command whose text contains "payload" as empty.) Bolt
    still checks the signature against the raw body.
    """
    request = AsyncBoltRequest(body="", query=query, headers=headers)
    request.raw_body = raw
    request.body = parse_body(raw, request.content_type) if body is None else body
    request.context = build_async_context(AsyncBoltContext({}), request.body)
    return request


def parse_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """A Slack request body: JSON (events), or a form (commands; `payload=` JSON for interactivity)."""
    try:
        if not raw:
            return {}
        if content_type == "application/json" or raw.startswith("{"):
            body = json.loads(raw)
            return body if isinstance(body, dict) else {}
        form = yarl.URL.build(query_string=raw, encoded=True).query
        payload = form.get("payload")
        if payload is not None:
            body = json.loads(payload)
            return body if isinstance(body, dict) else {}
        return {key: value for key, value in form.items()}
    except (ValueError, RecursionError):  # not Slack's (or JSON nested past reason): the signature check says so
        return {}


def answered_at_once(body: dict[str, Any]) -> bool:
    """Whether Slack wants nothing from this request but a 200 (its work can come later)."""
    if body.get("type") == "event_callback":
        return True
    if "command" in body and "ssl_check" not in body:
        return True
    return body.get("type") in _ACKNOWLEDGED_PAYLOADS


class Signatures:
    """Slack's request signatures (the signing secret's HMAC over timestamp and body,
    at most five minutes old), checked the way Bolt checks them."""

    def __init__(self, signing_secret: str):
        self._signing_secret = signing_secret
        self._verifier: SignatureVerifier | None = None

    def hold(self, raw: str, headers: Mapping[str, str]) -> bool:
        if self._verifier is None:  # made on first use: Socket Mode has no signing secret
            self._verifier = SignatureVerifier(signing_secret=self._signing_secret)
        return self._verifier.is_valid(raw, headers.get("X-Slack-Request-Timestamp", "0"),
                                       headers.get("X-Slack-Signature", ""))


class AfterTheStorm:
    """Holds work back while requests keep arriving: `wait()` returns once none has come
    for QUIET_S, or MAX_DEFER_S after the first waiter began, whichever is first. One
    watcher serves every waiter, and waiters resume in the order they began to wait."""

    def __init__(self) -> None:
        self._last_request = 0.0
        self._quiet: asyncio.Future[None] | None = None

    def request_seen(self) -> None:
        self._last_request = asyncio.get_running_loop().time()

    async def wait(self) -> None:
        if asyncio.get_running_loop().time() - self._last_request >= QUIET_S:
            return
        if self._quiet is None:
            self._quiet = asyncio.ensure_future(self._until_quiet())
        await asyncio.shield(self._quiet)

    async def _until_quiet(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_DEFER_S
        try:
            while (quiet := loop.time() - self._last_request) < QUIET_S and loop.time() < deadline:
                await asyncio.sleep(QUIET_S - quiet)
        finally:
            self._quiet = None
