"""A toy chat platform, defined in the test tree and known to the bot only through the
platform registry: it proves that adding a platform needs no line outside its package.

Messages are injected as neutral events; what the bot delivers is kept in a list.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timezone

from core.events import Actor, Conversation, ConversationRef, MessageEvent
from core.messages import Delivery
from core.platform import ChatPlatform, EventSink, HandleResult, PlatformBase, PlatformBuild, PlatformSpec, Setting

NAME = "toy"


@dataclass(frozen=True)
class Delivered:
    chat_id: str
    kind: str  # send / edit
    text: str
    reply_to: str | None
    message_id: str


class ToyAdapter(PlatformBase):
    platform = NAME

    def __init__(self, sink: EventSink, token: str):
        self.sink = sink
        self.token = token
        self.started = False
        self.delivered: list[Delivered] = []
        self._ids = itertools.count(1)

    async def start(self) -> None:
        self.started = True

    async def say(self, user_id: str, name: str, chat_id: str, text: str,
                  message_id: str | None = None) -> tuple[str, HandleResult]:
        """Type a message; the same `message_id` again is the platform redelivering it."""
        message_id = message_id or f"in-{next(self._ids)}"
        event = MessageEvent(
            actor=Actor(NAME, user_id, name), conversation=Conversation(ConversationRef(NAME, chat_id)),
            received_at=datetime.now(timezone.utc), platform_event_id=message_id,
            platform_message_id=message_id, text=text,
        )
        return message_id, await self.sink(event)

    async def deliver(self, delivery: Delivery) -> str:
        message_id = delivery.target_message_id if delivery.kind == "edit" else f"out-{next(self._ids)}"
        self.delivered.append(Delivered(delivery.to.chat_id, delivery.kind, delivery.message.plain_text(),
                                        delivery.reply_to_message_id, message_id or ""))
        return message_id or ""


def _build(build: PlatformBuild) -> ChatPlatform:
    return ToyAdapter(build.sink, build.values["toy_token"] or "")


SPEC = PlatformSpec(
    name=NAME,
    build=_build,
    configured=lambda values: bool(values.get("toy_token")),
    settings=(Setting("toy_token", "the toy platform's token", secret=True),),
)
