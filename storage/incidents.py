"""Incidents and their append-only timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, event, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, object_session

from storage.models import (
    DailyCounter, DispatchOrder, Incident, IncidentAttachment, IncidentSource, TimelineEntry,
)
from storage.deferred import defer_insert, deferred_rows, flush_deferred
from storage.transaction import transaction_state
from storage.upsert import insert_for


@dataclass(frozen=True)
class LinkedReport:
    """What the centre's notice shows of a linked report: a plain value, cheap to keep."""

    ref: str
    added_at: datetime
    text: str
    reporter_name: str
    reporter_registered: bool
    split_into: str | None


@dataclass(slots=True)
class NewSource:
    """A further report about to be linked: the row `add_source` queues, as a plain value
    (an ORM object built only to be read back into a row cost more than the row's insert)."""

    incident_id: str
    added_at: datetime
    text: str
    reporter_platform: str
    reporter_id: str
    reporter_name: str
    reporter_registered: bool
    source_platform: str
    source_chat_id: str
    source_message_id: str | None
    merged_from: str | None = None
    split_into: str | None = None
    ref: str = ""  # made by link_source


_SOURCE_KEYS = tuple(column.key for column in IncidentSource.__table__.columns if column.key != "id")

_LINKED_COLUMNS = tuple(IncidentSource.__table__.c[name] for name in LinkedReport.__dataclass_fields__)


def _newest_linked() -> Any:
    """Each incident's newest linked reports, newest first (ranked per incident)."""
    rank = func.row_number().over(partition_by=IncidentSource.incident_id,
                                  order_by=IncidentSource.id.desc()).label("rank")
    ranked = (select(IncidentSource.incident_id, rank, *_LINKED_COLUMNS)
              .where(IncidentSource.incident_id.in_(bindparam("ids", expanding=True))).subquery())
    return select(ranked).where(ranked.c.rank <= bindparam("limit")).order_by(ranked.c.incident_id, ranked.c.rank)


# Built once: building a statement (a subquery's columns above all) cost more than running
# it, and the redraws after commit run these several times a second in a storm.
_NEWEST_LINKED = _newest_linked()
_HELD = (select(Incident).where(Incident.id.in_(bindparam("ids", expanding=True))).order_by(Incident.id)
         .execution_options(populate_existing=True))
_HELD_PG = _HELD.with_for_update(key_share=True, skip_locked=True)
_EXISTING = select(Incident.id).where(Incident.id.in_(bindparam("ids", expanding=True)))


def _linked(row: Any) -> LinkedReport:
    return LinkedReport(*(row[name] for name in LinkedReport.__dataclass_fields__))


@dataclass(frozen=True)
class TimelineActor:
    platform: str | None
    user_id: str | None
    name: str | None


class IncidentRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def next_id(self, now: datetime, zone: ZoneInfo) -> str:
        """`YYYYMMDD-NNNN`, the day in the organisation's zone, atomically counted.

        The first id of a day in a transaction increments the counter row, which
        locks it (PostgreSQL) or the database (SQLite) until commit; later ids in
        the same transaction count on in memory and the row is written once,
        just before commit. Many reports in one transaction cost one round trip.
        """
        day = now.astimezone(zone).strftime("%Y%m%d")
        counters: dict[str, int] = transaction_state(self.session).incident_counters
        if day in counters:
            counters[day] += 1
        else:
            table = DailyCounter.__table__
            stmt = insert_for(self.session, table).values(day=day, value=1)
            stmt = stmt.on_conflict_do_update(
                index_elements=[table.c.day], set_={"value": table.c.value + 1}
            ).returning(table.c.value)
            counters[day] = (await self.session.execute(stmt)).scalar_one()
            self._write_back_before_commit(day, counters[day])
        return f"{day}-{counters[day]:04d}"

    def _write_back_before_commit(self, day: str, first_value: int) -> None:
        counters: dict[str, int] = transaction_state(self.session).incident_counters

        def write_back(sync_session: Session) -> None:
            if counters.get(day, first_value) != first_value:
                sync_session.execute(
                    update(DailyCounter).where(DailyCounter.day == day).values(value=counters[day])
                )

        event.listen(self.session.sync_session, "before_commit", write_back)

    async def add(self, incident: Incident) -> Incident:
        self.session.add(incident)  # inserted with the transaction's other rows at flush
        # A new drill incident (a drill's inject) is one this transaction's messages are about.
        transaction_state(self.session).incidents_loaded.append(incident)
        return incident

    async def get(self, incident_id: str) -> Incident | None:
        return await self.session.get(Incident, incident_id)

    async def lock(self, incident: Incident) -> None:
        """Hold the incident for this transaction, with its figures as last committed.

        A change decided from its figures ("新增 2 人受伤" adds to the count) in two
        processes at once would otherwise have each write over the other. This
        transaction's own changes are written first, so they are kept. SQLite has one
        writer: nothing to do there.

        FOR NO KEY UPDATE, not FOR UPDATE: rows that only refer to the incident (its
        timeline, a press's record, a further report) are still added meanwhile. FOR
        UPDATE would make their foreign key checks wait too, and a batch of presses that
        holds an order while recording on the timeline would then wait for a /close that
        waits for that order: a deadlock."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        await self.session.flush()
        await self.session.refresh(incident, with_for_update={"key_share": True})

    async def held(self, incident_ids: list[str]) -> tuple[dict[str, Incident], list[str]]:
        """The incidents, loaded afresh and, on PostgreSQL, held for this transaction
        (FOR NO KEY UPDATE, as in lock()); and those another transaction holds, skipped:
        a redraw waiting for the other process's redraw of the same board would hold up
        its own process's presses behind it. Ids of incidents that no longer exist are
        in neither."""
        if not incident_ids:
            return {}, []
        if self.session.get_bind().dialect.name != "postgresql":
            return {i.id: i for i in await self.session.scalars(_HELD, {"ids": incident_ids})}, []
        held = {i.id: i for i in await self.session.scalars(_HELD_PG, {"ids": incident_ids})}
        missing = [i for i in incident_ids if i not in held]
        busy = list(await self.session.scalars(_EXISTING, {"ids": missing})) if missing else []
        return held, busy

    async def get_locked(self, incident_id: str) -> Incident | None:
        """get() and lock(): for a decision taken from the incident's state."""
        incident = await self.get(incident_id)
        if incident is not None:
            await self.lock(incident)
        return incident

    async def lock_in_order(self, incidents: list[Incident]) -> None:
        """lock() each, lower id first. Two transactions that hold the same incidents then
        take them in the same order, so neither holds one the other is waiting for."""
        for incident in sorted(incidents, key=lambda i: i.id):
            await self.lock(incident)

    async def record(
        self, incident_id: str, at: datetime, kind: str, actor: TimelineActor | None,
        data: dict[str, Any] | None = None,
    ) -> None:
        defer_insert(self.session, TimelineEntry.__table__, {
            "incident_id": incident_id, "at": at, "kind": kind,
            "actor_platform": actor.platform if actor else None,
            "actor_id": actor.user_id if actor else None,
            "actor_name": actor.name if actor else None,
            "data": data or {},
        })

    async def timeline(self, incident_id: str) -> list[TimelineEntry]:
        await flush_deferred(self.session)
        rows = await self.session.scalars(
            select(TimelineEntry).where(TimelineEntry.incident_id == incident_id).order_by(TimelineEntry.id)
        )
        return list(rows)

    async def latest_by_reporter(
        self, platform: str, user_id: str, chat_id: str, since: datetime
    ) -> Incident | None:
        """The reporter's most recent incident from this conversation since `since`."""
        return await self.session.scalar(
            select(Incident)
            .where(
                Incident.reporter_platform == platform, Incident.reporter_id == user_id,
                Incident.source_chat_id == chat_id, Incident.created_at >= since,
            )
            .order_by(Incident.created_at.desc(), Incident.id.desc())
            .limit(1)
        )

    async def attach(self, incident_id: str, at: datetime, kind: str, platform: str, file_id: str) -> None:
        self.session.add(IncidentAttachment(
            incident_id=incident_id, added_at=at, kind=kind, platform=platform, platform_file_id=file_id,
        ))

    async def attachment_count(self, incident_id: str, kind: str) -> int:
        return await self.session.scalar(
            select(func.count()).select_from(IncidentAttachment)
            .where(IncidentAttachment.incident_id == incident_id, IncidentAttachment.kind == kind)
        ) or 0

    async def open_since(self, since: datetime, kind: str | None = None, *, pinned: bool = False) -> list[Incident]:
        """Open, real (not drill, not merged) incidents (of a type) registered since `since`
        that name a place (or, `pinned`, have coordinates): what a new report may duplicate."""
        query = select(Incident).where(
            Incident.created_at >= since, Incident.status == "open", Incident.drill.is_(False),
            Incident.merged_into.is_(None),
            Incident.latitude.is_not(None) if pinned else Incident.location.is_not(None),
        )
        if kind is not None:
            query = query.where(Incident.type == kind)
        return list(await self.session.scalars(query.order_by(Incident.created_at, Incident.id)))

    async def sources_of(self, incident_id: str) -> list[IncidentSource]:
        """The further reports linked to an incident, oldest first (split ones included)."""
        await flush_deferred(self.session)
        return list(await self.session.scalars(
            select(IncidentSource).where(IncidentSource.incident_id == incident_id).order_by(IncidentSource.id)))

    async def open_incidents(self, limit: int) -> list[Incident]:
        """Every open incident (drills too, merged ones not), oldest first."""
        return list(await self.session.scalars(
            select(Incident).where(Incident.status == "open", Incident.merged_into.is_(None))
            .order_by(Incident.created_at, Incident.id).limit(limit)))

    async def add_source(self, source: NewSource) -> int:
        """Queue a linked report for the transaction's multi-row INSERT; its number among
        the incident's reports (its own first report is 1).

        The row's id is never needed: its Split button names `ref`. Numbers are
        counted in memory from `preload_report_numbers`, so a storm of reports
        costs no query each.
        """
        numbers: dict[str, int] = transaction_state(self.session).report_numbers
        if source.incident_id not in numbers:
            await self.preload_report_numbers([source.incident_id])
        numbers[source.incident_id] += 1
        defer_insert(self.session, IncidentSource.__table__, {key: getattr(source, key) for key in _SOURCE_KEYS})
        return numbers[source.incident_id]

    async def preload_report_numbers(self, incident_ids: list[str], *, new: bool = False) -> None:
        """How many reports each incident has had so far (split ones too), in one query;
        `new`: incidents registered in this transaction, which have had one."""
        numbers: dict[str, int] = transaction_state(self.session).report_numbers
        wanted = [i for i in incident_ids if i not in numbers]
        if new:
            numbers.update(dict.fromkeys(wanted, 1))
            return
        if wanted:
            numbers.update(dict.fromkeys(wanted, 1))
            numbers.update({
                incident_id: 1 + count for incident_id, count in await self.session.execute(
                    select(IncidentSource.incident_id, func.count()).where(IncidentSource.incident_id.in_(wanted))
                    .group_by(IncidentSource.incident_id)
                )
            })

    async def source_by_ref(self, ref: str, *, for_update: bool = False) -> IncidentSource | None:
        """`for_update`: locked, so two centre members splitting it at once make one incident."""
        await flush_deferred(self.session)
        query = select(IncidentSource).where(IncidentSource.ref == ref)
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def latest_sources_of(
        self, incident_ids: list[str], limit: int,
    ) -> dict[str, tuple[list[tuple[int, LinkedReport]], int]]:
        """For each incident, its newest linked reports with their numbers (newest first) and
        how many it has had (split ones too), as written: one query for all of them (the
        notices are drawn after commit, a few times a second in a storm)."""
        await flush_deferred(self.session)
        numbers: dict[str, int] = transaction_state(self.session).report_numbers
        await self.preload_report_numbers([i for i in incident_ids if i not in numbers])
        rows = await self.session.execute(_NEWEST_LINKED, {"ids": incident_ids, "limit": limit})
        newest: dict[str, list[LinkedReport]] = {i: [] for i in incident_ids}
        for row in rows.mappings():
            newest[row["incident_id"]].append(_linked(row))
        found = {}
        for incident_id in incident_ids:
            total = numbers[incident_id] - 1  # the incident's own report is not a linked one
            # The incident's own report is number 1, so the newest linked one is total + 1.
            found[incident_id] = ([(total + 1 - i, s) for i, s in enumerate(newest[incident_id])], total)
        return found

    async def reported_by_message(self, platform: str, chat_id: str, message_id: str) -> str | None:
        """The incident a chat message reported (as its first report or a linked one), if any."""
        found = await self.session.scalar(select(Incident.id).where(
            Incident.source_platform == platform, Incident.source_chat_id == chat_id,
            Incident.source_message_id == message_id).limit(1))
        if found is None:
            await flush_deferred(self.session)
            found = await self.session.scalar(select(IncidentSource.incident_id).where(
                IncidentSource.source_platform == platform, IncidentSource.source_chat_id == chat_id,
                IncidentSource.source_message_id == message_id).limit(1))
        return found

    async def source_number(self, source: IncidentSource) -> int:
        """Which report of its incident a stored source was (the incident's own is the first)."""
        earlier = await self.session.scalar(
            select(func.count()).select_from(IncidentSource)
            .where(IncidentSource.incident_id == source.incident_id, IncidentSource.id <= source.id)
        ) or 0
        return 1 + earlier

    async def report_count(self, incident_id: str) -> int:
        """The incident's own report plus the linked ones not split off."""
        return (await self.report_counts([incident_id]))[incident_id]

    async def report_counts(self, incident_ids: list[str]) -> dict[str, int]:
        """report_count for many incidents in one query (written and queued sources)."""
        counts = dict.fromkeys(incident_ids, 1)
        for row in deferred_rows(self.session, IncidentSource.__table__):
            if row["incident_id"] in counts and row["split_into"] is None:
                counts[row["incident_id"]] += 1
        for incident_id, count in await self.session.execute(
            select(IncidentSource.incident_id, func.count())
            .where(IncidentSource.incident_id.in_(incident_ids), IncidentSource.split_into.is_(None))
            .group_by(IncidentSource.incident_id)
        ):
            counts[incident_id] += count
        return counts

    async def attachment_counts(self, incident_ids: list[str], kind: str) -> dict[str, int]:
        counts = dict.fromkeys(incident_ids, 0)
        counts.update({incident_id: count for incident_id, count in await self.session.execute(
            select(IncidentAttachment.incident_id, func.count())
            .where(IncidentAttachment.incident_id.in_(incident_ids), IncidentAttachment.kind == kind)
            .group_by(IncidentAttachment.incident_id)
        )})
        return counts

    async def is_source_reporter(self, incident_id: str, platform: str, user_id: str) -> bool:
        """Did this person send one of the incident's linked reports?

        Those linked in this transaction are still waiting to be written (add_source): they
        count too, and are looked at first, in memory (in a storm most senders are found there)."""
        if any(row["incident_id"] == incident_id and row["reporter_platform"] == platform
               and row["reporter_id"] == user_id and not row.get("split_into")
               for row in deferred_rows(self.session, IncidentSource.__table__)):
            return True
        found = await self.session.scalar(
            select(IncidentSource.id).where(
                IncidentSource.incident_id == incident_id, IncidentSource.split_into.is_(None),
                IncidentSource.reporter_platform == platform, IncidentSource.reporter_id == user_id,
            ).limit(1)
        )
        return found is not None

    async def has_orders(self, incident_id: str) -> bool:
        found = await self.session.scalar(
            select(DispatchOrder.id).where(DispatchOrder.incident_id == incident_id).limit(1)
        )
        return found is not None


@event.listens_for(Incident, "load")
def _remember_loaded(incident: Incident, _context: Any) -> None:
    session = object_session(incident)
    if session is not None:
        transaction_state(session).incidents_loaded.append(incident)


def drill_ids_seen(session: AsyncSession | Session) -> set[str]:
    """The drill incidents this transaction has loaded (or marked as drill since), with no
    query: the messages that name only these are marked as drill before they are queued."""
    return {incident.id for incident in transaction_state(session).incidents_loaded if incident.drill}


async def drill_ids_among(session: AsyncSession, incident_ids: set[str]) -> set[str]:
    """Which of these incidents are drills (one query; none when no ids)."""
    if not incident_ids:
        return set()
    return set(await session.scalars(select(Incident.id).where(Incident.id.in_(incident_ids),
                                                               Incident.drill.is_(True))))
