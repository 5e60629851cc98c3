"""What one transaction remembers between its statements and its events, typed.

One object per session (kept in `session.info` under a single key), instead of a
string key per cache: what each field holds is written here, once. Everything in it
ends with the transaction; what must outlive it is remembered elsewhere after commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

if TYPE_CHECKING:  # the modules that fill these fields import this one
    from storage.buttons import ResolvedButton
    from storage.models import Incident
    from storage.rollcalls import AnswerRecord

_STATE = "liandong.transaction"

TallyKey = tuple[str, str, datetime]
UnitRun = tuple[int, str]  # roll-call run, unit
PersonKey = tuple[str, str]  # platform, user


@dataclass
class TransactionState:
    # storage/buttons.py: token -> the button, or None when looked up and unknown
    buttons: dict[str, "ResolvedButton | None"] = field(default_factory=dict)
    # storage/buttons.py: tokens known to be issued, their rows not read (`existing`)
    buttons_issued: set[str] = field(default_factory=set)
    # storage/incidents.py: day -> last incident number handed out
    incident_counters: dict[str, int] = field(default_factory=dict)
    # storage/incidents.py: every incident loaded, however (its drill flag is read at the
    # end, so one marked as a drill during the transaction counts)
    incidents_loaded: list["Incident"] = field(default_factory=list)
    # storage/incidents.py: incident -> reports linked to it so far
    report_numbers: dict[str, int] = field(default_factory=dict)
    # storage/deferred.py: rows written in one INSERT per table at commit
    deferred_rows: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)
    # storage/tallies.py: reports counted in this transaction, per window
    tally_increments: dict[TallyKey, int] = field(default_factory=dict)
    # storage/rollcalls.py: every answer of the (run, unit) pairs loaded, by person, this
    # transaction's new ones included (a pair present here was loaded in full)
    rollcall_answers: dict[UnitRun, dict[PersonKey, "AnswerRecord"]] = field(default_factory=dict)
    # storage/preload.py: rows loaded ahead for the batch, kept alive (the identity map is weak)
    preloaded: list[Any] = field(default_factory=list)
    # storage/roster.py: the roster changed; the organisation is rebuilt after commit
    roster_changed: bool = False
    # storage/reports.py: a report job was asked for; the worker is woken after commit
    report_asked: bool = False
    # Commit hooks registered once per transaction, by name.
    hooks: set[str] = field(default_factory=set)


def transaction_state(session: AsyncSession | Session) -> TransactionState:
    state = session.info.get(_STATE)
    if state is None:
        state = session.info[_STATE] = TransactionState()
    return state
