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
    out = await tiers.say(f"市指挥@upper: /level {ID} 1 扩大响应")
    assert "（上级指挥中心 市指挥）" in "".join(room(out, "FIRE-01"))
    assert "响应级别: 🔴一级" in "".join(room(out, "upper"))
    out = await tiers.say(f"市指挥@upper: /close {ID} 险情排除")
    assert "已结束" in "".join(room(out, "upper")) and "收队" in "".join(room(out, "FIRE-01"))
    entries = await timeline(tiers)
    assert ("escalated_upper", "王指挥", {"reason": "涉及危化品储罐"}) in entries
    assert [actor for kind, actor, _ in entries if kind in ("dispatched", "level", "closed")] == \
        ["上级指挥中心 市指挥"] * 3


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
