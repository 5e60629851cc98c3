"""End to end on the console platform: typed lines in, outbox, printed messages out."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from core.clock import ManualClock
from config.organisation import Organisation
from storage.models import Incident, OutboxMessage, TimelineEntry
from tests.conftest import ConsoleBot, start_console_bot

REPORT = "人民路化工厂起火，3人受伤，有人被困"


def _tokens(output: str, label: str) -> list[str]:
    return re.findall(rf"\[{re.escape(label)} !([\w-]+)\]", output)


async def _count(bot: ConsoleBot, model: type) -> int:
    async with bot.app.db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_report_gets_a_receipt_and_a_card_in_the_command_centre(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"路人甲@reporting: {REPORT}")
    receipt, card = out.split("[centre] bot", 1)
    assert "[reporting] bot (reply to #" in receipt
    assert "已登记事件 20261122-0001" in receipt
    assert "类型: 火灾" in receipt and "地点: 人民路化工厂" in receipt and "受伤 3" in receipt
    assert "新事件 20261122-0001" in card
    assert "报告人: 路人甲（未登记报告人）" in card
    assert REPORT in card
    assert _tokens(card, "标记为演练")
    async with console_bot.app.db.transaction() as session:
        incident = await session.get(Incident, "20261122-0001")
        timeline = list(await session.scalars(select(TimelineEntry)))
    assert incident is not None and incident.injured == 3 and not incident.reporter_registered
    assert incident.source_chat_id == "reporting" and incident.text == REPORT
    assert [(e.kind, e.actor_name) for e in timeline] == [("reported", "路人甲")]


async def test_a_registered_reporter_is_named_and_ids_follow_the_day(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"张三@reporting: {REPORT}")
    out = await console_bot.say("张三@reporting: 环山路发生山体滑坡，2人被埋")
    assert "20261122-0002" in out and "报告人: 张三" in out and "未登记" not in out


async def test_chatter_creates_nothing(console_bot: ConsoleBot) -> None:
    for line in ["收到", "好的", "谢谢", "测试", "今天谁值班？", "明天下午3点消防演练"]:
        assert await console_bot.say(f"张三@reporting: {line}") == ""
    assert await _count(console_bot, Incident) == 0
    assert await _count(console_bot, OutboxMessage) == 0


async def test_messages_in_unit_groups_are_not_read_as_reports(console_bot: ConsoleBot) -> None:
    assert await console_bot.say(f"张三@FIRE-01: {REPORT}") == ""
    assert await _count(console_bot, Incident) == 0


async def test_a_private_chat_is_read_and_chatter_there_gets_a_hint(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"张三@dm: {REPORT}")
    assert "[dm:张三] bot" in out and "已登记事件" in out
    hint = await console_bot.say("张三@dm: 你好")
    assert "未识别为事件报告" in hint
    assert await _count(console_bot, Incident) == 1


async def test_slash_report_always_registers(console_bot: ConsoleBot) -> None:
    out = await console_bot.say("张三@FIRE-01: /report 码头那边有情况，请派人看看")
    assert "已登记事件 20261122-0001" in out and "类型: 其他" in out
    usage = await console_bot.say("张三@FIRE-01: /report   ")
    assert "用法：/report" in usage
    assert await _count(console_bot, Incident) == 1


async def test_status_shows_an_incident_to_members_but_not_to_strangers(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    shown = await console_bot.say("王指挥@centre: /status 20261122-0001")
    assert "事件 20261122-0001" in shown and "状态: 处置中" in shown and REPORT in shown
    # The reporter may follow their own report, though unregistered.
    assert "状态: 处置中" in await console_bot.say("路人甲@dm: /status 20261122-0001")
    assert "未找到事件 20261122-0001" in await console_bot.say("路人乙@dm: /status 20261122-0001")
    assert "未找到事件 20261122-0099" in await console_bot.say("王指挥@centre: /status 20261122-0099")
    assert "用法：/status" in await console_bot.say("王指挥@centre: /status '; DROP TABLE incidents")


async def test_help_lists_what_the_asker_may_do(console_bot: ConsoleBot) -> None:
    out = await console_bot.say("张三@dm: /help")
    assert "张三 — 市消防救援大队 (FIRE-01) 值班员" in out
    assert "/report" in out and "/status" in out
    stranger = await console_bot.say("路人甲@dm: /help")
    assert "尚未登记" in stranger


async def test_the_drill_button_is_for_the_command_centre_only(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"路人甲@reporting: {REPORT}")
    [token] = _tokens(out, "标记为演练")
    refused = await console_bot.say(f"张三@centre: !{token}")
    assert "只有指挥中心成员可以这样做" in refused and "(only 张三 sees)" in refused
    # The first press asks: the card offers a confirmation in place of the button (#14).
    asked = await console_bot.say(f"王指挥@centre: !{token}")
    assert "(only 王指挥 sees) 确认标记为演练？" in asked and "演练事件" not in asked
    [confirm] = _tokens(asked, "确认：是演练")
    assert "只有指挥中心成员可以这样做" in await console_bot.say(f"张三@centre: !{confirm}")
    pressed = await console_bot.say(f"王指挥@centre: !{confirm}")
    assert "(only 王指挥 sees) 20261122-0001 已由 王指挥 标记为演练" in pressed
    assert "[centre] bot (edits message #" in pressed and "演练事件 20261122-0001" in pressed
    again = await console_bot.say(f"王指挥@centre: !{token}")
    assert "已经是演练" in again and "edits message" not in again
    async with console_bot.app.db.transaction() as session:
        kinds = list(await session.scalars(select(TimelineEntry.kind).order_by(TimelineEntry.id)))
    assert kinds == ["reported", "marked_drill"]


async def test_forged_and_foreign_button_tokens_change_nothing(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"路人甲@reporting: {REPORT}")
    [token] = _tokens(out, "标记为演练")
    assert "按钮已失效或无效" in await console_bot.say("王指挥@centre: !forgedtoken123")
    assert "不属于本会话" in await console_bot.say(f"王指挥@reporting: !{token}")
    async with console_bot.app.db.transaction() as session:
        incident = await session.get(Incident, "20261122-0001")
    assert incident is not None and not incident.drill


@pytest.mark.parametrize(
    "junk",
    ["", "   \t ", "🔥🔥🔥🚒", "起火" * 10_000, "\x00\x01\x02\udcff\x7f 爆炸", "a" * 20_000,
     "".join(chr(c) for c in range(0, 0x3000, 7))],
)
async def test_bad_input_creates_nothing_and_the_bot_stays_up(console_bot: ConsoleBot, junk: str) -> None:
    await console_bot.say(f"张三@reporting: {junk}")
    out = await console_bot.say(f"路人甲@reporting: {REPORT}")
    assert "已登记事件" in out  # still up and answering


async def test_an_oversize_report_is_registered_from_its_start_and_the_sender_told(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"路人甲@reporting: {REPORT}。" + "现场情况描述。" * 3000)
    assert "已登记事件" in out and "消息过长" in out
    async with console_bot.app.db.transaction() as session:
        incident = await session.get(Incident, "20261122-0001")
    assert incident is not None and len(incident.text) <= 4000


async def test_english_organisation_speaks_english(database_url: str, org: Organisation, clock: ManualClock) -> None:
    english = Organisation(org.spec.model_copy(update={
        "organisation": org.spec.organisation.model_copy(update={"language": "en"})
    }))
    bot = await start_console_bot(database_url, english, clock)
    try:
        out = await bot.say("passer-by@reporting: Fire at the Renmin Rd chemical plant, 3 injured")
        assert "Incident 20261122-0001 registered" in out and "Type: Fire" in out
        assert "passer-by (unregistered reporter)" in out
    finally:
        await bot.app.stop()


async def test_console_meta_lines(console_bot: ConsoleBot) -> None:
    assert "centre" in await console_bot.say(":rooms")
    assert "王指挥: centre" in await console_bot.say(":people")
    assert "unknown room" in await console_bot.say("张三@nowhere: hello")
    assert "unknown console command" in await console_bot.say(":frobnicate")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
async def test_random_text_never_breaks_intake(console_bot: ConsoleBot, text: str) -> None:
    # Whatever arrives, the pipeline answers without an internal error.
    out = await console_bot.say("路人甲@reporting: " + text.replace("\n", " "))
    assert "处理时出错" not in out
    assert console_bot.app.pipeline.events_failed == 0
