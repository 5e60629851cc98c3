"""The neutral event model: what any platform adapter turns an update into.

Handlers only ever see these types, never a platform library's objects, so one
handler serves Telegram, Slack and the console alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ConversationRef:
    """Where something was said or is to be sent: a chat on one platform."""

    platform: str
    chat_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.chat_id}"


@dataclass(frozen=True)
class Conversation:
    """A conversation as seen in an incoming event."""

    ref: ConversationRef
    is_private: bool = False
    title: str | None = None
    is_channel: bool = False  # a one-way Telegram channel: only its admins post, anonymously


@dataclass(frozen=True)
class Actor:
    """Who did something: a platform user, as the platform names them.

    Whether they belong to the organisation is decided later, by looking the
    platform id up in the organisation; nothing here is trusted for rights.
    """

    platform: str
    user_id: str
    display_name: str


def private_conversation(actor: Actor) -> ConversationRef:
    """The actor's private conversation with the bot, as their platform names it
    (Telegram and Slack take the user's id; the console names its rooms dm:NAME)."""
    from core.registry import PLATFORMS  # the registry's specs import this module

    return ConversationRef(actor.platform, PLATFORMS.private_chat_id(actor.platform, actor.user_id))


@dataclass(frozen=True)
class Event:
    """Base of every incoming event."""

    actor: Actor
    conversation: Conversation
    received_at: datetime
    # The platform's id of the update, used to ignore redeliveries.
    platform_event_id: str | None = field(default=None, kw_only=True)
    # The platform's id of the message itself, so answers can reply to it.
    platform_message_id: str | None = field(default=None, kw_only=True)
    # The platform message this one replies to, if any (for follow-ups).
    reply_to_message_id: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message, kept by the platform's own id."""

    kind: str  # photo
    platform_file_id: str


@dataclass(frozen=True)
class MessageEvent(Event):
    """Free text typed into a conversation, possibly with attachments."""

    text: str = ""
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class CommandEvent(Event):
    """A `/command args` line; `name` is lower-case without slash or @botname."""

    name: str = ""
    args: str = ""


@dataclass(frozen=True)
class ButtonEvent(Event):
    """A button press. `token` is opaque and untrusted until looked up."""

    token: str = ""


@dataclass(frozen=True)
class LocationEvent(Event):
    """A shared location pin."""

    latitude: float = 0.0
    longitude: float = 0.0


@dataclass(frozen=True)
class ConversationMovedEvent(Event):
    """The conversation is now another chat (a Telegram group upgraded to a supergroup)."""

    moved_to: ConversationRef = field(default_factory=lambda: ConversationRef("", ""))


@dataclass(frozen=True)
class FormEvent(Event):
    """A submitted form: the fields a person filled in, by name, as plain strings.

    A platform that shows forms (Slack's modals today) checks what it can show
    inside the form, then hands the submission over as this event; handlers take
    the fields as chosen, never read back from a sentence. A field left empty is
    left out. `platform_event_id` names the submitted form (Slack: its view id), so
    a form submitted twice is handled once.

    The field names are a contract between platforms and handlers:

    form "report" (an incident report):
        type      one of the incident types (fire, forest_fire, flood, earthquake, geological,
                  hazmat, traffic, mine, collapse, water_rescue, medical, other)
        place     where, one line as typed
        time      when it happened, "HH:MM" (24 h, the organisation's zone)
        dead, injured, trapped, missing
                  counts, decimal digits
        text      what happened, in the reporter's own words
    form "broadcast" (an alert or notice, to be previewed):
        level     none (a plain notice), blue, yellow, orange or red
        audience  all, kind, unit or cap
        values    the kinds, unit codes or capabilities, comma-separated (not with "all")
        at        when to send: "HH:MM" (the next such time) or "YYYY-MM-DDTHH:MM"
        text      the alert's text
    """

    form: str = ""
    fields: tuple[tuple[str, str], ...] = ()

    def value(self, name: str) -> str:
        """The field's value ("" when the form left it out)."""
        return next((value for key, value in self.fields if key == name), "")


@dataclass(frozen=True)
class KeyPressEvent(Event):
    """A key pressed on a call, or an SMS answered with a key (core/phone.py).

    The conversation is the phone's (`phone`, `call:+86…` or `sms:+86…`), the actor the
    number. `call_id` is the provider's id of the call when it says which; the router
    finds the menu that call (else the latest to the number) offered, and routes the
    key as a press of that menu's button."""

    digits: str = ""
    call_id: str | None = None


@dataclass(frozen=True)
class PhoneStatusEvent(Event):
    """A provider's news of an SMS or call: queued, delivered, failed, answered, no answer."""

    provider_id: str = ""
    status: str = ""
