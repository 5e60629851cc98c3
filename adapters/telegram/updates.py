"""Telegram updates as neutral events."""
from __future__ import annotations

from datetime import datetime, timezone

from telegram import Chat, Message as TgMessage, MessageEntity, Update, User

from core.events import (
    Actor, Attachment, ButtonEvent, CommandEvent, Conversation, ConversationMovedEvent, ConversationRef, Event,
    LocationEvent, MessageEvent,
)

PLATFORM = "telegram"


def _actor(user: User | None, chat: Chat) -> Actor:
    if user is None:  # an anonymous group admin speaks as the chat
        return Actor(PLATFORM, str(chat.id), chat.title or str(chat.id))
    return Actor(PLATFORM, str(user.id), user.full_name or user.username or str(user.id))


def _conversation(chat: Chat) -> Conversation:
    title = chat.title or chat.full_name or str(chat.id)
    return Conversation(ConversationRef(PLATFORM, str(chat.id)), is_private=chat.type == Chat.PRIVATE, title=title,
                        is_channel=chat.type == Chat.CHANNEL)


def to_event(update: Update, bot_username: str, document_text: str | None = None) -> Event | None:
    """The update as an event, or None when it is nothing for the bot. `document_text`: the
    content of an XML file the message carries (a CAP warning), read in its place."""
    received = datetime.now(timezone.utc)
    update_id = str(update.update_id)
    if (query := update.callback_query) is not None:
        if query.message is None or not query.data:
            return None
        chat = query.message.chat
        return ButtonEvent(
            actor=_actor(query.from_user, chat), conversation=_conversation(chat), received_at=received,
            platform_event_id=update_id, platform_message_id=str(query.message.message_id), token=query.data,
        )
    if (post := update.channel_post) is not None:
        return _channel_command(post, bot_username, update_id, received)
    message = update.message
    if message is not None and (moved := _moved(message, received, update_id)) is not None:
        return moved
    if message is None or (message.from_user is not None and message.from_user.is_bot):
        return None
    common = dict(
        actor=_actor(message.from_user, message.chat), conversation=_conversation(message.chat),
        received_at=received, platform_event_id=update_id, platform_message_id=str(message.message_id),
        reply_to_message_id=str(message.reply_to_message.message_id) if message.reply_to_message else None,
    )
    if message.location is not None:
        return LocationEvent(**common, latitude=message.location.latitude, longitude=message.location.longitude)
    if (command := _command(message)) is not None:
        name, addressee, args = command
        if addressee and addressee.lower() != bot_username.lower():
            return None  # /cmd@another_bot in a group: not ours
        return CommandEvent(**common, name=name, args=args)
    text = document_text or message.text or message.caption or ""
    attachments = _attachments(message)
    if not text and not attachments:
        return None
    return MessageEvent(**common, text=text, attachments=attachments)


def _channel_command(post: TgMessage, bot_username: str, update_id: str, received: datetime) -> Event | None:
    """A channel post is read only as a command (/bind, /unbind, /help): a channel is a
    unit's one-way announcements, never a report. Its admins post as the channel."""
    command = _command(post)
    if command is None:
        return None
    name, addressee, args = command
    if addressee and addressee.lower() != bot_username.lower():
        return None
    return CommandEvent(
        actor=_actor(None, post.chat), conversation=_conversation(post.chat), received_at=received,
        platform_event_id=update_id, platform_message_id=str(post.message_id), name=name, args=args,
    )


def _moved(message: TgMessage, received: datetime, update_id: str) -> ConversationMovedEvent | None:
    """The service messages of a group's upgrade to a supergroup: in the old chat
    (migrate_to_chat_id) and in the new one (migrate_from_chat_id)."""
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return None
    return moved_event(str(old), str(new), _actor(message.from_user, message.chat), received, update_id,
                       title=message.chat.title)


def moved_event(old: str, new: str, actor: Actor, received: datetime, update_id: str | None = None,
                title: str | None = None) -> ConversationMovedEvent:
    return ConversationMovedEvent(
        actor=actor, conversation=Conversation(ConversationRef(PLATFORM, old), title=title), received_at=received,
        platform_event_id=update_id, moved_to=ConversationRef(PLATFORM, new),
    )


def _command(message: TgMessage) -> tuple[str, str, str] | None:
    """(name, addressee or "", args) when the message starts with a /command."""
    text = message.text or ""
    entity = next((e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    if entity is None:
        return None
    name, _, addressee = text[1:entity.length].partition("@")
    return name.lower(), addressee, text[entity.length:].strip()


XML_FILE_LIMIT = 1_000_000  # a CAP warning is a few kilobytes; larger files are not read


def xml_document(message: TgMessage | None) -> str | None:
    """The file id of an XML file (by name or type) small enough to read as text, or None."""
    document = message.document if message is not None else None
    if document is None or (document.file_size or 0) > XML_FILE_LIMIT:
        return None
    name, mime = (document.file_name or "").lower(), (document.mime_type or "").lower()
    return document.file_id if name.endswith((".xml", ".cap")) or "xml" in mime else None


def _attachments(message: TgMessage) -> tuple[Attachment, ...]:
    if message.photo:
        largest = max(message.photo, key=lambda p: p.width * p.height)
        return (Attachment("photo", largest.file_id),)
    return ()
