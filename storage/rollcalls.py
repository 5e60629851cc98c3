"""Roll-calls, their answers and the temporary schedules of sensitive periods.

A scheduled run is claimed by inserting its row: (schedule_key, scheduled_for)
is unique, and INSERT … ON CONFLICT DO NOTHING makes a second process (or a
restart) reaching the same run get nothing back, so it sends nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Union

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.deferred import defer_insert, deferred_rows, flush_deferred
from storage.models import RollcallAnswer, RollcallRun, RollcallSchedule
from storage.transaction import transaction_state
from storage.upsert import insert_for

OPEN, REMINDED, CLOSED = "open", "reminded", "closed"
PRESENT, ABSENT = "present", "absent"


@dataclass(slots=True)
class AnswerRecord:
    """An answer as the roll-call's press path reads and writes it: plain values, not an
    ORM object. In a storm every press loads its unit's answers and adds one; tracked
    objects and a flush per new row cost more than the rest of the press together."""

    rollcall_id: int
    unit_code: str
    platform: str
    user_id: str
    name: str
    status: str
    answered_at: datetime
    late: bool
    reason: str | None = None
    id: int | None = None  # None until written (the batch's new answers go in at commit)

    def values(self) -> dict[str, Any]:
        return {"rollcall_id": self.rollcall_id, "unit_code": self.unit_code, "platform": self.platform,
                "user_id": self.user_id, "name": self.name, "status": self.status,
                "answered_at": self.answered_at, "late": self.late, "reason": self.reason}


# What a roll-call's views draw: loaded either way, the same fields.
Answer = Union[RollcallAnswer, AnswerRecord]
_ANSWERS = RollcallAnswer.__table__
_ANSWER_COLUMNS = [_ANSWERS.c[name] for name in (
    "rollcall_id", "unit_code", "platform", "user_id", "name", "status", "answered_at", "late", "reason", "id")]


# A drill's roll-call (handlers/drill) is claimed under this key prefix: kept out of the
# monthly record and the statistics, like drill incidents.
DRILL_KEY_PREFIX = "drill:"


def is_real_rollcall() -> Any:
    return RollcallRun.schedule_key.not_like(f"{DRILL_KEY_PREFIX}%")


class RollcallRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    # -- runs ----------------------------------------------------------------

    async def claim(self, values: dict[str, Any]) -> RollcallRun | None:
        """Insert the run unless that (schedule_key, scheduled_for) exists; None when it did."""
        statement = (
            insert_for(self.session, RollcallRun.__table__).values(**values)
            .on_conflict_do_nothing(index_elements=["schedule_key", "scheduled_for"])
            .returning(RollcallRun.__table__.c.id)
        )
        new_id = (await self.session.execute(statement)).scalar()
        return None if new_id is None else await self.session.get(RollcallRun, new_id)

    async def claimed(self, keys: list[str], since: datetime) -> set[tuple[str, datetime]]:
        """Runs of these schedules at or after `since`: (key, scheduled_for)."""
        if not keys:
            return set()
        rows = await self.session.execute(
            select(RollcallRun.schedule_key, RollcallRun.scheduled_for)
            .where(RollcallRun.schedule_key.in_(keys), RollcallRun.scheduled_for >= since)
        )
        return {(key, at) for key, at in rows.all()}

    async def get(self, rollcall_id: int) -> RollcallRun | None:
        return await self.session.get(RollcallRun, rollcall_id)

    async def due(self, now: datetime, limit: int = 50) -> list[RollcallRun]:
        """Runs whose deadline step is due, locked for this transaction."""
        return list(await self.session.scalars(
            select(RollcallRun)
            .where(RollcallRun.due_at <= now, RollcallRun.stage != CLOSED)
            .order_by(RollcallRun.due_at).limit(limit)
            .with_for_update(skip_locked=True)  # the other bot process takes the others
        ))

    async def latest(self) -> RollcallRun | None:
        return await self.session.scalar(select(RollcallRun).order_by(RollcallRun.started_at.desc(),
                                                                      RollcallRun.id.desc()).limit(1))

    async def units_answered(self, rollcall_id: int) -> set[str]:
        """Units of which somebody answered (present or absent: both reached a person)."""
        await self._write_new_answers()
        return set(await self.session.scalars(
            select(RollcallAnswer.unit_code).where(RollcallAnswer.rollcall_id == rollcall_id).distinct()))

    async def started_between(self, start: datetime, end: datetime) -> list[RollcallRun]:
        """The real roll-calls started in [start, end): a drill's are counted apart."""
        return list(await self.session.scalars(
            select(RollcallRun).where(RollcallRun.started_at >= start, RollcallRun.started_at < end,
                                      is_real_rollcall())
            .order_by(RollcallRun.started_at)
        ))

    # -- answers -------------------------------------------------------------

    async def answers(self, rollcall_ids: list[int]) -> list[RollcallAnswer]:
        if not rollcall_ids:
            return []
        await self._write_new_answers()
        return list(await self.session.scalars(
            select(RollcallAnswer).where(RollcallAnswer.rollcall_id.in_(rollcall_ids))
            .order_by(RollcallAnswer.answered_at, RollcallAnswer.id)
        ))

    async def answers_for_unit(self, rollcall_id: int, unit_code: str) -> list[AnswerRecord]:
        loaded = transaction_state(self.session).rollcall_answers.get((rollcall_id, unit_code))
        if loaded is not None:  # a batch of presses preloaded them: no query per unit redrawn
            return sorted(loaded.values(), key=lambda a: (a.answered_at, a.id or 0))
        await self._write_new_answers()
        return await self._records((_ANSWERS.c.rollcall_id == rollcall_id, _ANSWERS.c.unit_code == unit_code))

    async def preload_answers(self, rollcall_ids: list[int], unit_codes: list[str]) -> None:
        """The answers a batch of presses may collide with, in one query; answer_of then asks no more."""
        known = transaction_state(self.session).rollcall_answers
        await self._write_new_answers()
        rows = await self._records((_ANSWERS.c.rollcall_id.in_(rollcall_ids), _ANSWERS.c.unit_code.in_(unit_codes)))
        for rollcall_id in rollcall_ids:
            for code in unit_codes:
                known.setdefault((rollcall_id, code), {})
        for row in rows:
            known[(row.rollcall_id, row.unit_code)][(row.platform, row.user_id)] = row

    async def answer_of(self, rollcall_id: int, unit_code: str, platform: str, user_id: str) -> AnswerRecord | None:
        loaded = transaction_state(self.session).rollcall_answers.get((rollcall_id, unit_code))
        if loaded is not None:
            return loaded.get((platform, user_id))
        await self._write_new_answers()
        found = await self._records((_ANSWERS.c.rollcall_id == rollcall_id, _ANSWERS.c.unit_code == unit_code,
                                     _ANSWERS.c.platform == platform, _ANSWERS.c.user_id == user_id))
        return found[0] if found else None

    async def answer(self, answer_id: int) -> RollcallAnswer | None:
        return await self.session.get(RollcallAnswer, answer_id)

    async def add_answer(self, answer: AnswerRecord, *, need_id: bool = False) -> AnswerRecord:
        """Record the answer: written with the batch's others at commit, or now when its id is
        needed (the reason question's key). A second press in the same batch finds it."""
        if need_id:
            answer.id = (await self.session.execute(
                insert(_ANSWERS).values(**answer.values()).returning(_ANSWERS.c.id))).scalar_one()
        else:
            defer_insert(self.session, _ANSWERS, answer.values())
        loaded = transaction_state(self.session).rollcall_answers.get((answer.rollcall_id, answer.unit_code))
        if loaded is not None:
            loaded[(answer.platform, answer.user_id)] = answer
        return answer

    async def _records(self, where: tuple[Any, ...]) -> list[AnswerRecord]:
        rows = await self.session.execute(
            select(*_ANSWER_COLUMNS).where(*where).order_by(_ANSWERS.c.answered_at, _ANSWERS.c.id))
        return [AnswerRecord(*row) for row in rows.all()]

    async def _write_new_answers(self) -> None:
        """Answers added without their ids go in before answers are read from the table."""
        if deferred_rows(self.session, _ANSWERS):
            await flush_deferred(self.session)

    # -- temporary schedules -------------------------------------------------

    async def add_schedule(self, schedule: RollcallSchedule) -> RollcallSchedule:
        self.session.add(schedule)
        await self.session.flush()
        return schedule

    async def schedule(self, schedule_id: int) -> RollcallSchedule | None:
        return await self.session.get(RollcallSchedule, schedule_id)

    async def active_schedules(self, now: datetime) -> list[RollcallSchedule]:
        return list(await self.session.scalars(
            select(RollcallSchedule)
            .where(RollcallSchedule.cancelled_at.is_(None), RollcallSchedule.ends_at > now)
            .order_by(RollcallSchedule.starts_at, RollcallSchedule.id)
        ))
