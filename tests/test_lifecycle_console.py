"""An incident's whole lifecycle on the console (#14, part): closing stands every unit
down, a unit that declined can be ordered again, /status shows the units."""
from __future__ import annotations

from sqlalchemy import select

from storage.incidents import IncidentRepository
from storage.models import DispatchOrder
from tests.conftest import ConsoleBot
from tests.console_transcript import token as _token

REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"


def _order_in(out: str, unit: str) -> str:
    """The order the given unit's room was sent, out of a transcript."""
    return out.split(f"[{unit}] bot", 1)[1].split("\n[", 1)[0]


async def _orders(bot: ConsoleBot) -> list[DispatchOrder]:
    async with bot.app.db.transaction() as session:
        return list(await session.scalars(select(DispatchOrder).order_by(DispatchOrder.id)))


async def test_closing_stands_down_every_unit_still_on_it(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 MED-01")
    await console_bot.say(f"张三@FIRE-01: !{_token(_order_in(out, 'FIRE-01'), '出动')}")
    declined = await console_bot.say(f"陈医生@MED-01: !{_token(_order_in(out, 'MED-01'), '无法执行')}")
    assert "MED-01 对事件 20261122-0001 无法执行（陈医生）" in declined

    closed = await console_bot.say(f"王指挥@centre: /close {ID} 明火已扑灭，无人员伤亡")
    assert "已通知收队：FIRE-01" in closed and "MED-01" not in closed.split("已通知收队")[1].split("\n")[0]
    # The order is redrawn without buttons, and a new message tells the unit (an edit notifies nobody).
    assert "已结束 · 事件 20261122-0001（收队）" in closed and "处置总结: 明火已扑灭，无人员伤亡" in closed
    assert "事件 20261122-0001 已结束，FIRE-01 收队。总结：明火已扑灭，无人员伤亡" in closed
    edited = [part for part in closed.split("[FIRE-01] bot")[1:] if part.startswith(" (edits message")]
    assert edited and "!" not in edited[0].split("[", 1)[0]  # no button tokens left on the order
    assert "[MED-01] bot" not in closed  # it had declined: nothing to stand down
    # The reporter hears it is over, without the centre's summary.
    reporting = closed.split("[reporting] bot", 1)[1]
    assert "您报告的事件 20261122-0001 已处置结束" in reporting and "明火已扑灭" not in reporting.split("[", 1)[0]
    # The board shows the summary; late presses change nothing.
    assert "处置总结: 明火已扑灭，无人员伤亡" in closed.split("[centre] bot", 1)[1]
    late = await console_bot.say(f"张三@FIRE-01: !{_token(_order_in(out, 'FIRE-01'), '到场')}")
    assert "已结束，未做任何更改" in late
    assert [o.state for o in await _orders(console_bot)] == ["en_route", "declined"]


async def test_a_unit_that_declined_can_be_ordered_again(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    await console_bot.say(f"张三@FIRE-01: !{_token(out, '无法执行')}")
    again = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 -- 车辆已回站，请出动")
    assert "已就事件 20261122-0001 调度：FIRE-01" in again and "已在调度中" not in again
    assert "指令: 车辆已回站，请出动" in again.split("[FIRE-01] bot", 1)[1]
    first, second = await _orders(console_bot)
    assert (first.state, second.state, second.unit_code) == ("declined", "ordered", "FIRE-01")
    # Ordered, the unit is on it again: a third time is refused as before.
    third = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    assert "已在调度中，未重复下达：FIRE-01" in third and len(await _orders(console_bot)) == 2


async def test_status_shows_the_units_to_members_not_to_the_reporter(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 MED-01")
    await console_bot.say(f"张三@FIRE-01: !{_token(_order_in(out, 'FIRE-01'), '接令')}")
    status = await console_bot.say(f"王指挥@centre: /status {ID}")
    assert "出动力量:" in status and "FIRE-01" in status and "MED-01" in status
    own = await console_bot.say(f"路人甲@reporting: /status {ID}")
    assert "20261122-0001" in own and "出动力量" not in own
    on_it = await console_bot.say(f"陈医生@MED-01: /status {ID}")
    assert "出动力量:" in on_it and "FIRE-01" in on_it
    not_on_it = await console_bot.say(f"孙队长@CHEM-01: /status {ID}")
    assert "出动力量" not in not_on_it


async def test_a_follow_up_with_a_new_death_is_said_to_the_centre_and_the_units(console_bot: ConsoleBot) -> None:
    """Edits notify nobody: more dead, trapped or missing is a new message (#14, item 6)."""
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 MED-01")
    await console_bot.say(f"陈医生@MED-01: !{_token(_order_in(out, 'MED-01'), '无法执行')}")
    worse = await console_bot.say(f"路人甲@reporting: 续报 {ID}：已有1人死亡")
    notice = "事件 20261122-0001 情况加重：死亡 0→1"
    assert notice in worse.split("[centre] bot", 1)[1]
    fire = [part for part in worse.split("[FIRE-01] bot")[1:] if notice in part.split("\n[", 1)[0]]
    assert fire and not fire[0].startswith(" (edits message")  # a new message, not an edit
    assert notice not in "".join(worse.split("[MED-01] bot")[1:])  # it declined: not on it
    redrawn = [part for part in worse.split("[FIRE-01] bot")[1:] if part.startswith(" (edits message")]
    assert "伤亡: 死亡 1 · 受伤 3 · 被困 1 · 失联 0 🆕已更新" in redrawn[0]  # what changed is marked
    assert "地点: 人民路化工厂\n" in redrawn[0]  # what did not, is not
    same = await console_bot.say(f"路人甲@reporting: 续报 {ID}：1人死亡")  # the same figure again
    assert "情况加重" not in same


async def test_reopening_tells_the_units_to_carry_on_and_gives_their_buttons_back(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    await console_bot.say(f"张三@FIRE-01: !{_token(_order_in(out, 'FIRE-01'), '出动')}")
    await console_bot.say(f"王指挥@centre: /close {ID} 误报")
    refused = await console_bot.say(f"张三@FIRE-01: /reopen {ID}")
    assert "指挥中心成员" in refused
    reopened = await console_bot.say(f"王指挥@centre: /reopen {ID} 复燃")
    assert "事件 20261122-0001 已重新开启。" in reopened and "已通知继续执行：FIRE-01" in reopened
    assert "事件 20261122-0001 已重新开启，FIRE-01 请继续执行。原因：复燃" in reopened
    redrawn = [p for p in reopened.split("[FIRE-01] bot")[1:] if p.startswith(" (edits message")][0]
    pressed = await console_bot.say(f"张三@FIRE-01: !{_token(redrawn, '到场')}")
    assert "已记录：已到场" in pressed
    async with console_bot.app.db.transaction() as session:
        incident = await IncidentRepository(session).get(ID)
        kinds = [e.kind for e in await IncidentRepository(session).timeline(ID)]
    assert incident is not None and incident.status == "open" and incident.closed_at is None
    assert kinds[kinds.index("closed"):] == ["closed", "reopened", "order_press"]
    again = await console_bot.say(f"王指挥@centre: /reopen {ID}")
    assert "未结束，无需重新开启" in again


async def test_incidents_lists_the_open_ones_with_their_units(console_bot: ConsoleBot) -> None:
    assert "当前没有进行中的事件" in await console_bot.say("王指挥@centre: /incidents")
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    await console_bot.say("路人乙@reporting: 解放路与建设路口两车相撞，1人受伤")
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    await console_bot.say(f"张三@FIRE-01: !{_token(_order_in(out, 'FIRE-01'), '接令')}")
    listed = await console_bot.say("王指挥@centre: /incidents")
    assert "进行中的事件（2）" in listed
    assert f"{ID} 火灾 · 人民路化工厂" in listed and "✅FIRE-01" in listed
    assert "20261122-0002" in listed and "未调度" in listed
    assert "指挥中心成员" in await console_bot.say("张三@FIRE-01: /incidents")
    await console_bot.say(f"王指挥@centre: /close {ID}")
    assert ID not in await console_bot.say("王指挥@centre: /incidents")


async def test_merge_makes_two_incidents_one(console_bot: ConsoleBot) -> None:
    await console_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤")
    await console_bot.say("路人乙@reporting: 城东工业园仓库着火，有2人被困")  # later seen to be the same fire
    second = "20261122-0002"
    assert "指挥中心成员" in await console_bot.say(f"张三@FIRE-01: /merge {ID} {second}")
    assert "用法" in await console_bot.say(f"王指挥@centre: /merge {ID}")
    merged = await console_bot.say(f"王指挥@centre: /merge {second} {ID}")  # either order: the later joins
    assert f"事件 {second} 已并入 {ID}。" in merged
    assert f"事件 {ID} 情况加重：被困 0→2" in merged  # more trapped: said, not only drawn
    async with console_bot.app.db.transaction() as session:
        repo = IncidentRepository(session)
        keep, gone = await repo.get(ID), await repo.get(second)
        sources = await repo.sources_of(ID)
    assert keep is not None and gone is not None
    assert (keep.injured, keep.trapped, keep.status) == (3, 2, "open")
    assert (gone.status, gone.merged_into) == ("closed", ID)
    assert [(s.reporter_name, s.merged_from) for s in sources] == [("路人乙", second)]
    # A reply to the merged one's receipt now follows the earlier; merged again is refused.
    assert "已结束" in await console_bot.say(f"王指挥@centre: /merge {ID} {second}")


async def test_a_drill_and_a_real_incident_are_never_merged(console_bot: ConsoleBot) -> None:
    card = await console_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤")
    await console_bot.say("路人乙@reporting: 城东工业园仓库着火，有2人被困")
    asked = await console_bot.say(f"王指挥@centre: !{_token(card, '标记为演练')}")
    await console_bot.say(f"王指挥@centre: !{_token(asked, '确认：是演练')}")
    refused = await console_bot.say(f"王指挥@centre: /merge {ID} 20261122-0002")
    assert f"事件 {ID} 是演练，20261122-0002 是真实事件，不能合并。" in refused
    async with console_bot.app.db.transaction() as session:
        repo = IncidentRepository(session)
        assert [(await repo.get(i)).status for i in (ID, "20261122-0002")] == ["open", "open"]  # type: ignore[union-attr]


async def test_an_incident_with_orders_does_not_join_another(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    await console_bot.say("路人乙@reporting: 城东工业园仓库着火")
    await console_bot.say("王指挥@centre: /dispatch 20261122-0002 FIRE-01")
    refused = await console_bot.say(f"王指挥@centre: /merge {ID} 20261122-0002")
    assert "已有调度指令" in refused
    async with console_bot.app.db.transaction() as session:
        assert (await IncidentRepository(session).get("20261122-0002")).status == "open"  # type: ignore[union-attr]


async def test_command_on_scene_is_taken_handed_over_and_reports_the_situation(console_bot: ConsoleBot) -> None:
    """#14, item 5."""
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 MED-01")
    order_no = out.split("[FIRE-01] bot", 1)[1].split("#", 1)[1].split(":", 1)[0]
    assert "未找到事件" in await console_bot.say(f"路人甲@reporting: /commander {ID}")  # strangers learn nothing
    assert "只有正在处置事件" in await console_bot.say(f"孙队长@CHEM-01: /commander {ID}")  # not on it
    taken = await console_bot.say(f"张三@FIRE-01: /commander {ID}")
    assert "🎖️ 事件 20261122-0001 现场指挥：张三（FIRE-01）" in taken.split("[centre] bot", 1)[1]
    assert "🎖️ 事件 20261122-0001 现场指挥：张三（FIRE-01）" in taken.split("[MED-01] bot", 1)[1]
    assert "现场指挥: 张三 (FIRE-01)" in taken  # card, board and orders redrawn
    # A reply to the order by someone else is not a situation report.
    other = await console_bot.say(f"赵五@FIRE-01: ^{order_no} 收到")
    assert "现场情况已记录" not in other
    report = await console_bot.say(f"张三@FIRE-01: ^{order_no} 明火已控制，正在搜救被困人员")
    assert "现场情况已记录" in report and "现场情况: 明火已控制，正在搜救被困人员" in report.split("[centre] bot", 1)[1]
    handed = await console_bot.say(f"王指挥@centre: /commander {ID}")
    assert "现场指挥由 张三 移交给 王指挥（指挥中心）" in handed
    async with console_bot.app.db.transaction() as session:
        repo = IncidentRepository(session)
        incident = await repo.get(ID)
        entries = [(e.kind, e.actor_name) for e in await repo.timeline(ID) if e.kind in ("commander", "situation")]
    assert incident is not None and (incident.commander, incident.commander_unit) == ("王指挥", None)
    assert entries == [("commander", "张三"), ("situation", "张三"), ("commander", "王指挥")]


async def test_the_boards_take_command_button_is_the_same_as_commander(console_bot: ConsoleBot) -> None:
    """#14, item 5: the board offers 现场指挥; a press is /commander ID by whoever pressed."""
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    out = await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    board = out.split("调度看板", 1)[1]
    take = _token(board, "现场指挥")
    refused = await console_bot.say(f"孙队长@centre: !{take}")  # not on the incident, not of the centre
    assert "只有正在处置事件" in refused and "edits message" not in refused
    taken = await console_bot.say(f"王指挥@centre: !{take}")
    assert "(only 王指挥 sees) 您已担任事件 20261122-0001 的现场指挥" in taken
    assert "🎖️ 事件 20261122-0001 现场指挥：王指挥（指挥中心）" in taken.split("[FIRE-01] bot", 1)[1]
    assert "现场指挥: 王指挥 (指挥中心)" in taken and "[现场指挥 !" in taken  # the board keeps its button
    assert _token(taken, "现场指挥") == take  # redrawn with the same token: no row per drawing
    assert "您已是事件" in await console_bot.say(f"王指挥@centre: !{take}")
    closed = await console_bot.say(f"王指挥@centre: /close {ID}")
    assert "[现场指挥 !" not in closed.split("调度看板", 1)[-1]
    assert "已结束" in await console_bot.say(f"王指挥@centre: !{take}")
    async with console_bot.app.db.transaction() as session:
        kinds = [e.kind for e in await IncidentRepository(session).timeline(ID)]
    assert kinds.count("commander") == 1
