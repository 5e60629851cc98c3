"""Roll-calls, their answers and the temporary schedules of sensitive periods.

A scheduled run is claimed by inserting its row: (schedule_key, scheduled_for)
is unique, and INSERT … ON CONFLICT DO NOTHING makes a second process (or a
restart) reaching the same run get nothing back, so it sends nothing.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import RollcallAnswer, RollcallRun, RollcallSchedule
from storage.transaction import transaction_state
from storage.upsert import insert_for

OPEN, REMINDED, CLOSED = "open", "reminded", "closed"
PRESENT, ABSENT = "present", "absent"




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
        return list(await self.session.scalars(
            select(RollcallAnswer).where(RollcallAnswer.rollcall_id.in_(rollcall_ids))
            .order_by(RollcallAnswer.answered_at, RollcallAnswer.id)
        ))

    async def answers_for_unit(self, rollcall_id: int, unit_code: str) -> list[RollcallAnswer]:
        loaded = transaction_state(self.session).rollcall_answers.get((rollcall_id, unit_code))
        if loaded is not None:  # a batch of presses preloaded them: no query per unit redrawn
            return sorted(loaded.values(), key=lambda a: (a.answered_at, a.id or 0))
        return list(await self.session.scalars(
            select(RollcallAnswer).where(RollcallAnswer.rollcall_id == rollcall_id,
                                         RollcallAnswer.unit_code == unit_code)
            .order_by(RollcallAnswer.answered_at, RollcallAnswer.id)
        ))

    async def preload_answers(self, rollcall_ids: list[int], unit_codes: list[str]) -> None:
        """The answers a batch of presses may collide with, in one query; answer_of then asks no more."""
        known = transaction_state(self.session).rollcall_answers
        rows = await self.session.scalars(select(RollcallAnswer).where(
            RollcallAnswer.rollcall_id.in_(rollcall_ids), RollcallAnswer.unit_code.in_(unit_codes)))
        for rollcall_id in rollcall_ids:
            for code in unit_codes:
                known.setdefault((rollcall_id, code), {})
        for row in rows:
            known[(row.rollcall_id, row.unit_code)][(row.platform, row.user_id)] = row

    async def answer_of(self, rollcall_id: int, unit_code: str, platform: str, user_id: str) -> RollcallAnswer | None:
        loaded = transaction_state(self.session).rollcall_answers.get((rollcall_id, unit_code))
        if loaded is not None:
            return loaded.get((platform, user_id))
        return await self.session.scalar(
            select(RollcallAnswer).where(
                RollcallAnswer.rollcall_id == rollcall_id, RollcallAnswer.unit_code == unit_code,
                RollcallAnswer.platform == platform, RollcallAnswer.user_id == user_id,
            )
        )

    async def answer(self, answer_id: int) -> RollcallAnswer | None:
        return await self.session.get(RollcallAnswer, answer_id)

    async def add_answer(self, answer: RollcallAnswer, *, need_id: bool = False) -> RollcallAnswer:
        self.session.add(answer)
        # A second press in the same batch must find this one: remembered here when
        # the batch was preloaded, else flushed so the query sees it. An id (for
        # the reason question's key) needs the flush too.
        loaded = transaction_state(self.session).rollcall_answers.get((answer.rollcall_id, answer.unit_code))
        if loaded is not None:
            loaded[(answer.platform, answer.user_id)] = answer
        if need_id or loaded is None:
            await self.session.flush()
        return answer

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
