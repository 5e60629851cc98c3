"""The gazetteer on Slack (the real slack-bolt / slack-sdk stack against the fake Web API):
a report naming a place of the organisation file's `places:` that has coordinates puts the
incident on the map — the centre's card and the unit's order carry a mrkdwn link
(`<url|text>`: the bot's text is verbatim, so Slack would not link a bare address), still
there when the order is redrawn with new figures; a known place without coordinates gives
no map. A location a centre member corrects on the card is remembered as a place:
the next report naming it, however worded, is read as that place."""
from __future__ import annotations

import pytest

from config.organisation import Organisation
from storage.models import KnownPlace
from tests.conftest import example_org_with
from tests.fakes.slack_api import FakeSlackAPI, validate_blocks
from tests.test_slack import SlackBot, all_text, block_texts
from tests.test_slack_dispatch import COMMANDER, ENV, ID, REPORTING, STRANGER, current, dispatched, field, reported
from tests.test_slack_dispatch import CENTRE, bot, fake  # noqa: F401 (fixtures)

PLACES = """
places:
  - {name: 人民路化工厂, kind: enterprise, town: 崖头街道, latitude: 37.1651, longitude: 122.4172}
  - {name: 石岛港区, kind: port}
"""
MAP = "https://www.openstreetmap.org/?mlat=37.16510&mlon=122.41720#map=16/37.16510/122.41720"
# As mrkdwn: a link whose address and text are escaped like all the bot's text (Slack reads &amp; as &).
LINK = "<{0}|{0}>".format(MAP.replace("&", "&amp;"))

LATER = "老王说东山街道老粮库起火了"


@pytest.fixture
def org() -> Organisation:
    return example_org_with(PLACES)


async def test_a_known_place_with_coordinates_puts_a_map_link_on_the_card_and_the_order(
    bot: SlackBot, fake: FakeSlackAPI,  # noqa: F811
) -> None:
    card = await reported(bot)  # 人民路化工厂氯气泄漏，2人受伤，有人被困
    assert field(card, "地点") == "人民路化工厂" and field(card, "位置坐标") == "37.16510, 122.41720"
    assert field(card, "地图") == LINK and not validate_blocks(card["blocks"])
    incident = await bot.incident(ID)
    assert incident is not None and (incident.latitude, incident.longitude) == (37.1651, 122.4172)

    order = (await dispatched(bot, "ENV-01"))["ENV-01"]
    assert field(order, "地图") == LINK and not validate_blocks(order["blocks"])  # forces can open it on the way

    await bot.say(REPORTING, STRANGER, f"续报 {ID}：又有1人受伤")
    await bot.deliver()
    redrawn = current(bot, ENV, order)
    assert field(redrawn, "伤亡").startswith("死亡 0 · 受伤 3") and field(redrawn, "地图") == LINK
    assert field(current(bot, CENTRE, card), "地图") == LINK


async def test_a_known_place_without_coordinates_is_the_location_but_no_map(
    bot: SlackBot, fake: FakeSlackAPI,  # noqa: F811
) -> None:
    card = await reported(bot, "石岛港区一条货船起火了，1人受伤")
    assert field(card, "地点") == "石岛港区"
    assert not any(t.startswith(("*地图*", "*位置坐标*")) for t in block_texts(card))


async def test_a_location_the_centre_corrects_on_the_card_is_remembered_as_a_place(
    bot: SlackBot, fake: FakeSlackAPI,  # noqa: F811
) -> None:
    card = await reported(bot, "东山那个老仓库后面起火了 1人受伤")
    await bot.say(CENTRE, COMMANDER, "地点: 东山街道老粮库", thread_ts=card["ts"])  # a reply to the card
    await bot.deliver()
    assert field(current(bot, CENTRE, card), "地点") == "东山街道老粮库"
    async with bot.app.db.transaction() as session:
        place = await session.get(KnownPlace, "东山街道老粮库")
    assert place is not None and place.source == "correction"
    # A report naming it, however else it is worded, is read as that place: the same incident
    # (without the gazetteer, "老王说…" would be read as a place of its own).
    await bot.say(REPORTING, "U7777", LATER, ts="1763794900.000100")
    await bot.deliver()
    [told] = [m for m in fake.messages(REPORTING) if m.get("thread_ts") == "1763794900.000100"]
    assert f"已报告为事件 {ID}" in all_text(told)
