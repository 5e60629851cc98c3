"""CAP 1.2 over the bot's HTTP server (#17), with a real HTTP client on 127.0.0.1:
documents and the Atom feed of sent alerts (validated against the shipped OASIS
schema, and read back with the same fields), and outside warnings POSTed in
becoming drafts in the centre, their updates and cancels flowing to the units."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import pytest
from lxml import etree
from sqlalchemy import func, select

from bot.app import Liandong
from config.organisation import Organisation
from config.settings import Settings
from core.cap.reader import read_alert, schema
from core.clock import ManualClock
from storage.models import Broadcast
from tests.conftest import ConsoleBot
from tests.console_transcript import token as _token

DATA = Path(__file__).with_name("data") / "cap"
TOKEN = "cap-test-token-5b1e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _copy(output: str, room: str) -> str:
    return re.split(r"(?m)^(?=\[)", output.split(f"[{room}] bot", 1)[1], maxsplit=1)[0]


class CapBot(ConsoleBot):
    @property
    def url(self) -> str:
        assert self.app.http is not None
        return f"http://127.0.0.1:{self.app.http.port}"

    async def post(self, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, dict]:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{self.url}/cap/inbound", data=body,
                                 headers=AUTH if headers is None else headers) as response:
                answer = await response.json()
                status = response.status
        await self.app.drain()
        return status, answer

    async def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{self.url}{path}", headers=AUTH if headers is None else headers) as response:
                return response.status, await response.read()

    async def count(self) -> int:
        async with self.app.db.transaction() as session:
            return await session.scalar(select(func.count()).select_from(Broadcast)) or 0


@pytest.fixture
async def cap_bot(database_url: str, org: Organisation, clock: ManualClock) -> AsyncIterator[CapBot]:
    out = io.StringIO()
    settings = Settings.of(database_url=database_url, console=True, http_host="127.0.0.1", http_port=0,
                           cap_token=TOKEN)
    app = Liandong(settings, org, clock=clock, console_out=out)
    await app.start(senders=False)
    yield CapBot(app, out)
    await app.stop()


async def _send_draft(bot: CapBot, draft: str) -> str:
    out = await bot.say(f"刘值班@centre: !{_token(draft, '发送')}")
    await bot.app.run_timers()
    await bot.app.drain()
    return out + bot.new_output()


async def test_every_endpoint_wants_the_token_and_reads_nothing_without_it(cap_bot: CapBot) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        status, _ = await cap_bot.post(sample("cn_rainstorm_red.xml"), headers)
        assert status == 401
        assert (await cap_bot.get("/cap/alerts.atom", headers))[0] == 401
        assert (await cap_bot.get("/cap/alerts/1.xml", headers))[0] == 401
    assert await cap_bot.count() == 0
    assert "外部预警" not in cap_bot.new_output()


async def test_a_chinese_red_warning_becomes_one_draft_and_its_update_and_cancel_reach_the_units(
    cap_bot: CapBot, org: Organisation,
) -> None:
    status, answer = await cap_bot.post(sample("cn_rainstorm_red.xml"))
    assert (status, answer) == (202, {"outcome": "drafted", "draft": 1})
    draft = cap_bot.new_output()
    assert "📥 外部预警 · 草稿 #1" in draft and "🔴 红色预警" in draft
    assert "广州市气象台发布暴雨红色预警信号" in draft and "区域: 从化区、增城区" in draft
    assert "事件: 暴雨" in draft and "有效至: 2026-11-23 14:50" in draft and "44010041600000_20261122145000" in draft
    assert all(f"[{label} !" in draft for label in ("发送", "修改", "忽略"))
    # A rainstorm concerns the water-rescue and rescue units, not every unit.
    rescuers = sorted(u.code for u in org.units.values() if {"water_rescue", "rescue"} & set(u.capabilities))
    assert f"cap:rescue,water_rescue：{len(rescuers)} 个单位" in draft

    # The same warning again (a retry, a feed re-serving it): never drafted twice.
    assert await cap_bot.post(sample("cn_rainstorm_red.xml")) == (200, {"outcome": "duplicate"})
    assert await cap_bot.count() == 1

    sent = await _send_draft(cap_bot, draft)
    copy = _copy(sent, rescuers[0])
    assert "🔴 红色预警" in copy and "发布人: 广州市气象台" in copy and "措施：停止集会" in copy

    status, answer = await cap_bot.post(sample("cn_rainstorm_orange_update.xml"))
    assert (status, answer["draft"]) == (202, 2)
    update = cap_bot.new_output()
    assert "[更新 #1] 🟠 橙色预警" in update
    sent = await _send_draft(cap_bot, update)
    assert "[更新 #1] 🟠 橙色预警" in _copy(sent, rescuers[0])
    assert "[已被 #2 取代] 🔴 红色预警" in sent.split(f"[{rescuers[0]}] bot (edits message", 1)[1]

    status, answer = await cap_bot.post(sample("cn_rainstorm_cancel.xml"))
    assert (status, answer["draft"]) == (202, 3)
    sent = await _send_draft(cap_bot, cap_bot.new_output())
    assert "✅ [解除 #2]" in _copy(sent, rescuers[0]) and "解除暴雨橙色预警信号" in _copy(sent, rescuers[0])
    async with cap_bot.app.db.transaction() as session:
        rows = list(await session.scalars(select(Broadcast).order_by(Broadcast.id)))
    assert [(b.msg_type, b.references_id, b.replaced_by_id) for b in rows] == [
        ("alert", None, 2), ("update", 1, 3), ("cancel", 2, None)]


async def test_a_cancel_of_a_draft_never_sent_takes_the_draft_down(cap_bot: CapBot) -> None:
    await cap_bot.post(sample("cn_rainstorm_red.xml"))
    draft = cap_bot.new_output()
    await cap_bot.post(sample("cn_rainstorm_orange_update.xml"))  # replaces the unsent draft
    redrawn = cap_bot.new_output()
    assert "广州市气象台 已取消，未发送" in redrawn and "📥 外部预警 · 草稿 #2" in redrawn
    late = await cap_bot.say(f"王指挥@centre: !{_token(draft, '发送')}")
    assert "已是“已取消”" in late
    status, answer = await cap_bot.post(sample("cn_rainstorm_cancel.xml"))
    assert (status, answer["outcome"]) == (202, "withdrawn")
    assert "广州市气象台 已取消，未发送" in cap_bot.new_output()


async def test_the_specifications_example_is_drafted_with_its_colour(cap_bot: CapBot) -> None:
    status, _ = await cap_bot.post(sample("spec_homeland_security.xml"))
    assert status == 202
    draft = cap_bot.new_output()
    assert "🟠 橙色预警" in draft and "Homeland Security Sets Code ORANGE" in draft
    assert "to:all：8 个单位" in draft  # a security advisory: no capability named, every unit


@pytest.mark.parametrize(("name", "reason"), [
    ("bad_xxe.xml", "doctype"),
    ("bad_billion_laughs.xml", "doctype"),
    ("bad_schema.xml", "schema"),
    ("bad_not_cap.xml", "not_cap"),
    ("bad_cancel_unseen.xml", "unknown_reference"),
    ("spec_earthquake_update.xml", "unknown_reference"),
    ("spec_thunderstorm.xml", "expired"),
])
async def test_bad_documents_are_refused_with_their_reason_and_nothing_is_drafted(
    cap_bot: CapBot, name: str, reason: str,
) -> None:
    status, answer = await cap_bot.post(sample(name))
    assert (status, answer["refused"]) == (400, reason)
    assert await cap_bot.count() == 0 and "外部预警" not in cap_bot.new_output()
    if name == "bad_xxe.xml":
        assert "root:" not in str(answer)  # nothing of the file it named was read
    # The bot stays up: a good warning is drafted right after.
    assert (await cap_bot.post(sample("cn_rainstorm_red.xml")))[0] == 202


async def test_not_xml_and_oversized_bodies_are_refused(cap_bot: CapBot) -> None:
    status, answer = await cap_bot.post(b"this is not xml")
    assert (status, answer["refused"]) == (400, "not_xml")
    padding = b"<!-- " + b"x" * 1_100_000 + b" -->"
    status, answer = await cap_bot.post(sample("cn_rainstorm_red.xml").replace(b"<alert", padding + b"<alert", 1))
    assert (status, answer["refused"]) == (400, "too_large")
    assert await cap_bot.count() == 0


async def test_edit_gives_the_command_and_ignore_sends_nothing(cap_bot: CapBot) -> None:
    await cap_bot.post(sample("cn_rainstorm_red.xml"))
    draft = cap_bot.new_output()
    edit = await cap_bot.say(f"王指挥@centre: !{_token(draft, '修改')}")
    body = edit.split("复制下面的命令", 1)[1].split("\n", 1)[1]
    command = "\n".join(line.removeprefix("  ") for line in body.splitlines() if line.startswith("  "))
    assert command.startswith("/broadcast red cap:rescue,water_rescue area:从化区,增城区 event:暴雨 from:广州市气象台 "
                              "until:2026-11-23T14:50 广州市气象台发布暴雨红色预警信号")
    # The command, as given, makes a preview of the same alert.
    preview = await cap_bot.say("王指挥@centre: " + command)
    assert "预览" in preview and "区域: 从化区、增城区" in preview
    ignored = await cap_bot.say(f"刘值班@centre: !{_token(draft, '忽略')}")
    assert "刘值班 已取消，未发送" in ignored
    assert "张三" not in ignored and "[FIRE-01]" not in ignored


async def test_sent_alerts_are_valid_cap_documents_that_read_back_the_same(cap_bot: CapBot) -> None:
    preview = await cap_bot.say("王指挥@centre: /broadcast orange unit:FIRE-01,MED-01 area:城关镇,西河镇 event:暴雨 "
                                "until:18:00 from:县防汛办 今晚有大暴雨\n措施：转移低洼地区群众\ntask:预置抽水泵")
    await _send_draft(cap_bot, preview)
    update = await cap_bot.say("王指挥@centre: /broadcast update 1 red 雨势加大")
    await _send_draft(cap_bot, update)
    await _send_draft(cap_bot, await cap_bot.say("王指挥@centre: /broadcast cancel 2 雨停了"))

    status, first = await cap_bot.get("/cap/alerts/1.xml")
    assert status == 200
    status, second = await cap_bot.get("/cap/alerts/2.xml")
    status, third = await cap_bot.get("/cap/alerts/3.xml")
    for document in (first, second, third):
        assert schema().validate(etree.fromstring(document)), schema().error_log
    cancel = read_alert(third)
    assert (cancel.msg_type, cancel.description, cancel.references[0].identifier) == (
        "Cancel", "雨停了", read_alert(second).identifier)
    alert = read_alert(first)
    assert (alert.msg_type, alert.severity, alert.event, alert.area) == ("Alert", "Severe", "暴雨", "城关镇、西河镇")
    assert alert.description == "今晚有大暴雨" and alert.instruction == "转移低洼地区群众"
    assert alert.sender_name == "县防汛办" and alert.language == "zh-CN"
    assert alert.expires == datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
    assert alert.parameter("liandong:colour") == "orange" and alert.parameter("liandong:task") == "预置抽水泵"
    updated = read_alert(second)
    assert (updated.msg_type, updated.severity, updated.references) == ("Update", "Extreme", (
        type(updated.references[0])(alert.sender, alert.identifier, first.decode().split("<sent>")[1].split("<")[0]),))
    assert updated.area == alert.area and updated.instruction == alert.instruction  # kept by the update

    status, feed = await cap_bot.get("/cap/alerts.atom")
    atom = etree.fromstring(feed)
    links = atom.xpath("//a:entry/a:link/@href", namespaces={"a": "http://www.w3.org/2005/Atom"})
    assert status == 200 and links == ["/cap/alerts/3.xml", "/cap/alerts/2.xml", "/cap/alerts/1.xml"]
    assert (await cap_bot.get("/cap/alerts/4.xml"))[0] == 404

    report = await cap_bot.say("王指挥@centre: /broadcast-report 1")
    assert "📎 alert-1.cap.xml" in report and "application/cap+xml" in report


async def test_a_broadcast_drafted_from_cap_reads_back_as_the_same_warning(cap_bot: CapBot) -> None:
    """Round trip from outside: the warning in, sent, and out again as CAP with its fields."""
    original = read_alert(sample("cn_rainstorm_red.xml"))
    await cap_bot.post(sample("cn_rainstorm_red.xml"))
    await _send_draft(cap_bot, cap_bot.new_output())
    status, document = await cap_bot.get("/cap/alerts/1.xml")
    assert status == 200 and schema().validate(etree.fromstring(document))
    again = read_alert(document)
    assert (again.severity, again.event, again.area, again.instruction, again.sender_name, again.expires) == (
        original.severity, original.event, original.area, original.instruction, original.sender_name,
        original.expires)
    assert original.headline in again.description and original.description in again.description


async def test_an_exercise_goes_back_out_as_an_exercise_and_a_test_is_refused(cap_bot: CapBot) -> None:
    assert (await cap_bot.post(sample("cn_rainstorm_exercise.xml")))[0] == 202
    await _send_draft(cap_bot, cap_bot.new_output())
    status, document = await cap_bot.get("/cap/alerts/1.xml")
    assert status == 200 and schema().validate(etree.fromstring(document))
    assert read_alert(document).status == "Exercise"  # never republished as an actual warning
    status, answer = await cap_bot.post(sample("cn_rainstorm_test.xml"))
    assert (status, answer["refused"]) == (400, "test_status") and await cap_bot.count() == 1
