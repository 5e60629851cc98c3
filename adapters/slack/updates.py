"""Slack payloads (Events API, slash commands, interactivity) as neutral events.

Slack sends user text in its own markup: `&`, `<` and `>` escaped, mentions and
links in angle brackets. `plain_text` turns that back into what the person
typed, so handlers and the parser see plain text (and renderers escape it again
on the way out, whatever it contains).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from core.events import (
    Actor, Attachment, ButtonEvent, CommandEvent, Conversation, ConversationRef, FormEvent, MessageEvent,
)

PLATFORM = "slack"
# Message subtypes that are someone saying something; all others (edits,
# deletions, joins, topic changes, bot messages …) are not for the bot.
SPOKEN_SUBTYPES = frozenset({None, "file_share", "thread_broadcast", "me_message"})
# `/liandong report …` works like `/report …`: one command that cannot clash
# with Slack's built-in commands or another app's.
UMBRELLA_COMMAND = "liandong"
# Slack reserves some names (its own /status sets a person's status, and a
# manifest naming it is refused whole), so those commands go by another name.
COMMAND_ALIASES = {"incident": "status"}
MAX_EVENT_ID = 128  # what the database keeps of a platform event id
_MARKUP = re.compile(r"<([^<>]*)>")
_COMMAND_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")


def now() -> datetime:
    return datetime.now(timezone.utc)


def plain_text(text: str | None) -> str:
    """Slack's message markup as the plain text the person typed."""
    if not text:
        return ""

    def unwrap(match: re.Match[str]) -> str:
        target, _, label = match[1].partition("|")
        if target.startswith(("@", "#")):  # <@U123>, <#C123|general>
            return target[0] + (label or target[1:])
        if target.startswith("!subteam^"):  # <!subteam^S123|@oncall>
            return label or "@group"
        if target.startswith("!date^"):  # <!date^1392734382^{date}|fallback>
            return label
        if target.startswith("!"):  # <!channel>, <!here>, <!everyone>
            return "@" + target[1:]
        return label or target  # links: <https://…|label>

    text = _MARKUP.sub(unwrap, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def is_private_channel(channel_id: str, channel_type: str | None = None) -> bool:
    """A direct message with the bot (Slack: channel type "im", ids starting with D)."""
    return channel_type == "im" or channel_id.startswith("D")


def conversation(channel_id: str, channel_type: str | None = None, title: str | None = None) -> Conversation:
    return Conversation(ConversationRef(PLATFORM, channel_id), is_private=is_private_channel(channel_id, channel_type),
                        title=title or channel_id)


def actor(user_id: str, display_name: str) -> Actor:
    return Actor(PLATFORM, user_id, display_name or user_id)


# -- Events API -------------------------------------------------------------------


def spoken_message(event: dict[str, Any]) -> bool:
    """True for a message a person typed (or shared a file with) in a conversation."""
    return (
        event.get("type") == "message"
        and event.get("subtype") in SPOKEN_SUBTYPES
        and not event.get("bot_id")
        and isinstance(event.get("user"), str)
        and isinstance(event.get("channel"), str)
        and isinstance(event.get("ts"), str)
    )


def thread_parent(event: dict[str, Any]) -> str | None:
    """The ts of the thread's parent when the message is a reply in a thread."""
    thread_ts = event.get("thread_ts")
    return thread_ts if isinstance(thread_ts, str) and thread_ts != event.get("ts") else None


def message_event(envelope: dict[str, Any], event: dict[str, Any], display_name: str,
                  document_text: str | None = None) -> MessageEvent | None:
    """A spoken message as a MessageEvent (None when there is nothing in it). `document_text`:
    the content of a CAP file the message shares, read in its place (as on Telegram)."""
    text = document_text or plain_text(event.get("text"))
    attachments = _photos(event)
    if not text.strip() and not attachments:
        return None
    return MessageEvent(
        actor=actor(event["user"], display_name),
        conversation=conversation(event["channel"], event.get("channel_type")),
        received_at=now(),
        platform_event_id=envelope.get("event_id") or f"{event['channel']}:{event['ts']}",
        platform_message_id=event["ts"],
        reply_to_message_id=thread_parent(event),
        text=text,
        attachments=attachments,
    )


def _photos(event: dict[str, Any]) -> tuple[Attachment, ...]:
    files = event.get("files") or []
    return tuple(
        Attachment("photo", f["id"]) for f in files
        if isinstance(f, dict) and isinstance(f.get("id"), str) and str(f.get("mimetype", "")).startswith("image/")
    )


# -- CAP files dropped into a conversation (#17) -----------------------------------------

CAP_FILE_LIMIT = 1_000_000  # a CAP warning is a few kilobytes; a larger file is not downloaded
XML_STARTS = ("<?xml", "<alert")


def cap_file(files: Any) -> dict[str, Any] | None:
    """The first shared file that is XML (by name, type or MIME type), or may be (Slack gave its id
    only: files.info will say), or None."""
    for file in files if isinstance(files, list) else []:
        if not isinstance(file, dict) or not isinstance(file.get("id"), str):
            continue
        if file.get("file_access") == "check_file_info":
            return file
        name, mime = str(file.get("name") or "").lower(), str(file.get("mimetype") or "").lower()
        if name.endswith((".xml", ".cap")) or file.get("filetype") == "xml" or "xml" in mime:
            return file
    return None


def needs_file_info(file: dict[str, Any]) -> bool:
    """Slack sometimes shares a file as its id only (file_shared, or `file_access: check_file_info`)."""
    return not isinstance(file.get("url_private"), str) or file.get("file_access") == "check_file_info"


def xml_text(content: bytes) -> str | None:
    """The file as text if it reads as an XML document (UTF-8, with or without a BOM), else None."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return text if text.lstrip().startswith(XML_STARTS) else None


def file_shared_message(event: dict[str, Any]) -> dict[str, Any] | None:
    """A `file_shared` event as the message sharing the file (its details to be asked with files.info)."""
    channel, user, ts = event.get("channel_id"), event.get("user_id"), event.get("event_ts")
    if not all(isinstance(v, str) for v in (channel, user, ts)):
        return None
    file_id = event.get("file_id")
    if not isinstance(file_id, str):
        return None
    return {"type": "message", "channel": channel, "user": user, "ts": ts, "text": "",
            "files": [{"id": file_id, "file_access": "check_file_info"}]}


# -- slash commands -----------------------------------------------------------------


def command_name_and_args(command: dict[str, Any]) -> tuple[str, str] | None:
    """(name, args) of a slash command; `/liandong status X` is ("status", "X")."""
    name = str(command.get("command", "")).lstrip("/").lower()
    args = plain_text(command.get("text")).strip()
    if name == UMBRELLA_COMMAND:
        word, _, rest = args.partition(" ")
        name, args = (word.lower() or "help"), rest.strip()
    # `/broadcast-report` is the router's `broadcast_report` (Telegram allows no hyphen).
    name = COMMAND_ALIASES.get(name, name).replace("-", "_")
    if not _COMMAND_NAME.fullmatch(name):
        return None
    return name, args


def command_event(command: dict[str, Any], name: str, args: str, display_name: str) -> CommandEvent:
    channel = command["channel_id"]
    channel_type = "im" if command.get("channel_name") == "directmessage" else None
    return CommandEvent(
        actor=actor(command["user_id"], display_name),
        conversation=conversation(channel, channel_type, command.get("channel_name")),
        received_at=now(),
        # Slack does not retry commands; the trigger id is unique to each one.
        platform_event_id=f"command:{command['trigger_id']}"[:MAX_EVENT_ID] if command.get("trigger_id") else None,
        name=name,
        args=args,
    )


# -- interactivity ------------------------------------------------------------------


def button_event(body: dict[str, Any], action: dict[str, Any], display_name: str) -> ButtonEvent | None:
    """A Block Kit button press; the value is the opaque token (checked by the bot)."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    user = (body.get("user") or {}).get("id")
    if not isinstance(channel, str) or not isinstance(user, str):
        return None  # a press in a modal or App Home: no conversation to act in
    message = body.get("message") or {}
    message_ts = (body.get("container") or {}).get("message_ts") or message.get("ts")
    value = action.get("value")
    return ButtonEvent(
        actor=actor(user, display_name),
        conversation=conversation(channel),
        received_at=now(),
        platform_event_id=f"action:{body.get('trigger_id') or ''}:{action.get('action_ts') or ''}"[:MAX_EVENT_ID],
        platform_message_id=message_ts,
        reply_to_message_id=thread_parent(message) if message else None,
        token=value if isinstance(value, str) else "",
    )


def form_event(body: dict[str, Any], channel_id: str, form: str, fields: tuple[tuple[str, str], ...],
               display_name: str) -> FormEvent:
    """A submitted form (/report, /broadcast) as the neutral FormEvent, in the conversation it was opened in."""
    view = body.get("view") or {}
    return FormEvent(
        actor=actor(body["user"]["id"], display_name),
        conversation=conversation(channel_id),
        received_at=now(),
        # One form is one event, however often Submit reaches the bot.
        platform_event_id=f"view:{view.get('id') or body.get('trigger_id')}"[:MAX_EVENT_ID],
        form=form,
        fields=fields,
    )
