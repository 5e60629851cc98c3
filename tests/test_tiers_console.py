"""Tiers on the console (#14, item 2): the upper centre gets a summary card that stays
current when the incident is escalated (/escalate, or a level that says so), and its
members act on an escalated incident — and only on one — named as the upper centre's."""
from __future__ import annotations

from typing import AsyncIterator

import pytest
import yaml

import adapters  # noqa: F401  (the platform registry, for the organisation file's platform ids)
from config.organisation import OrganisationError, parse_organisation
from core.clock import ManualClock
from storage.incidents import IncidentRepository
from tests.conftest import ConsoleBot, start_console_bot
from tests.console_transcript import token
from tests.tier_org import tier_data, tier_org

REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"


@pytest.fixture
async def tiers(database_url: str) -> AsyncIterator[ConsoleBot]:
    bot = await start_console_bot(database_url, tier_org(), ManualClock())
    yield bot
    await bot.app.stop()


def room(out: str, name: str) -> list[str]:
    """What the bot printed in a room, message by message."""
    return [part.split("\n[", 1)[0] for part in out.split(f"[{name}] bot")[1:]]


async def timeline(bot: ConsoleBot) -> list[tuple[str, str | None, dict]]:
    async with bot.app.db.transaction() as session:
        return [(e.kind, e.actor_name, dict(e.data or {})) for e in await IncidentRepository(session).timeline(ID)]


async def test_an_escalated_incident_reaches_the_upper_centre_whose_member_acts_on_it(tiers: ConsoleBot) -> None:
    await tiers.say(f"路人甲@reporting: {REPORT}")
    # Before escalation the upper centre may not touch it, and is refused saying why.
    refused = await tiers.say(f"市指挥@upper: /dispatch {ID} FIRE-01")
    assert "未上报上级指挥中心" in refused and "[FIRE-01]" not in refused
    assert "只有指挥中心成员" in await tiers.say(f"张三@FIRE-01: /escalate {ID}")

    out = await tiers.say(f"王指挥@centre: /escalate {ID} 涉及危化品储罐")
    [card, notice] = room(out, "upper")
    assert "🏛️ 上报事件 20261122-0001 · 荣成市应急救援联调联战" in card and "尚未调度力量" in card
    assert "!" in card  # its Dispatch button
    assert "原因：涉及危化品储罐" in notice
    assert "已上报威海市应急指挥中心（王指挥）" in "".join(room(out, "centre"))
    assert "已上报" in await tiers.say(f"王指挥@centre: /escalate {ID}")

    # The upper centre's member dispatches, sets the level: named as the upper centre's.
    out = await tiers.say(f"市指挥@upper: /dispatch {ID} FIRE-01 -- 市级调度")
    [order] = [m for m in room(out, "FIRE-01") if "调度指令" in m]
    assert "上级指挥中心 市指挥" in order
    assert "FIRE-01" in "".join(m for m in room(out, "upper") if "(edits" in m)  # the card stays current
    # The upper centre may send a neighbouring region's unit itself; that region's centre hears it.
    out = await tiers.say(f"市指挥@upper: /dispatch {ID} WD-RESCUE-01")
    assert "调度指令" in "".join(room(out, "WD-RESCUE-01"))
    assert "本区域力量 WD-RESCUE-01 已被调派增援" in "".join(room(out, "WENDENG")) and "（上级指挥中心 市指挥）" in out
    out = await tiers.say(f"市指挥@upper: /level {ID} 1 扩大响应")
    assert "（上级指挥中心 市指挥）" in "".join(room(out, "FIRE-01"))
    assert "响应级别: 🔴一级" in "".join(room(out, "upper"))
    out = await tiers.say(f"市指挥@upper: /close {ID} 险情排除")
    assert "已结束" in "".join(room(out, "upper")) and "收队" in "".join(room(out, "FIRE-01"))
    entries = await timeline(tiers)
    assert ("escalated_upper", "王指挥", {"reason": "涉及危化品储罐"}) in entries
    assert [actor for kind, actor, _ in entries if kind in ("dispatched", "level", "closed")] == \
        ["上级指挥中心 市指挥"] * 4


async def test_a_level_that_says_so_escalates_the_incident(database_url: str) -> None:
    data = tier_data()
    data["response_levels"] = [{"level": 1, "tell_upper_centre": True}, {"level": 2}]
    bot = await start_console_bot(database_url, parse_organisation(yaml.safe_dump(data, allow_unicode=True)),
                                  ManualClock())
    try:
        await bot.say(f"路人甲@reporting: {REPORT}")
        assert "[upper]" not in await bot.say(f"王指挥@centre: /level {ID} 2")
        out = await bot.say(f"王指挥@centre: /level {ID} 1 爆炸风险")
        assert "🏛️ 上报事件" in "".join(room(out, "upper"))
        assert "响应级别升至一级：爆炸风险" in "".join(room(out, "upper"))
    finally:
        await bot.app.stop()


async def test_without_an_upper_centre_escalation_is_refused_with_the_reason(database_url: str) -> None:
    bot = await start_console_bot(database_url, tier_org(upper=False), ManualClock())
    try:
        await bot.say(f"路人甲@reporting: {REPORT}")
        assert "没有配置上级指挥中心" in await bot.say(f"王指挥@centre: /escalate {ID}")
    finally:
        await bot.app.stop()


def test_check_config_checks_the_tiers_with_key_paths() -> None:
    data = tier_data(upper=False)
    data["response_levels"] = [{"level": 1, "tell_upper_centre": True}]
    data["regions"][0]["units"][0]["code"] = "FIRE-01"
    data["regions"][0]["units"][0]["capabilites"] = ["rescue"]
    data["regions"].append({"code": "MED-01", "name": "x", "units": [], "chanels": []})
    data["upper_centr"] = {}
    with pytest.raises(OrganisationError) as caught:
        parse_organisation(yaml.safe_dump(data, allow_unicode=True))
    problems = caught.value.problems
    assert "upper_centr: unknown key (did you mean upper_centre?)" in problems
    assert "regions[0].units[0].capabilites: unknown key (did you mean capabilities?)" in problems
    assert "regions[1].chanels: unknown key (did you mean channels?)" in problems
    assert any(p.startswith("regions[1].units: ") for p in problems)  # a region without units
    assert any(p.startswith("regions[0].units[0].code: duplicate unit code 'FIRE-01'") for p in problems)
    assert any(p.startswith("regions[1].code: 'MED-01' is already a unit's code") for p in problems)
    assert any(p.startswith("response_levels[0].tell_upper_centre: there is no upper_centre") for p in problems)
    upper = tier_data()
    upper["upper_centre"]["members"] = []
    with pytest.raises(OrganisationError, match=r"upper_centre.members: "):
        parse_organisation(yaml.safe_dump(upper, allow_unicode=True))


# -- requests for support (#14, item 3) ----------------------------------------------------


def message_no(out: str, room_name: str, words: str) -> str:
    """The console's number of the first message in a room that says `words`, for `^N` replies."""
    for part in out.split(f"[{room_name}] bot")[1:]:
        if words in part.split("\n[", 1)[0]:
            return part.split("#", 1)[1].split(":", 1)[0]
    raise AssertionError(f"no {words!r} in [{room_name}]:\n{out}")


async def test_a_request_within_the_region_reaches_the_centre_with_dispatch_filled_in(tiers: ConsoleBot) -> None:
    await tiers.say(f"路人甲@reporting: {REPORT}")
    await tiers.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    assert "只有正在处置事件" in await tiers.say(f"孙队长@CHEM-01: /request {ID} MED-01")  # not on it
    out = await tiers.say(f"张三@FIRE-01: /request {ID} cap:medical -- 伤员较多")
    assert "增援请求已送指挥中心：MED-01" in out
    [request] = [m for m in room(out, "centre") if "增援请求" in m]
    assert "市人民医院急救中心 (MED-01)" in request and "张三 (FIRE-01)" in request and "伤员较多" in request
    assert "[MED-01]" not in out  # the centre decides
    draft = await tiers.say(f"王指挥@centre: !{token(out, '调度')}")
    assert "✅ MED-01" in draft and "指令: 伤员较多" in draft
    sent = await tiers.say(f"王指挥@centre: !{token(draft, '发送')}")
    assert "调度指令" in "".join(room(sent, "MED-01"))
    kinds = [kind for kind, _, _ in await timeline(tiers)]
    assert "support_requested" in kinds and kinds.count("dispatched") == 2


async def test_a_request_across_regions_is_approved_by_the_upper_centre_and_answered(tiers: ConsoleBot) -> None:
    await tiers.say(f"路人甲@reporting: {REPORT}")
    out = await tiers.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    on_scene = token(out, "到场")
    pressed = await tiers.say(f"张三@FIRE-01: !{on_scene}")
    ask = await tiers.say(f"张三@FIRE-01: !{token(pressed, '请求支援')}")
    assert "需要什么支援" in ask
    number = message_no(ask, "FIRE-01", "需要什么支援")
    # Only the unit's members answer it: another's reply asks for nothing.
    assert "增援" not in await tiers.say(f"陈医生@FIRE-01: ^{number} cap:boats")
    asked = await tiers.say(f"张三@FIRE-01: ^{number} cap:boats x1 -- 水域搜救需要船只")
    assert "跨区域增援请求已送上级指挥中心审批：WD-RESCUE-01（文登区）" in asked
    assert "[WD-RESCUE-01]" not in asked  # nothing goes out before the upper centre decides
    upper = "".join(room(asked, "upper"))
    assert "🏛️ 上报事件" in upper and "跨区域增援请求 · 事件 20261122-0001 · 待批准" in upper
    # The centre (and so the requester's side) cannot decide: only the upper centre's members.
    assert "只有上级指挥中心成员可以决定跨区域增援" in await tiers.say(f"王指挥@upper: !{token(asked, '批准')}")
    assert "只有上级指挥中心成员" in await tiers.say(f"张三@upper: !{token(asked, '批准')}")
    approved = await tiers.say(f"市指挥@upper: !{token(asked, '批准')}")
    order = "".join(m for m in room(approved, "WD-RESCUE-01") if "调度指令" in m)
    assert "下达人: 上级指挥中心 市指挥" in order and "水域搜救需要船只" in order
    assert "本区域力量 WD-RESCUE-01 已被调派增援荣成市应急救援联调联战事件" in "".join(room(approved, "WENDENG"))
    assert "上级指挥中心批准增援事件 20261122-0001：WD-RESCUE-01" in "".join(room(approved, "centre"))
    assert "上级指挥中心批准增援" in "".join(room(approved, "FIRE-01"))  # the requester hears it
    assert "已决定" in await tiers.say(f"市指挥@upper: !{token(asked, '不批准')}")
    # Their answers come back to the one board.
    acked = await tiers.say(f"文队长@WD-RESCUE-01: !{token(approved, '接令')}")
    assert "WD-RESCUE-01 文登区应急救援队 — 已接令（文队长" in "".join(room(acked, "centre"))
    kinds = [kind for kind, _, _ in await timeline(tiers)]
    assert kinds.index("support_requested") < kinds.index("escalated_upper") < kinds.index("support_approved")
    assert kinds[-1] == "order_press"


async def test_requests_the_bot_cannot_serve_are_answered_and_change_nothing(database_url: str) -> None:
    bot = await start_console_bot(database_url, tier_org(upper=False), ManualClock())
    try:
        await bot.say(f"路人甲@reporting: {REPORT}")
        await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
        unknown = await bot.say(f"张三@FIRE-01: /request {ID} FIRE-09")
        assert "没有单位 FIRE-09。可请求的单位：FIRE-01, MED-01" in unknown and "WD-RESCUE-01" in unknown
        cap = await bot.say(f"张三@FIRE-01: /request {ID} cap:dragons")
        assert "没有具备能力 dragons 的单位。可请求的能力：" in cap and "boats" in cap
        assert "1–20" in await bot.say(f"张三@FIRE-01: /request {ID} cap:rescue x50")
        across = await bot.say(f"张三@FIRE-01: /request {ID} WD-RESCUE-01 -- 需要船")
        assert "WD-RESCUE-01 属于文登区：跨区域增援须经上级指挥中心批准，但组织文件中没有配置上级指挥中心" in across
        assert "/request" in await bot.say(f"张三@FIRE-01: /request {ID}")
        assert "FIRE-01 已在处置事件" in await bot.say(f"张三@FIRE-01: /request {ID} FIRE-01")
        region = await bot.say(f"张三@FIRE-01: /request {ID} cap:boats region:RUSHAN")
        assert "没有区域 RUSHAN。可选区域：WENDENG 文登区" in region
        assert "MED-01 不属于文登区" in await bot.say(f"张三@FIRE-01: /request {ID} MED-01 region:文登区")
        # The centre cannot order another region's unit straight away either.
        direct = await bot.say(f"王指挥@centre: /dispatch {ID} WD-RESCUE-01")
        assert "WD-RESCUE-01 属于文登区" in direct and "[WD-RESCUE-01]" not in direct
        kinds = [kind for kind, _, _ in await timeline(bot)]
        assert "support_requested" not in kinds and kinds.count("dispatched") == 1
    finally:
        await bot.app.stop()


async def test_the_requester_cannot_approve_their_own_request(database_url: str) -> None:
    """王指挥 sits in both centres here: his request waits for another member of the upper centre."""
    data = tier_data()
    data["upper_centre"]["members"].append({"name": "王指挥", "telegram": "1001"})
    bot = await start_console_bot(database_url, parse_organisation(yaml.safe_dump(data, allow_unicode=True)),
                                  ManualClock())
    try:
        await bot.say(f"路人甲@reporting: {REPORT}")
        asked = await bot.say(f"王指挥@centre: /request {ID} WD-RESCUE-01 -- 需要船")
        assert "请求人不能自行批准" in await bot.say(f"王指挥@upper: !{token(asked, '批准')}")
        refused = await bot.say(f"市指挥@upper: !{token(asked, '不批准')}")
        assert "不批准（上级指挥中心 市指挥）" in refused and "[WD-RESCUE-01]" not in refused
        assert "上级指挥中心不批准增援事件 20261122-0001：WD-RESCUE-01" in "".join(room(refused, "centre"))
        kinds = [kind for kind, _, _ in await timeline(bot)]
        assert "support_rejected" in kinds and "dispatched" not in kinds
    finally:
        await bot.app.stop()


def test_the_example_files_tiers_block_is_a_valid_organisation() -> None:
    """config/org.example.yaml shows upper_centre and regions commented out: uncommented, the
    file must pass check-config and give the bot an upper centre and a region's unit."""
    from config.settings import DEFAULT_ORG

    lines, inside = [], False
    for line in open(DEFAULT_ORG, encoding="utf-8").read().splitlines():
        if line.startswith("# --- tiers:"):
            inside = line.endswith("begin ---")
            continue
        lines.append(line[2:] if inside and line.startswith("# ") else ("" if inside else line))
    org = parse_organisation("\n".join(lines))
    assert org.spec.upper_centre is not None and org.upper_conversations()
    assert org.units["WD-RESCUE-01"].region == "WENDENG" and "WD-RESCUE-01" not in org.home_units()


async def test_help_tells_an_upper_centre_member_who_they_are(tiers: ConsoleBot) -> None:
    out = await tiers.say("市指挥@dm: /help")
    assert "市指挥 — 上级指挥中心成员" in out and "/dispatch" in out and "/escalate" not in out


async def test_a_request_nobody_decides_is_escalated_like_a_silent_order(database_url: str) -> None:
    clock = ManualClock()
    bot = await start_console_bot(database_url, tier_org(), clock)
    try:
        await bot.say(f"路人甲@reporting: {REPORT}")
        asked = await bot.say(f"王指挥@centre: /request {ID} WD-RESCUE-01 -- 需要船")
        clock.advance(minutes=4)
        assert await bot.app.run_timers() == 0
        clock.advance(minutes=1)
        assert await bot.app.run_timers() == 1
        await bot.app.drain()
        again = bot.new_output()
        [reminder] = [m for m in room(again, "upper") if "仍待批准" in m]
        assert "[批准 !" in reminder and "[不批准 !" in reminder  # a new message, with its buttons
        clock.advance(minutes=5)
        assert await bot.app.run_timers() == 1
        await bot.app.drain()
        alert = bot.new_output()
        for where in ("upper", "centre"):
            assert "已 10 分钟无人审批" in "".join(room(alert, where))
        clock.advance(minutes=30)
        assert await bot.app.run_timers() == 0  # escalated twice, then left to the people alerted
        approved = await bot.say(f"市指挥@upper: !{token(again, '批准')}")  # the reminder's own buttons work
        assert "调度指令" in "".join(room(approved, "WD-RESCUE-01"))
        assert token(asked, "批准") != token(again, "批准")
        kinds = [kind for kind, _, _ in await timeline(bot)]
        assert kinds.count("support_escalated") == 2
    finally:
        await bot.app.stop()


async def test_a_capability_is_asked_of_a_named_region(tiers: ConsoleBot) -> None:
    """cap:rescue finds this region's units first; region:CODE asks that region's instead."""
    await tiers.say(f"路人甲@reporting: {REPORT}")
    home = await tiers.say(f"王指挥@centre: /request {ID} cap:rescue x2")
    assert "增援请求已送指挥中心：FIRE-01, POWER-01" in home
    away = await tiers.say(f"王指挥@centre: /request {ID} cap:rescue region:wendeng")
    assert "跨区域增援请求已送上级指挥中心审批：WD-RESCUE-01（文登区）" in away
