"""Two bot processes on one PostgreSQL: a decision taken from an incident's state (merge,
close, reopen, level, escalation, command on scene, a drill mark, a draft's Send, a support
request's approval, a pin's merge, a follow-up's figures) waits while the other process
holds the incident, and is taken from what that process committed, not from what both
first read; one taken from its orders' states (which units a reopen tells to carry on, a key
pressed on a call) waits while the other process holds those orders.

The other process is played by a transaction of its own connection pool that holds the
incidents as the bot does (lower id first), writes what its own handler would have
decided, and commits a second later. On SQLite there is one writer: these skip."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import ManualClock
from storage.db import Database
from storage.incidents import IncidentRepository
from storage.models import Incident, TimelineEntry
from tests.conftest import ConsoleBot

A, B = "20261122-0001", "20261122-0002"
NOW = datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc)
FIRE = "人民路化工厂起火，3人受伤"
SAME_FIRE = "城东工业园仓库着火，有2人被困"  # later seen to be the same fire


@asynccontextmanager
async def _other_process(bot: ConsoleBot) -> AsyncIterator[AsyncSession]:
    """A transaction of the other bot process, on a connection pool of its own; it commits as
    the block ends. (On SQLite the test is skipped: one writer, transactions never overlap.)"""
    if not bot.app.db.is_postgres:
        pytest.skip("SQLite has one writer: transactions never overlap")
    other = Database(bot.app.db.url.render_as_string(hide_password=False))
    try:
        async with other.transaction() as session:
            yield session
    finally:
        await other.dispose()


@asynccontextmanager
async def _other_process_holding(bot: ConsoleBot, *ids: str) -> AsyncIterator[AsyncSession]:
    """The other process holding these incidents as the bot does (FOR NO KEY UPDATE, lower
    id first)."""
    async with _other_process(bot) as session:
        await session.execute(
            select(Incident.id).where(Incident.id.in_(ids)).order_by(Incident.id).with_for_update(key_share=True))
        yield session


async def _said_while_held(bot: ConsoleBot, line: str, other_writes: Callable[[], Awaitable[None]]) -> asyncio.Task[str]:
    """Say the line while the other process holds the incidents; the other writes and commits
    (on leaving the caller's block) a second later. The answer is awaited after the block."""
    saying = asyncio.create_task(bot.say(line))
    await asyncio.sleep(1.0)
    await other_writes()
    return saying


async def _incident(bot: ConsoleBot, incident_id: str) -> Incident:
    async with bot.app.db.transaction() as session:
        found = await IncidentRepository(session).get(incident_id)
    assert found is not None
    return found


async def _timeline(bot: ConsoleBot, incident_id: str, kind: str) -> list[dict[str, object]]:
    async with bot.app.db.transaction() as session:
        return [e.data for e in await session.scalars(
            select(TimelineEntry).where(TimelineEntry.incident_id == incident_id, TimelineEntry.kind == kind)
            .order_by(TimelineEntry.id))]


async def _two_reports(bot: ConsoleBot) -> None:
    await bot.say(f"路人甲@reporting: {FIRE}")
    await bot.say(f"路人乙@reporting: {SAME_FIRE}")


async def test_a_merge_the_other_process_made_meanwhile_is_not_made_again(console_bot: ConsoleBot) -> None:
    """Two centre members merge the same pair at once: the second finds the later closed."""
    await _two_reports(console_bot)
    async with _other_process_holding(console_bot, A, B) as other:
        async def merged_b_into_a() -> None:
            await other.execute(update(Incident).where(Incident.id == B).values(
                status="closed", closed_at=Incident.created_at, merged_into=A))
        saying = await _said_while_held(console_bot, f"王指挥@centre: /merge {B} {A}", merged_b_into_a)
    answer = await asyncio.wait_for(saying, 20)
    assert f"事件 {B} 已结束，不能合并。" in answer
    assert await _timeline(console_bot, B, "merged") == []  # the other's merge, not this one's
    async with console_bot.app.db.transaction() as session:
        assert await IncidentRepository(session).sources_of(A) == []  # B's report not linked twice


async def test_a_merge_takes_over_the_figure_a_follow_up_committed_meanwhile(console_bot: ConsoleBot) -> None:
    """A follow-up on the later incident ("现共5人被困") in the other process while it is merged:
    the earlier takes over the committed figure, not the one the merge first read."""
    await _two_reports(console_bot)
    async with _other_process_holding(console_bot, B) as other:
        async def five_trapped() -> None:
            await other.execute(update(Incident).where(Incident.id == B).values(trapped=5))
        saying = await _said_while_held(console_bot, f"王指挥@centre: /merge {A} {B}", five_trapped)
    assert f"事件 {B} 已并入 {A}。" in await asyncio.wait_for(saying, 20)
    assert (await _incident(console_bot, A)).trapped == 5
    [merged_in] = await _timeline(console_bot, A, "merged_in")
    assert merged_in["raised"] == {"trapped": [0, 5]}


async def test_a_follow_up_on_an_incident_merged_meanwhile_goes_to_the_one_it_joined(
        console_bot: ConsoleBot) -> None:
    """The follow-up was found to be about the later incident just before the other process
    merged it: its figure goes where the centre now follows the incident."""
    await _two_reports(console_bot)
    async with _other_process_holding(console_bot, A, B) as other:
        async def merged_b_into_a() -> None:
            await other.execute(update(Incident).where(Incident.id == B).values(
                status="closed", closed_at=Incident.created_at, merged_into=A))
        saying = await _said_while_held(console_bot, f"张三@reporting: {B} 又发现1人死亡", merged_b_into_a)
    await asyncio.wait_for(saying, 20)
    assert ((await _incident(console_bot, A)).dead, (await _incident(console_bot, B)).dead) == (1, 0)
    assert [(d["field"], d["old"], d["new"]) for d in await _timeline(console_bot, A, "updated")] == [
        ("dead", 0, 1)]


async def test_a_close_the_other_process_made_meanwhile_is_not_made_again(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {FIRE}")
    async with _other_process_holding(console_bot, A) as other:
        async def closed_by_li() -> None:
            await other.execute(update(Incident).where(Incident.id == A).values(
                status="closed", closed_at=Incident.created_at, closed_by="李指挥"))
        saying = await _said_while_held(console_bot, f"王指挥@centre: /close {A} 已处置", closed_by_li)
    assert f"事件 {A} 已结束，未做任何更改。" in await asyncio.wait_for(saying, 20)
    incident = await _incident(console_bot, A)
    assert (incident.closed_by, incident.close_summary) == ("李指挥", None)
    assert await _timeline(console_bot, A, "closed") == []


async def test_a_reopen_the_other_process_made_meanwhile_is_not_made_again(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {FIRE}")
    await console_bot.say(f"王指挥@centre: /close {A}")
    async with _other_process_holding(console_bot, A) as other:
        async def reopened() -> None:
            await other.execute(update(Incident).where(Incident.id == A).values(
                status="open", closed_at=None, closed_by=None))
        saying = await _said_while_held(console_bot, f"王指挥@centre: /reopen {A} 复燃", reopened)
    assert f"事件 {A} 未结束，无需重新开启。" in await asyncio.wait_for(saying, 20)
    assert await _timeline(console_bot, A, "reopened") == []


async def test_a_level_set_meanwhile_is_the_old_level_of_the_next(console_bot: ConsoleBot) -> None:
    """Two centre members set the level at once: the second's old → new starts from the first's."""
    await console_bot.say(f"路人甲@reporting: {FIRE}")
    async with _other_process_holding(console_bot, A) as other:
        async def level_one() -> None:
            await other.execute(update(Incident).where(Incident.id == A).values(level=1, level_name="🔴一级"))
        saying = await _said_while_held(console_bot, f"王指挥@centre: /level {A} 2", level_one)
    answer = await asyncio.wait_for(saying, 20)
    assert "⬇️ 事件 20261122-0001 响应级别调整为：🟠二级（原：🔴一级）" in answer
    assert [(d["old"], d["new"]) for d in await _timeline(console_bot, A, "level")] == [(1, 2)]


async def test_command_taken_meanwhile_is_handed_over_not_taken_again(console_bot: ConsoleBot) -> None:
    """Two take command at once: the second is a handover from the first, on the timeline too."""
    await console_bot.say(f"路人甲@reporting: {FIRE}")
    async with _other_process_holding(console_bot, A) as other:
        async def li_took_command() -> None:
            await other.execute(update(Incident).where(Incident.id == A).values(
                commander="李队长", commander_id="console:李队长"))
        saying = await _said_while_held(console_bot, f"王指挥@centre: /commander {A}", li_took_command)
    assert f"事件 {A} 现场指挥由 李队长 移交给 王指挥" in await asyncio.wait_for(saying, 20)
    assert [d["before"] for d in await _timeline(console_bot, A, "commander")] == ["李队长"]


@pytest.fixture
async def tiers(database_url: str) -> AsyncIterator[ConsoleBot]:
    from core.clock import ManualClock
    from tests.conftest import start_console_bot
    from tests.tier_org import tier_org

    bot = await start_console_bot(database_url, tier_org(), ManualClock())
    yield bot
    await bot.app.stop()


async def test_an_escalation_made_meanwhile_is_not_sent_up_again(tiers: ConsoleBot) -> None:
    await tiers.say(f"路人甲@reporting: {FIRE}")
    async with _other_process_holding(tiers, A) as other:
        async def li_escalated() -> None:
            await other.execute(update(Incident).where(Incident.id == A).values(
                escalated_at=Incident.created_at, escalated_by="李指挥"))
        saying = await _said_while_held(tiers, f"王指挥@centre: /escalate {A} 涉及危化品", li_escalated)
    answer = await asyncio.wait_for(saying, 20)
    assert f"事件 {A} 已上报上级指挥中心（李指挥）。" in answer and "[upper]" not in answer
    assert await _timeline(tiers, A, "escalated_upper") == []


async def test_a_unit_dispatched_meanwhile_is_not_ordered_again_by_a_draft(console_bot: ConsoleBot) -> None:
    """A /dispatch of FIRE-01 in the other process as the draft (FIRE-01, MED-01) is sent:
    MED-01 is ordered and FIRE-01 said to be on it already (the press does not fail on
    the unique order of FIRE-01, ordering neither)."""
    from storage.models import DispatchOrder
    from tests.console_transcript import token

    card = await console_bot.say(f"路人甲@reporting: {FIRE}")
    draft = await console_bot.say(f"王指挥@centre: !{token(card, '调度')}")
    async with _other_process_holding(console_bot, A) as other:
        async def fire_01_ordered() -> None:
            other.add(DispatchOrder(incident_id=A, unit_code="FIRE-01", state="ordered", ordered_at=NOW,
                                    ordered_by="李指挥", ordered_by_id="console:李指挥", state_at=NOW))
            await other.flush()
        saying = await _said_while_held(console_bot, f"王指挥@centre: !{token(draft, '发送')}", fire_01_ordered)
    answer = await asyncio.wait_for(saying, 20)
    assert f"已就事件 {A} 调度：MED-01" in answer and "已在调度中，未重复下达：FIRE-01" in answer
    async with console_bot.app.db.transaction() as session:
        units = [o.unit_code for o in await session.scalars(select(DispatchOrder).order_by(DispatchOrder.id))]
    assert units == ["FIRE-01", "MED-01"]


async def _pinned_first_and_reported_second(bot: ConsoleBot) -> None:
    """A pinned at 37.16,122.42; B reported since, about to be pinned within a kilometre of it."""
    first = await bot.say(f"路人甲@reporting: {FIRE}")
    receipt_no = first.split(f"已登记事件 {A}")[0].rsplit("[reporting] bot", 1)[1].split("#")[-1].split(":")[0]
    await bot.say(f"路人甲@reporting: ^{receipt_no} :loc 37.1600,122.4200")
    await bot.say("路人乙@reporting: 东山仓库起火了，火很大")


PIN_NEAR_A = "路人乙@reporting: :loc 37.1650,122.4250"


async def test_a_pin_does_not_merge_again_an_incident_merged_by_hand_meanwhile(console_bot: ConsoleBot) -> None:
    """The pin finds B fresh and near A while the other process merges B into A by hand:
    B's report is linked to A once (by that merge), not a second time by the pin."""
    await _pinned_first_and_reported_second(console_bot)
    async with _other_process_holding(console_bot, A, B) as other:
        async def merged_b_into_a() -> None:
            await other.execute(update(Incident).where(Incident.id == B).values(
                status="closed", closed_at=Incident.created_at, merged_into=A))
        saying = await _said_while_held(console_bot, PIN_NEAR_A, merged_b_into_a)
    await asyncio.wait_for(saying, 20)
    assert await _timeline(console_bot, B, "merged") == []
    async with console_bot.app.db.transaction() as session:
        assert await IncidentRepository(session).sources_of(A) == []


async def test_a_pin_does_not_merge_into_an_incident_closed_meanwhile(console_bot: ConsoleBot) -> None:
    await _pinned_first_and_reported_second(console_bot)
    async with _other_process_holding(console_bot, A) as other:
        async def closed_a() -> None:
            await other.execute(update(Incident).where(Incident.id == A).values(
                status="closed", closed_at=Incident.created_at, closed_by="李指挥"))
        saying = await _said_while_held(console_bot, PIN_NEAR_A, closed_a)
    await asyncio.wait_for(saying, 20)
    b = await _incident(console_bot, B)
    assert (b.status, b.merged_into, b.latitude) == ("open", None, 37.165)


async def test_a_drill_mark_made_meanwhile_is_not_made_again(console_bot: ConsoleBot) -> None:
    from tests.console_transcript import token

    card = await console_bot.say(f"路人甲@reporting: {FIRE}")
    asked = await console_bot.say(f"王指挥@centre: !{token(card, '标记为演练')}")
    async with _other_process_holding(console_bot, A) as other:
        async def marked() -> None:
            await other.execute(update(Incident).where(Incident.id == A).values(drill=True))
        saying = await _said_while_held(console_bot, f"王指挥@centre: !{token(asked, '确认：是演练')}", marked)
    assert f"{A} 已经是演练。" in await asyncio.wait_for(saying, 20)
    assert await _timeline(console_bot, A, "marked_drill") == []


async def test_a_close_and_a_press_on_its_order_do_not_deadlock(console_bot: ConsoleBot) -> None:
    """A batch of presses in the other process holds FIRE-01's order and then records the
    press on the timeline, while /close here holds the incident and waits for that order
    (its escalations stopped). Held FOR UPDATE, the incident would make the timeline row's
    foreign key check wait for the close: each waiting for the other."""
    from storage.models import DispatchOrder

    await console_bot.say(f"路人甲@reporting: {FIRE}")
    await console_bot.say(f"王指挥@centre: /dispatch {A} FIRE-01")
    async with _other_process(console_bot) as other:  # preload_orders: the batch holds its orders
        await other.execute(select(DispatchOrder.id).with_for_update())
        saying = asyncio.create_task(console_bot.say(f"王指挥@centre: /close {A}"))
        await asyncio.sleep(1.0)
        await other.execute(update(DispatchOrder).values(state="acknowledged"))
        other.add(TimelineEntry(incident_id=A, at=NOW, kind="order_press", actor_name="张三",
                                data={"unit": "FIRE-01", "state": "acknowledged", "changed": True}))
        await other.flush()
    answer = await asyncio.wait_for(saying, 20)
    assert f"事件 {A} 已结束。" in answer and "已通知收队：FIRE-01" in answer
    assert [d["state"] for d in await _timeline(console_bot, A, "order_press")] == ["acknowledged"]


async def test_a_support_request_decided_meanwhile_is_not_decided_again(tiers: ConsoleBot) -> None:
    """Not approved in the other process as it is approved here: the approval is refused,
    and no unit of the other region is ordered."""
    from storage.models import DispatchOrder, SupportRequest
    from storage.support import REJECTED
    from tests.console_transcript import token

    await tiers.say(f"路人甲@reporting: {FIRE}")
    await tiers.say(f"王指挥@centre: /dispatch {A} FIRE-01")
    asked = await tiers.say(f"张三@FIRE-01: /request {A} WD-RESCUE-01 -- 需要船")
    assert "跨区域增援请求已送上级指挥中心审批" in asked
    async with _other_process_holding(tiers, A) as other:
        async def not_approved() -> None:
            await other.execute(update(SupportRequest).values(state=REJECTED, decided_by="副市指挥"))
        saying = await _said_while_held(tiers, f"市指挥@upper: !{token(asked, '批准')}", not_approved)
    assert "已决定" in await asyncio.wait_for(saying, 20)
    async with tiers.app.db.transaction() as session:
        assert [o.unit_code for o in await session.scalars(select(DispatchOrder))] == ["FIRE-01"]
    assert await _timeline(tiers, A, "support_approved") == []


async def test_a_reply_of_a_commander_replaced_meanwhile_is_not_a_situation_report(
        console_bot: ConsoleBot) -> None:
    """张三 commands at the scene and replies to the order just as the centre takes command in
    the other process: the card does not show the former commander's word as the situation."""
    await console_bot.say(f"路人甲@reporting: {FIRE}")
    dispatched = await console_bot.say(f"王指挥@centre: /dispatch {A} FIRE-01")
    order_no = dispatched.split("[FIRE-01] bot", 1)[1].split("#", 1)[1].split(":", 1)[0]
    await console_bot.say(f"张三@FIRE-01: /commander {A}")
    async with _other_process_holding(console_bot, A) as other:
        async def wang_took_command() -> None:
            await other.execute(update(Incident).where(Incident.id == A).values(
                commander="王指挥", commander_id="console:王指挥", commander_unit=None))
        saying = await _said_while_held(console_bot, f"张三@FIRE-01: ^{order_no} 明火已控制", wang_took_command)
    assert "现场情况已记录" not in await asyncio.wait_for(saying, 20)
    assert await _timeline(console_bot, A, "situation") == []
    assert (await _incident(console_bot, A)).situation is None


async def test_a_reopen_does_not_tell_a_unit_that_declined_meanwhile_to_carry_on(console_bot: ConsoleBot) -> None:
    """FIRE-01 declines by a key on its call in the other process as the incident is reopened
    here: a press holds its order, not the incident, and the key's batch had read the
    incident open before the /close. The reopen decides from the order as committed:
    FIRE-01 is not told to carry on, nor its silence counted again."""
    from storage.models import DispatchOrder

    await console_bot.say(f"路人甲@reporting: {FIRE}")
    await console_bot.say(f"王指挥@centre: /dispatch {A} FIRE-01")
    await console_bot.say(f"王指挥@centre: /close {A}")
    async with _other_process(console_bot) as other:
        await other.execute(update(DispatchOrder).values(
            state="declined", state_at=NOW, state_by="张三", escalate_at=None))
        saying = asyncio.create_task(console_bot.say(f"王指挥@centre: /reopen {A} 复燃"))
        await asyncio.sleep(1.0)
    answer = await asyncio.wait_for(saying, 20)
    assert f"事件 {A} 已重新开启。" in answer and "已通知继续执行" not in answer
    async with console_bot.app.db.transaction() as session:
        order = await session.scalar(select(DispatchOrder))
    assert (order.state, order.escalate_at) == ("declined", None)


async def test_a_key_on_a_call_does_not_put_back_a_unit_that_arrived_meanwhile(
        console_bot: ConsoleBot, clock: ManualClock) -> None:
    """张三 presses 1 (接令) on the escalation's call as FIRE-01 presses 到场 in its group in the
    other process: the key waits for that press and finds the unit on scene, as a button
    pressed in chat would; it does not write the order back to acknowledged."""
    from storage.models import DispatchOrder

    await console_bot.say(f"路人甲@reporting: {FIRE}")
    await console_bot.say(f"王指挥@centre: /dispatch {A} FIRE-01 level:1")
    for _ in range(3):  # a chat reminder, an SMS, then the call that takes keys
        clock.advance(minutes=2)
        await console_bot.app.run_timers()
        await console_bot.app.drain()
    assert "接令请按1" in console_bot.new_output()
    async with _other_process(console_bot) as other:  # preload_orders: the batch holds its order
        await other.execute(select(DispatchOrder.id).with_for_update())
        pressing = asyncio.create_task(console_bot.say("张三@phone: 1"))
        await asyncio.sleep(1.0)
        await other.execute(update(DispatchOrder).values(
            state="on_scene", state_at=NOW, state_by="李四", acknowledged_at=NOW, en_route_at=NOW,
            on_scene_at=NOW, escalate_at=None))
    pressed = await asyncio.wait_for(pressing, 20)
    assert "已记录" not in pressed
    async with console_bot.app.db.transaction() as session:
        assert (await session.scalar(select(DispatchOrder))).state == "on_scene"
