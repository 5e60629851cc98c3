"""Duty (值班): who is on duty now, from the organisation file, a weekly rota or
an /onduty handover; /duty shows it; escalations and roll-call reminders name
the current holder. Console end to end on both databases, with a hand-moved
clock (the example's clock starts Sunday 2026-11-22 15:00 in Asia/Shanghai)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from core.clock import ManualClock
from config.duty import on_duty
from config.organisation import DutyHolder, Organisation, OrganisationError, parse_organisation
from config.roster import merge
from config.settings import DEFAULT_ORG
from storage.models import DutyChange, RosterEvent
from storage.roster import RosterSnapshot
from tests.conftest import ConsoleBot, start_console_bot
from tests.console_transcript import room as _room, token as _token

SHANGHAI = timezone(timedelta(hours=8))
SUN_1500 = datetime(2026, 11, 22, 15, 0, tzinfo=SHANGHAI)
REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"


def _line(output: str, unit_code: str) -> str:
    return next(line for line in output.splitlines() if f"({unit_code})" in line)


async def _tick(bot: ConsoleBot) -> str:
    await bot.app.run_timers()
    await bot.app.drain()
    return bot.new_output()


# -- end to end ------------------------------------------------------------------------


async def test_a_handover_shows_in_duty_the_next_escalation_and_the_roll_call_reminder(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    before = await console_bot.say("王指挥@centre: /duty")
    assert "当前值班 · 11-22 15:00" in before
    assert "市消防救援大队 (FIRE-01)：张三 ☎ 13800002001 · 名单指定" in before
    assert "荣成蓝天救援队 (BLUESKY-01)：冯队员 ☎ 电话未登记 · 排班（11-22 08:00 起）" in before
    assert len(re.findall(r"\(([\w-]+)\)：", before)) == len(console_bot.app.org.units)

    clock.advance(minutes=5)
    taken = await console_bot.say("赵五@FIRE-01: /onduty")
    notice = "🔄 值班交接：赵五 于 11-22 15:05 接任 市消防救援大队 (FIRE-01) 值班员（原值班员：张三）。"
    unit_room, centre = _room(taken, "FIRE-01"), _room(taken, "centre")
    assert notice in unit_room and "@张三" in unit_room  # the previous holder is told where the unit talks
    assert notice in centre and "@" not in centre
    assert "已接班" not in taken  # the notice in the unit's own group is the answer

    after = await console_bot.say("王指挥@centre: /duty fire-01")
    assert "市消防救援大队 (FIRE-01)：赵五 ☎ 电话未登记 · 11-22 15:05 接班" in after
    assert "BLUESKY-01" not in after
    async with console_bot.app.db.transaction() as session:
        change = (await session.scalars(select(DutyChange))).one()
        assert (change.unit_code, change.name, change.platform, change.user_id) == ("FIRE-01", "赵五", "console", "赵五")
        event = (await session.scalars(select(RosterEvent).where(RosterEvent.kind == "onduty"))).one()
        assert event.detail["previous"] == ["张三"]

    # The next dispatch escalation names the new holder, to the unit and to the centre.
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    clock.advance(minutes=5, seconds=1)
    reminder = await _tick(console_bot)
    assert "调度指令未接收，请立即接令" in _room(reminder, "FIRE-01")
    assert "@赵五" in reminder and "@张三" not in reminder
    clock.advance(minutes=5, seconds=1)
    alert = _room(await _tick(console_bot), "centre")
    assert "值班员：赵五" in alert and "张三" not in alert

    # A roll-call asks the new holder; the old one may no longer answer for the unit.
    started = await console_bot.say("王指挥@centre: /rollcall FIRE-01 deadline:10m")
    refused = await console_bot.say(f"张三@FIRE-01: !{_token(_room(started, 'FIRE-01'), '到')}")
    assert "只有 FIRE-01 的值班员可以应答本次点名" in refused
    clock.advance(minutes=10, seconds=1)
    reminded = _room(await _tick(console_bot), "FIRE-01")
    assert "⏰ 值班点名提醒" in reminded and "@赵五" in reminded and "@张三" not in reminded
    present = await console_bot.say(f"赵五@FIRE-01: !{_token(reminded, '到')}")
    assert "已记录：FIRE-01 到" in present


async def test_a_handover_survives_a_restart_and_a_private_one_is_confirmed(
    database_url: str, org: Organisation, clock: ManualClock,
) -> None:
    first = await start_console_bot(database_url, org, clock)
    try:
        out = await first.say("周护士@dm: /onduty")
        assert "已接班：您自 11-22 15:00 起为 市人民医院急救中心 (MED-01) 值班员。" in _room(out, "dm:周护士")
        assert "@陈医生" in _room(out, "MED-01") and "接任 市人民医院急救中心 (MED-01)" in _room(out, "centre")
        again = await first.say("周护士@dm: /onduty MED-01")
        assert "您已是 市人民医院急救中心 (MED-01) 的当前值班员" in again and "[MED-01]" not in again
    finally:
        await first.app.stop()
    second = await start_console_bot(database_url, org, clock)
    try:
        shown = await second.say("陈医生@MED-01: /duty")
        assert "市人民医院急救中心 (MED-01)：周护士 ☎ 电话未登记 · 11-22 15:00 接班" in shown
    finally:
        await second.app.stop()


async def test_the_rota_follows_the_weekday_and_a_handover_lasts_until_the_change_over(
    console_bot: ConsoleBot, clock: ManualClock,
) -> None:
    async def bluesky(when: datetime) -> str:
        clock.set(when.astimezone(timezone.utc))
        return _line(await console_bot.say("王指挥@centre: /duty BLUESKY-01"), "BLUESKY-01")

    assert "冯队员" in await bluesky(SUN_1500)  # sun: 冯队员
    assert "冯队员 ☎ 电话未登记 · 排班（11-22 08:00 起）" in await bluesky(SUN_1500.replace(day=23, hour=7, minute=59))
    monday = await bluesky(SUN_1500.replace(day=23, hour=8, minute=0))  # mon: 钱队长 from 08:00
    assert "钱队长 ☎ 电话未登记 · 排班（11-23 08:00 起）" in monday

    clock.set(SUN_1500.replace(day=23, hour=9).astimezone(timezone.utc))
    taken = await console_bot.say("冯队员@BLUESKY-01: /onduty")
    assert "原值班员：钱队长" in taken and "@钱队长" in _room(taken, "BLUESKY-01")
    assert "冯队员 ☎ 电话未登记 · 11-23 09:00 接班" in await bluesky(SUN_1500.replace(day=23, hour=20))

    # A roll-call that evening reminds the one who took over.
    started = await console_bot.say("王指挥@centre: /rollcall BLUESKY-01 deadline:5m")
    assert "[BLUESKY-01] bot" in started
    clock.advance(minutes=5, seconds=1)
    assert "@冯队员" in _room(await _tick(console_bot), "BLUESKY-01")

    # Tuesday's change-over hands the duty back to the rota.
    assert "钱队长 ☎ 电话未登记 · 排班（11-24 08:00 起）" in await bluesky(SUN_1500.replace(day=24, hour=8))
    assert "冯队员 ☎ 电话未登记 · 排班（11-25 08:00 起）" in await bluesky(SUN_1500.replace(day=25, hour=12))


async def test_who_may_take_and_see_the_duty(database_url: str, clock: ManualClock) -> None:
    text = Path(DEFAULT_ORG).read_text(encoding="utf-8").replace(
        '      - {name: 周护士, telegram: "2102"}\n',
        '      - {name: 周护士, telegram: "2102"}\n      - {name: 张三, telegram: "2001"}\n')
    org = parse_organisation(text)
    bot = await start_console_bot(database_url, org, clock)
    try:
        stranger = await bot.say("路人甲@dm: /onduty")
        assert "只有单位成员可以接班" in stranger
        assert "只有单位成员和指挥中心可以查看值班情况" in await bot.say("路人甲@dm: /duty")
        assert "您不是 市人民医院急救中心 (MED-01) 的成员" in await bot.say("赵五@FIRE-01: /onduty MED-01")
        assert "没有单位 FIRE-1（相近：FIRE-01" in await bot.say("赵五@FIRE-01: /onduty fire-1")
        assert "您已是 市消防救援大队 (FIRE-01) 的当前值班员" in await bot.say("张三@FIRE-01: /onduty")
        several = await bot.say("张三@dm: /onduty")
        assert "您属于多个单位：FIRE-01, MED-01。请发送 /onduty 单位代码。" in several
        # In one of their units' groups the group says which unit.
        taken = await bot.say("张三@MED-01: /onduty")
        assert "张三 于 11-22 15:00 接任 市人民医院急救中心 (MED-01)" in taken and "@陈医生" in taken
        async with bot.app.db.transaction() as session:
            assert [c.unit_code for c in await session.scalars(select(DutyChange))] == ["MED-01"]

        own = await bot.say("赵五@FIRE-01: /duty")
        assert "(FIRE-01)：张三" in own and "MED-01" not in own
        assert "只能查看本单位的值班：MED-01" in await bot.say("赵五@FIRE-01: /duty MED-01")
        mine = await bot.say("张三@dm: /duty")
        assert "(FIRE-01)：张三" in mine and "(MED-01)：张三 ☎ 电话未登记 · 11-22 15:00 接班" in mine
        assert "(POWER-01)" not in mine
    finally:
        await bot.app.stop()


# -- the lookup itself -----------------------------------------------------------------


def _utc(local: datetime) -> datetime:
    return local.astimezone(timezone.utc)


def test_precedence_handover_then_rota_then_file(org: Organisation) -> None:
    assert on_duty(org, "FIRE-01", _utc(SUN_1500)).source == "file"
    fire = on_duty(org, "FIRE-01", _utc(SUN_1500)).officers[0]
    assert (fire.name, fire.phone, fire.user_id("telegram"), fire.user_id("console"), fire.user_id("slack")) == (
        "张三", "13800002001", "2001", "张三", None)

    # Without a rota a handover stands until replaced, days later too.
    org.duty["FIRE-01"] = DutyHolder("李四", "slack", "U2002", _utc(SUN_1500))
    later = on_duty(org, "FIRE-01", _utc(SUN_1500 + timedelta(days=9)))
    assert (later.names, later.source, later.officers[0].user_id("slack")) == (["李四"], "handover", "U2002")
    # ...but not before it happened, nor once its holder has left the unit.
    assert on_duty(org, "FIRE-01", _utc(SUN_1500 - timedelta(minutes=1))).names == ["张三"]
    org.duty["FIRE-01"] = DutyHolder("前队员", "telegram", "9999", _utc(SUN_1500))
    assert on_duty(org, "FIRE-01", _utc(SUN_1500)).names == ["张三"]

    # With a rota it stands until the next change-over.
    org.duty["BLUESKY-01"] = DutyHolder("钱队长", "telegram", "2501", _utc(SUN_1500))
    assert on_duty(org, "BLUESKY-01", _utc(SUN_1500.replace(day=23, hour=7, minute=59))).source == "handover"
    monday = on_duty(org, "BLUESKY-01", _utc(SUN_1500.replace(day=23, hour=8)))
    assert (monday.names, monday.source) == (["钱队长"], "rota")
    wednesday = on_duty(org, "BLUESKY-01", _utc(SUN_1500.replace(day=25, hour=8)))
    assert (wednesday.names, wednesday.source) == (["冯队员"], "rota")


def test_a_day_left_out_falls_back_to_the_file_and_a_day_may_name_two() -> None:
    text = Path(DEFAULT_ORG).read_text(encoding="utf-8").replace(
        "      sun: 冯队员", "      sun: [冯队员, 钱队长]").replace("      wed: 冯队员\n", "")
    org = parse_organisation(text)
    assert on_duty(org, "BLUESKY-01", _utc(SUN_1500)).names == ["冯队员", "钱队长"]
    wednesday = on_duty(org, "BLUESKY-01", _utc(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)))
    assert (wednesday.names, wednesday.source, wednesday.since) == (["钱队长"], "file", None)


def test_the_rota_and_a_handover_survive_the_roster_merge(org: Organisation) -> None:
    change = DutyChange(unit_code="FIRE-01", name="赵五", platform="telegram", user_id="2003",
                        at=_utc(SUN_1500), by="赵五")
    merged = merge(org.spec, RosterSnapshot(version=3, duty={"FIRE-01": change}))
    assert merged.spec_unit("BLUESKY-01").rota == org.spec_unit("BLUESKY-01").rota
    assert on_duty(merged, "FIRE-01", _utc(SUN_1500)).names == ["赵五"]
    assert on_duty(merged, "BLUESKY-01", _utc(SUN_1500)).names == ["冯队员"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.replace("wed: 冯队员", "wed: 冯对员"),
         "units[5].rota.wed: '冯对员' is not a member of BLUESKY-01 (did you mean 冯队员?)"),
        (lambda t: t.replace("wed: 冯队员", "wed: [冯队员, 王五]"),
         "units[5].rota.wed[1]: '王五' is not a member of BLUESKY-01 (members: 钱队长, 冯队员)"),
        (lambda t: t.replace("wed: 冯队员", "wednesday: 冯队员"), "units[5].rota.wednesday: unknown key"),
        (lambda t: t.replace("wed: 冯队员", "wed: []"), "units[5].rota.wed: a member's name or a list of names"),
        (lambda t: t.replace('changeover: "08:00"', "changeover: 8:00"),
         'units[5].rota.changeover: write the time in quotes, e.g. "08:00"'),
        (lambda t: t.replace('changeover: "08:00"', 'changeover: "24:00"'),
         "units[5].rota.changeover: '24:00' is not a time of day"),
    ],
)
def test_rota_mistakes_are_named_with_their_key_path(change, expected: str) -> None:
    text = change(Path(DEFAULT_ORG).read_text(encoding="utf-8"))
    with pytest.raises(OrganisationError) as caught:
        parse_organisation(text)
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems
