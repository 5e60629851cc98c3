"""A CAP document put into a centre conversation by a centre member (#17): drafted
like one POSTed; refused with a translated reason; anyone else's is a message."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from storage.models import Broadcast
from tests.conftest import ConsoleBot
from tests.console_transcript import token as _token

DATA = Path(__file__).with_name("data") / "cap"


def one_line(name: str) -> str:
    """The console takes a line: the document with its line breaks as spaces (the same XML)."""
    return " ".join((DATA / name).read_text(encoding="utf-8").split("\n"))


async def _count(bot: ConsoleBot) -> int:
    async with bot.app.db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(Broadcast)) or 0


async def test_a_warning_dropped_in_the_centre_becomes_a_draft_once(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"王指挥@centre: {one_line('cn_rainstorm_red.xml')}")
    assert "📥 外部预警 · 草稿 #1" in out and "🔴 红色预警" in out and "[发送 !" in out
    again = await console_bot.say(f"刘值班@centre: {one_line('cn_rainstorm_red.xml')}")
    assert "该预警（44010041600000_20261122145000）已起草过" in again
    assert await _count(console_bot) == 1
    sent = await console_bot.say(f"刘值班@centre: !{_token(out, '发送')}")
    assert "[FIRE-01] bot" in sent and "[MED-01] bot" not in sent  # rescuers only: a rainstorm


async def test_bad_documents_in_chat_are_refused_with_a_reason(console_bot: ConsoleBot) -> None:
    for name, reason in (("bad_xxe.xml", "DOCTYPE"), ("bad_schema.xml", "不符合 CAP 1.2"),
                         ("bad_cancel_unseen.xml", "从未收到"), ("spec_thunderstorm.xml", "已于 2003-06-17")):
        out = await console_bot.say(f"王指挥@centre: {one_line(name)}")
        assert "未采用该 CAP 预警" in out and reason in out, (name, out)
    assert await _count(console_bot) == 0


async def test_xml_from_outside_the_centre_is_an_ordinary_message(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"张三@FIRE-01: {one_line('cn_rainstorm_red.xml')}")
    assert "外部预警" not in out and "未采用" not in out
    assert await _count(console_bot) == 0


async def test_an_exercise_is_drafted_as_a_drill_and_a_test_is_refused(console_bot: ConsoleBot) -> None:
    out = await console_bot.say(f"王指挥@centre: {one_line('cn_rainstorm_exercise.xml')}")
    assert "🧪【演练】📥 外部预警 · 草稿 #1" in out
    sent = await console_bot.say(f"刘值班@centre: !{_token(out, '发送')}")
    copy = sent.split("[FIRE-01] bot", 1)[1]
    # The unit cannot take it for the real thing: the mark opens its first line.
    assert copy.split("\n")[1].strip() == "🧪【演练】🔴 红色预警"
    refused = await console_bot.say(f"王指挥@centre: {one_line('cn_rainstorm_test.xml')}")
    assert "未采用该 CAP 预警" in refused and "Test" in refused and "技术测试" in refused
    assert await _count(console_bot) == 1
