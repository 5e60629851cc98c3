"""The gazetteer: the places an organisation knows, and reading a places file.

Places come from the organisation file's `places:` key, from `liandong places
import FILE` and from locations centre members corrected (both kept in the
database and laid over the file like the roster). A known place named in a
report is preferred as its location, and one with coordinates gives the
incident a map point.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from config.schema import PLACE_KINDS, Place
from config.spreadsheet import read_rows

MAX_FILE_BYTES = 20_000_000
MAX_ROWS = 100_000
MAX_COLUMNS = 30
# Header names (any case, Chinese or English) → field.
_HEADERS = {
    "name": "name", "名称": "name", "地名": "name", "地点": "name",
    "kind": "kind", "类别": "kind", "类型": "kind",
    "town": "town", "乡镇": "town", "镇街": "town", "所属乡镇": "town",
    "latitude": "latitude", "lat": "latitude", "纬度": "latitude",
    "longitude": "longitude", "lon": "longitude", "lng": "longitude", "经度": "longitude",
}
# Kinds as offices write them.
_KINDS = {
    **{kind: kind for kind in PLACE_KINDS},
    "镇": "town", "乡": "town", "街道": "town", "乡镇": "town", "村": "village", "社区": "village",
    "道路": "road", "路": "road", "港口": "port", "码头": "port", "渔港": "port", "园区": "park", "公园": "park",
    "景区": "park", "矿山": "mine", "矿": "mine", "采石场": "mine", "企业": "enterprise", "工厂": "enterprise",
    "公司": "enterprise", "其他": "other", "": "other",
}


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


@dataclass(frozen=True)
class Gazetteer:
    """Known places, found in text by the longest name that occurs."""

    places: tuple[Place, ...] = ()
    _pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    _by_name: dict[str, Place] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, places: list[Place] | tuple[Place, ...]) -> "Gazetteer":
        by_name: dict[str, Place] = {}
        for place in places:  # the later (the database's, corrected) wins over the file's
            by_name[place.name] = place
        names = sorted(by_name, key=len, reverse=True)
        pattern = re.compile("|".join(map(re.escape, names))) if names else None
        return cls(tuple(by_name.values()), pattern, by_name)

    def __len__(self) -> int:
        return len(self.places)

    def named(self, name: str) -> Place | None:
        return self._by_name.get(name)

    def find(self, text: str) -> Place | None:
        """The known place the text names (the longest of them), if any."""
        if self._pattern is None:
            return None
        found = [m.group() for m in self._pattern.finditer(text)]
        return self._by_name[max(found, key=len)] if found else None


@dataclass
class PlacesFile:
    source: str
    places: list[Place] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_places(path: str | Path) -> PlacesFile:
    """Every row as a place, or the problems: each bad row listed with its number and why."""
    result = PlacesFile(str(path))
    rows, problem = read_rows(path, max_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    if problem:
        result.problems.append(problem)
        return result
    header_at = next((i for i, row in enumerate(rows[:10]) if any(_key(c) in _HEADERS for c in row)), None)
    if header_at is None:
        result.problems.append("no header row: the columns are name (名称), kind (类别), town (乡镇), "
                               "latitude (纬度), longitude (经度)")
        return result
    columns = {i: _HEADERS[_key(c)] for i, c in enumerate(rows[header_at]) if _key(c) in _HEADERS}
    if "name" not in columns.values():
        result.problems.append("no name (名称) column")
        return result
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = {name: row[i] if i < len(row) else "" for i, name in columns.items()}
        if not any(cells.values()):
            continue
        if (why := _row_problem(cells)) is not None:
            result.problems.append(f"row {number}: {why}")
            continue
        key = _key(cells["name"])
        if key in seen:
            result.problems.append(f"row {number}: {cells['name']!r} is already row {seen[key]}")
            continue
        seen[key] = number
        result.places.append(_place(cells))
    return result


def _row_problem(cells: dict[str, str]) -> str | None:
    if len(cells.get("name", "")) < 2:
        return "a name of at least two characters is needed"
    if cells.get("kind", "") not in _KINDS and cells.get("kind", "").casefold() not in _KINDS:
        return f"kind {cells['kind']!r} is not one of {', '.join(PLACE_KINDS)} (or 镇, 村, 道路, 港口, 园区, 矿山, 企业, 其他)"
    try:
        _place(cells)
    except ValueError as exc:  # float() of a bad coordinate, or the schema's own checks
        return _reason(exc)
    return None


def _place(cells: dict[str, str]) -> Place:
    def number(name: str) -> float | None:
        text = cells.get(name, "")
        return float(text) if text else None

    kind = cells.get("kind", "")
    return Place(name=cells["name"], kind=_KINDS.get(kind, _KINDS.get(kind.casefold(), "other")),  # type: ignore[arg-type]
                 town=cells.get("town") or None, latitude=number("latitude"), longitude=number("longitude"))


def _reason(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"].removeprefix("Value error, ")
    return f"not a number: {exc}".replace("could not convert string to float: ", "")
