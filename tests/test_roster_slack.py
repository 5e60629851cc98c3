"""The roster on Slack: /bind only where the bot is in the channel (a slash
command reaches the bot from any channel), then orders reach the bound channel."""
from __future__ import annotations

import re
from pathlib import Path
from typing import AsyncIterator

import pytest
from sqlalchemy import func, select

from core.clock import ManualClock
from config.organisation import Organisation
from storage.models import RosterBinding
from tests.fakes.slack_api import FakeSlackAPI, FakeUser
from tests.test_slack import SlackBot, all_text, start_bot

CENTRE, REPORTING, ENV = "C0CMD", "C0REP", "C0ENV"
COMMANDER, ENV_OFFICER = "U1001", "U2201"
NEW_CHANNEL, OUTSIDE_CHANNEL = "C0NEWENV", "C0NOBOT"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    users = [FakeUser(COMMANDER, real_name="王指挥"), FakeUser(ENV_OFFICER, real_name="吴监测")]
    async with FakeSlackAPI(users=users, limits=False) as api:
        api.add_channel(NEW_CHANNEL, name="env-field")
        api.add_channel(OUTSIDE_CHANNEL, name="no-bot", is_member=False)
        yield api


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock) -> AsyncIterator[SlackBot]:
    slack_bot = await start_bot(tmp_path, fake, org, clock)
    for sender in slack_bot.app.senders.values():
        sender.limiter = None
    yield slack_bot
    await slack_bot.sender.close()
    await slack_bot.app.stop()


async def _bindings(bot: SlackBot) -> int:
    async with bot.app.db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(RosterBinding))


async def test_bind_needs_the_bot_in_the_channel_and_then_orders_arrive_there(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await bot.command("/liandong", "invite ENV-01", user_id=COMMANDER, channel_id=CENTRE)
    await bot.deliver()
    code = re.search(r"[A-Z0-9]{5}-[A-Z0-9]{5}", all_text(fake.messages(CENTRE)[-1])).group(0)

    await bot.command("/liandong", f"bind {code}", user_id=ENV_OFFICER, channel_id=OUTSIDE_CHANNEL)
    await bot.deliver()
    assert "/invite @liandong" in fake.ephemerals[-1]["text"] and await _bindings(bot) == 0

    await bot.command("/liandong", f"bind {code}", user_id=ENV_OFFICER, channel_id=NEW_CHANNEL)
    await bot.deliver()
    assert await _bindings(bot) == 1
    assert "本群已绑定为" in all_text(fake.messages(NEW_CHANNEL)[-1])

    await bot.say(REPORTING, ENV_OFFICER, "人民路化工厂氯气泄漏，2人受伤")
    await bot.deliver()
    incident = re.search(r"\d{8}-\d{4}", all_text(fake.messages(CENTRE)[-1])).group(0)
    await bot.command("/liandong", f"dispatch {incident} ENV-01", user_id=COMMANDER, channel_id=CENTRE)
    await bot.deliver()
    assert any("调度指令" in all_text(m) for m in fake.messages(NEW_CHANNEL))
    assert any("调度指令" in all_text(m) for m in fake.messages(ENV))
