"""The web board signed in from Telegram (#19): the real python-telegram-bot stack
against the fake Bot API. /board in the centre's group answers in the member's private
chat (never in the group); the link signs a browser in; a press on an order in the
unit's group reaches the open board's stream within a second."""
from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import pytest

from bot.app import Liandong
from config.organisation import Organisation
from core.clock import SystemClock
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import reported
from tests.telegram_bot import fake, telegram_settings  # noqa: F401  (fixture)

CENTRE, REPORTING, FIRE_GROUP = -1001000, -1003000, -1002001
COMMANDER, FIREFIGHTER, STRANGER = 1001, 2001, 777


@pytest.fixture
async def web_bot(tmp_path: Path, fake: FakeTelegramAPI, org: Organisation) -> AsyncIterator[Liandong]:  # noqa: F811
    app = Liandong(telegram_settings(tmp_path, fake), org, clock=SystemClock())  # with its HTTP server
    await app.start()
    yield app
    await app.stop()


def _buttons(message: dict) -> list[dict]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def _next_board(stream: aiohttp.StreamReader) -> str:
    """The next push's html from a server-sent event stream: the whole board, or a patch's changed elements."""
    event, data = "", []
    while True:
        line = (await stream.readline()).decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            data.append(line[6:])
        elif line == "" and event:
            if event == "board":
                return "\n".join(data)
            if event == "patch":  # only the elements that changed: their html, one after another
                return "".join(html for _, html in json.loads("\n".join(data)))
            event, data = "", []


async def test_a_link_from_telegram_signs_in_and_a_press_reaches_the_stream(
        web_bot: Liandong, fake: FakeTelegramAPI) -> None:  # noqa: F811
    _, incident = await reported(fake, STRANGER, "人民路化工厂起火，3人受伤，有人被困")

    fake.inject_message(CENTRE, COMMANDER, "/board")
    [private] = await fake.wait_for_messages(COMMANDER)  # the member's private chat with the bot
    link = re.search(r"http://\S+/board/signin/\S+", private["text"]).group(0)  # type: ignore[union-attr]
    assert not any("/board/signin/" in m.get("text", "") for m in fake.sent_messages(CENTRE))
    assert web_bot.http is not None and link.startswith(f"http://127.0.0.1:{web_bot.http.port}/")

    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident} FIRE-01")
    [order] = await fake.wait_for_messages(FIRE_GROUP)
    base = link.split("/board/", 1)[0]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(link, headers={"Origin": base}) as signed_in:
            assert signed_in.status == 200 and f'data-incident="{incident}"' in await signed_in.text()
        async with http.get(f"{base}/board/events?page=board") as stream:
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            first = await asyncio.wait_for(_next_board(stream.content), 5)
            assert 'data-unit="FIRE-01" data-state="ordered"' in first
            press = next(b for b in _buttons(order) if b["text"] == "接令")
            fake.inject_callback_query(FIRE_GROUP, FIREFIGHTER, order["message_id"], press["callback_data"])
            started = time.monotonic()
            while True:  # the press goes through Telegram's long poll first; then the board within a second
                board = await asyncio.wait_for(_next_board(stream.content), 5)
                if 'data-unit="FIRE-01" data-state="acknowledged"' in board:
                    break
            assert time.monotonic() - started < 3.0
