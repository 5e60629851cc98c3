"""Report jobs: asked for in a handler's transaction, claimed by a worker under a lease.

The worker builds outside any transaction (a report may take seconds), so a job is
claimed by moving it to `working` with a lease: a process that dies mid-build leaves
it to be claimed again when the lease runs out. A scheduled run is claimed by
inserting its row (unique on schedule and time), like a roll-call's.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReportJob
from storage.transaction import transaction_state
from storage.upsert import insert_for

PENDING, WORKING, DONE, FAILED = "pending", "working", "done", "failed"
LEASE = timedelta(minutes=5)


def _takeable(now: datetime) -> Any:
    """Waiting, or claimed by a worker whose lease ran out (it died mid-build)."""
    return or_(ReportJob.status == PENDING, (ReportJob.status == WORKING) & (ReportJob.lease_until < now))


class ReportRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, job: ReportJob) -> ReportJob:
        self.session.add(job)
        await self.session.flush()
        transaction_state(self.session).report_asked = True
        return job

    async def claim_scheduled(self, values: dict[str, Any]) -> int | None:
        """Insert a scheduled run unless another process did: its id, or None."""
        statement = (
            insert_for(self.session, ReportJob.__table__).values(status=PENDING, **values)
            .on_conflict_do_nothing(index_elements=["schedule_key", "scheduled_for"])
            .returning(ReportJob.__table__.c.id)
        )
        job_id = (await self.session.execute(statement)).scalar()
        if job_id is not None:
            transaction_state(self.session).report_asked = True
        return job_id

    async def claimed(self, keys: list[str], since: datetime) -> set[tuple[str, datetime]]:
        if not keys:
            return set()
        rows = await self.session.execute(
            select(ReportJob.schedule_key, ReportJob.scheduled_for)
            .where(ReportJob.schedule_key.in_(keys), ReportJob.scheduled_for >= since))
        return {(key, at) for key, at in rows.all()}

    async def any_waiting(self, now: datetime) -> bool:
        """Whether take() would find a job: asked in a read, so a worker woken by every
        commit does not take the write lock only to find nothing."""
        return await self.session.scalar(select(ReportJob.id).where(_takeable(now)).limit(1)) is not None

    async def take(self, now: datetime) -> ReportJob | None:
        """The oldest job waiting (or whose worker's lease ran out), leased to this worker."""
        job = await self.session.scalar(
            select(ReportJob)
            .where(_takeable(now))
            .order_by(ReportJob.id).limit(1)
            .with_for_update(skip_locked=True))
        if job is not None:
            job.status, job.lease_until = WORKING, now + LEASE
        return job

    async def get(self, job_id: int) -> ReportJob | None:
        return await self.session.get(ReportJob, job_id)

    async def finish(self, job_id: int, now: datetime, error: str | None = None) -> None:
        job = await self.session.get(ReportJob, job_id)
        if job is not None:
            job.status, job.finished_at, job.lease_until = (FAILED if error else DONE), now, None
            job.error = error
