"""Drill runs and their injects (#16): start (refused while the same scenario runs),
the injects due now (claimed once across processes), the runs to end, the history."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.models import DrillInject, DrillRun
from storage.upsert import insert_for

RUNNING = "running"
ENDED = ("stopped", "finished", "timed_out")


class DrillRunRepository:
    def __init__(self, session: Any):
        self.session = session

    async def start(self, values: dict[str, Any], due: list[datetime]) -> DrillRun | None:
        """Insert the run and one row per inject; None when that scenario is already running
        (its active_key is taken) or that scheduled run was claimed, here or in another process."""
        statement = (
            insert_for(self.session, DrillRun.__table__).values(status=RUNNING, active_key=values["scenario"], **values)
            .on_conflict_do_nothing()
            .returning(DrillRun.__table__.c.id)
        )
        new_id = (await self.session.execute(statement)).scalar()
        if new_id is None:
            return None
        self.session.add_all([DrillInject(run_id=new_id, position=i, due_at=at) for i, at in enumerate(due)])
        await self.session.flush()
        return await self.session.get(DrillRun, new_id)

    async def scheduled_claimed(self, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        return set(await self.session.scalars(select(DrillRun.schedule_key).where(DrillRun.schedule_key.in_(keys))))

    async def get(self, run_id: int) -> DrillRun | None:
        return await self.session.get(DrillRun, run_id)

    async def running(self) -> list[DrillRun]:
        return list(await self.session.scalars(
            select(DrillRun).where(DrillRun.status == RUNNING).order_by(DrillRun.started_at, DrillRun.id)))

    async def running_for_update(self) -> list[DrillRun]:
        """Running runs, locked: one process at a time decides whether one has ended."""
        return list(await self.session.scalars(
            select(DrillRun).where(DrillRun.status == RUNNING).order_by(DrillRun.id)
            .with_for_update(skip_locked=True)))

    async def due_injects(self, now: datetime, limit: int = 20) -> list[DrillInject]:
        """Injects due and not fired, oldest first, locked for this transaction."""
        return list(await self.session.scalars(
            select(DrillInject).where(DrillInject.fired_at.is_(None), DrillInject.due_at <= now)
            .order_by(DrillInject.due_at, DrillInject.position).limit(limit)
            .with_for_update(skip_locked=True)))

    async def injects(self, run_id: int) -> list[DrillInject]:
        return list(await self.session.scalars(
            select(DrillInject).where(DrillInject.run_id == run_id).order_by(DrillInject.position)))

    async def recent(self, limit: int = 10) -> list[DrillRun]:
        return list(await self.session.scalars(
            select(DrillRun).order_by(DrillRun.started_at.desc(), DrillRun.id.desc()).limit(limit)))

    async def previous(self, run: DrillRun) -> DrillRun | None:
        """The last ended run of the same scenario before this one, evaluated."""
        return await self.session.scalar(
            select(DrillRun).where(DrillRun.scenario == run.scenario, DrillRun.id < run.id,
                                   DrillRun.status.in_(ENDED), DrillRun.evaluation.is_not(None))
            .order_by(DrillRun.id.desc()).limit(1))

    def end(self, run: DrillRun, status: str, now: datetime, evaluation: dict[str, Any]) -> None:
        run.status, run.ended_at, run.active_key, run.evaluation = status, now, None, evaluation
