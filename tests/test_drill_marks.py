"""#16 item 1: every message the bot sends about a drill incident says so at the start of
its first line, so no unit can take a drill for a fire.

The test walks a drill incident through everything that can happen to one — receipt,
card, orders, board, presses, a decline and a redispatch, a level change, a graver
follow-up, command on scene and a situation report, escalation of a silent unit,
/status, /incidents, close, the after-action review and reopen — and then checks every message the bot sent
that names the incident. A new kind of message about incidents that forgets the mark
fails it without anyone having to list it here.
"""
from __future__ import annotations

import re

from core.clock import ManualClock
from tests.conftest import ConsoleBot
from tests.console_transcript import room, token

ID = "20261122-0001"
MARK = "🧪【演练】"


def messages(transcript: str) -> list[tuple[str, str]]:
    """(heading, text) of each message the bot printed: heading `[room] bot…:` and its body."""
    blocks = re.split(r"(?m)^(?=\[[^\]]+\] )", transcript)
    found = []
    for block in blocks:
        head, _, body = block.partition("\n")
        if re.match(r"\[[^\]]+\] bot", head) or re.match(r"\(only .* sees\)", head):
            found.append((head, body))
    return found


async def _walk_a_drill_incident(bot: ConsoleBot, clock: ManualClock) -> str:
    card = await bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困")
    asked = await bot.say(f"王指挥@centre: !{token(card, '标记为演练')}")
    out = await bot.say(f"王指挥@centre: !{token(asked, '确认：是演练')}")
    ordered = await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 MED-01 POWER-01 level:2")
    out += ordered
    out += await bot.say(f"张三@FIRE-01: !{token(room(ordered, 'FIRE-01'), '接令')}")
    out += await bot.say(f"陈医生@MED-01: !{token(room(ordered, 'MED-01'), '无法执行')}")
    out += await bot.say(f"王指挥@centre: /dispatch {ID} MED-01")
    out += await bot.say(f"王指挥@centre: /level {ID} 1 火势扩大")
    out += await bot.say(f"路人甲@reporting: 续报 {ID}：已有1人死亡")
    commander = await bot.say(f"张三@FIRE-01: /commander {ID}")
    out += commander
    order_no = ordered.split("[FIRE-01] bot", 1)[1].split("#", 1)[1].split(":", 1)[0]
    out += await bot.say(f"张三@FIRE-01: ^{order_no} 明火已控制，正在搜救")
    for minutes in (6, 6):  # POWER-01 stays silent: a reminder, then the centre is told
        clock.advance(minutes=minutes)
        await bot.app.run_timers()
        await bot.app.drain()
        out += bot.new_output()
    out += await bot.say(f"王指挥@centre: /status {ID}")
    out += await bot.say("王指挥@centre: /incidents")
    out += await bot.say(f"王指挥@centre: /close {ID} 明火扑灭，人员已救出")
    out += await bot.say(f"王指挥@centre: /review {ID}")  # built off the event loop, answered later
    assert await bot.app.run_reports() == 1
    await bot.app.drain()
    review = bot.new_output()
    assert "[centre] bot" in review
    out += review
    out += await bot.say(f"王指挥@centre: /reopen {ID}")
    return out


async def test_every_message_about_a_drill_incident_says_so_first(console_bot: ConsoleBot, clock: ManualClock) -> None:
    out = await _walk_a_drill_incident(console_bot, clock)
    about_it = [(head, body) for head, body in messages(out)
                if not head.startswith("(only") and set(re.findall(r"\d{8}-\d{4}", body)) == {ID}]
    assert len(about_it) > 40, "the walk reaches every kind of message"
    unmarked = [f"{head} {body.strip().splitlines()[0]}" for head, body in about_it
                if not body.strip().startswith(MARK)]
    assert not unmarked, "\n".join(unmarked)
    listed = next(body for _, body in messages(out) if "进行中的事件" in body)
    assert f"{ID}【演练】" in listed


async def test_a_real_incident_is_never_marked(console_bot: ConsoleBot) -> None:
    out = await console_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困")
    out += await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    assert MARK not in out and "演练" not in out.replace("标记为演练", "")
