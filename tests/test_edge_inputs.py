"""Edge inputs to every centre command get a clear answer, never the generic
apology of a crashed handler (console platform, real pipeline and database)."""
from __future__ import annotations

from core.i18n import Translator
from tests.conftest import ConsoleBot

APOLOGY = Translator("zh")("error.internal")
COMMANDS = ["rollcall_report", "rollcall", "rollcall_intensify", "rollcalls", "broadcast", "broadcast_report",
            "broadcasts", "dispatch", "close", "invite", "remove", "duty", "onduty", "status", "report", "units",
            "whoami", "bind", "unbind", "leave", "join", "review", "timeline", "stats"]
ARGS = ["0000-01", "9999-12", "-1", "99999999999999999999", "at:0001-01-01T00:00", "at:9999-12-31T23:59",
        "red at:0001-01-01T00:00 测试", "expires:99999999999d", "uses:99999999999", "30000000min",
        "99999999999d every:1m", "00:00..00:00 every:10m", "20261203-99999999", "FIRE-01 " + "x" * 5000,
        "\u202e\u200b", "'; DROP TABLE incidents; --", "%s%s%n", "😀" * 50, "a" * 20000]


async def test_no_centre_command_crashes_on_edge_input(console_bot: ConsoleBot) -> None:
    crashed = []
    for command in COMMANDS:
        for args in ARGS:
            out = await console_bot.say(f"王指挥@centre: /{command} {args}")
            if APOLOGY in out:
                crashed.append(f"/{command} {args[:40]}")
    assert crashed == []


async def test_a_long_report_keeps_the_casualties_it_states_at_its_end(console_bot: ConsoleBot) -> None:
    filler = "现场指挥部已设立，各救援力量陆续到达，交通管制措施已落实，周边群众已疏散。" * 80
    text = "石岛化工园区二车间发生爆燃。" + filler[:2900] + "目前已造成3人受伤，2人被困。"
    out = await console_bot.say(f"路人甲@reporting: {text}")
    assert "新事件" in out and "受伤 3 · 被困 2" in out
