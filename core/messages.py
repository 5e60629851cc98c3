"""The neutral outgoing message model.

Every piece of text here is plain text, never markup: renderers escape all of it
for their platform and add their own formatting for structure (title, field
labels). That is how a reporter typing `<b>` or `<!channel>` can never inject
markup or ping anyone.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from typing import Any

from core.events import ConversationRef


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    # The value stands for this web address (a map): platforms that can show links show
    # the value as a link to it (Slack's mrkdwn, escaped as ours is, would not link a bare
    # address); plain renderings show the address.
    url: str = ""

    @property
    def link(self) -> str | None:
        """The address to show the value as a link to: an http(s) one, for a value of one line."""
        if self.url.startswith(("https://", "http://")) and self.value and "\n" not in self.value:
            return self.url
        return None


@dataclass(frozen=True)
class Button:
    label: str
    token: str  # opaque; resolved and checked by the bot when pressed


@dataclass(frozen=True)
class Mention:
    """A person to notify, by their id on the platform the message goes to."""

    user_id: str
    name: str


# A file rides in its outbox row (a database row, base64 in JSON): records and
# tables, not media. A roll-call CSV for 500 units is a few tens of kilobytes.
MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class OutgoingFile:
    """A file sent with a message (after its text), e.g. a CSV record.

    `name` is what the recipient sees and saves, so it is a bare file name.
    """

    name: str
    content: bytes
    mime: str = "application/octet-stream"

    def __post_init__(self) -> None:
        if not self.name or self.name.strip() != self.name or any(c in self.name for c in "/\\\0"):
            raise ValueError(f"file name {self.name!r}: must be a bare file name")
        if not isinstance(self.content, bytes):
            raise TypeError(f"file {self.name!r}: content must be bytes, not {type(self.content).__name__}")
        if len(self.content) > MAX_FILE_BYTES:
            raise ValueError(f"file {self.name!r} is {len(self.content)} bytes; at most {MAX_FILE_BYTES} "
                             f"can go through the outbox")
        if not self.mime or "/" not in self.mime:
            raise ValueError(f"file {self.name!r}: mime type {self.mime!r} is not type/subtype")


@dataclass(frozen=True)
class Message:
    """What to say. `files` go after the text, on sends only (an edit changes the text)."""

    title: str = ""
    text: str = ""
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    mentions: tuple[Mention, ...] = ()
    files: tuple[OutgoingFile, ...] = ()
    # Holds a secret (an invite code): its stored copy is blanked once delivered.
    secret: bool = False

    def to_json(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict deep-copies and was the costliest step of intake.
        data: dict[str, Any] = {
            "title": self.title, "text": self.text,
            "fields": [{"label": f.label, "value": f.value, "url": f.url} if f.url else
                       {"label": f.label, "value": f.value} for f in self.fields],
            "buttons": [{"label": b.label, "token": b.token} for b in self.buttons],
            "mentions": [{"user_id": m.user_id, "name": m.name} for m in self.mentions],
        }
        if self.secret:
            data["secret"] = True
        if self.files:  # rare: the hot path pays one truth test
            data["files"] = [
                {"name": f.name, "mime": f.mime, "content": base64.b64encode(f.content).decode("ascii")}
                for f in self.files
            ]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Message":
        files = data.get("files")  # absent from payloads without files, and from older rows
        return cls(
            title=data.get("title", ""),
            text=data.get("text", ""),
            fields=tuple(Field(**f) for f in data.get("fields", ())),
            buttons=tuple(Button(**b) for b in data.get("buttons", ())),
            mentions=tuple(Mention(**m) for m in data.get("mentions", ())),
            files=tuple(
                OutgoingFile(f["name"], base64.b64decode(f["content"]), f["mime"]) for f in files
            ) if files else (),
            secret=bool(data.get("secret", False)),
        )

    def plain_text(self) -> str:
        """A platform-neutral rendering, used by the console and in logs."""
        lines = [self.title] if self.title else []
        if self.text:
            lines.append(self.text)
        lines.extend(f"{f.label}: {f.value}" if not f.url or f.url == f.value else f"{f.label}: {f.value} {f.url}"
                     for f in self.fields)
        if self.mentions:
            lines.append(" ".join(f"@{m.name}" for m in self.mentions))
        return "\n".join(lines)


@dataclass(frozen=True)
class Outgoing:
    """A message to send (or, with `edit_key`, an edit of one sent earlier).

    `key` names a message so that later edits can find it, e.g.
    "incident:20261122-0001:card". An edit with `edit_key` replaces the message
    sent with that key in the same conversation. `priority` orders what waits in
    one conversation (see Priority).
    """

    to: ConversationRef
    message: Message
    key: str | None = None
    edit_key: str | None = None
    reply_to_message_id: str | None = field(default=None)
    priority: int = field(default=0)  # Priority.NORMAL


class Priority:
    """What goes first when messages wait in one conversation (lower first).

    A busy centre conversation drains at the platform's pace (Telegram: 20 a
    minute in a group): the centre's own orders, escalations and alerts must not
    queue behind report cards, nor a new report's card behind one sender's
    repeats. Within a class, messages keep their order, and an edit never
    overtakes the message it edits.
    """

    URGENT = -1  # orders, escalations, approval requests, alerts
    NORMAL = 0  # receipts, cards, answers
    LOW = 1  # repeats: a sender's further reports, linked-report notices, flood summaries
    # One message to every unit that nobody waits on this second (a roll-call, its
    # reminders and tallies): 500 of them take Telegram 17 s, and a reporter's receipt
    # or a centre member's answer queued meanwhile must not wait for all of them.
    BULK = 2


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


def one_way(message: Message, note: str) -> Message:
    """The message for a one-way channel: no buttons (nobody could press them there),
    and a note saying where to answer instead."""
    return replace(message, buttons=(), text=f"{message.text}\n{note}" if message.text else note)


# What a send refused because its group became another chat says; the move
# re-queues such sends for the new chat.
MOVED_ERROR = "moved to chat"


class DeliveryError(Exception):
    """A delivery that did not happen.

    `permanent` failures (the platform refused the message itself) are not
    retried; others are, after `retry_after` seconds when the platform said so.
    `progressed`: parts of a long message went out before it stopped; the retry
    goes on from the next part, and the attempt is not counted against the row.
    `rate_limited`: the platform said too many (a 429), as opposed to any other wait.
    """

    def __init__(self, reason: str, *, permanent: bool = False, retry_after: float | None = None,
                 progressed: bool = False, rate_limited: bool = False):
        super().__init__(reason)
        self.permanent = permanent
        self.retry_after = retry_after
        self.progressed = progressed
        self.rate_limited = rate_limited
