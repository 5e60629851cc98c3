"""A local, durable spool for events the database could not take.

Telegram and Slack are told an update arrived before it is handled (the next
poll confirms it; Slack must be answered within 3 seconds). While the database
is down — PostgreSQL restarting, a locked or full SQLite file — handling fails,
and without this every report and press of those minutes was lost. The pipeline
appends such an event here (one JSON line, flushed and fsynced), and a replayer
hands the spooled events back, oldest first, once the database answers again.
Each event keeps its platform id, so a replay after a crash between handling
and removal changes nothing (the pipeline ignores an id it has seen).
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from core.events import (
    Actor, Attachment, ButtonEvent, CommandEvent, Conversation, ConversationMovedEvent, ConversationRef, Event,
    FormEvent, KeyPressEvent, LocationEvent, MessageEvent, PhoneStatusEvent,
)

log = logging.getLogger(__name__)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (MessageEvent, CommandEvent, ButtonEvent, LocationEvent, ConversationMovedEvent, FormEvent,
                KeyPressEvent, PhoneStatusEvent)
}
MAX_SPOOLED = 100_000  # beyond this the disk is better spent elsewhere: refuse, so the platform keeps it


class SpoolFull(Exception):
    """The event could not be written durably (disk full, or the spool at its limit)."""


def encode(event: Event) -> str:
    data = dataclasses.asdict(event)
    data["received_at"] = event.received_at.isoformat()
    return json.dumps({"type": type(event).__name__, "event": data}, ensure_ascii=False)


def decode(line: str) -> Event:
    wrapper = json.loads(line)
    data: dict[str, Any] = wrapper["event"]
    cls = EVENT_TYPES[wrapper["type"]]
    conversation = data["conversation"]
    data["actor"] = Actor(**data["actor"])
    data["conversation"] = Conversation(ConversationRef(**conversation["ref"]), conversation["is_private"],
                                        conversation["title"], conversation.get("is_channel", False))
    data["received_at"] = datetime.fromisoformat(data["received_at"])
    if "attachments" in data:
        data["attachments"] = tuple(Attachment(**a) for a in data["attachments"])
    if "moved_to" in data:
        data["moved_to"] = ConversationRef(**data["moved_to"])
    if "fields" in data:  # JSON keeps the (name, value) pairs as lists
        data["fields"] = tuple((str(name), str(value)) for name, value in data["fields"])
    return cls(**data)


class InboundSpool:
    """Events in arrival order, in one append-only file; taken back from the front."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()  # appends come from the event loop; this keeps lines whole
        self._count = self._read_count()

    def __len__(self) -> int:
        return self._count

    def append(self, event: Event) -> None:
        """Write the event durably, or raise SpoolFull."""
        if self._count >= MAX_SPOOLED:
            raise SpoolFull(f"{self._count} events already waiting")
        line = encode(event) + "\n"
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.path, "a", encoding="utf-8") as spool:
                    spool.write(line)
                    spool.flush()
                    os.fsync(spool.fileno())
                self._count += 1
        except OSError as exc:
            raise SpoolFull(str(exc)) from exc

    def peek(self, limit: int) -> list[Event | None]:
        """The oldest lines still waiting, as events (None for a line that cannot be read)."""
        events: list[Event | None] = []
        for line in self._lines()[:limit]:
            try:
                events.append(decode(line))
            except (ValueError, KeyError, TypeError):
                log.error("spool %s: an unreadable line is skipped: %.200s", self.path, line)
                events.append(None)
        return events

    def drop_first(self, count: int) -> None:
        """Remove the oldest `count` lines, those now handled: the rest is written anew, atomically."""
        with self._lock:
            rest = self._lines()[count:]
            if not rest:
                self.path.unlink(missing_ok=True)
            else:
                fresh = self.path.with_suffix(".tmp")
                with open(fresh, "w", encoding="utf-8") as spool:
                    spool.writelines(line + "\n" for line in rest)
                    spool.flush()
                    os.fsync(spool.fileno())
                os.replace(fresh, self.path)
            self._count = len(rest)

    def _lines(self) -> list[str]:
        try:
            return [line for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except FileNotFoundError:
            return []

    def _read_count(self) -> int:
        return len(self._lines())
