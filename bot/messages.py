"""The neutral outgoing message model.

Every piece of text here is plain text, never markup: renderers escape all of it
for their platform and add their own formatting for structure (title, field
labels). That is how a reporter typing `<b>` or `<!channel>` can never inject
markup or ping anyone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.events import ConversationRef


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Button:
    label: str
    token: str  # opaque; resolved and checked by the bot when pressed


@dataclass(frozen=True)
class Mention:
    """A person to notify, by their id on the platform the message goes to."""

    user_id: str
    name: str


@dataclass(frozen=True)
class Message:
    title: str = ""
    text: str = ""
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    mentions: tuple[Mention, ...] = ()

    def to_json(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict deep-copies and was the costliest step of intake.
        return {
            "title": self.title, "text": self.text,
            "fields": [{"label": f.label, "value": f.value} for f in self.fields],
            "buttons": [{"label": b.label, "token": b.token} for b in self.buttons],
            "mentions": [{"user_id": m.user_id, "name": m.name} for m in self.mentions],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Message":
        return cls(
            title=data.get("title", ""),
            text=data.get("text", ""),
            fields=tuple(Field(**f) for f in data.get("fields", ())),
            buttons=tuple(Button(**b) for b in data.get("buttons", ())),
            mentions=tuple(Mention(**m) for m in data.get("mentions", ())),
        )

    def plain_text(self) -> str:
        """A platform-neutral rendering, used by the console and in logs."""
        lines = [self.title] if self.title else []
        if self.text:
            lines.append(self.text)
        lines.extend(f"{f.label}: {f.value}" for f in self.fields)
        if self.mentions:
            lines.append(" ".join(f"@{m.name}" for m in self.mentions))
        return "\n".join(lines)


@dataclass(frozen=True)
class Outgoing:
    """A message to send (or, with `edit_key`, an edit of one sent earlier).

    `key` names a message so that later edits can find it, e.g.
    "incident:20261122-0001:card". An edit with `edit_key` replaces the message
    sent with that key in the same conversation.
    """

    to: ConversationRef
    message: Message
    key: str | None = None
    edit_key: str | None = None
    reply_to_message_id: str | None = field(default=None)


@dataclass(frozen=True)
class Delivery:
    """One outbox row handed to a platform to send (or edit)."""

    outbox_id: int
    to: ConversationRef
    kind: str  # send | edit
    message: Message
    reply_to_message_id: str | None = None
    # For an edit: the platform's id of the message to change.
    target_message_id: str | None = None
    attempt: int = 1


class DeliveryError(Exception):
    """A delivery that did not happen.

    `permanent` failures (the platform refused the message itself) are not
    retried; others are, after `retry_after` seconds when the platform said so.
    """

    def __init__(self, reason: str, *, permanent: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.permanent = permanent
        self.retry_after = retry_after
