"""Follow-up reports that are not replies, on Telegram (the real python-telegram-bot stack
against the fake Bot API): linked to their incident by place or by naming its id, they
update it — increments add, totals replace — with old → new on the timeline, the centre's
card edited in place and the unit's order redrawn in place with what changed marked 🆕;
a new death is also said in a new message to the unit and the centre."""
from __future__ import annotations


from sqlalchemy import select

from bot.app import Liandong
from storage.models import Incident, TimelineEntry
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import CENTRE, REPORTING, reported
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)

FIRE_GROUP = -1002001
COMMANDER, FIREFIGHTER, REPORTER = 1001, 2001, 777
REPORT = "人民路化工厂起火，3人受伤，有人被困"
WAIT_S = 10.0


async def _updates(bot: Liandong, incident_id: str) -> list[tuple[str, int, int]]:  # noqa: F811
    async with bot.db.transaction() as session:
        return [(e.data["field"], e.data["old"], e.data["new"]) for e in await session.scalars(
            select(TimelineEntry).where(TimelineEntry.incident_id == incident_id, TimelineEntry.kind == "updated")
            .order_by(TimelineEntry.id))]


async def _incident(bot: Liandong, incident_id: str) -> Incident:  # noqa: F811
    async with bot.db.transaction() as session:
        found = await session.get(Incident, incident_id)
        assert found is not None
        return found


def _edits(fake: FakeTelegramAPI, chat: int, message_id: int) -> int:  # noqa: F811
    return sum(1 for c in fake.calls("editMessageText")
               if int(c["chat_id"]) == chat and int(c["message_id"]) == message_id)


async def test_increments_add_totals_replace_and_the_card_and_order_are_redrawn(
    bot: Liandong, fake: FakeTelegramAPI,  # noqa: F811
) -> None:
    card, incident_id = await reported(fake, REPORTER, REPORT)
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} FIRE-01")
    [order] = await fake.wait_for_messages(FIRE_GROUP, timeout=WAIT_S)
    assert "伤亡: 死亡 0 · 受伤 3 · 被困 1 · 失联 0\n" in order["text"]
    receipts = len(await fake.wait_for_messages(REPORTING, timeout=WAIT_S))

    # An increment, linked by the place alone (not a reply, no id): 3 + 2.
    fake.inject_message(REPORTING, REPORTER, "续报：人民路化工厂又有2人受伤")
    await fake.wait_until(lambda: "受伤 5" in fake.message(FIRE_GROUP, order["message_id"])["text"], WAIT_S)
    assert "伤亡: 死亡 0 · 受伤 5 · 被困 1 · 失联 0 🆕已更新" in fake.message(FIRE_GROUP, order["message_id"])["text"]
    await fake.wait_until(lambda: "受伤 5" in fake.message(CENTRE, card["message_id"])["text"], WAIT_S)
    told = (await fake.wait_for_messages(REPORTING, receipts + 1, timeout=WAIT_S))[receipts]
    assert f"已报告为事件 {incident_id}" in told["text"]
    assert len(fake.sent_messages(FIRE_GROUP)) == 1  # more injured: the order is redrawn, nothing new is sent
    assert (await _incident(bot, incident_id)).injured == 5

    # A total replaces: now 4, whatever was there.
    fake.inject_message(REPORTING, REPORTER, "人民路化工厂现场最新情况：现共4人受伤")
    await fake.wait_until(lambda: "受伤 4 · " in fake.message(FIRE_GROUP, order["message_id"])["text"], WAIT_S)
    await fake.wait_until(lambda: "受伤 4 · " in fake.message(CENTRE, card["message_id"])["text"], WAIT_S)
    assert (await _incident(bot, incident_id)).injured == 4

    # Naming the id is enough, from a member of the organisation; a death is also said anew.
    fake.inject_message(REPORTING, FIREFIGHTER, f"{incident_id} 又发现1人死亡")
    notice = f"事件 {incident_id} 情况加重：死亡 0→1"
    await fake.wait_until(lambda: any(notice in m["text"] for m in fake.sent_messages(FIRE_GROUP)), WAIT_S)
    await fake.wait_until(lambda: any(notice in m["text"] for m in fake.sent_messages(CENTRE)), WAIT_S)
    await fake.wait_until(lambda: "死亡 1 · 受伤 4 · 被困 1" in fake.message(FIRE_GROUP, order["message_id"])["text"],
                          WAIT_S)
    await fake.wait_until(lambda: "死亡 1 · 受伤 4 · 被困 1" in fake.message(CENTRE, card["message_id"])["text"],
                          WAIT_S)
    incident = await _incident(bot, incident_id)
    assert (incident.dead, incident.injured, incident.trapped) == (1, 4, 1)
    assert await _updates(bot, incident_id) == [("injured", 3, 5), ("injured", 5, 4), ("dead", 0, 1)]
    # The card and the order stayed the messages they were: edited, never sent again.
    assert _edits(fake, CENTRE, card["message_id"]) >= 3 and _edits(fake, FIRE_GROUP, order["message_id"]) >= 3
    assert sum("新事件" in m["text"] for m in fake.sent_messages(CENTRE)) == 1
    assert sum("调度指令" in m["text"] for m in fake.sent_messages(FIRE_GROUP)) == 1


async def test_a_strangers_follow_up_is_linked_but_changes_no_figure(
    bot: Liandong, fake: FakeTelegramAPI,  # noqa: F811
) -> None:
    card, incident_id = await reported(fake, REPORTER, REPORT)
    await fake.wait_for_messages(REPORTING, timeout=WAIT_S)
    fake.inject_message(REPORTING, 778, "续报 人民路化工厂现共10人死亡")
    await fake.wait_until(lambda: any(f"已报告为事件 {incident_id}" in m["text"]
                                      for m in fake.sent_messages(REPORTING)), WAIT_S)
    await fake.wait_until(lambda: any("10人死亡" in m["text"] for m in fake.sent_messages(CENTRE)), WAIT_S)  # notice
    assert (await _incident(bot, incident_id)).dead == 0 and await _updates(bot, incident_id) == []
    assert "死亡 0 · 受伤 3" in fake.message(CENTRE, card["message_id"])["text"]
