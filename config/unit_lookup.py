"""Finding a unit from what someone typed, and "did you mean this unit?" when
nothing matches.

Units are named in chat commands (/invite, /remove, /dispatch, /onduty,
/rollcall, /broadcast), on the command line (`liandong invite`, `liandong
roster remove`) and in the organisation file itself (dispatch plans, roll
calls). They all match against the organisation, so the rule lives here once:
a code in any case or a unit's name finds the unit; part of a name finds it
when only one unit has it; a typo gets up to three close codes or names.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from config.names import name_key as _key

if TYPE_CHECKING:
    from config.organisation import Organisation

MAX_CLOSE = 3
CODE_CUTOFF = 0.6  # FIRE-1 → FIRE-01 (0.92); below, SEA-01 would be offered for FIRE-1 (0.5)
NAME_CUTOFF = 0.5


def close_units(units: Mapping[str, Any], text: str) -> list[str]:
    """Codes of up to three units whose code (any case) or name is close to `text`,
    closest codes first: the "did you mean" every unit lookup offers.

    `units` maps a code to the unit (anything with `.name`, as `Organisation.units`)
    or to the unit's name (as the organisation file's loader has it)."""
    names: dict[str, str] = {}
    for code, unit in units.items():
        name = unit if isinstance(unit, str) else getattr(unit, "name", "")
        if name:
            names.setdefault(name, code)
    by_upper: dict[str, str] = {}
    for code in units:
        by_upper.setdefault(code.upper(), code)
    found = [by_upper[upper] for upper in difflib.get_close_matches(
        text.upper(), list(by_upper), n=MAX_CLOSE, cutoff=CODE_CUTOFF)]
    found += [names[name] for name in difflib.get_close_matches(text, list(names), n=MAX_CLOSE, cutoff=NAME_CUTOFF)]
    return list(dict.fromkeys(found))[:MAX_CLOSE]


def find_unit(org: "Organisation", text: str) -> str | None:
    """The code of the unit named by its code (any case) or its name."""
    if text in org.units:
        return text
    for code, unit in org.units.items():
        if code.casefold() == text.casefold() or _key(unit.name) == _key(text):
            return code
    return None


def units_matching(org: "Organisation", text: str) -> list[str]:
    """The unit text names: its code or name exactly; else every unit whose code or
    name contains it ("消防" → the fire brigade), so one hit is as good as the name."""
    if not text.strip():
        return []
    if (code := find_unit(org, text)) is not None:
        return [code]
    key = _key(text)
    return [code for code, unit in org.units.items() if key in code.casefold() or key in _key(unit.name)]


@dataclass(frozen=True)
class UnitLookup:
    """What a typed unit came to: one unit (`code`), several that contain it (`several`,
    to list so the sender picks by code), or none (`close`: the "did you mean")."""

    code: str | None
    several: list[str] = field(default_factory=list)
    close: list[str] = field(default_factory=list)


def lookup_unit(org: "Organisation", text: str) -> UnitLookup:
    """The unit `text` names, as chat commands and the command line both read it."""
    found = units_matching(org, text)
    if len(found) == 1:
        return UnitLookup(found[0])
    if found:
        return UnitLookup(None, several=found)
    return UnitLookup(None, close=close_units(org.units, text))
