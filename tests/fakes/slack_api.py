"""A fake Slack for tests: a Web API server and a sender of signed requests.

Two halves, both on 127.0.0.1 and both speaking Slack's real HTTP shapes, so the
real ``slack_sdk.web.async_client.AsyncWebClient`` and ``slack_bolt.AsyncApp``
run against them unchanged:

* :class:`FakeSlackAPI` is the Web API (``POST /api/<method>``). Point a client at
  ``fake.base_url`` and read back what the bot did: ``fake.messages(channel)``,
  ``fake.ephemerals``, ``fake.views_opened``, ``fake.requests``. It enforces Slack's
  rate limits (HTTP 429 + ``Retry-After``) and can inject faults (5xx from a "load
  balancer", dropped connections, slow answers).
* :class:`SlackEventSender` is Slack calling the bot: Events API envelopes, slash
  commands, block actions and view submissions, signed with the signing secret the
  way Slack signs them (or deliberately wrongly).

The fake also serves the two URLs Slack hands out to apps: ``response_url``
(``fake.response_url_base``; give it to the sender) and the file upload URL of
``files.getUploadURLExternal``.

Example::

    async with FakeSlackAPI(channels=["C0CMD"]) as fake:
        client = AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)
        await client.chat_postMessage(channel="C0CMD", text="hi")
        assert fake.messages("C0CMD")[0]["text"] == "hi"
"""
from __future__ import annotations

import asyncio
import base64
import copy
import enum
import hashlib
import hmac
import itertools
import json
import math
import random
import secrets
import string
import time
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "DEFAULT_BOT_TOKEN",
    "DEFAULT_SIGNING_SECRET",
    "DEFAULT_TIER_LIMITS",
    "TEAM_DOMAIN",
    "TEAM_ID",
    "TRIGGER_ID_PREFIX",
    "BotReply",
    "FakeChannel",
    "FakeSlackAPI",
    "FakeUser",
    "RecordedRequest",
    "SlackEventSender",
    "Signing",
    "app_mention_event",
    "message_event",
    "new_event_id",
    "new_trigger_id",
    "new_ts",
    "sign_request",
    "validate_blocks",
]

# ---------------------------------------------------------------------------
# Identity of the fake workspace. The sender and the fake agree on these, so
# Bolt's "ignore my own events" middleware recognises the bot's own messages.

DEFAULT_BOT_TOKEN = "xoxb-1111-2222-liandongtest"
DEFAULT_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM_ID = "T1"
TEAM_DOMAIN = "liandong-test"
TEAM_NAME = "Liandong Test"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
APP_ID = "A1"
VERIFICATION_TOKEN = "legacy-verification-token"  # the deprecated `token` field in payloads

#: Every trigger_id the sender makes starts with this, followed by the issue time
#: in milliseconds and a random part; views.open only accepts such ids.
TRIGGER_ID_PREFIX = "1337000."

# Slack's documented limits that bots most often run into.
MAX_TEXT_CHARS = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3_000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2_000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2_000
MAX_ACTION_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_ID_CHARS = 255  # block_id, action_id, callback_id
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3_000
RESPONSE_URL_MAX_USES = 5

#: Requests per minute per method (Slack's "tiers"); methods not named get
#: ``tier_limit``. ``None`` means unlimited. chat.postMessage is additionally
#: limited per channel (about one message per second, short bursts allowed).
DEFAULT_TIER_LIMITS: dict[str, int | None] = {
    "auth.test": 100,  # "special", generous
    "chat.postMessage": 300,  # workspace-wide cap on top of the per-channel one
    "chat.postEphemeral": 100,  # tier 4
    "chat.update": 50,  # tier 3
    "chat.delete": 50,  # tier 3
    "views.open": 100,  # tier 4
    "views.update": 100,
    "views.push": 100,
    "users.info": 100,  # tier 4
    "conversations.info": 50,  # tier 3
    "conversations.members": 100,  # tier 4
    "files.upload": 20,  # tier 2
    "files.getUploadURLExternal": 20,
    "files.completeUploadExternal": 20,
}

_OAUTH_SCOPES = "chat:write,chat:write.public,commands,channels:read,groups:read,im:read,users:read,files:write"
_LOAD_BALANCER_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
)
_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}
_JSON_FORM_FIELDS = ("blocks", "attachments", "view", "metadata", "files", "outputs")


# ---------------------------------------------------------------------------
# Small id helpers shared by both halves.

_last_user_ts = [0]  # micros of the last ts handed out by new_ts()


def new_ts(now: float | None = None) -> str:
    """A Slack message ts ("seconds.micros") for a message a *user* sends.

    Unique and increasing within the process even when called faster than the
    clock ticks.
    """
    micros = int((time.time() if now is None else now) * 1_000_000)
    micros = max(micros, _last_user_ts[0] + 1)
    _last_user_ts[0] = micros
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def new_event_id() -> str:
    """An Events API event_id such as ``Ev08MFMKH6J4``."""
    alphabet = string.ascii_uppercase + string.digits
    return "Ev" + "".join(secrets.choice(alphabet) for _ in range(10))


def new_trigger_id(issued_at: float | None = None) -> str:
    """A trigger_id as Slack puts in commands and interactions.

    The issue time is embedded so the fake can expire it like Slack (3 s).
    """
    issued_ms = int((time.time() if issued_at is None else issued_at) * 1000)
    return f"{TRIGGER_ID_PREFIX}{issued_ms}.{secrets.token_hex(8)}"


def sign_request(signing_secret: str, timestamp: int | str, body: str | bytes) -> str:
    """Slack's v0 request signature: ``v0=`` + hex HMAC-SHA256 of ``v0:{ts}:{body}``."""
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + str(timestamp).encode() + b":" + raw
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------------
# Block Kit validation (light, but with the limits that bite in practice).


def _text_object_errors(obj: Any, pointer: str, *, max_chars: int, plain_only: bool = False) -> list[str]:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return [f"must provide an object with a text string [json-pointer:{pointer}]"]
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    errors = []
    if obj.get("type") not in allowed:
        errors.append(f"must be one of {', '.join(allowed)} [json-pointer:{pointer}/type]")
    length = len(obj["text"])
    if length == 0:
        errors.append(f"must be more than 0 characters [json-pointer:{pointer}/text]")
    elif length > max_chars:
        errors.append(f"must be less than {max_chars + 1} characters [json-pointer:{pointer}/text]")
    return errors


def _element_errors(element: Any, pointer: str) -> list[str]:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return [f"missing required field: type [json-pointer:{pointer}]"]
    errors = []
    action_id = element.get("action_id")
    if action_id is not None and len(str(action_id)) > MAX_ID_CHARS:
        errors.append(f"must be less than {MAX_ID_CHARS + 1} characters [json-pointer:{pointer}/action_id]")
    if element["type"] == "button":
        errors += _text_object_errors(element.get("text"), f"{pointer}/text", max_chars=MAX_BUTTON_TEXT,
                                      plain_only=True)
        value = element.get("value")
        if value is not None and len(str(value)) > MAX_BUTTON_VALUE:
            errors.append(f"must be less than {MAX_BUTTON_VALUE + 1} characters [json-pointer:{pointer}/value]")
    return errors


def _block_errors(block: Any, pointer: str) -> list[str]:
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        return [f"missing required field: type [json-pointer:{pointer}]"]
    errors: list[str] = []
    kind = block["type"]
    block_id = block.get("block_id")
    if block_id is not None and len(str(block_id)) > MAX_ID_CHARS:
        errors.append(f"must be less than {MAX_ID_CHARS + 1} characters [json-pointer:{pointer}/block_id]")
    if kind == "section":
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            errors.append(f"must provide text or fields [json-pointer:{pointer}]")
        if text is not None:
            errors += _text_object_errors(text, f"{pointer}/text", max_chars=MAX_SECTION_TEXT)
        if fields is not None:
            if not isinstance(fields, list) or len(fields) > MAX_SECTION_FIELDS:
                errors.append(f"must be a list of at most {MAX_SECTION_FIELDS} items [json-pointer:{pointer}/fields]")
            else:
                for i, f in enumerate(fields):
                    errors += _text_object_errors(f, f"{pointer}/fields/{i}", max_chars=MAX_FIELD_TEXT)
        if block.get("accessory") is not None:
            errors += _element_errors(block["accessory"], f"{pointer}/accessory")
    elif kind == "header":
        errors += _text_object_errors(block.get("text"), f"{pointer}/text", max_chars=MAX_HEADER_TEXT, plain_only=True)
    elif kind in ("actions", "context"):
        limit = MAX_ACTION_ELEMENTS if kind == "actions" else MAX_CONTEXT_ELEMENTS
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= limit:
            errors.append(f"must be a list of 1 to {limit} items [json-pointer:{pointer}/elements]")
        elif kind == "actions":
            for i, element in enumerate(elements):
                errors += _element_errors(element, f"{pointer}/elements/{i}")
    elif kind == "input":
        errors += _text_object_errors(block.get("label"), f"{pointer}/label", max_chars=2000, plain_only=True)
        errors += _element_errors(block.get("element"), f"{pointer}/element")
    return errors


def validate_blocks(blocks: Any, *, max_blocks: int = MAX_MESSAGE_BLOCKS, pointer: str = "/blocks") -> list[str]:
    """Problems Slack would report for these blocks, as its ``errors`` strings.

    An empty list means Slack would accept them (as far as this fake knows).
    """
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > max_blocks:
        errors.append(f"no more than {max_blocks} items allowed [json-pointer:{pointer}]")
    for i, block in enumerate(blocks):
        errors += _block_errors(block, f"{pointer}/{i}")
    return errors


# ---------------------------------------------------------------------------
# Workspace objects and logs.


@dataclass
class FakeUser:
    """A workspace member as users.info describes it."""

    id: str
    real_name: str = ""
    display_name: str = ""
    name: str = ""
    is_bot: bool = False
    tz: str = "Asia/Shanghai"
    email: str | None = None
    deleted: bool = False

    def to_api(self, team_id: str) -> dict[str, Any]:
        real_name = self.real_name or self.id
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "team": team_id,
        }
        if self.email:
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name or self.id.lower(),
            "deleted": self.deleted,
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": 28800,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
        }


@dataclass
class FakeChannel:
    """A conversation the bot may see. ``is_member=False`` makes posting fail
    with ``not_in_channel``; ``is_archived`` with ``is_archived``."""

    id: str
    name: str = ""
    members: list[str] = field(default_factory=list)
    is_private: bool = False
    is_archived: bool = False
    is_member: bool = True

    @property
    def is_im(self) -> bool:
        return self.id.startswith("D")

    def to_api(self) -> dict[str, Any]:
        if self.is_im:
            return {"id": self.id, "created": 1700000000, "is_im": True, "is_org_shared": False,
                    "user": self.members[0] if self.members else None, "is_user_deleted": False}
        return {
            "id": self.id,
            "name": self.name or self.id.lower(),
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "created": 1700000000,
            "is_archived": self.is_archived,
            "is_general": False,
            "is_shared": False,
            "is_org_shared": False,
            "is_member": self.is_member,
            "num_members": len(self.members),
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }


@dataclass
class RecordedRequest:
    """One call the fake received, whatever became of it.

    ``time`` is read from the fake's clock (``time.monotonic`` unless another was
    given), so gaps between calls can be measured. ``outcome`` is ``"ok"``, the
    Slack error code (``"ratelimited"``, ``"channel_not_found"`` ...), ``"http_502"``
    for injected faults, ``"dropped"`` or ``"dropped_after_processing"``.
    ``http_status`` is 0 when no answer was sent.
    """

    method: str
    params: dict[str, Any]
    time: float
    body_format: str  # "json", "form", "multipart" or "query"
    http_status: int = 200
    outcome: str = "ok"

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class _SlackError(Exception):
    """A Slack method answering ``{"ok": false, "error": code}`` (HTTP 200)."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra


@dataclass
class _Fault:
    kind: str  # "status", "drop" or "delay"
    remaining: int
    status: int = 500
    body: str | None = None
    content_type: str = "text/html"
    seconds: float = 0.0
    after_processing: bool = False


@dataclass
class _RatioFault:
    ratio: float
    status: int
    rng: random.Random


class _TokenBucket:
    """Allows ``capacity`` calls at once, refilled at ``rate`` per second."""

    def __init__(self, capacity: int, rate: float, now: float) -> None:
        self.capacity, self.rate = capacity, rate
        self.tokens, self.updated = float(capacity), now

    def wait_time(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class _SlidingWindow:
    """At most ``limit`` calls in any ``window`` seconds."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self.stamps: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        while self.stamps and self.stamps[0] <= now - self.window:
            self.stamps.popleft()
        return 0.0 if len(self.stamps) < self.limit else self.stamps[0] + self.window - now

    def take(self, now: float) -> None:
        self.stamps.append(now)


# ---------------------------------------------------------------------------
# The Web API.

_Handler = Callable[[dict[str, Any]], dict[str, Any]]


class FakeSlackAPI:
    """Slack's Web API on 127.0.0.1, with state you can inspect.

    Args:
        bot_token: the only token accepted (``Authorization: Bearer`` or ``token``).
        channels: known channel ids (or :class:`FakeChannel`). ``None`` (default)
            accepts any channel id; a collection makes every other id
            ``channel_not_found``.
        users: known users for users.info. ``None`` (default) invents a profile
            for any id; a collection makes every other id ``user_not_found``.
        limits: enforce rate limits (HTTP 429). Can be changed later via
            ``fake.limits``.
        channel_rate / channel_burst: chat.postMessage per channel: tokens per
            second and bucket size.
        tier_limit / tier_limits: calls per minute per method; ``tier_limits``
            overrides :data:`DEFAULT_TIER_LIMITS` per method (``None``: unlimited).
        trigger_ttl: seconds a trigger_id stays valid (Slack: 3); ``None``: forever.
        clock: monotonic seconds used for rate limits and ``RecordedRequest.time``;
            pass a manual clock to test limits without sleeping.
    """

    def __init__(
        self,
        *,
        bot_token: str = DEFAULT_BOT_TOKEN,
        team_id: str = TEAM_ID,
        team_name: str = TEAM_NAME,
        team_domain: str = TEAM_DOMAIN,
        bot_user_id: str = BOT_USER_ID,
        bot_id: str = BOT_ID,
        app_id: str = APP_ID,
        channels: Iterable[str | FakeChannel] | None = None,
        users: Iterable[FakeUser] | None = None,
        limits: bool = True,
        channel_rate: float = 1.0,
        channel_burst: int = 3,
        tier_limit: int | None = 50,
        tier_limits: Mapping[str, int | None] | None = None,
        trigger_ttl: float | None = 3.0,
        clock: Callable[[], float] = time.monotonic,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.bot_token = bot_token
        self.team_id, self.team_name, self.team_domain = team_id, team_name, team_domain
        self.bot_user_id, self.bot_id, self.app_id = bot_user_id, bot_id, app_id
        self.any_channel = channels is None
        self.channels: dict[str, FakeChannel] = {}
        for ch in channels or ():
            self.add_channel(ch)
        self.any_user = users is None
        self.users: dict[str, FakeUser] = {u.id: u for u in users or ()}
        self.limits = limits
        self.channel_rate, self.channel_burst = channel_rate, channel_burst
        self.tier_limit = tier_limit
        self.tier_limits: dict[str, int | None] = {**DEFAULT_TIER_LIMITS, **(tier_limits or {})}
        self.trigger_ttl = trigger_ttl
        self._clock = clock
        self._host, self._port = host, port

        # What the bot did; read these in tests.
        self.requests: list[RecordedRequest] = []
        self.ephemerals: list[dict[str, Any]] = []
        self.views_opened: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.files: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # bodies POSTed to response_url
        self.count_429 = 0

        self._messages: dict[str, dict[str, dict[str, Any]]] = {}
        self._ts_seq = itertools.count(1)
        self._id_seq = itertools.count(1)
        self._used_triggers: set[str] = set()
        self._pending_uploads: dict[str, dict[str, Any]] = {}
        self._response_url_uses: dict[str, int] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._ratio_faults: dict[str, _RatioFault] = {}
        self._buckets: dict[str, _TokenBucket] = {}
        self._windows: dict[str, _SlidingWindow] = {}
        self._runner: web.AppRunner | None = None
        self._methods: dict[str, _Handler] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "files.upload": self._files_upload,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
        }
        self.downloads: list[dict[str, Any]] = []  # GETs of url_private: the file and whether authorised

    # -- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/v1/{file_id}", self._handle_upload)
        app.router.add_get("/files-pri/{team_file}/{name}", self._handle_download)
        app.router.add_post("/hooks/{kind}/{team}/{channel}/{ref}/{secret}", self._handle_response_url)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlackAPI:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    @property
    def root_url(self) -> str:
        return f"http://{self._host}:{self._port}/"

    @property
    def base_url(self) -> str:
        """Web API base for ``AsyncWebClient(base_url=...)``; keeps the trailing slash."""
        return f"{self.root_url}api/"

    @property
    def response_url_base(self) -> str:
        """Give this to :class:`SlackEventSender` so ``respond()`` lands here."""
        return f"{self.root_url}hooks/"

    # -- configuration -----------------------------------------------------

    def add_channel(self, channel: str | FakeChannel, **fields: Any) -> FakeChannel:
        ch = channel if isinstance(channel, FakeChannel) else FakeChannel(id=channel, **fields)
        self.channels[ch.id] = ch
        return ch

    def add_user(self, user: str | FakeUser, **fields: Any) -> FakeUser:
        u = user if isinstance(user, FakeUser) else FakeUser(id=user, **fields)
        self.users[u.id] = u
        return u

    def fail_next(self, method: str, status: int = 500, times: int = 1, *, body: str | None = None,
                  content_type: str = "text/html") -> None:
        """Answer the next ``times`` calls of ``method`` ("*" = any) with an HTTP
        error page, as a load balancer in front of Slack would. Nothing is recorded."""
        if body is None:
            body = _LOAD_BALANCER_PAGE.format(status=status, reason=_REASONS.get(status, "Error"))
        self._faults.setdefault(method, []).append(
            _Fault("status", times, status=status, body=body, content_type=content_type))

    def fail_ratio(self, method: str, ratio: float, status: int = 503, seed: int = 0) -> None:
        """Fail a random, reproducible share of calls of ``method`` ("*" = any).
        ``ratio=0`` switches it off."""
        if ratio <= 0:
            self._ratio_faults.pop(method, None)
        else:
            self._ratio_faults[method] = _RatioFault(ratio, status, random.Random(seed))

    def drop_next(self, method: str, times: int = 1, *, after_processing: bool = False) -> None:
        """Close the connection without answering the next ``times`` calls.

        With ``after_processing=True`` the call takes effect first and only the
        answer is lost (so a client retry posts a duplicate, as with real Slack).
        """
        self._faults.setdefault(method, []).append(_Fault("drop", times, after_processing=after_processing))

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next ``times`` calls only after ``seconds`` (for timeouts)."""
        self._faults.setdefault(method, []).append(_Fault("delay", times, seconds=seconds))

    def clear_faults(self) -> None:
        self._faults.clear()
        self._ratio_faults.clear()

    def reset_rate_limits(self) -> None:
        """Forget past calls, as if a minute of quiet had passed."""
        self._buckets.clear()
        self._windows.clear()

    # -- inspection --------------------------------------------------------

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """The channel's messages as they stand now (edits applied, deletions
        gone), oldest first. Each is a copy of Slack's message object."""
        return copy.deepcopy(list(self._messages.get(channel, {}).values()))

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        msg = self._messages.get(channel, {}).get(ts)
        return copy.deepcopy(msg) if msg is not None else None

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The parent and its replies."""
        return [m for m in self.messages(channel) if m.get("thread_ts") == thread_ts or m["ts"] == thread_ts]

    def channels_with_messages(self) -> list[str]:
        return [c for c, msgs in self._messages.items() if msgs]

    def calls(self, method: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method]

    # -- HTTP plumbing -----------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        try:
            params, body_format = await self._read_params(request)
        except ValueError:
            self.requests.append(RecordedRequest(method, {}, self._clock(), "json", 200, "invalid_json"))
            return self._json({"ok": False, "error": "invalid_json"})
        token = self._token(request, params)
        record = RecordedRequest(method, params, self._clock(), body_format)
        self.requests.append(record)

        fault = self._take_fault(method)
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            fault = self._take_fault(method, kinds=("status", "drop"))
        if fault is None:
            fault = self._roll_ratio_fault(method)
        if fault is not None and fault.kind == "status":
            record.http_status, record.outcome = fault.status, f"http_{fault.status}"
            return web.Response(status=fault.status, text=fault.body, content_type=fault.content_type)
        if fault is not None and fault.kind == "drop" and not fault.after_processing:
            record.http_status, record.outcome = 0, "dropped"
            return self._drop(request)

        status, data, headers = self._answer(method, token, params)
        record.http_status, record.outcome = status, "ok" if data.get("ok") else str(data.get("error"))
        if fault is not None and fault.kind == "drop":  # after_processing: the effect stays
            record.http_status, record.outcome = 0, "dropped_after_processing"
            return self._drop(request)
        return self._json(data, status=status, headers=headers)

    def _answer(
        self, method: str, token: str | None, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Everything after the load balancer: method, auth, rate limits, logic.

        Synchronous on purpose: no other request can interleave with a state change.
        """
        handler = self._methods.get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method", "req_method": method}, {}
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if token != self.bot_token:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        retry_after = self._rate_limit(method, params)
        if retry_after is not None:
            self.count_429 += 1
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
        try:
            data = {"ok": True, **handler(params)}
        except _SlackError as e:
            data = {"ok": False, "error": e.code, **e.extra}
        headers = {"X-OAuth-Scopes": _OAUTH_SCOPES, "X-Accepted-OAuth-Scopes": ""}
        return 200, data, headers

    @staticmethod
    async def _read_params(request: web.Request) -> tuple[dict[str, Any], str]:
        """Query string merged with a JSON, urlencoded or multipart body, as Slack
        accepts all of them. JSON-valued form fields (blocks, view ...) are decoded."""
        params: dict[str, Any] = dict(request.query)
        body_format = "query"
        if request.can_read_body:
            if request.content_type == "application/json":
                raw = await request.text()
                data = json.loads(raw) if raw.strip() else {}
                if not isinstance(data, dict):
                    raise ValueError("JSON body must be an object")
                params.update(data)
                body_format = "json"
            elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        params[key] = {"filename": value.filename, "content": value.file.read()}
                    else:
                        params[key] = value
                body_format = "multipart" if request.content_type == "multipart/form-data" else "form"
        for key in _JSON_FORM_FIELDS:
            if isinstance(params.get(key), str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    pass  # left as a string; validation reports it
        return params, body_format

    @staticmethod
    def _token(request: web.Request, params: dict[str, Any]) -> str | None:
        auth = request.headers.get("Authorization", "")
        form_token = params.pop("token", None)
        if auth.startswith("Bearer "):
            return auth[len("Bearer "):].strip()
        return form_token

    def _take_fault(self, method: str, kinds: tuple[str, ...] = ("status", "drop", "delay")) -> _Fault | None:
        for key in (method, "*"):
            queue = self._faults.get(key, [])
            for fault in queue:
                if fault.kind in kinds:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        queue.remove(fault)
                    return fault
        return None

    def _roll_ratio_fault(self, method: str) -> _Fault | None:
        for key in (method, "*"):
            rf = self._ratio_faults.get(key)
            if rf is not None and rf.rng.random() < rf.ratio:
                page = _LOAD_BALANCER_PAGE.format(status=rf.status, reason=_REASONS.get(rf.status, "Error"))
                return _Fault("status", 1, status=rf.status, body=page)
        return None

    @staticmethod
    def _drop(request: web.Request) -> web.Response:
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=500)  # never reaches the client

    @staticmethod
    def _json(data: dict[str, Any], status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
        return web.Response(status=status, text=json.dumps(data, ensure_ascii=False),
                            content_type="application/json", charset="utf-8", headers=headers)

    def _rate_limit(self, method: str, params: dict[str, Any]) -> int | None:
        """Seconds to wait (Retry-After) when this call is over a limit, else None."""
        if not self.limits:
            return None
        now = self._clock()
        limit = self.tier_limits.get(method, self.tier_limit)
        window = None
        if limit is not None:
            window = self._windows.get(method)
            if window is None or window.limit != limit:
                window = self._windows[method] = _SlidingWindow(limit)
        bucket = None
        channel = params.get("channel")
        if method == "chat.postMessage" and isinstance(channel, str) and channel:
            bucket = self._buckets.get(channel)
            if bucket is None:
                bucket = self._buckets[channel] = _TokenBucket(self.channel_burst, self.channel_rate, now)
        wait = max(window.wait_time(now) if window else 0.0, bucket.wait_time(now) if bucket else 0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        if window:
            window.take(now)
        if bucket:
            bucket.take()
        return None

    # -- helpers for the methods ---------------------------------------------

    def _next_ts(self) -> str:
        micros = 1_700_000_000_000_000 + next(self._ts_seq) * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._id_seq):08d}"

    def _channel(self, channel_id: Any, *, for_posting: bool = True) -> FakeChannel:
        if not isinstance(channel_id, str) or not channel_id:
            raise _SlackError("channel_not_found")
        ch = self.channels.get(channel_id)
        if ch is None:
            if not self.any_channel:
                raise _SlackError("channel_not_found")
            ch = FakeChannel(id=channel_id)
        if for_posting:
            if ch.is_archived:
                raise _SlackError("is_archived")
            if not ch.is_member and not ch.is_im:
                raise _SlackError("not_in_channel")
        return ch

    def _user(self, user_id: Any) -> FakeUser:
        if not isinstance(user_id, str) or not user_id:
            raise _SlackError("user_not_found")
        user = self.users.get(user_id)
        if user is None:
            if not self.any_user:
                raise _SlackError("user_not_found")
            user = FakeUser(id=user_id, real_name=f"User {user_id}", display_name=user_id.lower())
        return user

    @staticmethod
    def _content(params: dict[str, Any], *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> tuple[str, list[Any] | None]:
        """Validated (text, blocks) of a message, raising what Slack would."""
        text = params.get("text")
        text = "" if text is None else str(text)
        blocks = params.get("blocks")
        if blocks is not None:
            if isinstance(blocks, str):
                raise _SlackError("invalid_blocks_format")
            errors = validate_blocks(blocks, max_blocks=max_blocks)
            if errors:
                raise _SlackError("invalid_blocks", errors=errors,
                                  response_metadata={"messages": [f"[ERROR] {e}" for e in errors]})
        if not text and not blocks and not params.get("attachments"):
            raise _SlackError("no_text")
        if len(text) > MAX_TEXT_CHARS:
            raise _SlackError("msg_too_long")
        return text, blocks

    def _bot_message(self, text: str, blocks: list[Any] | None, ts: str) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "text": text,
            "ts": ts,
            "team": self.team_id,
        }
        if blocks is not None:
            msg["blocks"] = copy.deepcopy(blocks)
        return msg

    def _store(self, channel: str, msg: dict[str, Any]) -> None:
        msgs = self._messages.setdefault(channel, {})
        msgs[msg["ts"]] = msg
        thread_ts = msg.get("thread_ts")
        parent = msgs.get(thread_ts) if thread_ts else None
        if parent is not None and parent is not msg:
            parent["thread_ts"] = thread_ts
            parent["reply_count"] = parent.get("reply_count", 0) + 1
            parent["latest_reply"] = msg["ts"]

    # -- methods -----------------------------------------------------------

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": "liandong",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(params.get("channel"))
        text, blocks = self._content(params)
        msg = self._bot_message(text, blocks, self._next_ts())
        if params.get("thread_ts"):
            msg["thread_ts"] = str(params["thread_ts"])
            msg["parent_user_id"] = self.bot_user_id
        if params.get("metadata") is not None:
            msg["metadata"] = params["metadata"]
        self._store(ch.id, msg)
        return {"channel": ch.id, "ts": msg["ts"], "message": copy.deepcopy(msg)}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(params.get("channel"))
        msg = self._messages.get(ch.id, {}).get(str(params.get("ts", "")))
        if msg is None:
            raise _SlackError("message_not_found")
        text, blocks = self._content(params)
        msg["text"] = text
        if blocks is not None:
            msg["blocks"] = copy.deepcopy(blocks)
        msg["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {"channel": ch.id, "ts": msg["ts"], "text": text, "message": copy.deepcopy(msg)}

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(params.get("channel"))
        ts = str(params.get("ts", ""))
        if self._messages.get(ch.id, {}).pop(ts, None) is None:
            raise _SlackError("message_not_found")
        return {"channel": ch.id, "ts": ts}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(params.get("channel"))
        user = params.get("user")
        if not user:
            raise _SlackError("user_not_found")
        if ch.members and user not in ch.members:
            raise _SlackError("user_not_in_channel")
        text, blocks = self._content(params)
        ts = self._next_ts()
        self.ephemerals.append({"channel": ch.id, "user": user, "text": text, "blocks": blocks,
                                "thread_ts": params.get("thread_ts"), "message_ts": ts,
                                "source": "chat.postEphemeral"})
        return {"message_ts": ts}

    def _check_trigger(self, trigger_id: Any) -> None:
        if not isinstance(trigger_id, str) or not trigger_id.startswith(TRIGGER_ID_PREFIX):
            raise _SlackError("invalid_trigger_id")
        try:
            issued_ms = int(trigger_id[len(TRIGGER_ID_PREFIX):].split(".")[0])
        except ValueError:
            raise _SlackError("invalid_trigger_id") from None
        if self.trigger_ttl is not None and time.time() - issued_ms / 1000 > self.trigger_ttl:
            raise _SlackError("expired_trigger_id")
        if trigger_id in self._used_triggers:
            raise _SlackError("exchanged_trigger_id")

    def _validated_view(self, view: Any) -> dict[str, Any]:
        """The view argument of views.open/update, or Slack's invalid_arguments."""
        if not isinstance(view, dict):
            raise _SlackError("invalid_arguments",
                              response_metadata={"messages": ["[ERROR] missing required field: view"]})
        problems: list[str] = []
        if view.get("type") not in ("modal", "home"):
            problems.append("must be one of modal, home [json-pointer:/view/type]")
        if view.get("type") == "modal":
            for key in ("title", "submit", "close"):
                if key == "title" or view.get(key) is not None:
                    problems += _text_object_errors(view.get(key), f"/view/{key}", max_chars=MAX_VIEW_TITLE,
                                                    plain_only=True)
        problems += validate_blocks(view.get("blocks", []), max_blocks=MAX_VIEW_BLOCKS, pointer="/view/blocks")
        for key, limit in (("private_metadata", MAX_PRIVATE_METADATA), ("callback_id", MAX_ID_CHARS)):
            if len(str(view.get(key, ""))) > limit:
                problems.append(f"must be less than {limit + 1} characters [json-pointer:/view/{key}]")
        if problems:
            raise _SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {p}" for p in problems]})
        return view

    def _view_object(self, view: dict[str, Any], view_id: str, root_id: str | None = None) -> dict[str, Any]:
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": view.get("type", "modal"),
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": copy.deepcopy(view.get("blocks", [])),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": secrets.token_hex(8),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": root_id or view_id,
            "previous_view_id": None,
            "app_id": self.app_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        trigger_id = params.get("trigger_id")
        self._check_trigger(trigger_id)
        view = self._validated_view(params.get("view"))
        obj = self._view_object(view, self._new_id("V"))
        self._used_triggers.add(trigger_id)  # type: ignore[arg-type]
        self.views[obj["id"]] = obj
        self.views_opened.append(copy.deepcopy(obj))
        return {"view": copy.deepcopy(obj)}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id, external_id = params.get("view_id"), params.get("external_id")
        current = self.views.get(view_id) if view_id else next(
            (v for v in self.views.values() if external_id and v["external_id"] == external_id), None)
        if current is None:
            raise _SlackError("not_found")
        if params.get("hash") and params["hash"] != current["hash"]:
            raise _SlackError("hash_conflict")
        view = self._validated_view(params.get("view"))
        obj = self._view_object(view, current["id"], current["root_view_id"])
        self.views[obj["id"]] = obj
        return {"view": copy.deepcopy(obj)}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"user": self._user(params.get("user")).to_api(self.team_id)}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self._channel(params.get("channel"), for_posting=False).to_api()}

    def _conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        members = self._channel(params.get("channel"), for_posting=False).members
        limit = int(params.get("limit") or 100)
        cursor = params.get("cursor") or ""
        start = int(base64.b64decode(cursor).decode().split(":")[1]) if cursor else 0
        page = members[start:start + limit]
        more = start + limit < len(members)
        next_cursor = base64.b64encode(f"offset:{start + limit}".encode()).decode() if more else ""
        return {"members": list(page), "response_metadata": {"next_cursor": next_cursor}}

    def _file_object(self, file_id: str, name: str, title: str | None, size: int) -> dict[str, Any]:
        return {"id": file_id, "name": name, "title": title or name, "size": size, "user": self.bot_user_id,
                "mimetype": "application/octet-stream",
                "url_private": f"{self.root_url}files/{file_id}/{name}"}

    def _share_file(self, files: list[dict[str, Any]], channel: str | None, comment: str,
                    thread_ts: str | None) -> None:
        if not channel:
            return
        msg = self._bot_message(comment, None, self._next_ts())
        msg["files"] = copy.deepcopy(files)
        msg["upload"] = True
        if thread_ts:
            msg["thread_ts"] = thread_ts
        self._store(channel, msg)

    def _files_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        upload = params.get("file")
        if isinstance(upload, dict):  # multipart file part
            content, name = upload["content"], params.get("filename") or upload["filename"]
        else:
            content, name = str(params.get("content", "")).encode(), params.get("filename")
        channels = [c for c in str(params.get("channels", "")).split(",") if c]
        for c in channels:
            self._channel(c)
        obj = self._file_object(self._new_id("F"), name or "file", params.get("title"), len(content))
        self.files.append({**obj, "content": content, "channels": channels,
                           "initial_comment": params.get("initial_comment"), "thread_ts": params.get("thread_ts")})
        for c in channels:
            self._share_file([obj], c, str(params.get("initial_comment") or ""), params.get("thread_ts"))
        return {"file": obj}

    def _files_get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not params.get("length"):
            raise _SlackError("invalid_arguments")
        file_id = self._new_id("F")
        self._pending_uploads[file_id] = {"filename": params["filename"], "length": int(params["length"]),
                                          "content": None}
        return {"upload_url": f"{self.root_url}upload/v1/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            raise _SlackError("invalid_arguments")
        channel = params.get("channel_id") or (str(params.get("channels", "")).split(",")[0] or None)
        if channel:
            self._channel(channel)
        done = []
        for f in files:
            pending = self._pending_uploads.get(f.get("id", ""))
            if pending is None or pending["content"] is None:
                raise _SlackError("file_not_found")
            done.append((f, pending))
        objs = []
        for f, pending in done:
            del self._pending_uploads[f["id"]]
            obj = self._file_object(f["id"], pending["filename"], f.get("title"), len(pending["content"]))
            objs.append(obj)
            self.files.append({**obj, "content": pending["content"], "channels": [channel] if channel else [],
                               "initial_comment": params.get("initial_comment"), "thread_ts": params.get("thread_ts")})
        self._share_file(objs, channel, str(params.get("initial_comment") or ""), params.get("thread_ts"))
        return {"files": objs}

    def add_user_file(self, user: str, name: str, content: bytes, *, mimetype: str = "application/xml",
                      filetype: str = "xml", size: int | None = None) -> dict[str, Any]:
        """A file a person uploaded, as files.info and a file_share message carry it; its
        url_private serves the bytes to the bot token only. `size`: what Slack says (default:
        the content's length), to test a limit without sending megabytes."""
        file_id = self._new_id("F")
        now = int(self._clock())
        url = f"{self.root_url}files-pri/{self.team_id}-{file_id}/{name}"
        obj = {
            "id": file_id, "created": now, "timestamp": now, "name": name, "title": name, "mimetype": mimetype,
            "filetype": filetype, "pretty_type": filetype.upper(), "user": user, "user_team": self.team_id,
            "editable": False, "size": len(content) if size is None else size, "mode": "hosted",
            "is_external": False, "external_type": "", "is_public": True, "public_url_shared": False,
            "display_as_bot": False, "username": "", "url_private": url, "url_private_download": url + "?download=1",
            "permalink": f"https://example.slack.com/files/{user}/{file_id}/{name}",
            "has_rich_preview": False, "file_access": "visible",
        }
        self.files.append({**obj, "content": content, "channels": []})
        return copy.deepcopy(obj)

    def _files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = next((f for f in self.files if f["id"] == params.get("file")), None)
        if stored is None:
            raise _SlackError("file_not_found")
        obj = {k: v for k, v in stored.items() if k not in ("content", "channels", "initial_comment", "thread_ts")}
        return {"file": obj, "comments": [], "response_metadata": {"next_cursor": ""}}

    # -- the URLs Slack hands to apps ----------------------------------------

    async def _handle_download(self, request: web.Request) -> web.Response:
        """url_private: the bytes with the bot token; without it Slack answers its sign-in page (HTML, 200)."""
        file_id = request.match_info["team_file"].rpartition("-")[2]
        stored = next((f for f in self.files if f["id"] == file_id), None)
        authorised = request.headers.get("Authorization", "") == f"Bearer {self.bot_token}"
        self.downloads.append({"file": file_id, "authorised": authorised})
        if not authorised:
            return web.Response(text="<!DOCTYPE html><html><title>Slack</title><body>Sign in</body></html>",
                                content_type="text/html")
        if stored is None:
            return web.Response(status=404, text="file_not_found", content_type="text/plain")
        return web.Response(body=stored["content"], content_type=stored.get("mimetype") or "application/octet-stream")

    async def _handle_upload(self, request: web.Request) -> web.Response:
        pending = self._pending_uploads.get(request.match_info["file_id"])
        if pending is None:
            return web.Response(status=404, text="file_not_found", content_type="text/plain")
        pending["content"] = await request.read()
        return web.Response(text=f"OK - {len(pending['content'])}", content_type="text/plain")

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        """``response_url`` as Slack serves it: JSON in, ``ok`` (text/plain) out.

        The sender encodes where the interaction happened in the path:
        ``/hooks/{commands|actions}/{team}/{channel}/{user or message ts}/{secret}``.
        """
        url = str(request.rel_url)
        uses = self._response_url_uses.get(url, 0) + 1
        self._response_url_uses[url] = uses
        if uses > RESPONSE_URL_MAX_USES:
            return web.Response(status=404, text="used_url", content_type="text/plain")
        try:
            body = await request.json()
        except ValueError:
            return web.Response(status=400, text="invalid_payload", content_type="text/plain")
        kind, channel, ref = request.match_info["kind"], request.match_info["channel"], request.match_info["ref"]
        self.responses.append({"url": url, "kind": kind, "channel": channel, "ref": ref, "body": body})
        message_ts = ref if kind == "actions" and ref != "-" else None
        try:
            if body.get("delete_original"):
                if message_ts is None or self._messages.get(channel, {}).pop(message_ts, None) is None:
                    raise _SlackError("message_not_found")
                return web.Response(text="ok", content_type="text/plain")
            text, blocks = self._content(body)
            if body.get("replace_original"):
                msg = self._messages.get(channel, {}).get(message_ts or "")
                if msg is None:
                    raise _SlackError("message_not_found")
                msg["text"] = text
                msg["blocks"] = copy.deepcopy(blocks) if blocks is not None else msg.get("blocks")
                msg["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
            elif body.get("response_type") == "in_channel":
                msg = self._bot_message(text, blocks, self._next_ts())
                if body.get("thread_ts"):
                    msg["thread_ts"] = str(body["thread_ts"])
                self._store(channel, msg)
            else:
                user = ref if kind == "commands" else None
                self.ephemerals.append({"channel": channel, "user": user, "text": text, "blocks": blocks,
                                        "thread_ts": body.get("thread_ts"), "message_ts": self._next_ts(),
                                        "source": "response_url"})
        except _SlackError as e:
            return web.Response(status=404 if e.code == "message_not_found" else 400, text=e.code,
                                content_type="text/plain")
        return web.Response(text="ok", content_type="text/plain")


# ---------------------------------------------------------------------------
# Slack calling the bot.


class Signing(enum.StrEnum):
    """How the sender signs a request."""

    VALID = "valid"
    WRONG = "wrong"  # signed with another secret
    MISSING = "missing"  # no X-Slack-Signature header
    STALE = "stale"  # correctly signed, but the timestamp is 6 minutes old


@dataclass
class BotReply:
    """The bot's HTTP answer, and what was sent to it."""

    status: int
    headers: Mapping[str, str]
    body: str
    sent_body: str
    sent_headers: dict[str, str]
    payload: dict[str, Any]  # the event envelope / command fields / interaction payload

    def json(self) -> Any:
        return json.loads(self.body)


def message_event(
    channel: str,
    user: str | None,
    text: str,
    ts: str | None = None,
    thread_ts: str | None = None,
    bot_id: str | None = None,
    subtype: str | None = None,
    *,
    team: str = TEAM_ID,
    channel_type: str | None = None,
    blocks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A ``message`` event as it appears inside the Events API envelope.

    ``channel_type`` follows the id prefix unless given (C: channel, G: group,
    D: im). A bot's own message carries ``bot_id``; a thread reply ``thread_ts``.
    """
    ts = ts or new_ts()
    if channel_type is None:
        channel_type = {"D": "im", "G": "group"}.get(channel[:1], "channel")
    event: dict[str, Any] = {"type": "message"}
    if subtype:
        event["subtype"] = subtype
    if user is not None:
        event["user"] = user
    event.update({"text": text, "ts": ts, "team": team, "channel": channel, "event_ts": ts,
                  "channel_type": channel_type})
    if blocks is not None:
        event["blocks"] = blocks
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = user
    if bot_id:
        event["bot_id"] = bot_id
        event["app_id"] = APP_ID if bot_id == BOT_ID else "A" + bot_id[1:]
    return event


def file_share_event(channel: str, user: str, files: list[dict[str, Any]], text: str = "",
                     ts: str | None = None) -> dict[str, Any]:
    """A person sharing files in a channel: a ``message`` of subtype ``file_share`` carrying them."""
    event = message_event(channel, user, text, ts, subtype="file_share")
    event.update({"files": copy.deepcopy(files), "upload": True, "display_as_bot": False})
    return event


def file_shared_event(channel: str, user: str, file_id: str) -> dict[str, Any]:
    """``file_shared``: the file's id only (the app asks files.info for the rest)."""
    ts = new_ts()
    return {"type": "file_shared", "channel_id": channel, "file_id": file_id, "user_id": user,
            "file": {"id": file_id}, "event_ts": ts}


def app_mention_event(channel: str, user: str, text: str, ts: str | None = None,
                      thread_ts: str | None = None) -> dict[str, Any]:
    """An ``app_mention`` event (text normally starts with ``<@UBOT>``)."""
    event = message_event(channel, user, text, ts=ts, thread_ts=thread_ts)
    event["type"] = "app_mention"
    event.pop("channel_type", None)
    return event


class SlackEventSender:
    """Sends what Slack sends to a bot's request URL, signed with ``signing_secret``.

    Every ``send_*`` takes ``sign`` (:class:`Signing`), ``timestamp`` (Unix seconds
    to put in ``X-Slack-Request-Timestamp``) and ``signature`` (a literal header
    value, overriding ``sign``). Slack gives up on a request after 3 seconds;
    ``timeout`` does the same here (raising ``asyncio.TimeoutError``).

    ``response_url_base`` should be ``fake.response_url_base`` so that Bolt's
    ``respond()`` reaches :class:`FakeSlackAPI`; by default it is Slack's host
    (unreachable in tests).
    """

    def __init__(
        self,
        signing_secret: str,
        url: str,
        *,
        team_id: str = TEAM_ID,
        team_domain: str = TEAM_DOMAIN,
        api_app_id: str = APP_ID,
        bot_user_id: str = BOT_USER_ID,
        verification_token: str = VERIFICATION_TOKEN,
        response_url_base: str = "https://hooks.slack.com/",
        timeout: float = 3.0,
    ) -> None:
        self.signing_secret = signing_secret
        self.url = url
        self.team_id, self.team_domain, self.api_app_id = team_id, team_domain, api_app_id
        self.bot_user_id = bot_user_id
        self.verification_token = verification_token
        self.response_url_base = response_url_base if response_url_base.endswith("/") else response_url_base + "/"
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SlackEventSender:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- building blocks ---------------------------------------------------

    def sign(self, body: str, timestamp: int) -> str:
        return sign_request(self.signing_secret, timestamp, body)

    def response_url(self, kind: str, channel_id: str, ref: str | None) -> str:
        """A response_url the fake understands (``kind``: commands or actions)."""
        return f"{self.response_url_base}{kind}/{self.team_id}/{channel_id}/{ref or '-'}/{secrets.token_hex(12)}"

    def _user(self, user_id: str, user_name: str | None) -> dict[str, Any]:
        name = user_name or user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    async def send_raw(
        self,
        body: str,
        content_type: str,
        *,
        payload: dict[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        sign: Signing = Signing.VALID,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> BotReply:
        """POST ``body`` to the bot with Slack's headers and signature."""
        ts = timestamp if timestamp is not None else int(time.time()) - (360 if sign == Signing.STALE else 0)
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "Accept": "application/json,*/*",
            "X-Slack-Request-Timestamp": str(ts),
        }
        if signature is not None:
            headers["X-Slack-Signature"] = signature
        elif sign == Signing.WRONG:
            headers["X-Slack-Signature"] = sign_request(self.signing_secret + "-wrong", ts, body)
        elif sign != Signing.MISSING:
            headers["X-Slack-Signature"] = self.sign(body, ts)
        headers.update(extra_headers or {})
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        async with self._session.post(self.url, data=body.encode(), headers=headers,
                                      timeout=aiohttp.ClientTimeout(total=self.timeout)) as resp:
            text = await resp.text()
            return BotReply(status=resp.status, headers=dict(resp.headers), body=text, sent_body=body,
                            sent_headers=headers, payload=payload or {})

    async def retry(self, reply: BotReply, retry_num: int = 1, retry_reason: str = "http_timeout",
                    **signing: Any) -> BotReply:
        """Send the same body again as Slack's retry ``retry_num`` (same event_id,
        fresh timestamp and signature, ``X-Slack-Retry-*`` headers)."""
        return await self.send_raw(
            reply.sent_body, reply.sent_headers["Content-Type"], payload=reply.payload,
            extra_headers={"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}, **signing)

    # -- Events API --------------------------------------------------------

    def event_envelope(self, event: dict[str, Any], *, event_id: str | None = None, team_id: str | None = None,
                       event_time: int | None = None) -> dict[str, Any]:
        team = team_id or self.team_id
        return {
            "token": self.verification_token,
            "team_id": team,
            "context_team_id": team,
            "context_enterprise_id": None,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or new_event_id(),
            "event_time": event_time if event_time is not None else int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": team, "user_id": self.bot_user_id,
                                "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
            "event_context": "4-" + secrets.token_urlsafe(24),
        }

    async def send_event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        team_id: str | None = None,
        event_time: int | None = None,
        sign: Signing = Signing.VALID,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> BotReply:
        """An ``event_callback`` envelope around ``event`` (JSON body).

        A retry (``retry_num`` 1-3) should reuse the first delivery's ``event_id``.
        """
        envelope = self.event_envelope(event, event_id=event_id, team_id=team_id, event_time=event_time)
        extra: dict[str, str] = {}
        if retry_num is not None:
            extra["X-Slack-Retry-Num"] = str(retry_num)
            extra["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return await self.send_raw(json.dumps(envelope, ensure_ascii=False), "application/json", payload=envelope,
                                   extra_headers=extra, sign=sign, timestamp=timestamp, signature=signature)

    async def send_url_verification(self, challenge: str | None = None, *, sign: Signing = Signing.VALID,
                                    timestamp: int | None = None, signature: str | None = None) -> BotReply:
        """The handshake Slack makes when the request URL is saved; the bot must
        echo ``challenge``."""
        payload = {"token": self.verification_token, "challenge": challenge or secrets.token_urlsafe(32),
                   "type": "url_verification"}
        return await self.send_raw(json.dumps(payload), "application/json", payload=payload,
                                   sign=sign, timestamp=timestamp, signature=signature)

    # -- slash commands and interactivity ------------------------------------

    async def send_command(
        self,
        command: str = "/report",
        text: str = "",
        *,
        user_id: str = "U1001",
        channel_id: str = "C0REP",
        user_name: str | None = None,
        channel_name: str | None = None,
        trigger_id: str | None = None,
        response_url: str | None = None,
        sign: Signing = Signing.VALID,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> BotReply:
        """A slash command, form-encoded with the fields (and order) Slack uses."""
        fields = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name or ("directmessage" if channel_id.startswith("D") else channel_id.lower()),
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self.response_url("commands", channel_id, user_id),
            "trigger_id": trigger_id or new_trigger_id(),
        }
        return await self.send_raw(urlencode(fields), "application/x-www-form-urlencoded", payload=fields,
                                   sign=sign, timestamp=timestamp, signature=signature)

    async def send_interaction(self, payload: dict[str, Any], *, sign: Signing = Signing.VALID,
                               timestamp: int | None = None, signature: str | None = None) -> BotReply:
        """Any interactivity payload, sent as the form field ``payload=<json>``."""
        body = urlencode({"payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))})
        return await self.send_raw(body, "application/x-www-form-urlencoded", payload=payload,
                                   sign=sign, timestamp=timestamp, signature=signature)

    async def send_action(
        self,
        user_id: str,
        channel_id: str,
        message_ts: str,
        action_id: str,
        value: str | None = None,
        *,
        block_id: str | None = None,
        message: dict[str, Any] | None = None,
        button_text: str | None = None,
        user_name: str | None = None,
        trigger_id: str | None = None,
        response_url: str | None = None,
        sign: Signing = Signing.VALID,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> BotReply:
        """A button press (``block_actions``) on the message at ``message_ts``.

        Pass ``message=fake.message(channel, ts)`` to send the real message, as
        Slack does; block_id, button text and value are then read from the button
        with ``action_id`` unless given.
        """
        message = copy.deepcopy(message) if message is not None else {
            "type": "message", "user": self.bot_user_id, "bot_id": BOT_ID, "app_id": self.api_app_id,
            "text": "", "ts": message_ts, "team": self.team_id, "blocks": []}
        button = _find_element(message.get("blocks", []), action_id)
        if button is not None:
            block_id = block_id or button[0]
            value = value if value is not None else button[1].get("value")
            button_text = button_text or button[1].get("text", {}).get("text")
        payload = {
            "type": "block_actions",
            "user": self._user(user_id, user_name),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id,
                          "is_ephemeral": False},
            "trigger_id": trigger_id or new_trigger_id(),
            "team": {"id": self.team_id, "domain": self.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel_id, "name": channel_id.lower()},
            "message": message,
            "state": {"values": {}},
            "response_url": response_url or self.response_url("actions", channel_id, message_ts),
            "actions": [{
                "action_id": action_id,
                "block_id": block_id or "actions",
                "text": {"type": "plain_text", "text": button_text or action_id, "emoji": True},
                "value": value if value is not None else "",
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }],
        }
        return await self.send_interaction(payload, sign=sign, timestamp=timestamp, signature=signature)

    async def send_view_submission(
        self,
        user_id: str,
        callback_id: str | None = None,
        state_values: dict[str, Any] | None = None,
        private_metadata: str | None = None,
        *,
        view: dict[str, Any] | None = None,
        user_name: str | None = None,
        trigger_id: str | None = None,
        sign: Signing = Signing.VALID,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> BotReply:
        """A modal's Submit (``view_submission``).

        ``state_values`` is ``{block_id: {action_id: {"type": ..., "value": ...}}}``.
        Pass ``view=fake.views_opened[-1]`` to submit the modal the bot opened;
        its callback_id and private_metadata are used unless given.
        """
        base = copy.deepcopy(view) if view is not None else {
            "id": "V" + secrets.token_hex(5).upper(), "team_id": self.team_id, "type": "modal", "blocks": [],
            "title": {"type": "plain_text", "text": "Modal"}, "hash": secrets.token_hex(8),
            "clear_on_close": False, "notify_on_close": False, "close": None, "submit": None,
            "previous_view_id": None, "external_id": "", "app_id": self.api_app_id,
            "app_installed_team_id": self.team_id, "bot_id": BOT_ID}
        base.setdefault("root_view_id", base["id"])
        base["callback_id"] = callback_id if callback_id is not None else base.get("callback_id", "")
        base["private_metadata"] = (private_metadata if private_metadata is not None
                                    else base.get("private_metadata", ""))
        base["state"] = {"values": state_values or {}}
        payload = {
            "type": "view_submission",
            "team": {"id": self.team_id, "domain": self.team_domain},
            "user": self._user(user_id, user_name),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": trigger_id or new_trigger_id(),
            "view": base,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return await self.send_interaction(payload, sign=sign, timestamp=timestamp, signature=signature)


def _find_element(blocks: list[Any], action_id: str) -> tuple[str, dict[str, Any]] | None:
    """(block_id, element) of the interactive element with ``action_id``."""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        candidates = list(block.get("elements", [])) + ([block["accessory"]] if block.get("accessory") else [])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    return None
