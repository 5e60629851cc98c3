"""A warning's area ↔ the organisation's places and units (#17).

In: the towns an outside warning concerns are the organisation's places its
<areaDesc> names (the gazetteer's `places:` and the towns units list as their
`areas:`) and the gazetteer places with coordinates inside its polygons or
circles; a village counts for its town too. The units it reaches are those whose
areas hold one of them.

Out: a broadcast's `area:` (towns, or unit codes standing for their areas) as
CAP <area>: the names as areaDesc, and a point (a circle of radius 0, as CAP
writes a point) for every named place the gazetteer has coordinates for.
"""
from __future__ import annotations

import re

from config.organisation import Organisation, UnitInfo
from core.cap.geometry import covers
from core.cap.model import Area

AREA_SEPARATORS = re.compile(r"[、,，;；]+")  # as request.py joins `area:` words (not spaces: names have them)


def known_names(org: Organisation) -> set[str]:
    """Every place name the organisation knows: the gazetteer's and the units' areas."""
    return {p.name for p in org.gazetteer.places} | {a for u in org.units.values() for a in u.areas}


def places_in(org: Organisation, areas: tuple[Area, ...], area_text: str = "") -> list[str]:
    """The known places a warning's area names or covers, with the towns of those that are in one."""
    descriptions = " ".join([area_text, *(a.description for a in areas)])
    found = {name for name in known_names(org) if name in descriptions}
    shaped = [a for a in areas if a.polygons or a.circles]
    for place in org.gazetteer.places:
        if place.latitude is not None and place.longitude is not None and any(
                covers(area, (place.latitude, place.longitude)) for area in shaped):
            found.add(place.name)
    towns = {town for name in found if (p := org.gazetteer.named(name)) is not None and (town := p.town)}
    # Drop a name that is only part of a longer one found (西河 inside 西河镇).
    names = found | towns
    return sorted(n for n in names if not any(n != other and n in other for other in names))


def units_covering(org: Organisation, places: list[str]) -> list[UnitInfo]:
    wanted = set(places)
    return [unit for unit in org.home_units().values() if wanted & set(unit.areas)]


def audience_for(org: Organisation, places: list[str], capabilities: set[str]) -> list[str]:
    """Units for a warning on these places: those covering them, and those with a capability the
    event calls for that cover them or have no areas (they answer region-wide)."""
    wanted = set(places)
    return [
        unit.code for unit in org.home_units().values()
        if wanted & set(unit.areas) or (capabilities & set(unit.capabilities) and not unit.areas)
    ]


def area_names(org: Organisation, words: list[str]) -> list[str]:
    """The places `area:` words name: a unit's code stands for its areas (a code of a unit
    without areas, or any other word, is kept as written)."""
    names: list[str] = []
    for word in filter(None, (w.strip() for w in words)):
        unit = org.units.get(word) or org.units.get(word.upper())
        names += list(unit.areas) if unit is not None and unit.areas else [word]
    return list(dict.fromkeys(names))


def cap_areas(org: Organisation, area: str) -> tuple[Area, ...]:
    """A broadcast's `area:` as one CAP <area>: unit codes become their towns; known places get a point."""
    names = area_names(org, AREA_SEPARATORS.split(area))
    if not names:
        return ()
    points = []
    for name in names:
        place = org.gazetteer.named(name)
        if place is not None and place.latitude is not None and place.longitude is not None:
            points.append(((place.latitude, place.longitude), 0.0))
    return (Area("、".join(names), circles=tuple(points)),)
