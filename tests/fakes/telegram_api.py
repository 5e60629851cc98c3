"""A fake Telegram Bot API server for tests, speaking the real API's HTTP shapes.

The real python-telegram-bot (PTB) stack runs against it unchanged::

    async with FakeTelegramAPI() as fake:
        app = (
            ApplicationBuilder()
            .token(fake.token)
            .base_url(fake.base_url)            # http://127.0.0.1:PORT/bot
            .base_file_url(fake.base_file_url)  # http://127.0.0.1:PORT/file/bot
            .build()
        )
        ...
        fake.inject_message(chat_id=42, user_id=42, text="/start")
        [reply] = await fake.wait_for_messages(42)

What it does, and where it is deliberately simpler than Telegram:

* Requests arrive as ``POST /bot<token>/<method>`` (GET works too). Bodies may be
  ``application/x-www-form-urlencoded`` or ``multipart/form-data`` -- where every
  non-string value is a JSON string, which is what PTB sends -- or an
  ``application/json`` object. Method names are case-insensitive, like Telegram's.
* Answers are ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N,
  "description": "..."}`` with N as the HTTP status, plus ``"parameters":
  {"retry_after": N}`` for 429. Descriptions are Telegram's own wording.
* State is kept per chat: message ids count up per chat, every send and edit is
  logged (:meth:`FakeTelegramAPI.chat_log`), :meth:`FakeTelegramAPI.sent_messages`
  gives the current state of the bot's messages.
* Chats come into being when first mentioned (``strict_chats=True`` turns that off:
  unknown chats answer "chat not found"). Chat ids > 0 are private chats, < 0
  supergroups, unless :meth:`FakeTelegramAPI.add_chat` says otherwise.
* HTML parse mode is parsed the way Telegram (tdlib) parses it, with the same error
  texts; Markdown modes are accepted but not checked.
* Flood control is on by default (:class:`RateLimits`); faults can be injected
  (:meth:`~FakeTelegramAPI.fail_next`, :meth:`~FakeTelegramAPI.fail_ratio`,
  :meth:`~FakeTelegramAPI.drop_next`). A call answered by a fault changes nothing.
* Updates for the bot are injected (:meth:`~FakeTelegramAPI.inject_message`,
  :meth:`~FakeTelegramAPI.inject_callback_query`,
  :meth:`~FakeTelegramAPI.inject_raw_update`) and handed out by ``getUpdates`` with
  Telegram's long-polling semantics. The fake never pushes to a webhook: webhook
  tests build updates with the ``build_*`` methods or ``make_*`` functions and POST
  them to the bot themselves.

Everything runs on the event loop of the test; the injection and inspection methods
are plain (synchronous) methods meant to be called from that loop.
"""
from __future__ import annotations

import asyncio
import copy
import inspect
import itertools
import json
import math
import mimetypes
import random
import re
import socket
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Callable, Literal, Mapping, NamedTuple, Sequence

from aiohttp import web

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "NOT_MODIFIED",
    "ApiError",
    "FakeTelegramAPI",
    "most_in_one_second",
    "HTMLParseError",
    "LogEntry",
    "RateLimits",
    "RecordedRequest",
    "SentDocument",
    "UploadedFile",
    "command_entities",
    "default_chat_type",
    "make_callback_query",
    "make_chat",
    "make_message",
    "make_update",
    "make_user",
    "parse_html",
    "update_type",
    "utf16_len",
]

JSON = dict[str, Any]

DEFAULT_TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmnopq"
MAX_MESSAGE_LENGTH = 4096  # characters (code points) after entity parsing
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTONS = 100
DEFAULT_CALLBACK_QUERY_TIMEOUT = 15.0
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLLING_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

# Every update type, and the ones Telegram sends when allowed_updates was never set.
ALL_UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post",
    "business_connection", "business_message", "edited_business_message",
    "deleted_business_messages", "message_reaction", "message_reaction_count",
    "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
    "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member",
    "chat_member", "chat_join_request", "chat_boost", "removed_chat_boost",
)
DEFAULT_UPDATE_TYPES = frozenset(ALL_UPDATE_TYPES) - {
    "chat_member", "message_reaction", "message_reaction_count",
}

CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
COMMAND_SCOPES = frozenset({
    "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
    "chat_administrators", "chat_member",
})
INLINE_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)

_HTTP_PHRASES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden: bot was blocked by the user",
    404: "Not Found", 409: "Conflict", 413: "Request Entity Too Large",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Time-out",
}
_NGINX_STATUSES = frozenset({502, 503, 504})

# How form values (always strings) are read back into the types Telegram expects.
_JSON_PARAMS = frozenset({
    "reply_markup", "allowed_updates", "commands", "scope", "entities", "caption_entities",
    "reply_parameters", "link_preview_options", "media",
})
_INT_PARAMS = frozenset({
    "chat_id", "user_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id",
    "message_thread_id", "cache_time", "max_connections", "from_chat_id",
})
_BOOL_PARAMS = frozenset({
    "disable_notification", "protect_content", "show_alert", "drop_pending_updates",
    "allow_sending_without_reply", "disable_web_page_preview", "disable_content_type_detection",
    "only_if_banned", "allow_paid_broadcast",
})
_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


# ---------------------------------------------------------------------------
# Errors and records


class ApiError(Exception):
    """A Bot API error answer: raised inside method handlers, sent as the JSON error shape."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


class RecordedRequest(NamedTuple):
    """One call as it arrived: canonical method name, decoded parameters, clock time."""

    method: str
    params: JSON
    timestamp: float


class LogEntry(NamedTuple):
    """One change the bot made to a chat: ``action`` is ``send``, ``send_document``,
    ``edit_text``, ``edit_reply_markup`` or ``delete``; ``message`` is the message as
    it was right after that change."""

    action: str
    message: JSON
    timestamp: float


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field_name: str
    filename: str | None
    content: bytes
    content_type: str | None


@dataclass(frozen=True)
class SentPhoto:
    """A photo the bot sent by upload (sendPhoto), with its bytes and the size Telegram read."""

    chat_id: int
    message_id: int
    content: bytes
    width: int
    height: int
    caption: str | None
    file_id: str


def _image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG, as Telegram reads it before accepting a photo."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    if content.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 < len(content):
            if content[index] != 0xFF:
                return None
            marker, length = content[index + 1], int.from_bytes(content[index + 2:index + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                return (int.from_bytes(content[index + 7:index + 9], "big"),
                        int.from_bytes(content[index + 5:index + 7], "big"))
            index += 2 + length
    return None


@dataclass(frozen=True)
class SentDocument:
    """A document the bot sent (``content`` is None when it was sent by file_id or URL)."""

    chat_id: int
    message_id: int
    filename: str | None
    content: bytes | None
    mime_type: str | None
    caption: str | None
    file_id: str


@dataclass(frozen=True)
class RateLimits:
    """Telegram's flood control, as the fake applies it.

    ``methods`` are the calls that count as "a message": each one takes a slot in the
    global window, in the chat's token bucket and, for groups (chat id < 0), in the
    group's per-minute window. A call that is refused does not take a slot.
    """

    global_per_second: int = 30
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    group_per_minute: int = 20
    methods: frozenset[str] = frozenset(
        {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto"}
    )


def most_in_one_second(times: list[float]) -> int:
    """The most of these moments in any one-second window: what ``global_per_second`` caps."""
    times = sorted(times)
    return max((sum(1 for u in times if t - 1.0 < u <= t) for t in times), default=0)


# ---------------------------------------------------------------------------
# Pure helpers to build Bot API objects (also for webhook tests)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def make_user(
    user_id: int,
    *,
    first_name: str = "Tester",
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
    is_bot: bool = False,
) -> JSON:
    """A ``User`` object."""
    user: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name is not None:
        user["last_name"] = last_name
    if username is not None:
        user["username"] = username
    if language_code is not None:
        user["language_code"] = language_code
    return user


def default_chat_type(chat_id: int) -> str:
    """The fake's convention: positive ids are private chats, negative ids supergroups."""
    return "private" if chat_id > 0 else "supergroup"


def make_chat(
    chat_id: int,
    *,
    chat_type: str | None = None,
    title: str | None = None,
    username: str | None = None,
    first_name: str | None = None,
) -> JSON:
    """A ``Chat`` object: private chats carry ``first_name``, the others ``title``."""
    chat_type = chat_type or default_chat_type(chat_id)
    chat: JSON = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = first_name or f"User {chat_id}"
    else:
        chat["title"] = title or f"Chat {chat_id}"
    if username is not None:
        chat["username"] = username
    return chat


_BOT_COMMAND_RE = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


def command_entities(text: str) -> list[JSON]:
    """``bot_command`` entities the way Telegram marks them: ``/cmd`` or ``/cmd@botname``
    at the start of the text or after whitespace, offsets in UTF-16 units."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
        for m in _BOT_COMMAND_RE.finditer(text)
    ]


def make_message(
    message_id: int,
    chat: JSON,
    from_user: JSON | None,
    *,
    text: str | None = None,
    date: int | None = None,
    reply_to_message: JSON | None = None,
    location: tuple[float, float] | Mapping[str, float] | None = None,
    photo: Sequence[JSON] | None = None,
    caption: str | None = None,
    reply_markup: JSON | None = None,
) -> JSON:
    """A ``Message`` object as a user sends it; commands get ``bot_command`` entities."""
    message: JSON = {"message_id": message_id}
    if from_user is not None:
        message["from"] = from_user
    message["chat"] = chat
    message["date"] = int(time.time()) if date is None else date
    if reply_to_message is not None:
        message["reply_to_message"] = reply_to_message
    if text is not None:
        message["text"] = text
        if entities := command_entities(text):
            message["entities"] = entities
    if photo is not None:
        message["photo"] = list(photo)
    if caption is not None:
        message["caption"] = caption
        if entities := command_entities(caption):
            message["caption_entities"] = entities
    if location is not None:
        if isinstance(location, Mapping):
            message["location"] = dict(location)
        else:
            message["location"] = {"latitude": location[0], "longitude": location[1]}
    if reply_markup is not None:
        message["reply_markup"] = reply_markup
    return message


def make_callback_query(
    query_id: str,
    from_user: JSON,
    message: JSON,
    data: str,
    *,
    chat_instance: str | None = None,
) -> JSON:
    """A ``CallbackQuery`` for a press on an inline button of ``message``."""
    return {
        "id": query_id,
        "from": from_user,
        "message": message,
        "chat_instance": chat_instance or str(abs(message["chat"]["id"]) * 7919 % 10**12),
        "data": data,
    }


def make_update(update_id: int, **payload: JSON) -> JSON:
    """An ``Update``: ``make_update(7, message=msg)`` or ``make_update(8, callback_query=q)``."""
    if len(payload) != 1:
        raise ValueError("an update carries exactly one payload, e.g. message=...")
    return {"update_id": update_id, **payload}


def update_type(update: Mapping[str, Any]) -> str | None:
    """The kind of an update: the key that is not ``update_id``."""
    return next((key for key in update if key != "update_id"), None)


# ---------------------------------------------------------------------------
# HTML parse mode, after tdlib's parse_html


class HTMLParseError(ValueError):
    """Telegram's "can't parse entities" reason (without that prefix)."""


_HTML_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_HTML_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TG_USER_RE = re.compile(r"tg://user\?id=(\d+)")


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the parsed text
    language: str | None = None


def _decode_html_entity(source: str, pos: int) -> tuple[str | None, int]:
    match = _HTML_ENTITY_RE.match(source, pos)
    if match is None:
        return None, pos
    decimal, hexadecimal, named = match.groups()
    if named:
        return _HTML_NAMED[named], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None, pos
    return chr(code), match.end()


def _decode_html_entities(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&":
            decoded, end = _decode_html_entity(value, i)
            if decoded is not None:
                out.append(decoded)
                i = end
                continue
        out.append(value[i])
        i += 1
    return "".join(out)


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into plain text and ``MessageEntity`` dicts.

    Raises :class:`HTMLParseError` with tdlib's wording (byte offsets are UTF-8 byte
    offsets into ``source``). Only Telegram's tags are allowed; ``&lt; &gt; &amp;
    &quot;`` and numeric entities are decoded, any other ``&`` stays literal.
    """

    def byte_offset(index: int) -> int:
        return len(source[:index].encode("utf-8"))

    out: list[str] = []
    pos16 = 0
    stack: list[_OpenTag] = []
    entities: list[JSON] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char == "&":
            decoded, end = _decode_html_entity(source, i)
            if decoded is not None:
                out.append(decoded)
                pos16 += utf16_len(decoded)
                i = end
                continue
        if char != "<":
            out.append(char)
            pos16 += utf16_len(char)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and source[i] == "/":  # end tag
            close = source.find(">", i)
            if close == -1:
                raise HTMLParseError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            name = source[i + 1 : close].strip().lower()
            if not stack:
                raise HTMLParseError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            tag = stack.pop()
            if name != tag.name:
                raise HTMLParseError(
                    f"Unmatched end tag at byte offset {byte_offset(begin)}, "
                    f'expected "</{tag.name}>", found "</{name}>"'
                )
            if (entity := _entity_for(tag, pos16, stack)) is not None:
                entities.append(entity)
            i = close + 1
            continue
        end = i
        while end < n and not source[end].isspace() and source[end] != ">":
            end += 1
        if end >= n:
            raise HTMLParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
        name = source[i:end].lower()
        if name not in _HTML_TAG_ENTITY:
            raise HTMLParseError(f'Unsupported start tag "{name}" at byte offset {byte_offset(begin)}')
        attrs, end = _parse_html_attributes(source, end, name, byte_offset(begin), byte_offset)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise HTMLParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise HTMLParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {byte_offset(begin)}'
            )
        stack.append(_OpenTag(name, attrs, pos16))
        i = end + 1
    if stack:
        raise HTMLParseError(f"Can't find end tag corresponding to start tag \"{stack[-1].name}\"")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _parse_html_attributes(
    source: str, pos: int, tag: str, tag_offset: int, byte_offset: Callable[[int], int]
) -> tuple[dict[str, str], int]:
    """Read ``name="value"`` pairs up to the closing ``>``; returns them and its index."""
    attrs: dict[str, str] = {}
    n = len(source)
    unclosed = HTMLParseError(f"Unclosed start tag at byte offset {tag_offset}")
    while True:
        while pos < n and source[pos].isspace():
            pos += 1
        if pos >= n:
            raise unclosed
        if source[pos] == ">":
            return attrs, pos
        name_end = pos
        while name_end < n and not source[name_end].isspace() and source[name_end] not in "=>":
            name_end += 1
        name = source[pos:name_end].lower()
        pos = name_end
        while pos < n and source[pos].isspace():
            pos += 1
        if pos >= n:
            raise unclosed
        if source[pos] != "=":
            if tag == "blockquote" and name == "expandable":
                attrs[name] = ""
                continue
            raise HTMLParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {byte_offset(pos)}"
            )
        pos += 1
        while pos < n and source[pos].isspace():
            pos += 1
        if pos >= n:
            raise unclosed
        if source[pos] in "\"'":
            quote_end = source.find(source[pos], pos + 1)
            if quote_end == -1:
                raise unclosed
            raw, pos = source[pos + 1 : quote_end], quote_end + 1
        else:
            value_end = pos
            while value_end < n and not source[value_end].isspace() and source[value_end] != ">":
                value_end += 1
            raw, pos = source[pos:value_end], value_end
        attrs[name] = _decode_html_entities(raw)


def _entity_for(tag: _OpenTag, end16: int, stack: list[_OpenTag]) -> JSON | None:
    length = end16 - tag.start
    if tag.name == "code" and stack and stack[-1].name == "pre":
        language = tag.attrs.get("class", "")
        if language.startswith("language-") and len(language) > len("language-"):
            stack[-1].language = language[len("language-") :]
            return None
    if length <= 0:
        return None
    entity: JSON = {"type": _HTML_TAG_ENTITY[tag.name], "offset": tag.start, "length": length}
    if tag.name == "a":
        href = tag.attrs.get("href", "")
        if not href:
            return None
        if mention := _TG_USER_RE.fullmatch(href):
            entity["type"] = "text_mention"
            entity["user"] = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
        else:
            entity["url"] = href
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    return entity


# ---------------------------------------------------------------------------
# Request parameters


def _normalize_param(name: str, value: Any) -> Any:
    """Read a form value back into the type Telegram would give it."""
    if not isinstance(value, str):
        return value
    if name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if name in _BOOL_PARAMS and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


class _Params:
    """The parameters of one call, with Telegram-style typed accessors."""

    def __init__(self, values: Mapping[str, Any], files: Mapping[str, UploadedFile]) -> None:
        self.values: JSON = {name: _normalize_param(name, v) for name, v in values.items()}
        self.files = dict(files)

    def recorded(self) -> JSON:
        return {**self.values, **self.files}

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _bad_request(f"invalid {name} specified") from None

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: str, what: str | None = None) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise _bad_request(f"can't parse {what or name} JSON object") from None
        return value


# ---------------------------------------------------------------------------
# Flood control


class _RateLimiter:
    """Sliding windows (global, per group) and a token bucket per chat."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._global: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}
        self._buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)

    def acquire(self, chat_id: int) -> int | None:
        """Take a slot for one message into ``chat_id``; None, or seconds to wait."""
        limits, now = self.limits, self._clock()
        waits: list[float] = []
        _expire(self._global, now - 1.0)
        if len(self._global) >= limits.global_per_second:
            waits.append(self._global[0] + 1.0 - now)
        group = self._groups.setdefault(chat_id, deque()) if chat_id < 0 else None
        if group is not None:
            _expire(group, now - 60.0)
            if len(group) >= limits.group_per_minute:
                waits.append(group[0] + 60.0 - now)
        rate = limits.per_chat_per_second
        tokens, at = self._buckets.get(chat_id, (float(limits.per_chat_burst), now))
        tokens = min(float(limits.per_chat_burst), tokens + (now - at) * rate)
        if tokens < 1.0:
            waits.append((1.0 - tokens) / rate)
        if waits:
            return max(1, math.ceil(max(waits) - 1e-9))
        self._global.append(now)
        if group is not None:
            group.append(now)
        self._buckets[chat_id] = (tokens - 1.0, now)
        return None


def _expire(window: deque[float], before: float) -> None:
    while window and window[0] <= before:
        window.popleft()


# ---------------------------------------------------------------------------
# Internal state


@dataclass
class _StoredMessage:
    message: JSON
    sequence: int
    raw_text: str | None = None
    parse_mode: str | None = None
    from_bot: bool = False


@dataclass
class _Chat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    bot_status: str = "member"
    migrated_to: int | None = None  # upgraded to a supergroup with this id
    members: dict[int, str] = field(default_factory=dict)
    messages: dict[int, _StoredMessage] = field(default_factory=dict)
    log: list[LogEntry] = field(default_factory=list)
    last_message_id: int = 0

    def short(self) -> JSON:
        return make_chat(
            self.id, chat_type=self.type, title=self.title, username=self.username,
            first_name=self.first_name,
        )

    @property
    def kind(self) -> str:
        return {"private": "private", "group": "group chat", "channel": "channel chat"}.get(
            self.type, "supergroup chat"
        )


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    file_name: str | None
    mime_type: str | None


@dataclass
class _Queued:
    update: JSON
    forced: bool = False  # a redelivery of an update the bot already confirmed
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


@dataclass
class _CallbackQueryState:
    created_at: float
    answered: bool = False


@dataclass
class _Fault:
    kind: Literal["fail", "drop"]
    remaining: int
    status: int = 502
    description: str | None = None
    retry_after: int | None = None
    after_processing: bool = False
    chat_id: int | None = None  # only calls to this chat, when set


@dataclass
class _RatioFault:
    ratio: float
    status: int
    rng: random.Random


class _Reply(NamedTuple):
    """A handler's answer with Telegram's optional ``description`` (webhook calls)."""

    result: Any
    description: str


Handler = Callable[[_Params], Any]


# ---------------------------------------------------------------------------
# The server


class FakeTelegramAPI:
    """An in-process Telegram Bot API on 127.0.0.1.

    Args:
        token: the bot's token; other well-formed tokens get 401, malformed ones 404.
        bot_username / bot_first_name: who ``getMe`` says the bot is (id = token prefix).
        limits: ``True`` for Telegram's flood control, ``False`` for none, or a
            :class:`RateLimits` to tune it.
        clock: monotonic seconds, used for flood control, callback query age and
            request timestamps; pass a manual clock to test time without sleeping.
        wall_clock: Unix seconds for ``date`` fields.
        callback_query_timeout: how long a callback query can be answered.
        strict_chats: answer "chat not found" for chats not added or injected first.
        strict_webhook_url: require an HTTPS URL on ports 80/88/443/8443, like Telegram.

    What tests read back (besides the methods below):
        requests: every call that reached a known token, as :class:`RecordedRequest`
            (faulted and refused calls included).
        callback_answers: ``answerCallbackQuery`` calls that were accepted, as dicts
            (``callback_query_id``, ``text``, ``show_alert``, ``url``, ``cache_time``).
        sent_documents: documents sent, with their bytes (:class:`SentDocument`).
        injected_updates: every update injected, in order.
        count_429: how many 429 answers went out (flood control and injected ones).
        status_counts: answers by HTTP status; 0 counts dropped connections.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "liandong_test_bot",
        bot_first_name: str = "Liandong",
        limits: RateLimits | bool = True,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        callback_query_timeout: float = DEFAULT_CALLBACK_QUERY_TIMEOUT,
        strict_chats: bool = False,
        strict_webhook_url: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if not _TOKEN_RE.fullmatch(token):
            raise ValueError("a bot token looks like '<digits>:<letters, digits, _ and ->'")
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.callback_query_timeout = callback_query_timeout
        self.strict_chats = strict_chats
        self.strict_webhook_url = strict_webhook_url
        self._clock = clock
        self._wall_clock = wall_clock
        self._host = host
        self._port = port
        self._limiter: _RateLimiter | None = None
        self.limits = limits

        # What tests read back.
        self.requests: list[RecordedRequest] = []
        self.callback_answers: list[JSON] = []
        self.injected_updates: list[JSON] = []
        self.sent_documents: list[SentDocument] = []
        self.sent_photos: list[SentPhoto] = []
        self.count_429 = 0
        self.status_counts: Counter[int] = Counter()

        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, JSON] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_ids = itertools.count(1)
        self._sequence = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._callback_queries: dict[str, _CallbackQueryState] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._webhook: JSON | None = None
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._queue: list[_Queued] = []
        self._last_update_id = 0
        self._confirmed_offset = 0
        self._poll_generation = 0
        self._faults: dict[str, list[_Fault]] = {}
        self._ratio_faults: dict[str, _RatioFault] = {}
        self._changed = asyncio.Event()
        self._stopping = False
        self._runner: web.AppRunner | None = None

        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
        }
        self._canonical = {name.lower(): name for name in self._handlers}

    # -- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        """Listen on ``host:port`` (a free port by default)."""
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # handler_cancellation: a long poll whose client went away stops waiting.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((self._host, self._port))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._stopping = False

    async def stop(self) -> None:
        """Wake every long poll (they answer with no updates) and close the server."""
        self._stopping = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegramAPI:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def root_url(self) -> str:
        """The server root, as in ``LIANDONG_TELEGRAM_API_URL`` (adapter appends ``/bot<token>``)."""
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url``: PTB appends the token."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        """For PTB's ``base_file_url``: PTB appends the token."""
        return f"{self.root_url}/file/bot"

    def method_url(self, method: str) -> str:
        return f"{self.base_url}{self.token}/{method}"

    # -- configuration -------------------------------------------------------

    @property
    def limits(self) -> RateLimits | None:
        """The flood control in force (None when off); assign True/False/RateLimits."""
        return self._limiter.limits if self._limiter else None

    @limits.setter
    def limits(self, value: RateLimits | bool | None) -> None:
        if value is True:
            value = RateLimits()
        self._limiter = _RateLimiter(value, self._clock) if value else None

    @property
    def bot_user(self) -> JSON:
        return make_user(
            self.bot_id, first_name=self.bot_first_name, username=self.bot_username, is_bot=True
        )

    def add_chat(
        self,
        chat_id: int,
        *,
        chat_type: str | None = None,
        title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
    ) -> JSON:
        """Create or update a chat; returns its ``Chat`` object."""
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(chat_id, chat_type or default_chat_type(chat_id))
        if chat_type is not None:
            chat.type = chat_type
        if title is not None:
            chat.title = title
        if username is not None:
            chat.username = username
        if first_name is not None:
            chat.first_name = first_name
        return chat.short()

    def set_bot_status(self, chat_id: int, status: str, *, notify: bool = False) -> JSON | None:
        """Set the bot's membership (``left``/``kicked`` make sends answer 403).

        With ``notify``, also queue the ``my_chat_member`` update Telegram would send,
        and return it.
        """
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}")
        chat = self._chat(chat_id, create=True)
        old, chat.bot_status = chat.bot_status, status
        if not notify:
            return None
        actor = next(iter(self._users.values()), make_user(1))
        payload = {
            "chat": chat.short(),
            "from": actor,
            "date": int(self._wall_clock()),
            "old_chat_member": self._member_object(chat, self.bot_id, old),
            "new_chat_member": self._member_object(chat, self.bot_id, status),
        }
        return self.inject_raw_update({"my_chat_member": payload})

    def remove_bot_from_chat(self, chat_id: int, *, kicked: bool = False) -> None:
        """Shorthand for ``set_bot_status(chat_id, "kicked" if kicked else "left")``."""
        self.set_bot_status(chat_id, "kicked" if kicked else "left")

    def migrate_chat(self, chat_id: int, new_chat_id: int, user_id: int, *, notify: bool = True) -> None:
        """The group becomes a supergroup, as Telegram does it.

        The supergroup is a new chat with the members and the bot; from now on every
        call naming the old id answers 400 with ``parameters.migrate_to_chat_id``.
        With ``notify`` the two service messages are queued: ``migrate_to_chat_id`` in
        the old chat (from the user who upgraded it) and ``migrate_from_chat_id`` in
        the new one (from the anonymous ``Group`` bot account, as Telegram sends it).
        """
        old = self._chat(chat_id, create=True)
        new = self._chats[new_chat_id] = _Chat(new_chat_id, "supergroup", title=old.title,
                                                bot_status=old.bot_status, members=dict(old.members))
        old.migrated_to = new_chat_id
        if not notify:
            return
        user = self._users.get(user_id) or make_user(user_id)
        date = int(self._wall_clock())
        to_message = make_message(self._next_message_id(old), old.short(), user, date=date)
        to_message["migrate_to_chat_id"] = new_chat_id
        group_bot = make_user(1087968824, first_name="Group", username="GroupAnonymousBot", is_bot=True)
        from_message = make_message(self._next_message_id(new), new.short(), group_bot, date=date)
        from_message["sender_chat"] = new.short()
        from_message["migrate_from_chat_id"] = chat_id
        for message in (to_message, from_message):
            self._enqueue(make_update(self._next_update_id(), message=message))

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What ``getChatMember`` answers for this user in this chat."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}")
        if user_id == self.bot_id:
            self.set_bot_status(chat_id, status)
        else:
            self._chat(chat_id, create=True).members[user_id] = status

    def add_file(
        self, content: bytes, *, file_name: str | None = None, mime_type: str | None = None,
        kind: str = "documents",
    ) -> str:
        """Store a file (as if a user had uploaded it); returns its ``file_id``."""
        return self._store_file(content, file_name, mime_type, kind).file_id

    # -- fault injection -----------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 502,
        times: int = 1,
        *,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (``"*"``: any method) with ``status``.

        502/503/504 come as nginx's HTML page; other statuses as the JSON error with
        ``description`` (default: Telegram's usual text) and, for 429, ``retry_after``.
        With ``chat_id``, only calls for that chat count (Telegram limits per chat).
        """
        self._faults.setdefault(method, []).append(
            _Fault("fail", times, status, description, retry_after, chat_id=chat_id)
        )

    def fail_ratio(
        self, method: str, ratio: float, status: int = 502, seed: int | None = 0
    ) -> None:
        """Fail that fraction of ``method``'s calls at random (repeatable with ``seed``).
        ``ratio=0`` turns it off."""
        if ratio <= 0:
            self._ratio_faults.pop(method, None)
        else:
            self._ratio_faults[method] = _RatioFault(ratio, status, random.Random(seed))

    def drop_next(self, method: str, times: int = 1, *, after_processing: bool = False) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without answering.

        By default the call is not carried out. ``after_processing=True`` carries it out
        first and loses only the answer -- the case where a retry sends a duplicate.
        """
        self._faults.setdefault(method, []).append(
            _Fault("drop", times, after_processing=after_processing)
        )

    def clear_faults(self) -> None:
        self._faults.clear()
        self._ratio_faults.clear()

    # -- inspection ----------------------------------------------------------

    def sent_messages(self, chat_id: int | None = None, *,
                      keep: Callable[[JSON], bool] | None = None) -> list[JSON]:
        """The bot's messages (current state, edits applied, deleted ones gone), in the
        order they were sent; all chats when ``chat_id`` is None; with ``keep``, only
        the messages it accepts (tested before they are copied: a benchmark polling a few
        of thousands must not copy them all, which stalls the server's answers).

        Each is the API ``Message`` plus two test-only keys: ``raw_text`` (the text or
        caption exactly as the bot sent it, before HTML parsing) and ``parse_mode``.
        """
        chats = [self._chats[chat_id]] if chat_id in self._chats else []
        if chat_id is None:
            chats = list(self._chats.values())
        stored = [s for chat in chats for s in chat.messages.values()
                  if s.from_bot and (keep is None or keep(s.message))]
        stored.sort(key=lambda s: s.sequence)
        return [
            {**copy.deepcopy(s.message), "raw_text": s.raw_text, "parse_mode": s.parse_mode}
            for s in stored
        ]

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """The current state of any message (the bot's or a user's), or None."""
        chat = self._chats.get(chat_id)
        stored = chat.messages.get(message_id) if chat else None
        return copy.deepcopy(stored.message) if stored else None

    def chat_log(self, chat_id: int) -> list[LogEntry]:
        """Every send, edit and delete the bot did in the chat, in order."""
        chat = self._chats.get(chat_id)
        return list(chat.log) if chat else []

    def calls(self, method: str) -> list[JSON]:
        """Parameters of every call of ``method`` that arrived (faulted ones included)."""
        return [r.params for r in self.requests if r.method == method]

    def commands(self, scope: Mapping[str, Any] | None = None, language_code: str = "") -> list[JSON]:
        """The command list set for a scope and language."""
        return copy.deepcopy(self._commands.get((_scope_key(scope), language_code), []))

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by an offset."""
        return [q.update for q in self._queue]

    @property
    def webhook_url(self) -> str:
        return self._webhook["url"] if self._webhook else ""

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``predicate()`` holds, re-checking after every change the fake sees."""
        async def wait() -> None:
            while True:
                changed = self._changed
                if predicate():
                    return
                await changed.wait()

        await asyncio.wait_for(wait(), timeout)

    async def wait_for_messages(
        self, chat_id: int, count: int = 1, *, timeout: float = 5.0
    ) -> list[JSON]:
        """Wait until the bot has at least ``count`` messages in the chat; returns them."""
        try:
            await self.wait_until(lambda: len(self.sent_messages(chat_id)) >= count, timeout)
        except asyncio.TimeoutError:
            got = self.sent_messages(chat_id)
            raise AssertionError(
                f"expected {count} message(s) in chat {chat_id} within {timeout}s, "
                f"got {len(got)}: {[m.get('text', m.get('caption')) for m in got]}"
            ) from None
        return self.sent_messages(chat_id)

    # -- update injection ----------------------------------------------------

    def build_message_update(
        self,
        chat_id: int,
        user_id: int,
        text: str | None = None,
        *,
        chat_type: str | None = None,
        chat_title: str | None = None,
        first_name: str = "Tester",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        reply_to_message_id: int | None = None,
        location: tuple[float, float] | Mapping[str, float] | None = None,
        photo: bytes | Sequence[JSON] | None = None,
        caption: str | None = None,
        date: int | None = None,
    ) -> JSON:
        """A ``message`` update from a user, with a fresh update_id and message_id.

        The message is stored in the chat (the bot can reply to it); nothing is queued.
        Use it for webhook tests; :meth:`inject_message` also queues it.
        """
        user = make_user(
            user_id, first_name=first_name, last_name=last_name, username=username,
            language_code=language_code,
        )
        self._users[user_id] = user
        if chat_id not in self._chats:
            self.add_chat(
                chat_id, chat_type=chat_type, title=chat_title,
                first_name=first_name if chat_id == user_id else None, username=None,
            )
        elif chat_type is not None or chat_title is not None:
            self.add_chat(chat_id, chat_type=chat_type, title=chat_title)
        chat = self._chats[chat_id]
        chat.members.setdefault(user_id, "member")
        if isinstance(photo, (bytes, bytearray)):
            stored = self._store_file(bytes(photo), None, "image/jpeg", "photos")
            photo = [{
                "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "width": 640, "height": 480, "file_size": len(stored.content),
            }]
        reply_to = None
        if reply_to_message_id is not None:
            target = chat.messages.get(reply_to_message_id)
            if target is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat_id} to reply to")
            reply_to = _without_reply(target.message)
        message = make_message(
            self._next_message_id(chat), chat.short(), user, text=text,
            date=int(self._wall_clock()) if date is None else date, reply_to_message=reply_to,
            location=location, photo=photo, caption=caption,
        )
        chat.messages[message["message_id"]] = _StoredMessage(message, next(self._sequence))
        return make_update(self._next_update_id(), message=copy.deepcopy(message))

    def inject_message(
        self,
        chat_id: int,
        user_id: int,
        text: str | None = None,
        *,
        chat_type: str | None = None,
        chat_title: str | None = None,
        first_name: str = "Tester",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        reply_to_message_id: int | None = None,
        location: tuple[float, float] | Mapping[str, float] | None = None,
        photo: bytes | Sequence[JSON] | None = None,
        caption: str | None = None,
        date: int | None = None,
    ) -> JSON:
        """Queue a message from a user for ``getUpdates``; returns the update.

        ``location`` is (latitude, longitude) or a Location dict; ``photo`` is image
        bytes (stored, so ``getFile`` serves them) or PhotoSize dicts. Text or caption
        starting with a command gets its ``bot_command`` entity.
        """
        update = self.build_message_update(
            chat_id, user_id, text, chat_type=chat_type, chat_title=chat_title,
            first_name=first_name, last_name=last_name, username=username,
            language_code=language_code, reply_to_message_id=reply_to_message_id,
            location=location, photo=photo, caption=caption, date=date,
        )
        self._enqueue(update)
        return update

    def inject_document(self, chat_id: int, user_id: int, content: bytes, *, file_name: str,
                        mime_type: str = "application/xml", caption: str | None = None) -> JSON:
        """Queue a file sent by a user (stored, so ``getFile`` serves it); returns the update."""
        stored = self._store_file(content, file_name, mime_type, "documents")
        update = self.build_message_update(chat_id, user_id, caption=caption)
        document = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_name": file_name,
                    "mime_type": mime_type, "file_size": len(content)}
        update["message"]["document"] = document
        self._chats[chat_id].messages[update["message"]["message_id"]].message["document"] = document
        self._enqueue(update)
        return update

    def inject_channel_post(self, chat_id: int, text: str, *, title: str | None = None) -> JSON:
        """Queue a post in a channel, as Telegram sends it: a ``channel_post`` update whose
        message has no ``from`` (admins post as the channel) and ``sender_chat`` the channel."""
        chat = self._chat(chat_id, create=True)
        chat.type = "channel"
        if title is not None:
            chat.title = title
        message = make_message(self._next_message_id(chat), chat.short(), None, text=text,
                               date=int(self._wall_clock()))
        message["sender_chat"] = chat.short()
        chat.messages[message["message_id"]] = _StoredMessage(message, next(self._sequence))
        update = make_update(self._next_update_id(), channel_post=copy.deepcopy(message))
        self._enqueue(update)
        return update

    def build_callback_query_update(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
    ) -> JSON:
        """A ``callback_query`` update for a press on a button of message ``message_id``.

        The query id is registered (it can be answered for ``callback_query_timeout``
        seconds); nothing is queued. The data is not checked against the keyboard:
        a test may forge any data, as a modified client could.
        """
        user = self._users.get(user_id)
        if user is None or first_name is not None or username is not None:
            user = make_user(
                user_id, first_name=first_name or (user or {}).get("first_name", "Tester"),
                username=username,
            )
            self._users[user_id] = user
        chat = self._chat(chat_id, create=True)
        stored = chat.messages.get(message_id)
        # Telegram sends an InaccessibleMessage (date 0) when it cannot show the message.
        message = (
            copy.deepcopy(stored.message) if stored
            else {"chat": chat.short(), "message_id": message_id, "date": 0}
        )
        query_id = str(4_200_000_000_000_000_000 + next(self._query_ids))
        self._callback_queries[query_id] = _CallbackQueryState(self._clock())
        query = make_callback_query(query_id, user, message, data)
        return make_update(self._next_update_id(), callback_query=query)

    def inject_callback_query(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        *,
        first_name: str | None = None,
        username: str | None = None,
    ) -> str:
        """Queue a button press on message ``message_id``; returns the callback query id."""
        update = self.build_callback_query_update(
            chat_id, user_id, message_id, data, first_name=first_name, username=username
        )
        self._enqueue(update)
        return str(update["callback_query"]["id"])

    def inject_raw_update(self, update: Mapping[str, Any]) -> JSON:
        """Queue any update dict; returns it (with an ``update_id`` assigned if missing).

        Injecting an update again simulates a redelivery: if the bot already confirmed
        its update_id, it is still handed out once more, ahead of newer updates.
        """
        update = copy.deepcopy(dict(update))
        if "update_id" not in update:
            update = {"update_id": self._next_update_id(), **update}
        self._last_update_id = max(self._last_update_id, int(update["update_id"]))
        self._enqueue(update)
        return update

    def _enqueue(self, update: JSON) -> None:
        forced = int(update["update_id"]) < self._confirmed_offset
        self._queue.append(_Queued(copy.deepcopy(update), forced=forced))
        self.injected_updates.append(update)
        self._notify()

    def _next_update_id(self) -> int:
        self._last_update_id += 1
        return self._last_update_id

    # -- HTTP ----------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if token != self.token:
            if _TOKEN_RE.fullmatch(token):
                return self._error(401, "Unauthorized")
            return self._error(404, "Not Found")
        method = self._canonical.get(request.match_info["method"].lower())
        try:
            params = await self._read_params(request)
        except ApiError as error:
            return self._error(error.status, error.description, error.parameters)
        self.requests.append(
            RecordedRequest(method or request.match_info["method"], params.recorded(), self._clock())
        )
        self._notify()
        if method is None:
            return self._error(404, "Not Found")

        chat = params.text("chat_id")
        fault = self._take_fault(method, int(chat) if chat and chat.lstrip("-").isdigit() else None)
        if fault is not None and not (fault.kind == "drop" and fault.after_processing):
            if fault.kind == "drop":
                return await self._drop(request)
            return self._fault_response(fault.status, fault.description, fault.retry_after)

        try:
            result = self._handlers[method](params)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            if fault is not None:  # the error answer is lost too
                return await self._drop(request)
            return self._error(error.status, error.description, error.parameters)
        finally:
            self._notify()
        if fault is not None:  # carried out, then the answer is lost
            return await self._drop(request)
        self.status_counts[200] += 1
        if isinstance(result, _Reply):
            return web.json_response(
                {"ok": True, "result": result.result, "description": result.description}
            )
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        path = request.match_info["path"]
        stored = next((f for f in self._files.values() if f.file_path == path), None)
        if stored is None:
            return self._error(404, "Not Found")
        return web.Response(body=stored.content, content_type=stored.mime_type or "application/octet-stream")

    async def _read_params(self, request: web.Request) -> _Params:
        values: JSON = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise _bad_request("can't parse JSON encoded request parameters") from None
                if not isinstance(body, dict):
                    raise _bad_request("can't parse JSON encoded request parameters")
                values.update(body)
            else:
                form = await request.post()
                for name, value in form.items():
                    if isinstance(value, web.FileField):
                        files[name] = UploadedFile(
                            name, value.filename, value.file.read(), value.content_type
                        )
                    else:
                        values[name] = value
        return _Params(values, files)

    def _error(self, status: int, description: str, parameters: JSON | None = None) -> web.Response:
        body: JSON = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        self.status_counts[status] += 1
        if status == 429:
            self.count_429 += 1
        return web.json_response(body, status=status)

    def _fault_response(
        self, status: int, description: str | None, retry_after: int | None
    ) -> web.Response:
        phrase = _HTTP_PHRASES.get(status, "Error")
        if status in _NGINX_STATUSES:
            self.status_counts[status] += 1
            page = (
                f"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
                f"<center><h1>{status} {phrase}</h1></center>\r\n"
                "<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
            )
            return web.Response(status=status, text=page, content_type="text/html")
        if status == 429:
            seconds = retry_after or 1
            return self._error(
                429, description or f"Too Many Requests: retry after {seconds}",
                {"retry_after": seconds},
            )
        return self._error(status, description or phrase)

    async def _drop(self, request: web.Request) -> web.StreamResponse:
        """Close the connection with no answer; aiohttp then cancels this handler."""
        self.status_counts[0] += 1
        if request.transport is not None:
            request.transport.abort()
        await asyncio.sleep(1.0)  # normally cancelled before this ends
        return web.Response(status=204)

    def _take_fault(self, method: str, chat_id: int | None) -> _Fault | None:
        for key in (method, "*"):
            queue = self._faults.get(key, [])
            fault = next((f for f in queue if f.chat_id is None or f.chat_id == chat_id), None)
            if fault is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.remove(fault)
                return fault
        for key in (method, "*"):
            ratio = self._ratio_faults.get(key)
            if ratio is not None and ratio.rng.random() < ratio.ratio:
                return _Fault("fail", 1, ratio.status)
        return None

    def _notify(self) -> None:
        """Wake everyone waiting for a change (long polls, wait_until)."""
        self._changed.set()
        self._changed = asyncio.Event()

    # -- shared pieces of the methods ----------------------------------------

    def _chat(self, chat_id: int, *, create: bool = False) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            if self.strict_chats and not create:
                raise _bad_request("chat not found")
            chat = self._chats[chat_id] = _Chat(chat_id, default_chat_type(chat_id))
        return chat

    def _resolve_chat(self, params: _Params) -> _Chat:
        value = params.get("chat_id")
        if value is None or value == "":
            raise _bad_request("chat_id is empty")
        if isinstance(value, str):
            if value.startswith("@"):
                for chat in self._chats.values():
                    if chat.username and chat.username.lower() == value[1:].lower():
                        return chat
            raise _bad_request("chat not found")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad_request("chat not found")
        return self._chat(value)

    def _writable_chat(self, params: _Params) -> _Chat:
        """The chat, if the bot may act in it; 403 like Telegram otherwise."""
        chat = self._resolve_chat(params)
        if chat.migrated_to is not None:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": chat.migrated_to})
        if chat.bot_status in ("left", "kicked"):
            if chat.type == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat.bot_status == "kicked":
                raise ApiError(403, f"Forbidden: bot was kicked from the {chat.kind}")
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.kind}")
        return chat

    def _take_rate_slot(self, method: str, chat_id: int) -> None:
        if self._limiter is None or method not in self._limiter.limits.methods:
            return
        wait = self._limiter.acquire(chat_id)
        if wait is not None:
            raise ApiError(
                429, f"Too Many Requests: retry after {wait}", {"retry_after": wait}
            )

    def _next_message_id(self, chat: _Chat) -> int:
        chat.last_message_id += 1
        return chat.last_message_id

    def _format(
        self, params: _Params, text_name: str, *, required: bool, limit: int, too_long: str,
    ) -> tuple[str | None, list[JSON]]:
        """Text or caption after the parse mode: (plain text, entities), checked."""
        raw = params.text(text_name)
        entities_name = "entities" if text_name == "text" else "caption_entities"
        parse_mode = (params.text("parse_mode") or "").strip()
        if raw is None:
            if required:
                raise _bad_request("message text is empty")
            return None, []
        entities: list[JSON] = []
        if parse_mode.lower() == "html":
            try:
                raw_plain, entities = parse_html(raw)
            except HTMLParseError as error:
                raise _bad_request(f"can't parse entities: {error}") from None
        elif parse_mode.lower() in ("markdown", "markdownv2", ""):
            raw_plain = raw
            given = params.json(entities_name)
            if given is not None:
                if not isinstance(given, list):
                    raise _bad_request(f"can't parse {entities_name} JSON object")
                entities = given
        else:
            raise _bad_request("unsupported parse_mode")
        if required and not raw_plain.strip():
            raise _bad_request("message text is empty")
        if len(raw_plain) > limit:
            raise _bad_request(too_long)
        return raw_plain, entities

    def _reply_markup(self, params: _Params, *, inline_only: bool = False) -> JSON | None:
        """The validated markup; the inline keyboard to show on the message, or None."""
        markup = params.json("reply_markup", "reply keyboard markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            if inline_only:
                raise _bad_request("inline keyboard expected")
            if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
                raise _bad_request("can't parse reply keyboard markup JSON object")
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        if sum(len(row) for row in rows) > MAX_BUTTONS:
            raise _bad_request("reply markup is too long")
        for row in rows:
            for button in row:
                _check_inline_button(button)
        return {"inline_keyboard": copy.deepcopy(rows)}

    def _reply_target(self, chat: _Chat, params: _Params) -> JSON | None:
        reply = params.json("reply_parameters")
        allow_missing = params.flag("allow_sending_without_reply")
        message_id = params.integer("reply_to_message_id")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
            if reply.get("chat_id") not in (None, chat.id):
                raise _bad_request("replies to other chats are not supported by the fake")
        if message_id is None:
            return None
        target = chat.messages.get(int(message_id))
        if target is None:
            if allow_missing:
                return None
            raise _bad_request("message to be replied not found")
        return _without_reply(target.message)

    def _store_bot_message(
        self, chat: _Chat, content: JSON, *, raw_text: str | None, parse_mode: str | None,
        action: str,
    ) -> JSON:
        message: JSON = {
            "message_id": self._next_message_id(chat),
            "from": self.bot_user,
            "chat": chat.short(),
            "date": int(self._wall_clock()),
            **{k: v for k, v in content.items() if v is not None and v != []},
        }
        chat.messages[message["message_id"]] = _StoredMessage(
            message, next(self._sequence), raw_text, parse_mode, from_bot=True
        )
        chat.log.append(LogEntry(action, copy.deepcopy(message), self._clock()))
        return copy.deepcopy(message)

    def _editable(self, chat: _Chat, params: _Params) -> _StoredMessage:
        if params.get("inline_message_id") is not None:
            raise _bad_request("inline messages are not supported by the fake")
        message_id = params.integer("message_id")
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        stored = chat.messages.get(message_id)
        if stored is None:
            raise _bad_request("message to edit not found")
        if not stored.from_bot:
            raise _bad_request("message can't be edited")
        return stored

    def _store_file(
        self, content: bytes, file_name: str | None, mime_type: str | None, kind: str
    ) -> _StoredFile:
        number = next(self._file_ids)
        extension = ""
        if file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        elif mime_type:
            extension = mimetypes.guess_extension(mime_type) or ""
        stored = _StoredFile(
            file_id=f"FAKE{kind[:3].upper()}{number:08d}",
            file_unique_id=f"U{number:08d}",
            content=content,
            file_path=f"{kind}/file_{number}{extension}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[stored.file_id] = stored
        return stored

    def _user(self, user_id: int) -> JSON:
        if user_id == self.bot_id:
            return self.bot_user
        return self._users.get(user_id) or make_user(user_id, first_name=f"User {user_id}")

    def _member_object(self, chat: _Chat, user_id: int, status: str) -> JSON:
        member: JSON = {"status": status, "user": self._user(user_id)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                can_delete_messages=True, can_manage_video_chats=True,
                can_restrict_members=True, can_promote_members=False, can_change_info=True,
                can_invite_users=True, can_post_stories=False, can_edit_stories=False,
                can_delete_stories=False, can_pin_messages=True,
            )
        elif status == "restricted":
            member.update(
                is_member=True, can_change_info=False, can_invite_users=False,
                can_pin_messages=False, can_send_messages=True, can_send_polls=False,
                can_send_other_messages=False, can_add_web_page_previews=False,
                can_manage_topics=False, until_date=0, can_send_audios=False,
                can_send_documents=False, can_send_photos=False, can_send_videos=False,
                can_send_video_notes=False, can_send_voice_notes=False, can_edit_tag=False,
            )
        elif status == "kicked":
            member["until_date"] = 0
        return member

    # -- methods -------------------------------------------------------------

    def _get_me(self, params: _Params) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: _Params) -> list[JSON]:
        if self._webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = params.integer("offset", 0) or 0
        limit = min(100, max(1, params.integer("limit", 100) or 100))
        timeout = max(0.0, params.number("timeout", 0.0))
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
        # A newer getUpdates ends an older one still waiting, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        self._confirm(offset)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            changed = self._changed
            if generation != self._poll_generation:
                raise ApiError(409, POLLING_CONFLICT)
            if self._webhook is not None:
                raise ApiError(409, WEBHOOK_CONFLICT)
            batch = self._take_batch(limit)
            remaining = deadline - asyncio.get_running_loop().time()
            if batch or remaining <= 0 or self._stopping:
                return batch
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    def _confirm(self, offset: int) -> None:
        """Forget the updates an offset confirms (negative: keep only the last -offset)."""
        if offset < 0:
            self._queue = self._queue[offset:]
            return
        if offset == 0:
            return
        self._confirmed_offset = max(self._confirmed_offset, offset)
        self._queue = [
            q for q in self._queue if q.update_id >= offset or (q.forced and not q.delivered)
        ]

    def _take_batch(self, limit: int) -> list[JSON]:
        self._queue = [
            q for q in self._queue
            if update_type(q.update) not in ALL_UPDATE_TYPES
            or update_type(q.update) in self._allowed_updates
        ]
        redeliveries = [q for q in self._queue if q.forced and not q.delivered]
        fresh = sorted((q for q in self._queue if not q.forced), key=lambda q: q.update_id)
        batch = (redeliveries + fresh)[:limit]
        for queued in batch:
            queued.delivered = True
        return [copy.deepcopy(q.update) for q in batch]

    def _set_webhook(self, params: _Params) -> _Reply:
        url = params.text("url") or ""
        if not url:
            return self._delete_webhook(params)
        scheme, _, rest = url.partition("://")
        if self.strict_webhook_url or scheme.lower() not in ("http", "https"):
            if scheme.lower() != "https":
                raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            port_match = re.match(r"[^/:]+:(\d+)", rest)
            if port_match and port_match.group(1) not in ("80", "88", "443", "8443"):
                raise _bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.text("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.fullmatch(secret):
            raise _bad_request("secret token contains unallowed characters")
        max_connections = params.integer("max_connections", 40) or 40
        if not 1 <= max_connections <= 100:
            raise _bad_request("invalid webhook max connections specified")
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
        if params.flag("drop_pending_updates"):
            self._queue.clear()
        webhook = {
            "url": url, "secret_token": secret, "max_connections": max_connections,
            "ip_address": params.text("ip_address"),
        }
        already = self._webhook == webhook
        self._webhook = webhook
        return _Reply(True, "Webhook is already set" if already else "Webhook was set")

    def _delete_webhook(self, params: _Params) -> _Reply:
        if params.flag("drop_pending_updates"):
            self._queue.clear()
        existed, self._webhook = self._webhook is not None, None
        return _Reply(True, "Webhook was deleted" if existed else "Webhook is already deleted")

    def _get_webhook_info(self, params: _Params) -> JSON:
        info: JSON = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self._webhook is not None:
            info["max_connections"] = self._webhook["max_connections"]
            if self._webhook["ip_address"]:
                info["ip_address"] = self._webhook["ip_address"]
            if self._allowed_updates != DEFAULT_UPDATE_TYPES:
                info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    def _send_message(self, params: _Params) -> JSON:
        chat = self._writable_chat(params)
        text, entities = self._format(
            params, "text", required=True, limit=MAX_MESSAGE_LENGTH, too_long="message is too long"
        )
        markup = self._reply_markup(params)
        reply_to = self._reply_target(chat, params)
        preview = self._link_preview_options(params)
        self._take_rate_slot("sendMessage", chat.id)
        return self._store_bot_message(
            chat,
            {"reply_to_message": reply_to, "text": text, "entities": entities, "reply_markup": markup,
             "link_preview_options": preview},
            raw_text=params.text("text"), parse_mode=params.text("parse_mode"), action="send",
        )

    @staticmethod
    def _link_preview_options(params: _Params) -> JSON | None:
        """LinkPreviewOptions as given; the Message Telegram returns carries them back."""
        options = params.json("link_preview_options")
        if options is not None and not isinstance(options, dict):
            raise _bad_request("can't parse link preview options JSON object")
        return options or None

    def _edit_message_text(self, params: _Params) -> JSON:
        chat = self._writable_chat(params)
        stored = self._editable(chat, params)
        if "text" not in stored.message:
            raise _bad_request("there is no text in the message to edit")
        text, entities = self._format(
            params, "text", required=True, limit=MAX_MESSAGE_LENGTH, too_long="message is too long"
        )
        # Leaving reply_markup out removes the inline keyboard, as on Telegram.
        markup = self._reply_markup(params, inline_only=True)
        preview = self._link_preview_options(params)
        current = stored.message
        if (
            current.get("text") == text
            and current.get("entities", []) == entities
            and current.get("reply_markup") == markup
        ):
            raise _bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._take_rate_slot("editMessageText", chat.id)
        current["text"] = text
        _set_or_drop(current, "entities", entities)
        _set_or_drop(current, "reply_markup", markup)
        _set_or_drop(current, "link_preview_options", preview)
        current["edit_date"] = int(self._wall_clock())
        stored.raw_text, stored.parse_mode = params.text("text"), params.text("parse_mode")
        chat.log.append(LogEntry("edit_text", copy.deepcopy(current), self._clock()))
        return copy.deepcopy(current)

    def _edit_message_reply_markup(self, params: _Params) -> JSON:
        chat = self._writable_chat(params)
        stored = self._editable(chat, params)
        markup = self._reply_markup(params, inline_only=True)
        current = stored.message
        if current.get("reply_markup") == markup:
            raise _bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._take_rate_slot("editMessageReplyMarkup", chat.id)
        _set_or_drop(current, "reply_markup", markup)
        current["edit_date"] = int(self._wall_clock())
        chat.log.append(LogEntry("edit_reply_markup", copy.deepcopy(current), self._clock()))
        return copy.deepcopy(current)

    def _delete_message(self, params: _Params) -> bool:
        chat = self._writable_chat(params)
        message_id = params.integer("message_id")
        stored = chat.messages.get(message_id) if message_id is not None else None
        if stored is None:
            raise _bad_request("message to delete not found")
        del chat.messages[message_id]  # type: ignore[arg-type]
        chat.log.append(LogEntry("delete", copy.deepcopy(stored.message), self._clock()))
        return True

    def _answer_callback_query(self, params: _Params) -> bool:
        query_id = params.text("callback_query_id") or ""
        state = self._callback_queries.get(query_id)
        if (
            state is None
            or state.answered
            or self._clock() - state.created_at > self.callback_query_timeout
        ):
            raise _bad_request(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        state.answered = True
        self.callback_answers.append({
            "callback_query_id": query_id,
            "text": params.text("text"),
            "show_alert": params.flag("show_alert"),
            "url": params.text("url"),
            "cache_time": params.integer("cache_time", 0),
        })
        return True

    def _set_my_commands(self, params: _Params) -> bool:
        commands = params.json("commands", "commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("too many commands")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (_scope_key(self._scope(params)), params.text("language_code") or "")
        if commands:
            self._commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, params: _Params) -> list[JSON]:
        key = (_scope_key(self._scope(params)), params.text("language_code") or "")
        return copy.deepcopy(self._commands.get(key, []))

    def _delete_my_commands(self, params: _Params) -> bool:
        key = (_scope_key(self._scope(params)), params.text("language_code") or "")
        self._commands.pop(key, None)
        return True

    def _scope(self, params: _Params) -> JSON | None:
        scope = params.json("scope", "scope")
        if scope is None:
            return None
        if not isinstance(scope, dict) or scope.get("type") not in COMMAND_SCOPES:
            raise _bad_request("can't parse BotCommandScope")
        return scope

    def _get_chat(self, params: _Params) -> JSON:
        chat = self._resolve_chat(params)
        if chat.type != "private":  # a user who blocked the bot can still be looked up
            self._writable_chat(params)
        info = chat.short()
        info.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                "premium_subscription": False, "gifts_from_channels": False,
            },
        )
        return info

    def _get_chat_member(self, params: _Params) -> JSON:
        chat = self._resolve_chat(params)
        user_id = params.integer("user_id")
        if user_id is None:
            raise _bad_request("user_id is empty")
        if user_id == self.bot_id:
            return self._member_object(chat, user_id, chat.bot_status)
        if chat.type == "private":
            if user_id != chat.id:
                raise _bad_request("user not found")
            return self._member_object(chat, user_id, "member")
        self._writable_chat(params)  # 403 when the bot is not in the group
        return self._member_object(chat, user_id, chat.members.get(user_id, "left"))

    def _send_document(self, params: _Params) -> JSON:
        chat = self._writable_chat(params)
        upload = params.files.get("document")
        reference = params.text("document")
        if upload is None and not reference:
            raise _bad_request("there is no document in the request")
        caption, caption_entities = self._format(
            params, "caption", required=False, limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
        )
        markup = self._reply_markup(params)
        reply_to = self._reply_target(chat, params)
        if upload is not None:
            if not upload.content:
                raise _bad_request("file must be non-empty")
            mime = upload.content_type or mimetypes.guess_type(upload.filename or "")[0]
            stored: _StoredFile | None = None
        else:
            assert reference is not None
            stored = self._files.get(reference)
            if stored is None and not reference.startswith(("http://", "https://")):
                raise _bad_request("wrong file identifier/HTTP URL specified")
            mime = stored.mime_type if stored else None
        self._take_rate_slot("sendDocument", chat.id)
        if upload is not None:
            stored = self._store_file(upload.content, upload.filename, mime, "documents")
        elif stored is None:  # a URL: Telegram would fetch it; the fake keeps no bytes
            stored = self._store_file(b"", reference.rsplit("/", 1)[-1], None, "documents")
        document = {
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
        }
        message = self._store_bot_message(
            chat,
            {
                "reply_to_message": reply_to,
                "document": {k: v for k, v in document.items() if v is not None},
                "caption": caption,
                "caption_entities": caption_entities,
                "reply_markup": markup,
            },
            raw_text=params.text("caption"), parse_mode=params.text("parse_mode"),
            action="send_document",
        )
        self.sent_documents.append(SentDocument(
            chat.id, message["message_id"], stored.file_name,
            upload.content if upload is not None else None, stored.mime_type,
            caption, stored.file_id,
        ))
        return message

    def _send_photo(self, params: _Params) -> JSON:
        """sendPhoto by upload, as Telegram checks it: an image it can read (PNG or JPEG),
        at most 10 MB, width + height at most 10000, sides at most 20 to 1."""
        chat = self._writable_chat(params)
        upload = params.files.get("photo")
        if upload is None:
            raise _bad_request("there is no photo in the request")
        if len(upload.content) > 10 * 1024 * 1024:
            raise _bad_request("PHOTO_INVALID_DIMENSIONS")
        size = _image_size(upload.content)
        if size is None:
            raise _bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > 10_000 or max(width, height) > 20 * max(1, min(width, height)):
            raise _bad_request("PHOTO_INVALID_DIMENSIONS")
        caption, caption_entities = self._format(
            params, "caption", required=False, limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
        )
        reply_to = self._reply_target(chat, params)
        self._take_rate_slot("sendPhoto", chat.id)
        stored = self._store_file(upload.content, None, "image/jpeg", "photos")  # Telegram re-encodes photos
        message = self._store_bot_message(
            chat,
            {
                "reply_to_message": reply_to,
                "photo": [{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                           "width": width, "height": height, "file_size": len(upload.content)}],
                "caption": caption,
                "caption_entities": caption_entities,
                "reply_markup": self._reply_markup(params),
            },
            raw_text=params.text("caption"), parse_mode=params.text("parse_mode"),
            action="send_photo",
        )
        self.sent_photos.append(SentPhoto(chat.id, message["message_id"], upload.content, width, height,
                                          caption, stored.file_id))
        return message

    def _send_chat_action(self, params: _Params) -> bool:
        self._writable_chat(params)
        if params.text("action") not in CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    def _get_file(self, params: _Params) -> JSON:
        stored = self._files.get(params.text("file_id") or "")
        if stored is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }


# ---------------------------------------------------------------------------
# Small helpers


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise _bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    actions = [name for name in INLINE_BUTTON_ACTIONS if name in button]
    if not actions:
        raise _bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise _bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not re.match(r"(https?|tg)://\S+", url):
            raise _bad_request("BUTTON_URL_INVALID")


def _without_reply(message: JSON) -> JSON:
    """A message as it appears inside ``reply_to_message`` (Telegram does not nest them)."""
    return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}


def _set_or_drop(message: JSON, key: str, value: Any) -> None:
    if value:
        message[key] = value
    else:
        message.pop(key, None)


def _scope_key(scope: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(scope) if scope else {"type": "default"}, sort_keys=True)
