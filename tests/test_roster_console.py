"""The roster from chat, end to end on the console: invite → join → bind → a
dispatch reaching the newly bound group; codes that expired or were used;
leaving, removing, and who is who."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.clock import ManualClock
from core.i18n import Translator
from config.organisation import Organisation
from storage.models import Invite, RosterEvent
from tests.conftest import ConsoleBot, start_console_bot

REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"
CENTRE_ONLY = Translator("zh")("button.refused_centre_only")


def _code(output: str) -> str:
    found = re.search(r"邀请码：([A-Z0-9]{5}-[A-Z0-9]{5})", output)
    assert found, output
    return found.group(1)


async def _invite(bot: ConsoleBot, args: str) -> str:
    return _code(await bot.say(f"王指挥@centre: /invite {args}"))


async def test_invite_join_bind_and_a_dispatch_reaches_the_new_group(console_bot: ConsoleBot) -> None:
    code = await _invite(console_bot, "SEA-01 duty_officer")

    joined = await console_bot.say(f"周船长@dm: /join {code}")
    assert "您已成为" in joined and "(SEA-01) 的值班员" in joined
    assert "👤 周船长 以值班员身份加入 SEA-01" in joined  # the centre is told
    whoami = await console_bot.say("周船长@dm: /whoami")
    assert "SEA-01" in whoami and "值班员" in whoami

    opened = await console_bot.say(":room sea-boats")
    assert "opened" in opened
    bound = await console_bot.say(f"周船长@sea-boats: /bind {code}")
    assert "本群已绑定为" in bound and "SEA-01" in bound
    assert "🔗 周船长 将 console 群组 sea-boats 绑定到 SEA-01" in bound

    await console_bot.say(f"路人甲@reporting: {REPORT}")
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} SEA-01")
    assert "[sea-boats] bot" in out and "调度指令 · 事件 20261122-0001" in out.split("[sea-boats] bot", 1)[1]
    token = re.search(r"\[接令 !([\w-]+)\]", out.split("[sea-boats] bot", 1)[1]).group(1)
    pressed = await console_bot.say(f"周船长@sea-boats: !{token}")
    assert "已记录：已接令" in pressed  # the new member may answer for the unit

    async with console_bot.app.db.transaction() as session:
        kinds = list(await session.scalars(select(RosterEvent.kind).order_by(RosterEvent.id)))
        [invite] = await session.scalars(select(Invite))
    assert kinds == ["invite", "join", "bind"]
    assert invite.uses_left == 0 and code.replace("-", "") not in invite.code_hash


async def test_used_expired_and_unknown_codes_are_refused_and_change_nothing(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    code = await _invite(console_bot, "SEA-01 expires:1h")
    await console_bot.say(f"周船长@dm: /join {code}")
    again = await console_bot.say(f"孙大副@dm: /join {code}")
    assert "邀请码已被使用" in again
    assert "不在本组织" in await console_bot.say("孙大副@dm: /whoami")

    later = await _invite(console_bot, "SEA-01 expires:1h uses:5")
    clock.advance(hours=2)
    assert "邀请码已过期" in await console_bot.say(f"孙大副@dm: /join {later}")
    assert "邀请码无效" in await console_bot.say("孙大副@dm: /join ABCDE-FGHJK")
    assert "邀请码无效" in await console_bot.say("孙大副@dm: /join")
    assert "请在与我的私聊中发送" in await console_bot.say(f"孙大副@reporting: /join {later}")
    async with console_bot.app.db.transaction() as session:
        kinds = list(await session.scalars(select(RosterEvent.kind).order_by(RosterEvent.id)))
    assert kinds == ["invite", "join", "invite"]


async def test_only_members_of_the_unit_can_bind_and_only_in_a_group(console_bot: ConsoleBot) -> None:
    code = await _invite(console_bot, "SEA-01")
    await console_bot.say(":room harbour")
    assert "只有 SEA-01 的成员" in await console_bot.say(f"张三@harbour: /bind {code}")
    assert "请在要绑定的群里发送" in await console_bot.say(f"张三@dm: /bind {code}")
    assert CENTRE_ONLY in await console_bot.say("张三@FIRE-01: /invite SEA-01")


async def test_bad_invites(console_bot: ConsoleBot) -> None:
    out = await console_bot.say("王指挥@centre: /invite SEA-1 admin uses:0 expires:forever")
    assert "没有单位 SEA-1" in out and "SEA-01" in out
    assert out.count("无法识别") == 3
    assert "用法：/invite" in await console_bot.say("王指挥@centre: /invite")


async def test_units_are_found_by_part_of_their_name_and_several_are_listed(console_bot: ConsoleBot) -> None:
    out = await console_bot.say("王指挥@centre: /invite 消防")  # 市消防救援大队, the only one
    assert "FIRE-01" in out and _code(out)
    assert _code(await console_bot.say("王指挥@centre: /invite fire-01 duty_officer"))  # any case
    several = await console_bot.say("王指挥@centre: /invite 救援队")  # two units' names have it
    assert "对应多个单位" in several and "邀请码" not in several
    for listed in ("CHEM-01 石岛化工园区企业救援队", "BLUESKY-01 荣成蓝天救援队"):
        assert listed in several
    assert "市消防救援大队" not in several  # 救援 but not 救援队
    assert "没有单位 火警" in await console_bot.say("王指挥@centre: /invite 火警")
    assert "请在文件中删除" in await console_bot.say("王指挥@centre: /remove 消防 张三")


async def test_leave_remove_and_unbind(console_bot: ConsoleBot) -> None:
    code = await _invite(console_bot, "SEA-01 uses:2")
    await console_bot.say(f"周船长@dm: /join {code}")
    await console_bot.say(f"孙大副@dm: /join {code}")
    await console_bot.say(":room boats")
    await console_bot.say(f"周船长@boats: /bind {code}")

    left = await console_bot.say("孙大副@dm: /leave")
    assert "您已退出 SEA-01" in left and "👤 孙大副 已退出 SEA-01" in left
    assert "不在本组织" in await console_bot.say("孙大副@dm: /whoami")
    assert "登记在组织文件中" in await console_bot.say("张三@dm: /leave")

    assert "请在文件中删除" in await console_bot.say("王指挥@centre: /remove FIRE-01 张三")
    removed = await console_bot.say("王指挥@centre: /remove SEA-01 周船长")
    assert "已将 周船长 移出 SEA-01" in removed
    assert CENTRE_ONLY in await console_bot.say("张三@FIRE-01: /remove SEA-01 孙大副")

    units = await console_bot.say("王指挥@centre: /units")
    assert "SEA-01" in units and "console:boats" in units
    unbound = await console_bot.say("王指挥@boats: /unbind")
    assert "本群已解除与 SEA-01 的绑定" in unbound
    assert "console:boats" not in await console_bot.say("王指挥@centre: /units")


async def test_a_roster_change_in_one_process_reaches_the_other(
    database_url: str, org: Organisation, clock: ManualClock,
) -> None:
    first = await start_console_bot(database_url, org, clock)
    second = await start_console_bot(database_url, org, clock)
    try:
        code = _code(await first.say("王指挥@centre: /invite SEA-01"))
        await first.say(f"周船长@dm: /join {code}")
        assert "不在本组织" in await second.say("周船长@dm: /whoami")  # it has not looked yet
        assert await second.app.catch_up_roster()
        assert "SEA-01" in await second.say("周船长@dm: /whoami")
    finally:
        await first.app.stop()
        await second.app.stop()


async def test_a_roster_row_the_schema_refuses_costs_only_that_row(org: Organisation) -> None:
    from datetime import datetime, timezone

    from config.roster import merge
    from storage.models import RosterMember
    from storage.roster import RosterSnapshot

    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    good = RosterMember(unit_code="SEA-01", name="周船长", role="member", platform="telegram", user_id="5555",
                        source="chat", created_at=now, created_by="周船长")
    bad = RosterMember(unit_code="SEA-01", name="太长", role="member", platform="telegram", user_id="9" * 70,
                       source="chat", created_at=now, created_by="x")
    merged = merge(org.spec, RosterSnapshot(version=3, members=[good, bad]))
    assert merged.person("telegram", "5555") is not None and merged.person("telegram", "5555").is_member_of("SEA-01")
    assert merged.person("telegram", "9" * 70) is None
    assert merged.person("telegram", "2001") is not None  # the file's people stay
