"""Secrets never reach the log, and the log's shape is the operator's choice.

With `-v`, python-telegram-bot and httpx log every request URL, and a Bot API URL
carries the token (`/bot123456:ABC…/sendMessage`); an update's text may carry an
invite code (`/join K7P2Q-9XM4D`) or a phone number; at DEBUG the database driver
logs every statement with its parameters. Whatever a line is made of, before it is
written the configured secrets, any Bot API or Slack token and anything shaped like
an invite code are masked, and a phone number keeps only its last four digits.

The formatters here (`TextFormatter`, `JsonFormatter`) redact the whole formatted
line, exception text included; `configure()` puts one of them, and the filter, on the
root logger's only handler, where every library's lines end.
"""
from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Iterable

_BOT_TOKEN = re.compile(r"(?<![0-9])\d{5,}:[A-Za-z0-9_-]{20,}")  # also inside /bot123:…
_INVITE_CODE = re.compile(r"\b[A-Z0-9]{5}-[A-Z0-9]{5}\b")
# Whatever follows /join or /bind is a code, however it was typed (lower case, no dash).
_CODE_COMMAND = re.compile(r"(/(?:join|bind)(?:@\w+)?[ \t]+)[^\s'\"\\,)]+", re.I)
_SLACK_TOKEN = re.compile(r"\bx(?:ox[abprs]|app)-[A-Za-z0-9-]{10,}")
# Phone numbers: mainland mobiles (138 1234 5678, +86-138…), landlines with an area
# code (0571-8765 4321), and anything written the international way (+44 20 7946 0958).
# Only digits around them keep a run of digits from counting: a number is masked right
# after Chinese text (电话13812345678) and after a JSON escape of it (\u7535138…) too.
_AFTER_ESCAPE = r"(?<=\\u[0-9a-fA-F]{4})"
_PHONE = re.compile(
    rf"(?:{_AFTER_ESCAPE}|(?<![\d+]))(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{{4}}){{2}}(?!\d)"
    rf"|(?:{_AFTER_ESCAPE}|(?<![\d-]))0\d{{2,3}}[ -]?\d{{3,4}}[ -]?\d{{4}}(?![\d-])"
    r"|(?<![\d+])\+\d{1,3}(?:[ -]?\d){6,14}(?!\d)"
)
MASK = "[redacted]"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _last_four(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "*" * (len(digits) - 4) + digits[-4:]


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
        text = _CODE_COMMAND.sub(lambda m: m.group(1) + MASK, text)
        return _PHONE.sub(_last_four, text)

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


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message`, the whole line (traceback included) redacted."""

    def __init__(self, redactor: RedactSecrets):
        super().__init__(TEXT_FORMAT)
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor.redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and exception when any."""

    def __init__(self, redactor: RedactSecrets):
        super().__init__()
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redactor.redact(record.getMessage()),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = self.redactor.redact(record.exc_text)
        if record.stack_info:
            line["stack"] = self.redactor.redact(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False)


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a line is written (as logging's last resort
    does), so a swapped stream (a test capturing output) is never written after closing."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _: IO[str]) -> None:
        pass


def configure(level: str = "INFO", fmt: str = "text", secrets: Iterable[str | None] = (),
              path: Path | None = None, stream: IO[str] | None = None) -> RedactSecrets:
    """One handler of ours on the root logger (a file when `path`, else `stream`, else
    standard error), with the chosen formatter. Called again once the settings say where
    the log goes, it replaces its own handler; handlers others put there stay."""
    redactor = RedactSecrets(secrets)
    handler: logging.Handler
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    else:
        handler = logging.StreamHandler(stream) if stream is not None else _CurrentStderr()
    handler.setFormatter(JsonFormatter(redactor) if fmt == "json" else TextFormatter(redactor))
    handler.addFilter(redactor)
    setattr(handler, _OURS, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    return redactor


_OURS = "_liandong_log"


def install(secrets: Iterable[str | None]) -> RedactSecrets:
    """Put the filter on every handler of the root logger (where every library's lines end)."""
    redactor = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    return redactor
