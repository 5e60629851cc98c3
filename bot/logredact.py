"""Secrets never reach the log.

With `-v`, python-telegram-bot and httpx log every request URL, and a Bot API URL
carries the token (`/bot123456:ABC…/sendMessage`); an update's text may carry an
invite code (`/join K7P2Q-9XM4D`). A filter on every handler replaces the
configured secrets, any Bot API token and anything shaped like an invite code
before a line is written.
"""
from __future__ import annotations

import logging
import re
from typing import Iterable

_BOT_TOKEN = re.compile(r"(?<![0-9])\d{5,}:[A-Za-z0-9_-]{20,}")  # also inside /bot123:…
_INVITE_CODE = re.compile(r"\b[A-Z0-9]{5}-[A-Z0-9]{5}\b")
_SLACK_TOKEN = re.compile(r"\bx(?:ox[abprs]|app)-[A-Za-z0-9-]{10,}")
MASK = "[redacted]"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str | None] = ()):
        super().__init__()
        # Longest first, so a secret that contains another is masked whole.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        for pattern in (_BOT_TOKEN, _SLACK_TOKEN, _INVITE_CODE):
            text = pattern.sub(MASK, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install(secrets: Iterable[str | None]) -> RedactSecrets:
    """Put the filter on every handler of the root logger (where every library's lines end)."""
    redactor = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    return redactor
