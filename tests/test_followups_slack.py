"""Follow-up reports that are not replies (not in the report's thread), on Slack (the real
slack-bolt / slack-sdk stack against the fake Web API): linked to their incident by place
or by naming its id, they update it — increments add, totals replace — with old → new on
the timeline, the centre's card updated in place and the unit's order redrawn in place
with what changed marked 🆕; a new death is also said in a new message to the unit and
the centre."""
from __future__ import annotations

from sqlalchemy import select

from storage.models import TimelineEntry
from tests.fakes.slack_api import FakeSlackAPI
from tests.test_slack import SlackBot, all_text
from tests.test_slack_dispatch import (
    CENTRE, ENV, ENV_OFFICER, ID, REPORTING, STRANGER, current, dispatched, field, reported, titled,
)
from tests.test_slack_dispatch import bot, fake  # noqa: F401 (fixtures)


async def _updates(bot: SlackBot) -> list[tuple[str, int, int]]:  # noqa: F811
    async with bot.app.db.transaction() as session:
        return [(e.data["field"], e.data["old"], e.data["new"]) for e in await session.scalars(
            select(TimelineEntry).where(TimelineEntry.incident_id == ID, TimelineEntry.kind == "updated")
            .order_by(TimelineEntry.id))]


def _updated(fake: FakeSlackAPI, channel: str, ts: str) -> int:  # noqa: F811
    return sum(1 for c in fake.calls("chat.update") if c.params.get("channel") == channel and c.params.get("ts") == ts)


async def test_increments_add_totals_replace_and_the_card_and_order_are_redrawn(
    bot: SlackBot, fake: FakeSlackAPI,  # noqa: F811
) -> None:
    card = await reported(bot)  # 人民路化工厂氯气泄漏，2人受伤，有人被困
    order = (await dispatched(bot, "ENV-01"))["ENV-01"]
    assert field(order, "伤亡") == "死亡 0 · 受伤 2 · 被困 1 · 失联 0"

    # An increment, linked by the place alone (no thread, no id): 2 + 2.
    await bot.say(REPORTING, STRANGER, "续报：人民路化工厂又有2人受伤", ts="1763794900.000100")
    await bot.deliver()
    assert field(current(bot, ENV, order), "伤亡") == "死亡 0 · 受伤 4 · 被困 1 · 失联 0 🆕已更新"
    assert field(current(bot, CENTRE, card), "伤亡") == "死亡 0 · 受伤 4 · 被困 1 · 失联 0"
    told = [m for m in fake.messages(REPORTING) if m.get("thread_ts") == "1763794900.000100"]
    assert len(told) == 1 and f"已报告为事件 {ID}" in all_text(told[0])
    assert len(fake.messages(ENV)) == 1  # more injured: the order is redrawn, nothing new is sent
    assert (await bot.incident(ID)).injured == 4  # type: ignore[union-attr]

    # A total replaces: now 3, whatever was there.
    await bot.say(REPORTING, STRANGER, "人民路化工厂现场最新情况：现共3人受伤")
    await bot.deliver()
    assert field(current(bot, ENV, order), "伤亡") == "死亡 0 · 受伤 3 · 被困 1 · 失联 0 🆕已更新"
    assert field(current(bot, CENTRE, card), "伤亡") == "死亡 0 · 受伤 3 · 被困 1 · 失联 0"

    # Naming the id is enough, from a member of the organisation; a death is also said anew.
    await bot.say(REPORTING, ENV_OFFICER, f"{ID} 又发现1人死亡")
    await bot.deliver()
    notice = f"事件 {ID} 情况加重：死亡 0→1"
    assert notice in all_text(fake.messages(ENV)[-1])
    assert any(notice in all_text(m) for m in fake.messages(CENTRE))
    assert field(current(bot, ENV, order), "伤亡") == "死亡 1 · 受伤 3 · 被困 1 · 失联 0 🆕已更新"
    assert field(current(bot, CENTRE, card), "伤亡") == "死亡 1 · 受伤 3 · 被困 1 · 失联 0"
    incident = await bot.incident(ID)
    assert incident is not None and (incident.dead, incident.injured, incident.trapped) == (1, 3, 1)
    assert await _updates(bot) == [("injured", 2, 4), ("injured", 4, 3), ("dead", 0, 1)]
    # The card and the order stayed the messages they were: updated, never posted again.
    assert _updated(fake, CENTRE, card["ts"]) >= 3 and _updated(fake, ENV, order["ts"]) >= 3
    assert len(titled(fake, CENTRE, "新事件")) == 1 and len(titled(fake, ENV, "调度指令")) == 1


async def test_a_strangers_follow_up_is_linked_but_changes_no_figure(
    bot: SlackBot, fake: FakeSlackAPI,  # noqa: F811
) -> None:
    card = await reported(bot)
    await bot.say(REPORTING, "U7777", "续报 人民路化工厂现共10人死亡", ts="1763794900.000100")
    await bot.deliver()
    told = [m for m in fake.messages(REPORTING) if m.get("thread_ts") == "1763794900.000100"]
    assert len(told) == 1 and f"已报告为事件 {ID}" in all_text(told[0])
    assert any("10人死亡" in all_text(m) for m in fake.messages(CENTRE))  # the centre's notice
    assert (await bot.incident(ID)).dead == 0 and await _updates(bot) == []  # type: ignore[union-attr]
    assert field(current(bot, CENTRE, card), "伤亡").startswith("死亡 0 · 受伤 2")
