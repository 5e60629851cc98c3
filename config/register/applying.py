"""Laying a checked register over the roster in the database, all or nothing
(or only the good rows when asked), in the caller's transaction.

Kept apart from reading and checking so those stay free of the database: the
checks can run on a file before anyone connects to anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config.names import name_key as _key
from config.register.matching import NewUnit, plan_import
from config.register.rows import Problem, Register, RegisterRow

if TYPE_CHECKING:
    from config.organisation import Organisation


@dataclass
class ImportOutcome:
    register: Register
    problems: list[Problem]
    new_units: list[NewUnit]
    rows: int  # rows imported (or that would have been, when refused)
    applied: bool = False
    result: Any = None  # storage.roster.ImportResult when applied
    in_file: int = 0  # rows naming someone of the organisation file, adding nothing to it


def _adds_nothing(org: "Organisation", code: str, row: RegisterRow) -> bool:
    """The row names a member of the organisation file and says nothing the file does not."""
    if code not in org.units or row.department or row.title or row.note:
        return False
    person = next((m for m in org.spec_unit(code).members if _key(m.name) == _key(row.name)), None)
    return person is not None and row.phone in (None, person.phone)


async def import_register(session: Any, base: Any, register: Register, *, partial: bool, actor: str,
                          now: datetime, source: str = "<memory>") -> ImportOutcome:
    """Lay the register over the roster in this transaction: all its rows, or with
    `partial` the good ones; nothing when any row is bad and not `partial`, or when
    the file itself could not be read. `base` is the organisation file (OrganisationFile)."""
    from config.roster import merge
    from storage.roster import ContactRow, RosterRepository

    repo = RosterRepository(session)
    snapshot = await repo.snapshot()
    org = merge(base, snapshot, source)
    plan = plan_import(register, org)
    problems = sorted(register.problems + plan.problems, key=lambda p: (p.rows[:1] or (0,), p.message))
    outcome = ImportOutcome(register, problems, plan.new_units, len(plan.rows))
    if register.unreadable or (problems and not partial) or not plan.rows:
        return outcome
    in_database = {(m.unit_code, _key(m.name)) for m in snapshot.members}
    contacts = []
    for row, code in plan.rows:
        if (code, _key(row.name)) not in in_database and _adds_nothing(org, code, row):
            outcome.in_file += 1  # e.g. re-importing an export: the file says it all already
            continue
        contacts.append(ContactRow(code, row.name, row.phone, row.department, row.title, row.note))
    outcome.result = await repo.import_contacts([(u.code, u.name, u.kind) for u in plan.new_units], contacts,
                                                actor, now, Path(register.source).name)
    outcome.applied = True
    return outcome
