"""Tiers end to end on Slack (#14): the real slack-bolt stack, signed requests, the fake
Slack Web API. An escalation reaches the upper centre, whose member dispatches from its
card and closes the incident; a unit on scene asks for another region's boat team with
请求支援 (answered in the question's thread), the upper centre approves, and the team's
acknowledgement reaches the centre's board. Organisation: tests/tier_org.py."""
from __future__ import annotations

from pathlib import Path
from typing import Any, AsyncIterator

import pytest

import adapters  # noqa: F401  (the platform registry, for the organisation file's platform ids)
from core.clock import ManualClock
from tests.fakes.slack_api import FakeSlackAPI, FakeUser
from tests.test_slack import SlackBot, all_text, block_texts
from tests.test_slack_dispatch import (
    CENTRE, COMMANDER, ENV, ENV_OFFICER, ID, STRANGER, board_line, command, current, field,
    labels, press, reported, start_unpaced, stop_bot, timeline, titled,
)
from tests.tier_org import REGION_SLACK, UPPER_MEMBER_SLACK, UPPER_SLACK, WD_LEAD_SLACK, WD_SLACK, tier_org


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    users = [FakeUser(COMMANDER, real_name="王指挥"), FakeUser(ENV_OFFICER, real_name="吴监测"),
             FakeUser(UPPER_MEMBER_SLACK, real_name="市指挥"), FakeUser(WD_LEAD_SLACK, real_name="文队长"),
             FakeUser(STRANGER, real_name="Li Lei", display_name="路人甲")]
    async with FakeSlackAPI(users=users, limits=False) as api:
        yield api


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlackAPI, clock: ManualClock) -> AsyncIterator[SlackBot]:
    slack_bot = await start_unpaced(tmp_path, fake, tier_org(), clock)
    yield slack_bot
    await stop_bot(slack_bot)


def texts(fake: FakeSlackAPI, channel: str) -> str:
    return "\n".join(all_text(m) for m in fake.messages(channel))


async def click(bot: SlackBot, user: str, channel: str, message: dict[str, Any], label: str) -> None:
    """A press that answers with a new message (a draft), not privately."""
    reply = await bot.press(user, channel, message, label)
    assert reply.status == 200
    await bot.deliver()


async def test_an_escalation_reaches_the_upper_centre_whose_member_acts_on_it(
        bot: SlackBot, fake: FakeSlackAPI) -> None:
    await reported(bot)
    await command(bot, UPPER_MEMBER_SLACK, UPPER_SLACK, f"dispatch {ID} ENV-01")
    assert "未上报上级指挥中心" in texts(fake, UPPER_SLACK) and titled(fake, ENV, "调度指令") == []

    await command(bot, COMMANDER, CENTRE, f"{ID} 氯气扩散", name="/escalate")  # the manifest's own command
    [card] = titled(fake, UPPER_SLACK, f"🏛️ 上报事件 {ID}")
    assert labels(card) == ["调度"] and "原因：氯气扩散" in texts(fake, UPPER_SLACK)

    await click(bot, UPPER_MEMBER_SLACK, UPPER_SLACK, card, "调度")
    [draft] = titled(fake, UPPER_SLACK, "调度编成")
    for unit in ("✅ FIRE-01", "✅ CHEM-01", "✅ EXP-01"):  # keep ENV-01 of the hazmat plan only
        await click(bot, UPPER_MEMBER_SLACK, UPPER_SLACK, current(bot, UPPER_SLACK, draft), unit)
    await click(bot, UPPER_MEMBER_SLACK, UPPER_SLACK, current(bot, UPPER_SLACK, draft), "发送")
    [order] = titled(fake, ENV, "调度指令")
    assert field(order, "下达人").startswith("上级指挥中心 市指挥")
    assert "ENV-01 市生态环境分局" in all_text(current(bot, UPPER_SLACK, card))  # the card stays current

    await press(bot, ENV_OFFICER, ENV, order, "接令")
    assert "已接令（吴监测" in all_text(current(bot, UPPER_SLACK, card))
    await command(bot, UPPER_MEMBER_SLACK, UPPER_SLACK, f"close {ID} 泄漏已控制")
    assert f"事件 {ID} 已结束，ENV-01 收队" in all_text(fake.messages(ENV)[-1])
    closed = current(bot, UPPER_SLACK, card)
    assert "已结束" in block_texts(closed)[0] and labels(closed) == []
    entries = await timeline(bot)
    assert [kind for kind, _ in entries if kind in ("escalated_upper", "dispatched", "closed")] == \
        ["escalated_upper", "dispatched", "closed"]


async def test_a_request_across_regions_is_approved_and_answered(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await reported(bot)
    await command(bot, COMMANDER, CENTRE, f"dispatch {ID} ENV-01")
    [order] = titled(fake, ENV, "调度指令")
    await press(bot, ENV_OFFICER, ENV, order, "到场")
    assert await press(bot, ENV_OFFICER, ENV, current(bot, ENV, order), "请求支援") == "请求支援"
    [question] = [m for m in fake.messages(ENV) if "需要什么支援" in all_text(m)]
    await bot.say(ENV, ENV_OFFICER, "WD-RESCUE-01 -- 下游需要船只搜救", thread_ts=question["ts"])
    await bot.deliver()
    assert "跨区域增援请求已送上级指挥中心审批：WD-RESCUE-01（文登区）" in texts(fake, ENV)
    [request] = titled(fake, UPPER_SLACK, "待批准")
    assert labels(request) == ["批准", "不批准"] and fake.messages(WD_SLACK) == []
    # Neither the centre nor the requester decides: only the upper centre's members.
    assert await press(bot, COMMANDER, UPPER_SLACK, request, "批准") == "只有上级指挥中心成员可以决定跨区域增援。"
    assert await press(bot, ENV_OFFICER, UPPER_SLACK, request, "批准") == "只有上级指挥中心成员可以决定跨区域增援。"
    assert fake.messages(WD_SLACK) == []

    assert await press(bot, UPPER_MEMBER_SLACK, UPPER_SLACK, request, "批准") == "已批准（上级指挥中心 市指挥）"
    [wd_order] = titled(fake, WD_SLACK, "调度指令")
    assert field(wd_order, "下达人").startswith("上级指挥中心 市指挥") and field(wd_order, "指令") == "下游需要船只搜救"
    assert "本区域力量 WD-RESCUE-01 已被调派增援荣成市应急救援联调联战事件" in texts(fake, REGION_SLACK)
    assert "上级指挥中心批准增援" in texts(fake, CENTRE) and "上级指挥中心批准增援" in texts(fake, ENV)
    assert labels(current(bot, UPPER_SLACK, request)) == []

    assert await press(bot, WD_LEAD_SLACK, WD_SLACK, wd_order, "接令") == "已记录：已接令"
    assert board_line(fake, "WD-RESCUE-01").startswith("✅ WD-RESCUE-01 文登区应急救援队 — 已接令（文队长")
    kinds = [kind for kind, _ in await timeline(bot)]
    assert kinds.index("support_requested") < kinds.index("support_approved") and kinds[-1] == "order_press"
