"""A bot on the Telegram platform only, against a fresh fake Bot API, for end-to-end tests.

Import the fixtures into a test module: `from tests.telegram_bot import bot, fake  # noqa: F401`.
"""
from __future__ import annotations

import re
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from bot.app import Liandong
from core.clock import SystemClock
from config.organisation import Organisation
from config.settings import Settings
from tests.fakes.telegram_api import FakeTelegramAPI


# The example organisation's centre and reporting groups.
CENTRE, REPORTING = -1001000, -1003000


INCIDENT_ID = re.compile(r"\d{8}-\d{4}")  # 20261122-0001: the day, then the day's number


def incident_id_in(text: str) -> str:
    """The (first) incident id a message names: a receipt, a card, a status."""
    found = INCIDENT_ID.search(text)
    assert found, f"no incident id in {text!r}"
    return found.group(0)


async def reported(fake: FakeTelegramAPI, reporter: int, text: str, *,
                   timeout: float = 10.0) -> tuple[dict[str, Any], str]:
    """`reporter` reports `text` in the reporting group: the centre's card and the incident's id.
    The card must be the centre's first message; after others, wait for it and use incident_id_in."""
    fake.inject_message(REPORTING, reporter, text)
    [card] = await fake.wait_for_messages(CENTRE, timeout=timeout)
    return card, incident_id_in(card["text"])


def telegram_settings(tmp_path: Path, fake: FakeTelegramAPI, database_url: str | None = None) -> Settings:
    return Settings.of(database_url=database_url or f"sqlite+aiosqlite:///{tmp_path}/tg.db", telegram_token=fake.token,
                       telegram_api_url=fake.root_url, http_port=0, console=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        yield api


@asynccontextmanager
async def running_bot(tmp_path: Path, fake: FakeTelegramAPI, org: Organisation,
                      database_url: str | None = None) -> AsyncIterator[Liandong]:
    """A started bot on the fake (on a SQLite file in tmp_path unless database_url names another)."""
    app = Liandong(telegram_settings(tmp_path, fake, database_url), org, clock=SystemClock(), http=False)
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeTelegramAPI, org: Organisation) -> AsyncIterator[Liandong]:
    async with running_bot(tmp_path, fake, org) as app:
        yield app
