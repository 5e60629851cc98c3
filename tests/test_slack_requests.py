"""Malformed requests to /slack/events get a 4xx before any work, never a 500, and
request bodies are never logged (real slack-bolt behind the bot's HTTP server)."""
from __future__ import annotations

import logging

import aiohttp
import pytest

from tests.fakes.slack_api import FakeSlackAPI, Signing, message_event, sign_request
from tests.test_slack import REPORTING, STRANGER, SlackBot, bot, fake  # noqa: F401 (fixtures)


async def _post(bot: SlackBot, body: bytes, **headers: str) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.post(bot.sender.url, data=body, headers=headers) as response:
            return response.status


async def test_malformed_requests_get_a_4xx_not_a_500(bot: SlackBot) -> None:
    ts = str(int(__import__("time").time()))
    signed = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts}
    gbk = "大火".encode("gbk")
    assert await _post(bot, gbk, **signed, **{"X-Slack-Signature": "v0=00"}) == 400
    deep = ("[" * 50_000 + "]" * 50_000).encode()
    text = deep.decode()
    status = await _post(bot, deep, **signed, **{"X-Slack-Signature": sign_request(bot.sender.signing_secret,
                                                                                     int(ts), text)})
    assert 400 <= status < 500
    assert await _post(bot, b"{}", **{**signed, "X-Slack-Request-Timestamp": "yesterday"}) == 400
    assert await _post(bot, b"x" * 1_100_000, **signed) == 413
    forged = await bot.sender.send_event(message_event(REPORTING, STRANGER, "有人起火"), sign=Signing.WRONG)
    assert forged.status == 401
    # And the bot still works.
    reply = await bot.say(REPORTING, STRANGER, "人民路化工厂起火，3人受伤")
    assert reply.status == 200


async def test_request_bodies_are_not_logged(bot: SlackBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret_words = "绝密的内容XYZ"
    # A kind of request the bot has no listener for: bolt warns "Unhandled request" with its whole body.
    payload = {"type": "block_suggestion", "user": {"id": STRANGER}, "team": {"id": "T1"},
               "action_id": "x", "block_id": "y", "value": secret_words, "api_app_id": "A1"}
    body = "payload=" + __import__("urllib.parse").parse.quote(__import__("json").dumps(payload))
    await bot.sender.send_raw(body, "application/x-www-form-urlencoded", payload=payload)
    await bot.say(REPORTING, STRANGER, f"人民路化工厂起火 {secret_words}")
    await bot.settle()
    assert not [r for r in caplog.records if r.name.startswith("slack_bolt") and secret_words in r.getMessage()]
