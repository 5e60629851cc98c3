"""Which unit each good register row belongs to, and the units to create.

A row is matched to a unit of the organisation by its code column, else by its
name; an unknown unit becomes a new one with the next free `U-` code. Nothing
is written here: `config.register.applying` does that with the plan.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from config.names import name_key as _key
from config.register.rows import COLUMNS, Problem, Register, RegisterRow

if TYPE_CHECKING:
    from config.organisation import Organisation


@dataclass
class NewUnit:
    code: str
    name: str
    kind: str


@dataclass
class ImportPlan:
    new_units: list[NewUnit] = field(default_factory=list)
    rows: list[tuple[RegisterRow, str]] = field(default_factory=list)  # (row, unit code)
    problems: list[Problem] = field(default_factory=list)


def plan_import(register: Register, org: "Organisation") -> ImportPlan:
    """Which unit each good row belongs to, and the units to create.

    `org` is the organisation as the bot sees it (file and database). Problems
    found here (a code that names another unit, …) are row problems like those
    found reading the file.
    """
    plan = ImportPlan()
    by_code = {code.casefold(): code for code in org.units}
    by_name: dict[str, str] = {}
    for code, unit in org.units.items():
        by_name.setdefault(_key(unit.name), code)
    taken = {code.casefold() for code in org.units}
    refused = register.refused_rows()
    new_by_name: dict[str, NewUnit] = {}
    for row in register.rows:
        if row.row in refused:
            continue
        name_key = _key(row.unit)
        problem = None
        named = by_name.get(name_key) or (new_by_name[name_key].code if name_key in new_by_name else None)
        code: str | None = named
        if row.code:
            code = by_code.get(row.code.casefold())
            if code is None:
                code = next((u.code for u in new_by_name.values() if u.code.casefold() == row.code.casefold()), None)
            if named is not None and code != named:
                unit = org.units[code].name if code in org.units else None
                said = f"{COLUMNS['code'][0]} {row.code!r}" + (f" is unit {code} {unit}" if unit else "")
                problem = f"{said} but {COLUMNS['unit'][0]} {row.unit!r} is {named}: fix one of them"
            elif code is not None and code not in org.units and new_by_name.get(name_key) is None:
                other = next(u for u in new_by_name.values() if u.code == code)
                problem = f"{COLUMNS['code'][0]} {row.code!r} is already used for {other.name!r} on an earlier row"
        if problem:
            plan.problems.append(Problem(problem, (row.row,), row.number))
            continue
        if code is None:
            pending = new_by_name.get(name_key)
            if pending is None:
                new_code = row.code or _next_code(taken)
                taken.add(new_code.casefold())
                pending = NewUnit(new_code, row.unit, row.kind or "government")
                new_by_name[name_key] = pending
                plan.new_units.append(pending)
            code = pending.code
        plan.rows.append((row, code))
    return plan


def _next_code(taken: set[str]) -> str:
    n = 1
    while f"u-{n:03d}" in taken:
        n += 1
    return f"U-{n:03d}"
