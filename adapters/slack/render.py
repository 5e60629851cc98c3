"""Neutral messages as Slack Block Kit, within Slack's limits.

All neutral text is plain, so every piece of it is escaped for mrkdwn here
(`&`, `<`, `>`): a reporter's `<!channel>` shows as text and pings nobody. The
only markup is what this module adds (bold labels, `<@U…>` for the bot's
own mentions, whose ids come from the organisation file and are checked, and
`<url|text>` for a field's own link, such as an incident's map).

Slack's limits (section text 3,000 characters, 10 fields of 2,000 per section,
25 elements per actions block, 50 blocks per message) are met by splitting:
long text goes into more sections, many fields into more sections, and a
message too big for 50 blocks into several messages, the buttons on the last.
Cuts fall on line boundaries where they can and always on plain text before
escaping, so no cut splits an `&amp;`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.messages import Button, Field, Mention, Message
from core.text import shorten

MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_BLOCKS = 50
MAX_ACTIONS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
# Each message part carries at most this much block text: well inside what Slack
# accepts for one message, so a huge text becomes several readable messages.
MAX_PART_CHARS = 36_000
# The top-level `text` is only the notification and screen-reader fallback when
# blocks are given; the full content is in the blocks.
MAX_FALLBACK = 3000

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")

Block = dict[str, Any]


def escape(text: str) -> str:
    """Plain text as mrkdwn that shows exactly that text and triggers nothing."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escaped_len(char: str) -> int:
    return len(_ESCAPES.get(char, char))


def escaped_chunks(text: str, limit: int) -> list[str]:
    """`text` escaped, in pieces of at most `limit` characters each.

    Pieces end at line breaks where possible; a line longer than the limit is
    cut between characters of the plain text. Blank pieces are dropped (Slack
    refuses empty text).
    """
    chunks: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        pieces = _cut_line(line, limit)
        first = pieces[0]
        if current is None:
            current = first
        elif len(current) + 1 + len(first) <= limit:
            current += "\n" + first
        else:
            chunks.append(current)
            current = first
        for piece in pieces[1:]:  # the rest of an over-long line
            chunks.append(current)
            current = piece
    if current is not None:
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def _cut_line(line: str, limit: int) -> list[str]:
    """One plain line, escaped, cut into pieces of at most `limit` escaped characters."""
    if len(line) * 5 <= limit:  # cannot exceed even if every character were `&`
        return [escape(line)]
    pieces, piece, size = [], [], 0
    for char in line:
        add = _escaped_len(char)
        if size + add > limit:
            pieces.append("".join(piece))
            piece, size = [], 0
        piece.append(_ESCAPES.get(char, char))
        size += add
    pieces.append("".join(piece))
    return pieces


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack must not turn plain text into links or mentions ("@channel"
    # typed by a reporter stays text); our own <@U…> mentions are still parsed.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _title_blocks(title: str) -> list[Block]:
    # A bold section rather than a header block: one escaping rule for every
    # piece of text, and no 150-character header limit to cut a long title at.
    return [_section(f"*{chunk}*") for chunk in escaped_chunks(title, MAX_SECTION_TEXT - 2) if chunk.strip()]


def _field_blocks(fields: tuple[Field, ...]) -> list[Block]:
    blocks: list[Block] = []
    group: list[dict[str, Any]] = []

    def flush() -> None:
        if group:
            blocks.append({"type": "section", "fields": list(group)})
            group.clear()

    for field in fields:
        label = f"*{escape(field.label)}*" if field.label else ""
        value = _link(field) or (escape(field.value) if field.value else " ")
        text = f"{label}\n{value}" if label else value
        if len(text) <= MAX_FIELD_TEXT:
            group.append(_mrkdwn(text))
            if len(group) == MAX_FIELDS:
                flush()
            continue
        # Too long for a field: the whole width, in as many sections as it takes.
        flush()
        chunks = escaped_chunks(field.value, MAX_SECTION_TEXT - len(label) - 1)
        for index, chunk in enumerate(chunks):
            blocks.append(_section(f"{label}\n{chunk}" if index == 0 and label else chunk))
    flush()
    return blocks


def _link(field: Field) -> str | None:
    """A field whose value stands for a web address, as mrkdwn's `<url|text>`: our text is
    verbatim, so Slack links no bare address. The address is escaped like any text (Slack
    reads `&amp;` in it back as `&`); a `|` would end it, so it is percent-encoded."""
    if (url := field.link) is None:
        return None
    return f"<{escape(url).replace('|', '%7C')}|{escape(field.value)}>"


def _mention_blocks(mentions: tuple[Mention, ...]) -> list[Block]:
    if not mentions:
        return []
    words = [
        f"<@{m.user_id}>" if _SLACK_USER_ID.fullmatch(m.user_id) else f"@{escape(m.name)}"
        for m in mentions
    ]
    return [_section(chunk) for chunk in _join_within(words, MAX_SECTION_TEXT)]


def _join_within(words: list[str], limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and len(candidate) > limit:
            chunks.append(current)
            current = word
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def button_action_id(index: int) -> str:
    """Unique per button in a message; the press is resolved by the value, not this."""
    return f"liandong.button.{index}"


def _action_blocks(buttons: tuple[Button, ...]) -> list[Block]:
    elements = [
        {
            "type": "button",
            "action_id": button_action_id(index),
            "text": _plain(shorten(button.label or "·", MAX_BUTTON_TEXT)),
            "value": button.token[:MAX_BUTTON_VALUE],
        }
        for index, button in enumerate(buttons)
    ]
    return [
        {"type": "actions", "block_id": f"liandong.actions.{n}", "elements": elements[i:i + MAX_ACTIONS]}
        for n, i in enumerate(range(0, len(elements), MAX_ACTIONS))
    ]


def _block_chars(block: Block) -> int:
    if "text" in block and isinstance(block["text"], dict):
        return len(block["text"]["text"])
    if "fields" in block:
        return sum(len(f["text"]) for f in block["fields"])
    return 0


@dataclass(frozen=True)
class RenderedPart:
    blocks: list[Block]
    text: str  # the fallback: notifications, screen readers, clients without blocks


def fallback_text(message: Message) -> str:
    """A short mrkdwn-escaped summary for notifications."""
    plain = message.plain_text() or " ".join(b.label for b in message.buttons) or "…"
    return escape(shorten(plain, MAX_FALLBACK // 5))  # escaping grows text at most fivefold


def render(message: Message, *, single: bool = False) -> list[RenderedPart]:
    """The message as one or more Slack messages (blocks + fallback text).

    With `single` (an edit changes one message) everything is kept in one
    message: the text is cut, with an ellipsis, where it would not fit.
    """
    body = [*_title_blocks(message.title)]
    if message.text:
        body += [_section(chunk) for chunk in escaped_chunks(message.text, MAX_SECTION_TEXT)]
    body += _field_blocks(message.fields)
    body += _mention_blocks(message.mentions)
    actions = _action_blocks(message.buttons)
    if not body and not actions:
        body = [_section("…")]
    fallback = fallback_text(message)
    if single:
        return [RenderedPart(_fit_one(body, actions), fallback)]
    # Every part leaves room for the buttons: which part is last is known only at the end.
    room = MAX_BLOCKS - len(actions)
    parts: list[list[Block]] = [[]]
    chars = 0
    for block in body:
        size = _block_chars(block)
        if parts[-1] and (len(parts[-1]) >= room or chars + size > MAX_PART_CHARS):
            parts.append([])
            chars = 0
        parts[-1].append(block)
        chars += size
    parts[-1].extend(actions)
    return [RenderedPart(blocks, fallback) for blocks in parts]


def _fit_one(body: list[Block], actions: list[Block]) -> list[Block]:
    """The body's first blocks that fit one message beside the buttons, then "…"."""
    room = MAX_BLOCKS - len(actions)
    kept: list[Block] = []
    chars = 0
    for block in body:
        size = _block_chars(block)
        if len(kept) >= room or chars + size > MAX_PART_CHARS:
            if len(kept) >= room:
                kept.pop()  # make room for the ellipsis
            kept.append(_section("…"))
            break
        kept.append(block)
        chars += size
    return kept + actions
