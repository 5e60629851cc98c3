"""Finding a unit from what someone typed: its code in any case, its name, or part of
its name; and the units close to a typo, for "did you mean".

Units are looked up from chat commands, the command line and the register
import; they all match against the organisation, so the rule lives here once.
"""
from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from config.names import name_key as _key

if TYPE_CHECKING:
    from config.organisation import Organisation


def close_units(org: "Organisation", text: str) -> list[str]:
    """Codes of units whose code or name is close to text (for "did you mean")."""
    names = {unit.name: code for code, unit in org.units.items()}
    codes = difflib.get_close_matches(text.upper(), [c.upper() for c in org.units], n=3, cutoff=0.6)
    found = [next(c for c in org.units if c.upper() == upper) for upper in codes]
    found += [names[n] for n in difflib.get_close_matches(text, list(names), n=3, cutoff=0.5)]
    return list(dict.fromkeys(found))[:3]


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
