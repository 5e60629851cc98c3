"""Triage end to end on Slack: a doubtful message is listed for the centre,
Register makes it an incident with a receipt to the reporter in their message's thread, and the list
is edited in place."""
from __future__ import annotations

import re
from typing import Any

from tests.fakes.slack_api import FakeSlackAPI
from tests.test_slack import SlackBot, all_text, buttons
from tests.test_slack_dispatch import CENTRE, COMMANDER, ENV_OFFICER, REPORTING, STRANGER
from tests.test_slack_dispatch import bot, fake, press  # noqa: F401 (fixtures)

DOUBT = "桥下面有人 快来 水都漫上来了"


def _slack_board(fake: FakeSlackAPI) -> dict[str, Any]:
    return next(m for m in fake.messages(CENTRE) if "待判定" in all_text(m))


async def test_triage_on_slack(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await bot.say(REPORTING, STRANGER, DOUBT, ts="1763794800.000100")
    await bot.deliver()
    board = _slack_board(fake)
    assert "待判定 · 1 条" in all_text(board) and DOUBT in all_text(board)
    assert [b["text"]["text"] for b in buttons(board)] == ["登记 #1", "不是报告 #1"]
    assert fake.messages(REPORTING) == []

    assert "只有指挥中心成员" in await press(bot, ENV_OFFICER, CENTRE, board, "不是报告 #1")
    answer = await press(bot, COMMANDER, CENTRE, board, "登记 #1")
    assert re.search(r"已登记为事件 \d{8}-\d{4}", answer)
    [receipt] = fake.messages(REPORTING)
    assert receipt["thread_ts"] == "1763794800.000100" and "已登记事件" in all_text(receipt)
    board = _slack_board(fake)
    assert "已由 王指挥 登记为事件" in all_text(board) and not buttons(board)
