"""Escalation policies with SMS and calls, on the console (#18): the `phone` room shows
what would go to phones, and a key typed there is the key pressed on the call.

The example organisation's policy for level 1: chat reminder at 2 min, SMS to the duty
officer at 4, a call at 6, the next person on the unit's list at 8, the centre at 10."""
from __future__ import annotations

import re

import pytest
import yaml
from sqlalchemy import select, update

from config.organisation import OrganisationError, parse_organisation
from config.settings import DEFAULT_ORG
from core.clock import ManualClock
from storage.models import DispatchOrder, OutboxMessage, TimelineEntry
from tests.conftest import ConsoleBot, example_org_with, start_console_bot
from tests.console_transcript import room, token

REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"
ZHANG_SAN = "+8613800002001"  # FIRE-01's duty officer in the example organisation


async def _dispatched_at_level_1(bot: ConsoleBot) -> None:
    await bot.say(f"路人甲@reporting: {REPORT}")
    await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 level:1 -- 立即出动")


async def _step(bot: ConsoleBot, clock: ManualClock, minutes: int = 2) -> str:
    clock.advance(minutes=minutes)
    await bot.app.run_timers()
    await bot.app.drain()
    return bot.new_output()


async def _order(bot: ConsoleBot) -> DispatchOrder:
    async with bot.app.db.transaction() as session:
        return (await session.scalars(select(DispatchOrder).where(DispatchOrder.unit_code == "FIRE-01"))).one()


async def _timeline(bot: ConsoleBot, kind: str) -> list[TimelineEntry]:
    async with bot.app.db.transaction() as session:
        return list(await session.scalars(select(TimelineEntry).where(TimelineEntry.kind == kind)
                                          .order_by(TimelineEntry.id)))


def _phone(output: str) -> str:
    """What the console's phone room printed."""
    return "".join(block for block in output.split("\n[") if block.startswith("phone]"))


async def test_chat_then_sms_then_call_and_key_1_acknowledges_by_phone(console_bot: ConsoleBot,
                                                                       clock: ManualClock) -> None:
    await _dispatched_at_level_1(console_bot)
    reminder = await _step(console_bot, clock)
    assert "[FIRE-01] bot" in reminder and "[phone]" not in reminder

    sms = await _step(console_bot, clock)
    assert f"[phone] SMS → 张三 {ZHANG_SAN}" in sms
    assert f"事件{ID}（火灾，人民路化工厂，一级）的调度指令尚未接令。回复1接令，回复2无法执行。" in sms
    assert "🔴" not in _phone(sms) and "一级" in _phone(sms)  # the level's colour is for the eye, not for a phone
    assert "[FIRE-01] bot" not in sms  # the SMS step is not another chat reminder

    call = await _step(console_bot, clock)
    assert f"[phone] 📞 call → 张三 {ZHANG_SAN}" in call
    assert "接令请按1，无法执行请按2" in call and "[1 接令]  [2 无法执行]" in call

    pressed = await console_bot.say("张三@phone: 1")
    assert "(only 张三 sees) 已记录：已接令" in pressed
    assert "状态: 已接令（张三（电话）" in room(pressed, "FIRE-01")  # the unit's order, redrawn: by phone
    assert "edits message" in room(pressed, "centre")  # the board
    order = await _order(console_bot)
    assert order.state == "acknowledged" and order.escalate_at is None
    press = (await _timeline(console_bot, "order_press"))[-1]
    assert (press.actor_platform, press.actor_id, press.actor_name) == ("phone", ZHANG_SAN, "张三")
    assert press.data == {"unit": "FIRE-01", "state": "acknowledged", "changed": True}
    steps = [(e.data["step"], e.data["reached"]) for e in await _timeline(console_bot, "escalated")]
    assert steps == [("chat_reminder", []), ("sms", ["张三"]), ("call", ["张三"])]

    assert await _step(console_bot, clock, 10) == ""  # acknowledged: no step is left to run


async def test_without_sms_replies_the_sms_only_tells_and_the_call_takes_the_key(database_url: str) -> None:
    """escalation.sms_replies: false (numbers can be forged on some networks): the SMS asks
    for no reply and offers no menu; the call's keys still count."""
    clock = ManualClock()
    bot = await start_console_bot(database_url, example_org_with(escalation={"sms_replies": False}), clock)
    try:
        await _dispatched_at_level_1(bot)
        await _step(bot, clock)
        sms = await _step(bot, clock)
        assert f"[phone] SMS → 张三 {ZHANG_SAN}" in sms and "回复1" not in sms and "[1 " not in _phone(sms)
        assert "的调度指令尚未接令。请在单位群内接令，或接听来电按键。" in sms
        assert "没有等待按键的电话" in await bot.say("张三@phone: 1")  # the SMS has no menu to answer
        assert "接令请按1" in await _step(bot, clock)
        assert "已记录：已接令" in await bot.say("张三@phone: 1")
    finally:
        await bot.app.stop()


async def test_key_2_declines_and_the_centre_is_told(console_bot: ConsoleBot, clock: ManualClock) -> None:
    await _dispatched_at_level_1(console_bot)
    for _ in range(3):
        await _step(console_bot, clock)
    declined = await console_bot.say("张三@phone: 2")
    assert "已记录：无法执行" in declined
    assert "FIRE-01" in room(declined, "centre") and "无法执行" in room(declined, "centre")
    assert "[phone]" not in declined  # nobody is called back to be asked why
    assert (await _order(console_bot)).state == "declined"


async def test_keys_nobody_asked_for_change_nothing(console_bot: ConsoleBot, clock: ManualClock) -> None:
    await _dispatched_at_level_1(console_bot)
    assert "没有等待按键的电话" in await console_bot.say("张三@phone: 1")  # no call yet
    for _ in range(3):
        await _step(console_bot, clock)
    assert "没有等待按键的电话" in await console_bot.say("张三@phone: 9")
    assert "赵五 has no phone" in await console_bot.say("赵五@phone: 1")
    assert "没有等待按键的电话" in await console_bot.say("王指挥@phone: 1")  # never called
    assert (await _order(console_bot)).state == "ordered"


async def test_a_person_without_a_phone_is_skipped_and_the_centre_told(console_bot: ConsoleBot,
                                                                       clock: ManualClock) -> None:
    await _dispatched_at_level_1(console_bot)
    for _ in range(3):
        await _step(console_bot, clock)
    next_member = await _step(console_bot, clock)  # 李四, next on FIRE-01's list, has no phone
    assert "[phone]" not in next_member
    assert "李四 没有登记电话" in room(next_member, "centre")
    centre = await _step(console_bot, clock)
    assert "FIRE-01" in room(centre, "centre") and "10" in room(centre, "centre")
    assert (await _order(console_bot)).escalate_at is None


async def test_a_step_run_again_calls_nobody_twice(console_bot: ConsoleBot, clock: ManualClock) -> None:
    await _dispatched_at_level_1(console_bot)
    await _step(console_bot, clock)
    assert "[phone] SMS" in await _step(console_bot, clock)
    # As if the process died after the SMS went into the outbox but before the step was
    # settled: the same step comes due again.
    async with console_bot.app.db.transaction() as session:
        await session.execute(update(DispatchOrder).values(escalation_level=1, escalate_at=clock.now()))
    assert "[phone]" not in await _step(console_bot, clock, 0)
    async with console_bot.app.db.transaction() as session:
        sms = list(await session.scalars(select(OutboxMessage.chat_id).where(OutboxMessage.platform == "phone")))
    assert sms == [f"sms:{ZHANG_SAN}"]


async def test_the_hourly_cap_holds_and_the_centre_dials(database_url: str) -> None:
    clock = ManualClock()
    bot = await start_console_bot(
        database_url, example_org_with(escalation={"phone_limits": {"sms_per_hour": 1, "calls_per_hour": 0}}), clock)
    try:
        await _dispatched_at_level_1(bot)
        await _step(bot, clock)
        assert "[phone] SMS" in await _step(bot, clock)  # the one SMS this hour allows
        capped = await _step(bot, clock)
        assert "[phone]" not in capped and "已达每小时短信/电话上限，未联系 张三" in room(capped, "centre")
    finally:
        await bot.app.stop()


async def test_without_a_policy_escalation_is_todays(console_bot: ConsoleBot, clock: ManualClock) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")  # no level: the default, chat only
    reminder = await _step(console_bot, clock, 5)
    assert "[FIRE-01] bot" in reminder
    centre = await _step(console_bot, clock, 5)
    assert "未接令" in room(centre, "centre") or "10" in room(centre, "centre")
    assert "[phone]" not in reminder + centre


@pytest.mark.parametrize(("policies", "problem"), [
    ([{"steps": [{"after_minutes": 3, "action": "chat_remindr"}]}],
     "escalation.policies[0].steps[0].action: Input should be 'chat_reminder', 'sms', 'call' or 'centre' "
     "(did you mean chat_reminder?)"),
    ([{"steps": [{"after_minutes": 3, "action": "sms", "too": "duty_officer"}]}],
     "escalation.policies[0].steps[0].too: unknown key (did you mean to?)"),
    ([{"steps": [{"after_minutes": 6, "action": "sms"}, {"after_minutes": 3, "action": "call"}]}],
     "escalation.policies[0].steps: after_minutes must rise from step to step: [6, 3]"),
    ([{"steps": [{"after_minutes": 3, "action": "sms", "to": "deputy"}]}],
     "escalation.policies[0].steps[0].to: Input should be 'duty_officer' or 'next_member'"),
    ([{"levels": [7], "steps": [{"after_minutes": 3, "action": "sms"}]}],
     "escalation.policies[0].levels[0]: no response level 7 (levels: 1, 2, 3, 4)"),
    ([{"steps": [{"after_minutes": 3, "action": "sms"}]}, {"steps": [{"after_minutes": 4, "action": "call"}]}],
     "escalation.policies: one policy per level (and one default): default given twice"),
    ([{"steps": []}], "escalation.policies[0].steps: List should have at least 1 item"),
])
def test_policies_are_checked_with_their_key_paths(policies: object, problem: str) -> None:
    with pytest.raises(OrganisationError) as raised:
        example_org_with(escalation={"policies": policies})
    assert any(problem in line for line in raised.value.problems), raised.value.problems


# -- silent roll-calls (escalation.policies with applies_to: rollcalls) -------------------

ROLLCALL_POLICY = {"applies_to": "rollcalls", "steps": [
    {"after_minutes": 2, "action": "sms"}, {"after_minutes": 4, "action": "call"},
    {"after_minutes": 6, "action": "centre"}]}


async def _rollcall_bot(database_url: str, clock: ManualClock) -> ConsoleBot:
    data = yaml.safe_load(open(DEFAULT_ORG, encoding="utf-8"))
    data["escalation"]["policies"].append(ROLLCALL_POLICY)
    return await start_console_bot(database_url, parse_organisation(yaml.safe_dump(data, allow_unicode=True)), clock)


async def test_a_silent_roll_call_is_chased_by_sms_and_call_and_key_1_answers_present(database_url: str) -> None:
    from storage.models import RollcallAnswer, RollcallRun

    clock = ManualClock()
    bot = await _rollcall_bot(database_url, clock)
    try:
        await bot.say("王指挥@centre: /rollcall FIRE-01 MED-01 deadline:10m")
        reminder = await _step(bot, clock, 10)
        assert "[FIRE-01] bot" in reminder and "[phone]" not in reminder  # today's reminder at the deadline
        sms = await _step(bot, clock, 2)
        assert f"[phone] SMS → 张三 {ZHANG_SAN}" in sms and "回复1到岗，回复2不在岗" in sms
        call = await _step(bot, clock, 2)
        assert f"[phone] 📞 call → 张三 {ZHANG_SAN}" in call and "[1 到]  [2 不在岗]" in call
        answered = await bot.say("张三@phone: 1")
        assert "FIRE-01" in answered and "edits message" in room(answered, "FIRE-01")
        summary = await _step(bot, clock, 2)  # the centre step: the summary, and the roll-call closes
        assert "点名结果" in room(summary, "centre")
        async with bot.app.db.transaction() as session:
            answers = [(a.unit_code, a.name, a.status, a.late) for a in await session.scalars(select(RollcallAnswer))]
            run = (await session.scalars(select(RollcallRun))).one()
        assert answers == [("FIRE-01", "张三", "present", True)]
        assert (run.stage, run.escalation_step) == ("closed", 3)
    finally:
        await bot.app.stop()


async def test_a_roll_call_answered_in_chat_calls_nobody(database_url: str) -> None:
    clock = ManualClock()
    bot = await _rollcall_bot(database_url, clock)
    try:
        out = await bot.say("王指挥@centre: /rollcall FIRE-01 deadline:10m")
        present = re.findall(r"\[到 !([\w-]+)\]", room(out, "FIRE-01"))[-1]
        await bot.say(f"张三@FIRE-01: !{present}")
        chased = "".join([await _step(bot, clock, 10), await _step(bot, clock, 2), await _step(bot, clock, 2)])
        assert "[phone]" not in chased and "点名结果" in room(chased, "centre")
    finally:
        await bot.app.stop()


def test_a_roll_call_policy_takes_no_levels() -> None:
    with pytest.raises(OrganisationError, match="only a policy for orders is chosen by response level"):
        example_org_with(escalation={"policies": [{**ROLLCALL_POLICY, "levels": [1]}]})


# -- red alerts nobody confirmed (escalation.policies with applies_to: red_alerts) --------

ALERT_POLICY = {"applies_to": "red_alerts", "steps": [
    {"after_minutes": 5, "action": "chat_reminder"}, {"after_minutes": 10, "action": "sms"},
    {"after_minutes": 15, "action": "call"}, {"after_minutes": 20, "action": "centre"}]}


async def _alert_bot(database_url: str, clock: ManualClock) -> ConsoleBot:
    data = yaml.safe_load(open(DEFAULT_ORG, encoding="utf-8"))
    data["escalation"]["policies"].append(ALERT_POLICY)
    return await start_console_bot(database_url, parse_organisation(yaml.safe_dump(data, allow_unicode=True)), clock)


async def test_an_unconfirmed_red_alert_is_chased_and_key_1_confirms(database_url: str) -> None:
    from storage.models import Broadcast, BroadcastReceipt

    clock = ManualClock()
    bot = await _alert_bot(database_url, clock)
    try:
        preview = await bot.say("王指挥@centre: /broadcast red unit:FIRE-01,MED-01 上游水库泄洪，沿河人员立即撤离")
        sent = await bot.say(f"刘值班@centre: !{token(preview, '发送')}")
        confirm = re.findall(r"\[收到 !([\w-]+)\]", room(sent, "MED-01"))[-1]
        await bot.say(f"陈医生@MED-01: !{confirm}")  # MED-01 confirms in chat: never chased
        again = await _step(bot, clock, 5)
        assert "[FIRE-01] bot" in again and "[MED-01] bot" not in again  # the alert again, to FIRE-01 only
        sms = await _step(bot, clock, 5)
        assert f"[phone] SMS → 张三 {ZHANG_SAN}" in sms and "红色预警尚未确认收到：上游水库泄洪" in sms
        assert "陈医生" not in _phone(sms)
        call = await _step(bot, clock, 5)
        assert "[1 收到]" in call
        confirmed = await bot.say("张三@phone: 1")
        assert "已为 FIRE-01 确认收到" in confirmed
        assert await _step(bot, clock, 5) == ""  # everyone confirmed: the centre step is not needed
        async with bot.app.db.transaction() as session:
            receipts = {(r.unit_code, r.name, r.platform) for r in await session.scalars(select(BroadcastReceipt))}
            alert = (await session.scalars(select(Broadcast))).one()
        assert receipts == {("MED-01", "陈医生", "console"), ("FIRE-01", "张三", "phone")}
        assert alert.escalate_at is None
    finally:
        await bot.app.stop()


async def test_nobody_confirming_ends_with_the_centre_told(database_url: str) -> None:
    clock = ManualClock()
    bot = await _alert_bot(database_url, clock)
    try:
        preview = await bot.say("王指挥@centre: /broadcast red unit:FIRE-01 上游水库泄洪")
        await bot.say(f"刘值班@centre: !{token(preview, '发送')}")
        for _ in range(3):
            await _step(bot, clock, 5)
        told = await _step(bot, clock, 5)
        assert "红色预警 #1 发出 20 分钟仍未确认收到：FIRE-01" in room(told, "centre")
        blue = await bot.say("王指挥@centre: /broadcast blue unit:FIRE-01 明日例行检查")
        await bot.say(f"刘值班@centre: !{token(blue, '发送')}")
        assert "[phone]" not in "".join([await _step(bot, clock, 5) for _ in range(4)])  # only red alerts
    finally:
        await bot.app.stop()


async def test_the_hourly_cap_counts_orders_escalated_in_one_batch(database_url: str) -> None:
    data = yaml.safe_load(open(DEFAULT_ORG, encoding="utf-8"))
    data["escalation"]["phone_limits"] = {"sms_per_hour": 1, "calls_per_hour": 1}
    med = next(u for u in data["units"] if u["code"] == "MED-01")
    for member in med["members"]:
        member["phone"] = "13800003001"  # MED-01's duty officer has a phone here
    clock = ManualClock()
    bot = await start_console_bot(database_url, parse_organisation(yaml.safe_dump(data, allow_unicode=True)), clock)
    try:
        await bot.say(f"路人甲@reporting: {REPORT}")
        await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 MED-01 level:1")  # both due at once
        await _step(bot, clock)
        both = await _step(bot, clock)  # one SMS step per order, in one timer transaction
        assert _phone(both).count("SMS →") == 1 and "已达每小时短信/电话上限" in room(both, "centre")
    finally:
        await bot.app.stop()


def test_check_config_warns_of_duty_officers_a_phone_step_cannot_reach() -> None:
    org = example_org_with(escalation={"policies": [{"steps": [{"after_minutes": 3, "action": "call"}]}]})
    [warning] = [w for w in org.warnings if w.startswith("escalation.policies")]
    assert "MED-01 陈医生" in warning and "FIRE-01" not in warning  # 张三 has a phone
    quiet = example_org_with(escalation={"policies": [{"steps": [{"after_minutes": 3, "action": "chat_reminder"}]}]})
    assert not [w for w in quiet.warnings if w.startswith("escalation.policies")]
