"""Messages that ask for a reply, and replies resolved once, like button presses.

A bot message that asks a question ("why can't you comply?", a dispatch draft's
instruction) is sent under an outbox key made by its `ReplyKey`. When someone replies
to a message of the bot, the router looks up once which message it was (its outbox
key), finds the one ReplyKey that key belongs to, and hands the reply to the handler
registered for it (Router.on_reply). Handlers never compare key strings themselves,
and which handler owns a reply no longer depends on the order they were registered in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_PART = r"([^:]+)"


@dataclass(frozen=True)
class ReplyKey:
    """A kind of message that asks for a reply: its name, and the outbox key it is
    sent under, with `{}` for each id in it (`order:{}:reason`). The key's shape is
    kept as it was before replies were routed, so questions sent by an older version
    still find their handler."""

    kind: str
    template: str

    def key(self, *ids: object) -> str:
        """The outbox key to send the question under."""
        return self.template.format(*ids)

    def ids_in(self, key: str) -> tuple[str, ...] | None:
        """The ids a key of this kind carries, or None when the key is another kind's."""
        found = self._pattern.fullmatch(key)
        return found.groups() if found else None

    @property
    def _pattern(self) -> re.Pattern[str]:
        return _compiled(self.template)


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(template: str) -> re.Pattern[str]:
    if template not in _PATTERNS:
        _PATTERNS[template] = re.compile(_PART.join(re.escape(part) for part in template.split("{}")))
    return _PATTERNS[template]


@dataclass(frozen=True)
class Reply:
    """A reply, resolved: the key of the bot's message it answers, and, when that
    message asked a registered question, which one and the ids it carried."""

    key: str | None
    kind: ReplyKey | None = None
    ids: tuple[str, ...] = ()

    def id(self, index: int = 0) -> int | None:
        """An id of the question as a number (None when it is not one)."""
        try:
            return int(self.ids[index])
        except (IndexError, ValueError):
            return None
