"""What Slack's forms (modals) share: Block Kit pieces, the view itself, and
reading a submission back. Each form is one module (report_form, broadcast_form)."""
from __future__ import annotations

import json
import re
from typing import Any

from core.text import shorten

MAX_VIEW_TITLE = 24  # Slack's limit for a modal's title, submit and close labels
ACTION = "value"  # every input's action_id; the block_id names the input
_CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]{2,30}")


def plain(text: str, limit: int = 150) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(text, limit), "emoji": True}


def input_block(block_id: str, label: str, element: dict[str, Any], *, optional: bool,
                hint: str | None = None) -> dict[str, Any]:
    block = {"type": "input", "block_id": block_id, "label": plain(label, 2000), "optional": optional,
             "element": {**element, "action_id": ACTION}}
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def modal(callback_id: str, title: str, submit: str, close: str, channel_id: str,
          blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """The view for views.open; it remembers the conversation it was opened in."""
    return {
        "type": "modal", "callback_id": callback_id,
        "title": plain(title, MAX_VIEW_TITLE), "submit": plain(submit, MAX_VIEW_TITLE),
        "close": plain(close, MAX_VIEW_TITLE),
        "private_metadata": json.dumps({"channel": channel_id}), "blocks": blocks,
    }


def channel_of(view: dict[str, Any]) -> str | None:
    """The conversation the form was opened in (None when the metadata is not ours)."""
    try:
        channel = json.loads(view.get("private_metadata") or "{}").get("channel")
    except (ValueError, AttributeError):
        return None
    return channel if isinstance(channel, str) and _CHANNEL_ID.fullmatch(channel) else None


def submitted(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    """One input's submitted state (empty when missing or malformed)."""
    element = (values.get(block_id) or {}).get(ACTION)
    return element if isinstance(element, dict) else {}
