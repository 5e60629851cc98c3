"""Tasks on alerts (#17) on the console: each unit's copy has 收到 → 已部署 per task, a
reply to the copy records a count, the centre's progress shows the tasks' units done,
and the report lists the units not done with a re-send to them."""
from __future__ import annotations

import re

from tests.conftest import ConsoleBot
from tests.console_transcript import token as _token

ALERT = "暴雨红色预警：今晚22时前完成以下任务"


def _copy(output: str, room: str) -> str:
    return re.split(r"(?m)^(?=\[)", output.split(f"[{room}] bot", 1)[1], maxsplit=1)[0]


def _copy_id(output: str, room: str) -> str:
    found = re.search(rf"(?m)^\[{room}\] bot #(\d+):", output)
    assert found, output
    return found.group(1)


def _edit(output: str, room: str) -> str:
    return re.split(r"(?m)^(?=\[)", output.split(f"[{room}] bot (edits message", 1)[1], maxsplit=1)[0]


async def _send(bot: ConsoleBot) -> str:
    preview = await bot.say(f"王指挥@centre: /broadcast red unit:FIRE-01,MED-01,POWER-01 {ALERT}\n"
                            "task:转移低洼地区群众\ntask:预置抽水泵")
    out = await bot.say(f"刘值班@centre: !{_token(preview, '发送')}")
    await bot.app.run_timers()
    await bot.app.drain()
    return out + bot.new_output()


async def test_a_units_copy_carries_its_tasks_with_received_then_done(console_bot: ConsoleBot) -> None:
    out = await _send(console_bot)
    copy = _copy(out, "FIRE-01")
    assert "任务：" in copy and "1. 转移低洼地区群众" in copy and "2. 预置抽水泵" in copy
    assert "[收到 任务1 !" in copy and "[收到 任务2 !" in copy and "[收到 !" in copy

    stranger = await console_bot.say(f"陈医生@FIRE-01: !{_token(copy, '收到 任务1')}")
    assert "只有 FIRE-01 的成员" in stranger and "edits message" not in stranger
    received = await console_bot.say(f"张三@FIRE-01: !{_token(copy, '收到 任务1')}")
    assert "任务1：FIRE-01 已收到" in received
    redrawn = _edit(received, "FIRE-01")
    assert "1. 转移低洼地区群众 — FIRE-01 已收到" in redrawn and "[已部署 任务1 !" in redrawn
    done = await console_bot.say(f"张三@FIRE-01: !{_token(redrawn, '已部署 任务1')}")
    assert "任务1：FIRE-01 已部署" in done
    redrawn = _edit(done, "FIRE-01")
    assert "FIRE-01 已部署" in redrawn and "任务1 !" not in redrawn and "[收到 任务2 !" in redrawn
    # The centre's progress message counts it.
    assert "任务1 转移低洼地区群众：已部署 1/3 个单位 FIRE-01" in _edit(done, "centre")


async def test_a_reply_with_a_count_marks_the_task_done_and_the_report_lists_units_behind(
    console_bot: ConsoleBot,
) -> None:
    out = await _send(console_bot)
    answer = await console_bot.say(f"陈医生@MED-01: ^{_copy_id(out, 'MED-01')} 转移 120 人")
    assert "已记录任务1（转移低洼地区群众）：转移 120 人（MED-01）" in answer
    assert "MED-01 已部署（转移 120 人）" in _edit(answer, "MED-01")
    answer = await console_bot.say(f"陈医生@MED-01: ^{_copy_id(out, 'MED-01')} 2 抽水泵3台")
    assert "已记录任务2（预置抽水泵）：抽水泵3台" in answer

    report = await console_bot.say("王指挥@centre: /broadcast-report 1")
    assert "任务1 转移低洼地区群众：已部署 1/3 个单位 MED-01（转移 120 人）" in report
    assert "任务未完成的单位：FIRE-01, POWER-01" in report
    resent = await console_bot.say(f"王指挥@centre: !{_token(report, '向 2 个任务未完成单位重发')}")
    assert "正在向 2 个单位（2 个群组）重发" in resent
    assert "[FIRE-01] bot #" in resent and "[POWER-01] bot #" in resent and "[MED-01] bot #" not in resent


async def test_a_reply_by_someone_of_another_unit_is_not_a_count(console_bot: ConsoleBot) -> None:
    out = await _send(console_bot)
    answer = await console_bot.say(f"陈医生@FIRE-01: ^{_copy_id(out, 'FIRE-01')} 转移 120 人")
    assert "已记录任务" not in answer
    # Nor is a member's reply without a figure: it goes on as any message.
    answer = await console_bot.say(f"张三@FIRE-01: ^{_copy_id(out, 'FIRE-01')} 好的，马上安排")
    assert "已记录任务" not in answer
