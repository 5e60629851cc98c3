"""The gazetteer: places from the organisation file, `liandong places import` (good files,
every kind of bad row) and centre corrections; a known place is preferred as a report's
location and one with coordinates puts the incident on the map (a link on card and order)."""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from pydantic import ValidationError

from core.clock import ManualClock
from config.organisation import Organisation
from config.places import read_places
from config.schema import Place
from tests.conftest import start_console_bot
from tests.console_transcript import room
from tests.test_cli import run

OSM = "https://www.openstreetmap.org/?mlat=37.16500&mlon=122.42500"


def _with_places(org: Organisation, *places: Place) -> Organisation:
    return Organisation(org.spec.model_copy(update={"places": list(places)}))


async def test_a_known_place_is_the_location_and_puts_the_incident_on_the_map(
    database_url: str, org: Organisation, clock: ManualClock,
) -> None:
    known = _with_places(org, Place(name="石岛渔港二号码头", kind="port", latitude=37.165, longitude=122.425))
    bot = await start_console_bot(database_url, known, clock)
    try:
        out = await bot.say("路人甲@reporting: 刚才石岛渔港二号码头那边一条渔船起火了，2人受伤")
        card = room(out, "centre")
        assert "地点: 石岛渔港二号码头" in card and OSM in card and "坐标: 37.16500, 122.42500" in card
        order = room(await bot.say("王指挥@centre: /dispatch 20261122-0001 FIRE-01"), "FIRE-01")
        assert OSM in order  # forces can open it on the way
        # A second report at the known place joins it (same point), whatever else it says.
        second = await bot.say("路人乙@reporting: 石岛渔港二号码头着火，有浓烟")
        assert "已报告为事件 20261122-0001" in room(second, "reporting")
    finally:
        await bot.app.stop()


async def test_a_location_the_centre_corrects_is_remembered_as_a_place(
    database_url: str, org: Organisation, clock: ManualClock,
) -> None:
    bot = await start_console_bot(database_url, org, clock)
    try:
        out = await bot.say("路人甲@reporting: 东山那个老仓库后面起火了 1人受伤")
        card_no = re.search(r"\[centre\] bot #(\d+):", out).group(1)  # type: ignore[union-attr]
        await bot.say(f"王指挥@centre: ^{card_no} 地点: 东山街道老粮库")
        later = room(await bot.say("路人乙@reporting: 东山街道老粮库又冒烟了，有人被困"), "reporting")
        assert "已报告为事件 20261122-0001" in later  # read as the place it is now known as
        # However else it is worded: without the gazetteer, "老王说…" is read as a place of its own.
        worded = room(await bot.say("路人丙@reporting: 老王说东山街道老粮库起火了"), "reporting")
        assert "已报告为事件 20261122-0001" in worded
    finally:
        await bot.app.stop()


def test_places_import_all_or_nothing_with_every_bad_row(database_url: str, tmp_path: Path) -> None:
    env = {"LIANDONG_DATABASE_URL": database_url}
    good = tmp_path / "places.csv"
    good.write_text("名称,类别,乡镇,纬度,经度\n石岛渔港,港口,石岛,36.88,122.43\n人民路化工厂,企业,崖头街道,,\n",
                    encoding="gb18030")
    imported = run("places", "import", str(good), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "imported 2 places (1 with coordinates)" in imported.stdout
    assert "0 new or changed" in run("places", "import", str(good), env=env).stdout  # again: nothing new

    bad = tmp_path / "bad.xlsx"
    book = Workbook()
    sheet = book.active
    for row in (["name", "kind", "latitude", "longitude"], ["X", "town", None, None], ["东山仓库", "warehouse", None, None],
                ["南山", None, 91, 1], ["北山", None, 37.1, None], ["西山", None, "abc", 1],
                ["南山村", None, None, None], ["南山村", None, None, None], ["好地方", "村", 37.2, 122.3]):
        sheet.append(row)
    book.save(bad)
    refused = run("places", "import", str(bad), env=env)
    assert refused.returncode == 1
    lines = refused.stderr.splitlines()
    assert lines[0] == f"{bad}: 6 problem(s):" and lines[-1].startswith("nothing imported")
    for row, why in ((2, "at least two characters"), (3, "kind 'warehouse'"), (4, "less than or equal to 90"),
                     (5, "both latitude and longitude"), (6, "not a number"), (8, "already row 7")):
        assert any(line.startswith(f"row {row}: ") and why in line for line in lines), (row, refused.stderr)
    assert "Traceback" not in refused.stderr
    assert run("places", "import", str(tmp_path / "missing.csv"), env=env).returncode == 1
    (tmp_path / "junk.xlsx").write_bytes(b"PK\x03\x04 not really")
    junk = run("places", "import", str(tmp_path / "junk.xlsx"), env=env)
    assert junk.returncode == 1 and "cannot read the workbook" in junk.stderr


def test_the_organisation_file_places_are_checked() -> None:
    with pytest.raises(ValidationError, match="both latitude and longitude"):
        Place(name="南山", latitude=37.0)
    with pytest.raises(ValidationError):
        Place(name="南山", kind="warehouse")  # type: ignore[arg-type]
    assert read_places("/nonexistent.csv").problems


def test_places_import_names_every_other_kind_of_bad_row_and_file(database_url: str, tmp_path: Path) -> None:
    env = {"LIANDONG_DATABASE_URL": database_url}
    bad = tmp_path / "more.csv"
    bad.write_text("name,kind,town,lat,lon\n"
                   f"{'长' * 101},,,,\n"        # row 2: a name too long
                   "东山,,,37.1,181\n"          # row 3: a longitude out of range
                   f"西山,,{'镇' * 101},,\n"    # row 4: a town too long
                   ",,,,\n"                     # row 5: blank, skipped
                   "南山村,村,,,\n"             # row 6: good
                   "南山 村,,,,\n"              # row 7: row 6 again, spaced differently
                   ",镇,,37.1,122.1\n"          # row 8: no name
                   "北山,,,37.1,122.1\n",       # row 9: good
                   encoding="utf-8")
    refused = run("places", "import", str(bad), env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    lines = refused.stderr.splitlines()
    assert lines[0] == f"{bad}: 5 problem(s):" and lines[-1].startswith("nothing imported"), refused.stderr
    for row, why in ((2, "name: String should have at most 100 characters"),
                     (3, "longitude: Input should be less than or equal to 180"),
                     (4, "town: String should have at most 100 characters"),
                     (7, "'南山 村' is already row 6"), (8, "at least two characters")):
        assert any(line.startswith(f"row {row}: ") and why in line for line in lines), (row, refused.stderr)
    # All or nothing: the good rows of the refused file were not imported.
    good = tmp_path / "good.csv"
    good.write_text("名称\n南山村\n北山\n", encoding="utf-8")
    assert "imported 2 places (0 with coordinates): 2 new or changed" in run(
        "places", "import", str(good), env=env).stdout

    for name, content, why in (
        ("no-header.csv", "名字,经纬\n南山村,37.1\n", "no header row"),
        ("no-name.csv", "kind,latitude,longitude\n村,37.1,122.1\n", "no name (名称) column"),
        ("empty.csv", "name,kind\n", "no places in it"),
        ("wide.csv", "name" + ",x" * 30 + "\n南山村\n", "30 columns"),
    ):
        (tmp_path / name).write_text(content, encoding="utf-8")
        result = run("places", "import", str(tmp_path / name), env=env)
        assert result.returncode == 1 and why in result.stderr and "Traceback" not in result.stderr, (name, result)
    (tmp_path / "long.csv").write_text("name\n" + "南山村\n" * 100_001, encoding="utf-8")
    (tmp_path / "binary.csv").write_bytes(b"name\n\x80\x80\n")
    with open(tmp_path / "huge.csv", "wb") as huge:
        huge.truncate(20_000_001)  # sparse: refused before it is read
    for name, why in (("long.csv", "more than 100,000 rows"), ("binary.csv", "cannot read the file as text"),
                      ("huge.csv", "larger than 20,000,000 bytes")):
        result = run("places", "import", str(tmp_path / name), env=env)
        assert result.returncode == 1 and why in result.stderr and "Traceback" not in result.stderr, (name, result)


async def test_places_imported_while_the_bot_runs_are_picked_up(
    database_url: str, org: Organisation, clock: ManualClock, tmp_path: Path,
) -> None:
    bot = await start_console_bot(database_url, org, clock)
    try:
        places = tmp_path / "places.csv"
        places.write_text("名称,类别,纬度,经度\n石岛渔港二号码头,港口,37.165,122.425\n", encoding="utf-8")
        imported = await asyncio.to_thread(run, "places", "import", str(places),
                                           env={"LIANDONG_DATABASE_URL": database_url})
        assert imported.returncode == 0, imported.stderr
        assert await bot.app.catch_up_roster()  # what the running bot does every few seconds
        out = await bot.say("路人甲@reporting: 刚才石岛渔港二号码头那边一条渔船起火了，2人受伤")
        card = room(out, "centre")
        assert "地点: 石岛渔港二号码头" in card and OSM in card
    finally:
        await bot.app.stop()
