"""A bot on the Telegram platform only, against a fresh fake Bot API, for end-to-end tests.

Import the fixtures into a test module: `from tests.telegram_bot import bot, fake  # noqa: F401`.
"""
from __future__ import annotations

import re
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


async def reported(fake: FakeTelegramAPI, reporter: int, text: str, *,
                   timeout: float = 10.0) -> tuple[dict[str, Any], str]:
    """`reporter` reports `text` in the reporting group: the centre's card and the incident's id."""
    fake.inject_message(REPORTING, reporter, text)
    [card] = await fake.wait_for_messages(CENTRE, timeout=timeout)
    found = re.search(r"\d{8}-\d{4}", card["text"])
    assert found, card["text"]
    return card, found.group(0)


def telegram_settings(tmp_path: Path, fake: FakeTelegramAPI) -> Settings:
    return Settings.of(database_url=f"sqlite+aiosqlite:///{tmp_path}/tg.db", telegram_token=fake.token,
                    telegram_api_url=fake.root_url, http_port=0, console=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeTelegramAPI, org: Organisation) -> AsyncIterator[Liandong]:
    app = Liandong(telegram_settings(tmp_path, fake), org, clock=SystemClock(), http=False)
    await app.start()
    yield app
    await app.stop()
