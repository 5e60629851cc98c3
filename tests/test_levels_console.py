"""Response levels on the console (#14, item 1): set with /level or at dispatch, on the
timeline, announced to the centre and to every unit on the incident, on card, board
and orders; a level's own acknowledgement timeout."""
from __future__ import annotations

import pytest
import yaml

from config.organisation import OrganisationError, parse_organisation
from config.settings import DEFAULT_ORG
from core.clock import ManualClock
from handlers.dispatch.levels import parse_level
from storage.incidents import IncidentRepository
from tests.conftest import ConsoleBot, start_console_bot

REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"


@pytest.mark.parametrize(("word", "level"), [("2", 2), ("II", 2), ("ii", 2), ("二", 2), ("二级", 2),
                                             ("Level IV", 4), ("一级响应", 1), ("五", 5), ("x2", None), ("", None)])
def test_levels_are_read_as_people_write_them(word: str, level: int | None) -> None:
    assert parse_level(word) == level


async def test_a_level_is_announced_to_the_centre_and_the_units_and_drawn_everywhere(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")
    assert "指挥中心成员" in await console_bot.say(f"张三@FIRE-01: /level {ID} 1")
    raised = await console_bot.say(f"王指挥@centre: /level {ID} 二级 火势蔓延至储罐区")
    notice = "⬆️ 事件 20261122-0001 响应级别：🟠二级（原：未说明）。原因：火势蔓延至储罐区（王指挥）"
    assert notice in raised.split("[centre] bot", 1)[1]
    fire = [part for part in raised.split("[FIRE-01] bot")[1:] if notice in part.split("\n[", 1)[0]]
    assert fire and not fire[0].startswith(" (edits")  # a new message to the unit
    assert "响应级别: 🟠二级" in raised.split("(edits message", 1)[1]  # card, order and board redrawn
    lowered = await console_bot.say(f"王指挥@centre: /level {ID} 4")
    assert "⬇️ 事件 20261122-0001 响应级别调整为：🔵四级（原：🟠二级）" in lowered
    assert "已是🔵四级" in await console_bot.say(f"王指挥@centre: /level {ID} IV")
    unknown = await console_bot.say(f"王指挥@centre: /level {ID} 7")
    assert "没有级别 7；可用级别：1 🔴一级、2 🟠二级、3 🟡三级、4 🔵四级" in unknown
    async with console_bot.app.db.transaction() as session:
        repo = IncidentRepository(session)
        incident = await repo.get(ID)
        levels = [(e.data["old"], e.data["new"], e.data["reason"], e.actor_name)
                  for e in await repo.timeline(ID) if e.kind == "level"]
    assert incident is not None and (incident.level, incident.level_name) == (4, "🔵四级")
    assert levels == [(None, 2, "火势蔓延至储罐区", "王指挥"), (2, 4, None, "王指挥")]


async def test_the_board_sets_the_level_with_two_presses(console_bot: ConsoleBot) -> None:
    """#14 item 1: from the board, as well as at dispatch and with /level."""
    from tests.console_transcript import room, token

    await console_bot.say(f"路人甲@reporting: {REPORT}")
    board = room(await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01"), "centre")
    menu_token = token(board, "响应级别")
    assert "只有指挥中心成员" in await console_bot.say(f"张三@centre: !{menu_token}")  # a unit member: refused
    menu = await console_bot.say(f"王指挥@centre: !{menu_token}")
    assert "设置事件 20261122-0001 的响应级别（现为：未说明）" in menu and "[🔵四级 !" in menu
    raised = await console_bot.say(f"王指挥@centre: !{token(menu, '🔴一级')}")
    assert "(only 王指挥 sees) 事件 20261122-0001 的响应级别已设为 🔴一级。" in raised
    assert "⬆️ 事件 20261122-0001 响应级别：🔴一级（原：未说明）" in room(raised, "FIRE-01")  # told like /level
    assert "已是🔴一级" in await console_bot.say(f"王指挥@centre: !{token(menu, '🔴一级')}")
    again = room(raised, "centre")
    assert token(again, "响应级别") == menu_token  # the redrawn board keeps its button: no new rows
    await console_bot.say(f"王指挥@centre: /close {ID}")
    assert "已结束" in await console_bot.say(f"王指挥@centre: !{token(menu, '🟠二级')}")


async def test_a_level_set_at_dispatch_shortens_the_acknowledgement_time(database_url: str) -> None:
    text = _with_levels([{"level": 1, "name": "特别重大", "colour": "red", "ack_timeout_minutes": 2}, {"level": 2}])
    clock = ManualClock()
    bot = await start_console_bot(database_url, parse_organisation(text), clock)
    try:
        await bot.say(f"路人甲@reporting: {REPORT}")
        bad = await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 level:3")
        assert "没有级别 level:3；可用级别：1 🔴特别重大、2 二级" in bad and "[FIRE-01]" not in bad
        out = await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 level:1 -- 立即出动")
        assert "响应级别: 🔴特别重大" in out.split("[FIRE-01] bot", 1)[1]
        clock.advance(minutes=2)
        assert await bot.app.run_timers() == 1  # the level's 2 minutes, not the default 5
    finally:
        await bot.app.stop()


def _with_levels(levels: list[dict[str, object]]) -> str:
    """The example organisation with these response levels instead of its own."""
    data = yaml.safe_load(open(DEFAULT_ORG, encoding="utf-8"))
    data["response_levels"] = levels
    return yaml.safe_dump(data, allow_unicode=True)


def test_levels_in_the_file_are_checked() -> None:
    with pytest.raises(OrganisationError, match="each level once"):
        parse_organisation(_with_levels([{"level": 1}, {"level": 1}]))
    with pytest.raises(OrganisationError, match="response_levels\\[0\\].colour"):
        parse_organisation(_with_levels([{"level": 1, "colour": "purple"}]))
    with pytest.raises(OrganisationError, match="give at least one level"):
        parse_organisation(_with_levels([]))


async def test_the_authority_a_unit_names_is_told_of_its_orders_levels_and_close(database_url: str) -> None:
    """报备 / 抄报 (#14, item 4): read-only copies, no buttons."""
    data = yaml.safe_load(open(DEFAULT_ORG, encoding="utf-8"))
    fire = next(unit for unit in data["units"] if unit["code"] == "FIRE-01")
    fire["notify"] = [{"telegram": "-100777"}]
    bot = await start_console_bot(database_url, parse_organisation(yaml.safe_dump(data, allow_unicode=True)),
                                  ManualClock())
    try:
        await bot.say(f"路人甲@reporting: {REPORT}")
        out = await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 MED-01 -- 从东门进入")
        copy = out.split("[FIRE-01-notify] bot", 1)[1].split("\n[", 1)[0]
        assert "抄报：FIRE-01 收到调度指令" in copy and "从东门进入" in copy and "!" not in copy
        assert "[MED-01-notify]" not in out  # MED-01 names no authority
        assert "[FIRE-01-notify] bot" in await bot.say(f"王指挥@centre: /level {ID} 2 扩大")
        closed = await bot.say(f"王指挥@centre: /close {ID} 已处置")
        assert "抄报：事件 20261122-0001 已结束，FIRE-01 收队" in closed.split("[FIRE-01-notify] bot", 1)[1]
        assert bot.app.org.units["FIRE-01"].notify[0].chat_id == "-100777"
    finally:
        await bot.app.stop()
