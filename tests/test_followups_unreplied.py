"""Follow-up reports that are not replies (console): linked to their incident by type and
place or by naming its id, they update it — increments add, totals replace — with old →
new on the timeline, the card edited and orders already sent redrawn with the new figures."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import Incident, TimelineEntry
from tests.conftest import ConsoleBot
from tests.console_transcript import room

REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"


async def _incident(bot: ConsoleBot) -> Incident:
    async with bot.app.db.transaction() as session:
        return await session.scalar(select(Incident).where(Incident.id == ID))


async def _updates(bot: ConsoleBot) -> list[tuple[str, int, int, str]]:
    async with bot.app.db.transaction() as session:
        return [(e.data["field"], e.data["old"], e.data["new"], e.actor_name) for e in await session.scalars(
            select(TimelineEntry).where(TimelineEntry.incident_id == ID, TimelineEntry.kind == "updated")
            .order_by(TimelineEntry.id))]


async def test_increments_add_totals_replace_and_orders_are_redrawn(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    await console_bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01")

    added = await console_bot.say("路人甲@reporting: 续报：人民路化工厂又有2人受伤")
    assert f"已报告为事件 {ID}" in room(added, "reporting")
    assert "受伤 5" in room(added, "centre")  # the card, edited
    order = room(added, "FIRE-01")
    assert "(edits message #" in order and "受伤 5" in order  # forces on the way see it
    assert (await _incident(console_bot)).injured == 5

    await console_bot.say("路人甲@reporting: 人民路化工厂现场最新情况：现共4人受伤")
    assert (await _incident(console_bot)).injured == 4

    # Naming the incident's id is enough, whatever else the message says or lacks.
    await console_bot.say(f"张三@reporting: {ID} 又发现1人死亡")
    incident = await _incident(console_bot)
    assert (incident.dead, incident.injured, incident.trapped) == (1, 4, 1)
    assert await _updates(console_bot) == [
        ("injured", 3, 5, "路人甲"), ("injured", 5, 4, "路人甲"), ("dead", 0, 1, "张三")]


async def test_a_second_witness_raises_a_count_but_never_lowers_it(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    await console_bot.say("路人甲@reporting: 人民路的化工厂着火了，1人受伤")  # no follow-up word: not lowered
    assert (await _incident(console_bot)).injured == 3
    await console_bot.say("路人甲@reporting: 人民路化工厂着火了，6人受伤")
    assert (await _incident(console_bot)).injured == 6


async def test_a_stranger_is_linked_but_changes_no_figure(console_bot: ConsoleBot) -> None:
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    out = await console_bot.say("路人乙@reporting: 续报 人民路化工厂现共10人死亡")
    assert f"已报告为事件 {ID}" in room(out, "reporting") and "10人死亡" in room(out, "centre")  # the notice
    assert (await _incident(console_bot)).dead == 0
    assert await _updates(console_bot) == []


async def test_an_increment_adds_to_the_figure_another_process_committed_meanwhile(console_bot: ConsoleBot) -> None:
    """Two processes on PostgreSQL: while another holds the incident and raises its
    count, this one's "又有2人受伤" waits and adds to the committed figure."""
    import asyncio

    import pytest
    from sqlalchemy import update

    from storage.db import Database

    db = console_bot.app.db
    if not db.is_postgres:
        pytest.skip("SQLite has one writer: transactions never overlap")
    await console_bot.say(f"路人甲@reporting: {REPORT}")
    other = Database(db.url.render_as_string(hide_password=False))  # the other process's own pool
    try:
        async with other.transaction() as session:
            await session.execute(select(Incident).where(Incident.id == ID).with_for_update())
            saying = asyncio.create_task(console_bot.say("路人甲@reporting: 续报：人民路化工厂又有2人受伤"))
            await asyncio.sleep(1.0)
            assert not saying.done()  # waits for the other process's transaction
            await session.execute(update(Incident).where(Incident.id == ID).values(injured=4))
        await asyncio.wait_for(saying, 20)
    finally:
        await other.dispose()
    assert (await _incident(console_bot)).injured == 6
    assert await _updates(console_bot) == [("injured", 4, 6, "路人甲")]
