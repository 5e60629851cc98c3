"""Commands as people type them (console): a near miss of a command gets "did you mean",
and the full-width slash of Chinese keyboards works like "/"."""
from __future__ import annotations

from tests.conftest import ConsoleBot

REPORT = "人民路化工厂起火，3人受伤，有人被困"


async def test_a_near_miss_is_answered_with_the_command_meant(console_bot: ConsoleBot) -> None:
    out = await console_bot.say("王指挥@centre: /dispach 20261122-0001 FIRE-01")
    assert "没有 /dispach 这个命令。您是想用 /dispatch 吗？" in out
    assert "您是想用 /status 吗" in await console_bot.say("张三@dm: /stauts 20261122-0001")
    # The centre may also mean its /stats: both are offered rather than a guess.
    assert "您是想用 /stats 还是 /status？" in await console_bot.say("王指挥@dm: /stauts 20261122-0001")
    # In a group, a stranger's unknown command (another bot's, most likely) gets no answer.
    assert await console_bot.say("路人甲@reporting: /stauts") == ""
    assert "未知命令 /frobnicate" in await console_bot.say("路人甲@dm: /frobnicate")


async def test_the_full_width_slash_is_a_command_not_a_report(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    out = await console_bot.say("王指挥@centre: ／dispatch 20261122-0001 FIRE-01")
    assert "调度指令" in out and "[FIRE-01] bot" in out
    status = await console_bot.say("路人甲@dm: ／status 20261122-0001")
    assert "事件 20261122-0001" in status and "新事件" not in status
