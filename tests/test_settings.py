"""Settings from the environment: defaults, platforms, and refusals."""
from __future__ import annotations

import pytest

from config.settings import Settings, SettingsError
from storage.db import default_data_dir


def test_defaults_run_the_console_on_sqlite() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == f"sqlite+aiosqlite:///{default_data_dir() / 'liandong.db'}"
    # The phone channel runs beside the console: its SMS and calls are shown in the `phone` room.
    assert settings.enabled_platforms() == ("console", "phone")
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8080)


def test_a_chat_platform_turns_the_console_off_unless_forced() -> None:
    assert Settings.from_env({"LIANDONG_TELEGRAM_TOKEN": "1:x"}).enabled_platforms() == ("telegram",)
    forced = Settings.from_env({"LIANDONG_TELEGRAM_TOKEN": "1:x", "LIANDONG_CONSOLE": "1"})
    assert forced.enabled_platforms() == ("console", "telegram", "phone")
    assert Settings.from_env({"LIANDONG_CONSOLE": "0"}).enabled_platforms() == ()


def test_a_phone_provider_keeps_the_console_and_needs_its_credentials() -> None:
    twilio = {"LIANDONG_SMS_PROVIDER": "twilio", "LIANDONG_TWILIO_ACCOUNT_SID": "AC1",
              "LIANDONG_TWILIO_AUTH_TOKEN": "t", "LIANDONG_TWILIO_FROM_NUMBER": "+15005550006",
              "LIANDONG_PUBLIC_URL": "https://bot.example.org"}
    assert Settings.from_env(twilio).enabled_platforms() == ("console", "phone")
    assert Settings.from_env({**twilio, "LIANDONG_TELEGRAM_TOKEN": "1:x"}).enabled_platforms() == ("telegram", "phone")
    with pytest.raises(SettingsError, match="needs LIANDONG_TWILIO_AUTH_TOKEN"):
        Settings.from_env({**twilio, "LIANDONG_TWILIO_AUTH_TOKEN": ""})
    with pytest.raises(SettingsError, match="twilio or aliyun or console"):
        Settings.from_env({"LIANDONG_SMS_PROVIDER": "twillio"})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LIANDONG_CONSOLE": "yes"}, "LIANDONG_CONSOLE must be 0 or 1"),
        ({"LIANDONG_TELEGRAM_MODE": "push"}, "polling or webhook"),
        ({"LIANDONG_HTTP_PORT": "80000"}, "port number"),
        ({"LIANDONG_TELEGRAM_TOKEN": "1:x", "LIANDONG_TELEGRAM_MODE": "webhook",
          "LIANDONG_TELEGRAM_WEBHOOK_SECRET": "s"}, "needs LIANDONG_PUBLIC_URL"),
        ({"LIANDONG_TELEGRAM_TOKEN": "1:x", "LIANDONG_TELEGRAM_MODE": "webhook",
          "LIANDONG_PUBLIC_URL": "https://x"}, "needs LIANDONG_TELEGRAM_WEBHOOK_SECRET"),
        ({"LIANDONG_TELEGRAM_TOKEN": "1:x", "LIANDONG_TELEGRAM_MODE": "webhook",
          "LIANDONG_PUBLIC_URL": "https://x", "LIANDONG_TELEGRAM_WEBHOOK_SECRET": "has space"},
         "A-Z a-z 0-9 _ -"),
    ],
)
def test_bad_settings_are_refused_with_the_variable_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_every_platform_setting_is_in_the_readme() -> None:
    """A platform declares its settings in its spec; the README's Environment table must
    name each one, or an operator cannot find it."""
    from pathlib import Path

    from core.registry import PLATFORMS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [s.variable for spec in PLATFORMS.all() for s in spec.settings if f"`{s.variable}`" not in readme]
    assert missing == []


def test_an_unknown_option_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="no setting 'telegram_tokn'"):
        Settings.of(telegram_tokn="1:x")
