"""Neutral messages as Telegram HTML, split to Telegram's length limit.

All neutral text is plain, so every piece of it is escaped here; the only tags
are the ones this module adds (bold labels, mentions, and a link for a field that
carries one, such as an incident's map). Splitting happens on line boundaries,
and a line too long by itself is cut in its plain form before escaping, so no cut
ever falls inside a tag or an `&amp;`.
"""
from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.messages import Button, Field, Mention, Message

MAX_MESSAGE = 4096  # Telegram's limit, counted here in UTF-16 units of the HTML: stricter


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _escaped_lines(text: str, limit: int) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        escaped = escape(line, quote=False)
        if utf16_len(escaped) <= limit:  # nearly every line: no cutting, no counting per character
            lines.append(escaped)
            continue
        chunk, chunk_units = "", 0
        for char in line:
            piece = escape(char, quote=False)
            piece_units = utf16_len(piece)
            if chunk_units + piece_units > limit:
                lines.append(chunk)
                chunk, chunk_units = "", 0
            chunk += piece
            chunk_units += piece_units
        lines.append(chunk)
    return lines


def html_lines(message: Message, limit: int = MAX_MESSAGE) -> list[str]:
    lines: list[str] = []
    if message.title:
        lines.append(f"<b>{escape(message.title, quote=False)}</b>")
    if message.text:
        lines.extend(_escaped_lines(message.text, limit))
    for field in message.fields:
        label = f"<b>{escape(field.label, quote=False)}:</b> "
        if (link := _link(field)) and utf16_len(label + link) <= limit:
            lines.append(label + link)
            continue
        value_lines = _escaped_lines(field.value, limit - utf16_len(label))
        lines.append(label + value_lines[0])
        lines.extend(value_lines[1:])
    mentions = [_mention(m) for m in message.mentions if m.user_id.isdigit()]
    if mentions:
        lines.append(" ".join(mentions))
    return lines


def _link(field: Field) -> str | None:
    """A field whose value stands for a web address, as a link (one line, http(s) only)."""
    if (url := field.link) is None:
        return None
    return f'<a href="{escape(url, quote=True)}">{escape(field.value, quote=False)}</a>'


def _mention(mention: Mention) -> str:
    """A mention by user id: notifies the person even without a @username."""
    return f'<a href="tg://user?id={mention.user_id}">@{escape(mention.name, quote=False)}</a>'


def render_html(message: Message, limit: int = MAX_MESSAGE) -> list[str]:
    """The message as one or more HTML texts, each within `limit`."""
    parts: list[str] = []
    current = ""
    for line in html_lines(message, limit):
        candidate = f"{current}\n{line}" if current else line
        if current and utf16_len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current or "\u200b")  # Telegram refuses empty text
    return parts


def button_rows(buttons: tuple[Button, ...]) -> list[tuple[Button, ...]]:
    """Up to three buttons in one row, else two per row."""
    per_row = len(buttons) if len(buttons) <= 3 else 2
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.token) for b in row] for row in button_rows(buttons)]
    )


def inline_keyboard(buttons: tuple[Button, ...]) -> dict[str, Any]:
    """The same keyboard as the Bot API's JSON, for requests made without PTB's objects."""
    return {"inline_keyboard": [[{"text": b.label, "callback_data": b.token} for b in row]
                                for row in button_rows(buttons)]}
