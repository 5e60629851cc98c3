"""The gazetteer on Telegram (the real python-telegram-bot stack against the fake Bot API):
a report naming a place of the organisation file's `places:` that has coordinates puts the
incident on the map — the centre's card and the unit's order carry a link to it (an HTML
link: a text_link entity to Telegram), still there when both are redrawn with new figures;
a known place without coordinates is the location but gives no map. A location a centre member corrects on the card is remembered as a place:
the next report naming it, however worded, is read as that place."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app import Liandong
from config.organisation import Organisation
from storage.models import Incident, KnownPlace
from tests.conftest import example_org_with
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import CENTRE, REPORTING, reported
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)

FIRE_GROUP = -1002001
COMMANDER, STRANGER = 1001, 777
PLACES = """
places:
  - {name: 石岛渔港二号码头, kind: port, town: 石岛管理区, latitude: 37.165, longitude: 122.425}
  - {name: 人民路化工厂, kind: enterprise, town: 崖头街道}
"""
MAP = "https://www.openstreetmap.org/?mlat=37.16500&mlon=122.42500#map=16/37.16500/122.42500"
WAIT_S = 10.0

LATER = "老王说东山街道老粮库起火了"


@pytest.fixture
def org() -> Organisation:
    return example_org_with(PLACES)


def _links(message: dict[str, Any]) -> list[tuple[str, str]]:
    """Each link Telegram shows on the message: (the text shown, where it leads)."""
    utf16 = message.get("text", "").encode("utf-16-le")
    return [(utf16[2 * e["offset"]:2 * (e["offset"] + e["length"])].decode("utf-16-le"), e["url"])
            for e in message.get("entities", []) if e["type"] == "text_link"]


async def _incident(bot: Liandong, incident_id: str) -> Incident:  # noqa: F811 (the fixture's name)
    async with bot.db.transaction() as session:
        found = await session.scalar(select(Incident).where(Incident.id == incident_id))
        assert found is not None
        return found


async def test_a_known_place_with_coordinates_puts_a_map_link_on_the_card_and_the_order(
    bot: Liandong, fake: FakeTelegramAPI,  # noqa: F811
) -> None:
    card, incident_id = await reported(fake, STRANGER, "刚才石岛渔港二号码头那边一条渔船起火了，2人受伤")
    assert "地点: 石岛渔港二号码头" in card["text"] and "位置坐标: 37.16500, 122.42500" in card["text"]
    assert _links(card) == [(MAP, MAP)] and f"地图: {MAP}" in card["text"]
    incident = await _incident(bot, incident_id)
    assert (incident.latitude, incident.longitude) == (37.165, 122.425)

    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} FIRE-01")
    [order] = await fake.wait_for_messages(FIRE_GROUP, timeout=WAIT_S)
    assert "调度指令" in order["text"] and _links(order) == [(MAP, MAP)]  # forces can open it on the way
    # A link, not a preview: Telegram would put a page's large card under the order.
    assert card["link_preview_options"] == order["link_preview_options"] == {"is_disabled": True}

    # Redrawn with new figures, the order and the card keep the link.
    fake.inject_message(REPORTING, STRANGER, f"续报 {incident_id}：又有1人受伤")
    await fake.wait_until(lambda: "受伤 3" in fake.message(FIRE_GROUP, order["message_id"])["text"], WAIT_S)
    await fake.wait_until(lambda: "受伤 3" in fake.message(CENTRE, card["message_id"])["text"], WAIT_S)
    assert _links(fake.message(FIRE_GROUP, order["message_id"])) == [(MAP, MAP)]
    assert _links(fake.message(CENTRE, card["message_id"])) == [(MAP, MAP)]
    assert fake.message(FIRE_GROUP, order["message_id"])["link_preview_options"] == {"is_disabled": True}


async def test_a_known_place_without_coordinates_is_the_location_but_no_map(
    bot: Liandong, fake: FakeTelegramAPI,  # noqa: F811
) -> None:
    fake.inject_message(REPORTING, STRANGER, "人民路化工厂那边起火了，3人受伤")
    [card] = await fake.wait_for_messages(CENTRE, timeout=WAIT_S)
    assert "地点: 人民路化工厂" in card["text"]
    assert "地图" not in card["text"] and "位置坐标" not in card["text"] and _links(card) == []


async def test_a_location_the_centre_corrects_on_the_card_is_remembered_as_a_place(
    bot: Liandong, fake: FakeTelegramAPI,  # noqa: F811
) -> None:
    card, incident_id = await reported(fake, STRANGER, "东山那个老仓库后面起火了 1人受伤")
    fake.inject_message(CENTRE, COMMANDER, "地点: 东山街道老粮库", reply_to_message_id=card["message_id"])
    await fake.wait_until(lambda: "地点: 东山街道老粮库" in fake.message(CENTRE, card["message_id"])["text"], WAIT_S)
    async with bot.db.transaction() as session:
        place = await session.get(KnownPlace, "东山街道老粮库")
    assert place is not None and place.source == "correction"
    # A report naming it, however else it is worded, is read as that place: the same incident
    # (without the gazetteer, "老王说…" would be read as a place of its own).
    fake.inject_message(REPORTING, 778, LATER)
    await fake.wait_until(lambda: any(f"已报告为事件 {incident_id}" in m["text"]
                                      for m in fake.sent_messages(REPORTING)), WAIT_S)
