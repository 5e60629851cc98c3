"""Telegram as the registry knows it: its settings, its ids, its factory.

Kept free of python-telegram-bot imports, so reading settings or the organisation
file does not load the platform's library."""
from __future__ import annotations

import re

from core.platform import ChatPlatform, PlatformBuild, PlatformSpec, PlatformValues, Setting

_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts


def _problem(values: PlatformValues) -> str | None:
    if values.get("telegram_mode") != "webhook" or not values.get("telegram_token"):
        return None
    if not values.get("public_url"):
        return "LIANDONG_TELEGRAM_MODE=webhook needs LIANDONG_PUBLIC_URL"
    secret = values.get("telegram_webhook_secret")
    if not secret or not _WEBHOOK_SECRET.fullmatch(secret):
        return ("LIANDONG_TELEGRAM_MODE=webhook needs LIANDONG_TELEGRAM_WEBHOOK_SECRET: "
                "1-256 characters of A-Z a-z 0-9 _ -")
    return None


def _build(build: PlatformBuild) -> ChatPlatform:
    from adapters.telegram.adapter import TelegramAdapter

    return TelegramAdapter(build.settings, build.sink, build.commands)


SPEC = PlatformSpec(
    name="telegram",
    label="Telegram",
    build=_build,
    configured=lambda values: bool(values.get("telegram_token")),
    problem=_problem,
    announce_only_chats=True,
    settings=(
        Setting("telegram_token", "the bot token from @BotFather", secret=True),
        Setting("telegram_mode", "polling, or webhook (needs LIANDONG_PUBLIC_URL and a secret)",
                default="polling", choices=("polling", "webhook")),
        Setting("telegram_webhook_secret", "webhook mode: the secret Telegram sends with each update",
                secret=True),
        Setting("telegram_api_url", "the Bot API server", default="https://api.telegram.org"),
    ),
)
