"""Button presses read straight from the Bot API's JSON: the hot path of an ack storm.

python-telegram-bot turns a callback_query update into objects for everything
in it, including the whole message the button sits on (its text, every entity,
the keyboard). In a storm of presses that was a third of the bot's CPU, for an
event that needs six fields. Updates of the usual shape are read here; anything
else (a press on an inline-mode message, a game, a field of an unexpected type)
is left to PTB, whose handling of it is unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from adapters.telegram.updates import PLATFORM
from core.events import Actor, ButtonEvent, Conversation, ConversationRef

# Telegram's own limit on callback_data; longer is not a press of one of our buttons.
MAX_CALLBACK_DATA = 64


@dataclass(frozen=True)
class Press:
    query_id: str  # what answerCallbackQuery needs back
    event: ButtonEvent


def read_press(update: Any) -> Press | None:
    """The press in a getUpdates/webhook update, or None when it is not one of the usual shape."""
    if not isinstance(update, dict):
        return None
    query = update.get("callback_query")
    if not isinstance(query, dict):
        return None
    update_id = update.get("update_id")
    query_id, data = query.get("id"), query.get("data")
    user, message = query.get("from"), query.get("message")
    if not (_is_int(update_id) and _is_text(query_id) and _is_text(data) and len(data) <= MAX_CALLBACK_DATA
            and isinstance(user, dict) and isinstance(message, dict)):
        return None
    chat, message_id = message.get("chat"), message.get("message_id")
    if not (isinstance(chat, dict) and _is_int(message_id)):
        return None
    actor, conversation = _actor(user), _conversation(chat)
    if actor is None or conversation is None:
        return None
    event = ButtonEvent(
        actor=actor, conversation=conversation, received_at=datetime.now(timezone.utc),
        platform_event_id=str(update_id), platform_message_id=str(message_id), token=data,
    )
    return Press(query_id, event)


def _actor(user: Mapping[str, Any]) -> Actor | None:
    """As updates._actor names a PTB User: full name, else username, else id."""
    user_id, first, last, username = user.get("id"), user.get("first_name"), user.get("last_name"), user.get("username")
    if not (_is_int(user_id) and isinstance(first, str) and _optional_text(last) and _optional_text(username)):
        return None
    full_name = f"{first} {last}" if last else first
    return Actor(PLATFORM, str(user_id), full_name or username or str(user_id))


def _conversation(chat: Mapping[str, Any]) -> Conversation | None:
    """As updates._conversation describes a PTB Chat."""
    chat_id, kind, title = chat.get("id"), chat.get("type"), chat.get("title")
    first, last = chat.get("first_name"), chat.get("last_name")
    if not (_is_int(chat_id) and _is_text(kind) and _optional_text(title)
            and _optional_text(first) and _optional_text(last)):
        return None
    full_name = (f"{first} {last}" if last else first) if first else None
    return Conversation(ConversationRef(PLATFORM, str(chat_id)), is_private=kind == "private",
                        title=title or full_name or str(chat_id))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _optional_text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def take_presses(updates: list[Any], on_press: Callable[[Press], None]) -> list[Any]:
    """Hand the presses among getUpdates' results to `on_press`; return the rest, for PTB.

    PTB's poller confirms updates by the id of the last one it was given, so
    when that one was a press a bare `{"update_id": n}` stands in for it (PTB
    makes an empty Update of it, which the adapter ignores). The same list comes
    back when there was no press in it.
    """
    rest = []
    for update in updates:
        press = read_press(update)
        if press is None:
            rest.append(update)
        else:
            on_press(press)
    if len(rest) == len(updates):
        return updates
    if not rest or rest[-1] is not updates[-1]:
        rest.append({"update_id": updates[-1]["update_id"]})
    return rest
