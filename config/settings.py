"""Process settings from the environment (DESIGN.md §3, "Environment")."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from sqlalchemy.engine import make_url

from storage.db import DEFAULT_DATABASE_URL

DEFAULT_ORG = str(Path(__file__).with_name("org.example.yaml"))
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts


class SettingsError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    org_path: str = DEFAULT_ORG
    database_url: str = DEFAULT_DATABASE_URL
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_mode: str = "polling"
    telegram_webhook_secret: str | None = None
    public_url: str | None = None
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    console: bool | None = None  # None: on when no other platform is configured
    # A platform asking to wait longer than this (a 429's retry_after) is treated as a
    # failed attempt retried after this long: one day-long answer must not hold a chat.
    max_retry_after_s: float = 300.0
    # Where the bot keeps files of its own (the inbound spool). Unset: beside the
    # SQLite database, or ./data with PostgreSQL.
    data_dir: str | None = None
    # Button tokens, platform update ids and delivered outbox rows older than this are
    # deleted (storage/retention.py); the incident record itself is kept.
    retention_days: float = 90.0

    @property
    def spool_path(self) -> Path:
        """Events the database could not take wait here (bot/spool.py)."""
        if self.data_dir:
            base = Path(self.data_dir)
        else:
            url = make_url(self.database_url)
            database = url.database if url.get_backend_name() == "sqlite" else None
            base = Path(database).parent if database and database != ":memory:" else Path("data")
        return base / "inbound-spool.jsonl"

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_token)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    @property
    def console_enabled(self) -> bool:
        if self.console is not None:
            return self.console
        return not (self.telegram_enabled or self.slack_enabled)

    def enabled_platforms(self) -> tuple[str, ...]:
        flags = {
            "console": self.console_enabled,
            "telegram": self.telegram_enabled,
            "slack": self.slack_enabled,
        }
        return tuple(name for name, on in flags.items() if on)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env

        def get(name: str, default: str | None = None) -> str | None:
            value = env.get(f"LIANDONG_{name}")
            return value if value not in (None, "") else default

        console_flag = get("CONSOLE")
        if console_flag not in (None, "0", "1"):
            raise SettingsError(f"LIANDONG_CONSOLE must be 0 or 1, not {console_flag!r}")
        mode = get("TELEGRAM_MODE", "polling")
        if mode not in ("polling", "webhook"):
            raise SettingsError(f"LIANDONG_TELEGRAM_MODE must be polling or webhook, not {mode!r}")
        secret = get("TELEGRAM_WEBHOOK_SECRET")
        if mode == "webhook" and get("TELEGRAM_TOKEN"):
            if not get("PUBLIC_URL"):
                raise SettingsError("LIANDONG_TELEGRAM_MODE=webhook needs LIANDONG_PUBLIC_URL")
            if not secret or not _WEBHOOK_SECRET.fullmatch(secret):
                raise SettingsError(
                    "LIANDONG_TELEGRAM_MODE=webhook needs LIANDONG_TELEGRAM_WEBHOOK_SECRET: "
                    "1-256 characters of A-Z a-z 0-9 _ -"
                )
        max_retry_after = _number(get("MAX_RETRY_AFTER", "300"), "LIANDONG_MAX_RETRY_AFTER", 1, 86_400)
        port_text = get("HTTP_PORT", "8080")
        try:
            port = int(port_text)  # type: ignore[arg-type]
            if not 0 <= port <= 65535:
                raise ValueError
        except ValueError:
            raise SettingsError(f"LIANDONG_HTTP_PORT must be a port number, not {port_text!r}") from None
        return cls(
            org_path=get("ORG", DEFAULT_ORG),  # type: ignore[arg-type]
            database_url=get("DATABASE_URL", DEFAULT_DATABASE_URL),  # type: ignore[arg-type]
            telegram_token=get("TELEGRAM_TOKEN"),
            telegram_api_url=get("TELEGRAM_API_URL", "https://api.telegram.org"),  # type: ignore[arg-type]
            telegram_mode=mode,  # type: ignore[arg-type]
            telegram_webhook_secret=secret,
            public_url=get("PUBLIC_URL"),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=get("SLACK_API_URL", "https://slack.com/api/"),  # type: ignore[arg-type]
            http_host=get("HTTP_HOST", "127.0.0.1"),  # type: ignore[arg-type]
            http_port=port,
            console=None if console_flag is None else console_flag == "1",
            max_retry_after_s=max_retry_after,
            data_dir=get("DATA_DIR"),
            retention_days=_number(get("RETENTION_DAYS", "90"), "LIANDONG_RETENTION_DAYS", 7, 36_500),
        )


def _number(text: str | None, name: str, low: float, high: float) -> float:
    """A number of seconds, days, … within bounds, or a SettingsError naming the variable."""
    try:
        value = float(text or "")
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {text!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low:g} and {high:g}, not {text}")
    return value
