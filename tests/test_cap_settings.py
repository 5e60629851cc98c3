"""The CAP settings from the environment (#17): the token, the feeds, the poll interval."""
from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings, SettingsError


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"LIANDONG_DATA_DIR": str(tmp_path), **{f"LIANDONG_{k}": v for k, v in values.items()}}


def test_feeds_token_and_interval_are_read_and_the_token_is_a_secret(tmp_path: Path) -> None:
    settings = Settings.from_env(_env(tmp_path, CAP_TOKEN="t0ken-xyz", CAP_POLL_SECONDS="120",
                                      CAP_FEEDS="https://a.example/feed.atom, http://b.example/rss"))
    assert settings.cap_feeds == ("https://a.example/feed.atom", "http://b.example/rss")
    assert settings.cap_poll_s == 120 and settings.cap_token == "t0ken-xyz"
    assert "t0ken-xyz" in settings.secrets()  # redacted from logs


def test_unset_means_no_endpoints_and_no_feeds(tmp_path: Path) -> None:
    settings = Settings.from_env(_env(tmp_path))
    assert (settings.cap_token, settings.cap_feeds, settings.cap_poll_s) == (None, (), 60.0)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("CAP_FEEDS", "ftp://a.example/feed", "LIANDONG_CAP_FEEDS"),
    ("CAP_POLL_SECONDS", "1", "LIANDONG_CAP_POLL_SECONDS"),
    ("CAP_POLL_SECONDS", "often", "LIANDONG_CAP_POLL_SECONDS"),
])
def test_bad_values_are_refused_by_name(tmp_path: Path, name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(_env(tmp_path, **{name: value}))
