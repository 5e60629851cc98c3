"""A warning's area and the organisation's towns (#17): an outside warning reaches the units
whose areas it names or covers (towns in areaDesc, places inside its polygons), and a
broadcast's `area:` goes out as CAP <area> with points for the places the gazetteer locates.

The example organisation, given a county's gazetteer (清河县: 城关镇, 西河镇 and a
village of 西河镇) and areas for some of its units.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, AsyncIterator

import pytest
import yaml
from lxml import etree
from sqlalchemy import select

from config.organisation import Organisation, parse_organisation
from config.settings import DEFAULT_ORG
from core.cap.geometry import covers, distance_km, in_polygon
from core.cap.model import Area
from core.cap.reader import CapRefused, read_alert, schema
from core.clock import ManualClock
from handlers.broadcast.area import cap_areas, places_in
from handlers.broadcast.cap_out import cap_document
from storage.broadcasts import BroadcastRepository
from storage.models import Broadcast
from tests.conftest import ConsoleBot, example_org_with, start_console_bot
from tests.console_transcript import token as _token

DATA = Path(__file__).with_name("data") / "cap"
CHENGGUAN, XIHE, DONGSHAN = (23.55, 113.60), (23.62, 113.45), (23.60, 113.48)
AREAS = {"FIRE-01": ["城关镇"], "POWER-01": ["城关镇"], "BLUESKY-01": ["西河镇"], "MED-01": ["西河镇"]}


def county_org() -> Organisation:
    with open(DEFAULT_ORG, encoding="utf-8") as file:
        data: dict[str, Any] = yaml.safe_load(file)
    for unit in data["units"]:
        if unit["code"] in AREAS:
            unit["areas"] = AREAS[unit["code"]]
    data["places"] = [
        {"name": "城关镇", "kind": "town", "latitude": CHENGGUAN[0], "longitude": CHENGGUAN[1]},
        {"name": "西河镇", "kind": "town", "latitude": XIHE[0], "longitude": XIHE[1]},
        {"name": "东山村", "kind": "village", "town": "西河镇", "latitude": DONGSHAN[0], "longitude": DONGSHAN[1]},
    ]
    return parse_organisation(yaml.safe_dump(data, allow_unicode=True))


@pytest.fixture
async def county_bot(database_url: str, clock: ManualClock) -> AsyncIterator[ConsoleBot]:
    bot = await start_console_bot(database_url, county_org(), clock)
    yield bot
    await bot.app.stop()


def one_line(name: str) -> str:
    return " ".join((DATA / name).read_text(encoding="utf-8").split("\n"))


async def _broadcast(bot: ConsoleBot, id_: int) -> Broadcast:
    async with bot.app.db.transaction() as session:
        found = await session.scalar(select(Broadcast).where(Broadcast.id == id_))
        assert found is not None
        return found


# -- the arithmetic -----------------------------------------------------------------------


def test_a_point_inside_a_polygon_or_circle_is_covered() -> None:
    square = ((23.5, 113.55), (23.5, 113.65), (23.6, 113.65), (23.6, 113.55), (23.5, 113.55))
    assert in_polygon(CHENGGUAN, square) and not in_polygon(XIHE, square) and not in_polygon(DONGSHAN, square)
    assert 17 < distance_km(CHENGGUAN, XIHE) < 17.3  # 7.8 km north-south, 15.3 km east-west
    assert covers(Area("", circles=((XIHE, 5.0),)), DONGSHAN)  # 3.8 km from 西河镇
    assert not covers(Area("", circles=((XIHE, 3.0),)), DONGSHAN)


@pytest.mark.parametrize("shape", [
    "<polygon>23.5,113.55 23.5,113.65 23.6,113.55</polygon>",  # not closed, too few points
    "<polygon>23.5;113.55 23.5,113.65 23.6,113.65 23.5;113.55</polygon>",
    "<circle>23.5,113.55</circle>",  # no radius
    "<circle>95,113.55 3</circle>",  # no such latitude
])
def test_a_malformed_shape_is_refused(shape: str) -> None:
    document = (DATA / "cn_flood_polygon.xml").read_text(encoding="utf-8")
    document = document.replace(
        "<polygon>23.50,113.55 23.50,113.65 23.60,113.65 23.60,113.55 23.50,113.55</polygon>", shape)
    with pytest.raises(CapRefused) as refused:
        read_alert(document.encode())
    assert refused.value.reason == "area"


def test_towns_named_in_the_area_and_places_inside_its_polygon_are_found() -> None:
    org = county_org()
    towns = read_alert((DATA / "cn_rainstorm_orange_towns.xml").read_bytes())
    assert places_in(org, towns.areas, towns.area) == ["西河镇"]  # 北岭镇 is not this organisation's
    flood = read_alert((DATA / "cn_flood_polygon.xml").read_bytes())
    assert flood.areas[0].polygons[0][0] == (23.5, 113.55)
    assert places_in(org, flood.areas, flood.area) == ["城关镇"]
    village = Area("", circles=((DONGSHAN, 1.0),))
    assert places_in(org, (village,)) == ["东山村", "西河镇"]  # a village counts for its town


# -- in: the draft's audience ---------------------------------------------------------------


async def test_a_rainstorm_naming_a_town_reaches_its_units_and_the_county_wide_rescuers(
    county_bot: ConsoleBot,
) -> None:
    out = await county_bot.say(f"王指挥@centre: {one_line('cn_rainstorm_orange_towns.xml')}")
    assert "📥 外部预警 · 草稿 #1" in out and "🟠 橙色预警" in out and "涉及地点: 西河镇" in out
    draft = await _broadcast(county_bot, 1)
    # 西河镇's units (BLUESKY-01 rescuers, MED-01 medics), and SEA-01: water rescue with no
    # area (the whole county). FIRE-01 rescues too, but only in 城关镇.
    assert draft.units == ["MED-01", "BLUESKY-01", "SEA-01"]
    assert draft.audience == ["unit:MED-01,BLUESKY-01,SEA-01"] and draft.area == "清河县西河镇、北岭镇"
    sent = await county_bot.say(f"刘值班@centre: !{_token(out, '发送')}")
    assert "[BLUESKY-01] bot" in sent and "[MED-01] bot" in sent and "[FIRE-01] bot" not in sent


async def test_a_flood_polygon_over_the_county_town_reaches_the_county_towns_units(county_bot: ConsoleBot) -> None:
    out = await county_bot.say(f"王指挥@centre: {one_line('cn_flood_polygon.xml')}")
    assert "🟡 黄色预警" in out and "涉及地点: 城关镇" in out
    assert (await _broadcast(county_bot, 1)).units == ["FIRE-01", "POWER-01", "SEA-01"]


async def test_an_area_the_organisation_does_not_know_falls_back_to_the_event(county_bot: ConsoleBot) -> None:
    out = await county_bot.say(f"王指挥@centre: {one_line('cn_rainstorm_red.xml')}")  # 从化区、增城区
    assert "涉及地点" not in out
    draft = await _broadcast(county_bot, 1)
    assert draft.audience == ["cap:rescue,water_rescue"] and "MED-01" not in draft.units


# -- out: a broadcast's area as CAP <area> -----------------------------------------------------


def test_towns_and_unit_codes_become_an_area_with_points() -> None:
    org = county_org()
    (area,) = cap_areas(org, "城关镇、BLUESKY-01、北岭镇")
    assert area.description == "城关镇、西河镇、北岭镇"  # BLUESKY-01 stands for its town
    assert area.circles == ((CHENGGUAN, 0.0), (XIHE, 0.0))  # 北岭镇: no coordinates known
    assert cap_areas(org, "") == ()


async def test_a_sent_broadcast_carries_its_area_with_points_in_valid_cap(county_bot: ConsoleBot) -> None:
    preview = await county_bot.say("王指挥@centre: /broadcast orange unit:FIRE-01 area:城关镇,BLUESKY-01 "
                                   "event:暴雨 今晚有大暴雨")
    await county_bot.say(f"刘值班@centre: !{_token(preview, '发送')}")
    async with county_bot.app.db.transaction() as session:
        repo = BroadcastRepository(session)
        document = await cap_document(repo, county_bot.app.org, await repo.get(1))
    assert schema().validate(etree.fromstring(document)), schema().error_log
    alert = read_alert(document)
    assert (await _broadcast(county_bot, 1)).area == "城关镇、西河镇"  # what units see: BLUESKY-01's town
    assert alert.area == "城关镇、西河镇"
    assert alert.areas[0].circles == ((CHENGGUAN, 0.0), (XIHE, 0.0))
    assert places_in(county_bot.app.org, alert.areas) == ["城关镇", "西河镇"]  # read back, the same towns


async def test_known_places_but_no_unit_areas_leave_the_audience_to_the_event(
    database_url: str, clock: ManualClock,
) -> None:
    """An organisation with a gazetteer but no units' areas: the area names 西河镇, yet no unit
    covers it, so the event chooses (as before areas existed)."""
    org = example_org_with(f"""
places:
  - {{name: 西河镇, kind: town, latitude: {XIHE[0]}, longitude: {XIHE[1]}}}
""")
    bot = await start_console_bot(database_url, org, clock)
    try:
        out = await bot.say(f"王指挥@centre: {one_line('cn_rainstorm_orange_towns.xml')}")
        assert "涉及地点: 西河镇" in out
        assert (await _broadcast(bot, 1)).audience == ["cap:rescue,water_rescue"]
    finally:
        await bot.app.stop()
