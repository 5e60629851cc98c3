"""The console platform: a chat in the terminal, for trying the bot out and for
drills without any chat service.

It mirrors the organisation: every conversation has a console room (`centre`,
`reporting`, each unit's code, and `dm` for a private chat with the bot) and
every member can be typed as by name. Anyone else typed as is an unregistered
person, like a frontline worker who is not in the organisation file.
"""
from __future__ import annotations

import asyncio
import itertools
import re
import codecs
import os
import sys
import threading
from datetime import datetime, timezone
from typing import Callable, TextIO

from core.events import (
    Actor, ButtonEvent, CommandEvent, Conversation, ConversationRef, Event, KeyPressEvent, LocationEvent,
    MessageEvent,
)
from core.phone import CALL, PLATFORM as PHONE, chat_id, dialable
from adapters.console.phone import ROOM as PHONE_ROOM
from adapters.console.spec import CONSOLE_HELP, SPEC
from config.organisation import MIRROR_REPORTING, Organisation
from core.messages import Delivery, Message, OutgoingFile
from core.platform import EventSink, PlatformBase

_NEW_ROOM = re.compile(r"^:room\s+(?P<name>[\w.-]{1,40})$")
_ADDRESSED = re.compile(r"^(?P<who>[^@:：\s][^@:：]*)?@(?P<room>[\w.-]+)\s*[:：]\s?(?P<text>.*)$", re.S)
_COMMAND = re.compile(r"^/(?P<name>[A-Za-z][\w-]{0,31})(?:@\w+)?(?:\s+(?P<args>.*))?$", re.S)
_REPLY = re.compile(r"^\^(?P<id>\d+)\s+(?P<text>.*)$", re.S)
_LOCATION = re.compile(r"^:loc\s+(?P<lat>-?\d+(?:\.\d+)?)\s*,\s*(?P<lon>-?\d+(?:\.\d+)?)$")



class ConsoleAdapter(PlatformBase):
    platform = SPEC.name

    def __init__(self, org: Organisation, out: TextIO | None = None, sink: EventSink | None = None):
        self.org = org
        self.out = out or sys.stdout
        self.sink = sink
        self.speaker = next(iter(org.mirrored_people(self.platform)), "")
        self.room = MIRROR_REPORTING
        self._message_ids = itertools.count(1)
        self._rooms = {room.lower(): room for room in org.mirrored_rooms(self.platform)}
        self.quit_requested = asyncio.Event()
        self._stop_requested = asyncio.Event()
        self._stop_deadline: float | None = None

    def use_organisation(self, org: Organisation) -> None:
        """The organisation changed (someone joined, a group was bound): rooms stay, new ones appear."""
        self.org = org
        for room in org.mirrored_rooms(self.platform):
            self._rooms.setdefault(room.lower(), room)

    # -- input ---------------------------------------------------------------

    def parse_line(self, line: str, now: datetime | None = None) -> Event | str | None:
        """A typed line as an event, or text for the console itself to print."""
        line = line.rstrip("\n")
        if not line.strip():
            return None
        match = _ADDRESSED.match(line)
        if match:
            room = self._resolve_room(match["room"])
            if room is None:
                return f"(unknown room {match['room']!r}; rooms: {', '.join(sorted(self._rooms.values()))}, dm)"
            if match["who"]:
                self.speaker = match["who"].strip()
            self.room = room
            line = match["text"]
        stripped = line.strip()
        meta = self._meta(stripped)
        if meta is not None:
            return meta
        if self.room == PHONE_ROOM:
            return self._key_press(stripped, now or datetime.now(timezone.utc))
        return self._event(stripped, now or datetime.now(timezone.utc))

    def _key_press(self, keys: str, now: datetime) -> Event | str:
        """`张三@phone: 1`: 张三 presses 1 on the call to their phone (the latest one)."""
        person = self.org.mirrored_people(self.platform).get(self.speaker)
        numbers = dialable(person.phone) if person else []
        if not numbers:
            return f"({self.speaker} has no phone in the organisation: nobody calls them)"
        number = numbers[0]
        return KeyPressEvent(actor=Actor(PHONE, number, self.speaker),
                             conversation=Conversation(ConversationRef(PHONE, chat_id(CALL, number)), is_private=True),
                             received_at=now, digits=keys)

    def _resolve_room(self, name: str) -> str | None:
        if name.lower() in ("dm", PHONE_ROOM):
            return name.lower()
        return self._rooms.get(name.lower())

    def _meta(self, line: str) -> str | None:
        if line == ":help":
            return CONSOLE_HELP
        if line == ":rooms":
            return "rooms: " + ", ".join(sorted(self._rooms.values())) + ", dm, phone"
        if line == ":people":
            people = self.org.mirrored_people(self.platform)
            return "\n".join(f"{name}: {self._describe(name)}" for name in people)
        if new_room := _NEW_ROOM.match(line):
            # Like creating a group chat and adding the bot: a room no unit has yet (for /bind).
            self._rooms.setdefault(new_room["name"].lower(), new_room["name"])
            self.room = new_room["name"]
            return f"(room {new_room['name']!r} opened; the bot is in it)"
        if line == ":quit":
            self.quit_requested.set()
            return "bye"
        if line.startswith(":") and not _LOCATION.match(line):
            return f"(unknown console command {line.split()[0]!r}; try :help)"
        return None

    def _describe(self, name: str) -> str:
        person = self.org.mirrored_people(self.platform)[name]
        roles = ["centre"] if person.centre else []
        roles += [f"{code} {role}" for code, role in person.unit_roles.items()]
        return ", ".join(roles)

    def _event(self, text: str, now: datetime) -> Event:
        private = self.room == "dm"
        chat_id = f"dm:{self.speaker}" if private else self.room
        conversation = Conversation(ConversationRef(self.platform, chat_id), is_private=private, title=chat_id)
        actor = Actor(self.platform, self.speaker, self.speaker)
        message_id = str(next(self._message_ids))
        reply_to = None
        if reply := _REPLY.match(text):
            reply_to, text = reply["id"], reply["text"].strip()
        common = dict(actor=actor, conversation=conversation, received_at=now, platform_message_id=message_id,
                      reply_to_message_id=reply_to)
        if text.startswith("!") and len(text) > 1 and " " not in text:
            return ButtonEvent(**common, token=text[1:])
        if location := _LOCATION.match(text):
            return LocationEvent(**common, latitude=float(location["lat"]), longitude=float(location["lon"]))
        if command := _COMMAND.match(text):
            return CommandEvent(**common, name=command["name"].lower(), args=(command["args"] or "").strip())
        return MessageEvent(**common, text=text)

    async def handle_line(self, line: str, sink: EventSink) -> None:
        parsed = self.parse_line(line)
        if parsed is None:
            return
        if isinstance(parsed, str):
            self._print(parsed)
            return
        result = await sink(parsed)
        answer = result.private_answer
        if answer:
            self._print(f"(only {parsed.actor.display_name} sees) {answer}")

    async def run_foreground(self) -> bool:
        """The terminal is the console's: read it until end of input, :quit, or a stop."""
        assert self.sink is not None, "built without a sink"
        await self.read_stdin(self.sink)
        return True

    def stop_taking_updates(self) -> None:
        """Read no more lines (the bot is stopping). A line typed just before, still on its
        way from the reader thread, is taken if it arrives within STOP_GRACE_S."""
        if self._stop_deadline is None:
            self._stop_deadline = asyncio.get_running_loop().time() + STOP_GRACE_S
            self._stop_requested.set()

    async def read_stdin(self, sink: EventSink, stdin: TextIO | None = None) -> None:
        """Read typed lines until end of input, :quit, or stop_taking_updates().

        A daemon thread reads the terminal: a read blocked on it must neither hold up the
        event loop nor the process's exit (Ctrl-C with nothing typed)."""
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str] = asyncio.Queue()
        threading.Thread(target=_read_lines, args=(stdin or sys.stdin, loop, lines.put_nowait),
                         name="console-stdin", daemon=True).start()
        self._print(CONSOLE_HELP)
        while not self.quit_requested.is_set():
            line = await self._next_line(lines, loop)
            if line is None:
                break
            if line == "":
                self.quit_requested.set()
                break
            await self.handle_line(line, sink)

    async def _next_line(self, lines: "asyncio.Queue[str]", loop: asyncio.AbstractEventLoop) -> str | None:
        """The next typed line, "" at end of input, None once stopping and nothing more came."""
        if self._stop_deadline is not None:
            try:
                return await asyncio.wait_for(lines.get(), max(0.0, self._stop_deadline - loop.time()))
            except asyncio.TimeoutError:
                return None
        getter = asyncio.ensure_future(lines.get())
        stopping = asyncio.ensure_future(self._stop_requested.wait())
        try:
            await asyncio.wait({getter, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if getter.done():
            return getter.result()
        getter.cancel()  # a cancelled Queue.get loses nothing
        return await self._next_line(lines, loop)

    # -- output --------------------------------------------------------------

    async def deliver(self, delivery: Delivery) -> str:
        room = delivery.to.chat_id
        message_id = delivery.target_message_id if delivery.kind == "edit" else str(next(self._message_ids))
        header = f"[{room}] bot"
        if delivery.kind == "edit":
            header += f" (edits message #{message_id})"
        elif delivery.reply_to_message_id:
            header += f" (reply to #{delivery.reply_to_message_id})"
        message = delivery.message
        if delivery.kind == "edit" and message.files:  # an edit changes the text; files went with the send
            message = Message(message.title, message.text, message.fields, message.buttons, message.mentions)
        self._print(f"{header} #{message_id}:\n{_indent(render(message))}")
        return message_id  # type: ignore[return-value]

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


STOP_GRACE_S = 0.3


def _read_lines(stdin: TextIO, loop: asyncio.AbstractEventLoop, put: Callable[[str], None]) -> None:
    """In a daemon thread: hand each line to the loop, then "" at end of input.

    A real file descriptor is read with os.read, not through the TextIO: a daemon thread
    left blocked inside the TextIO's buffer would hold its lock when the interpreter
    shuts down, and Python aborts on that."""
    def hand(line: str) -> bool:
        try:
            loop.call_soon_threadsafe(put, line)
            return True
        except RuntimeError:  # the loop is closed: the bot has stopped
            return False

    try:
        fd = stdin.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    if fd is None:
        while hand(line := stdin.readline()) and line:
            pass
        return
    decoder = codecs.getincrementaldecoder(stdin.encoding or "utf-8")(errors="replace")
    pending = ""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except InterruptedError:
            continue
        except OSError:
            chunk = b""
        pending += decoder.decode(chunk, final=not chunk)
        *complete, pending = pending.split("\n")
        for line in complete:
            if not hand(line + "\n"):
                return
        if not chunk:
            if pending:
                hand(pending)
            hand("")
            return


FILE_LINES_SHOWN = 5  # of a text file, so a drill can see what was attached


def render(message: Message) -> str:
    text = message.plain_text()
    if message.buttons:
        text += "\n" + "  ".join(f"[{b.label} !{b.token}]" for b in message.buttons)
    for file in message.files:
        text += "\n" + render_file(file)
    return text


def render_file(file: OutgoingFile) -> str:
    """`📎 name (size, type)`, then the first lines of a text file (CSV included)."""
    lines = [f"📎 {file.name} ({_size(len(file.content))}, {file.mime})"]
    if file.mime.startswith("text/"):
        # utf-8-sig: a CSV made for Excel starts with a BOM, which is not content.
        content = file.content.decode("utf-8-sig", errors="replace").splitlines()
        lines += [f"  | {line}" for line in content[:FILE_LINES_SHOWN]]
        if len(content) > FILE_LINES_SHOWN:
            lines.append(f"  | … ({len(content) - FILE_LINES_SHOWN} more lines)")
    return "\n".join(lines)


def _size(count: int) -> str:
    return f"{count} B" if count < 1024 else f"{count / 1024:.1f} KB"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
