"""#16 on Slack (slack-bolt against the fake Slack Web API, a clock moved by hand): the
hazmat drill's leak report, a marked order for ENV-01, its officer's press, and an
evaluation that names who met which target."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from core.clock import ManualClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.test_slack import SlackBot, all_text, block_texts
from tests.test_slack_dispatch import (  # noqa: F401  (fixtures)
    CENTRE, COMMANDER, ENV, ENV_OFFICER, bot, command, fake, press,
)

MARK = "🧪【演练】"


def _with(fake: FakeSlackAPI, channel: str, words: str) -> list[dict[str, Any]]:  # noqa: F811
    return [m for m in fake.messages(channel) if words in "\n".join(block_texts(m)) + m.get("text", "")]


async def test_a_unit_on_slack_gets_a_marked_order_presses_and_is_named_in_the_evaluation(
    bot: SlackBot, clock: ManualClock,  # noqa: F811
) -> None:
    start = clock.now()
    await command(bot, COMMANDER, CENTRE, "drill start hazmat-chemical-park")
    await bot.app.run_timers()
    await bot.deliver()
    [card] = _with(bot.fake, CENTRE, "演练事件")
    incident = re.search(r"\d{8}-\d{4}", all_text(card)).group(0)  # type: ignore[union-attr]
    clock.set(start + timedelta(minutes=1))
    await command(bot, COMMANDER, CENTRE, f"dispatch {incident} ENV-01")
    [order] = [m for m in bot.fake.messages(ENV) if "接令" in all_text(m) and incident in all_text(m)]
    assert block_texts(order)[0].startswith(f"*{MARK}"), block_texts(order)  # the title, in bold: a drill at once
    clock.set(start + timedelta(minutes=3))
    await press(bot, ENV_OFFICER, ENV, order, "接令")
    clock.set(start + timedelta(minutes=4))
    await command(bot, COMMANDER, CENTRE, "drill stop")
    [evaluation] = _with(bot.fake, CENTRE, "演练评估")
    text = all_text(evaluation)
    assert MARK in text and "石岛化工园区液氯泄漏应急演练 #1" in text
    assert "✅ 指挥中心 调度（leak）：1分 / 目标 3分" in text
    assert "✅ ENV-01 接令（leak）：2分 / 目标 3分" in text
    assert "ENV-01 1/1" in text and "演练中途中止" in text
