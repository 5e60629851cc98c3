"""Report jobs: what a job reads and what it builds (figures, charts, documents —
seconds of CPU that must not hold up the event loop). bot/reports.py runs them in a
worker process: `read_and_build` and what it is given are plain and picklable for
that reason. The reading happens there too, over the worker's own connection: a
month's 40,000 rows turned into values took the bot's event loop for 0.3 s (every
button press waited), even read a chunk at a time."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from config.organisation import Organisation
from core.i18n import Translator
from core.messages import MAX_FILE_BYTES, Message
from handlers.review import charts, statistics
from handlers.review.document import pdf
from handlers.review.figures import review
from handlers.review.review_report import review_document, review_message
from handlers.review.snapshot import Frame, IncidentFacts, load_incident
from storage.db import Database

log = logging.getLogger(__name__)

REVIEW, STATS, DRILL = "review", "stats", "drill"


@dataclass(frozen=True)
class Work:
    kind: str
    frame: Frame
    until: datetime
    incident: IncidentFacts | None = None
    period: statistics.PeriodFacts | None = None
    drill: dict[str, Any] | None = None  # a drill run's evaluation (handlers/drill/report.py)


def frame_of(org: Organisation) -> Frame:
    return Frame(org.language, str(org.timezone), org.name)


async def load(session: AsyncSession, org: Organisation, kind: str, args: dict[str, Any],
               now: datetime) -> Work | Message:
    """What the job needs, or the answer when there is nothing to build (a message)."""
    t = Translator(org.language)
    if kind == REVIEW:
        facts = await load_incident(session, org, str(args.get("incident", "")))
        if facts is None:
            return Message(text=t("status.not_found", id=args.get("incident", "")))
        return Work(REVIEW, frame_of(org), now, incident=facts)
    if kind == STATS:
        period = statistics.Period.from_json(args["period"])
        return Work(STATS, frame_of(org), now, period=await statistics.load_period(session, org, period))
    if kind == DRILL:
        from handlers.drill.report_facts import load_drill_facts

        facts = await load_drill_facts(session, org, int(args.get("run", 0)))
        if facts is None:
            return Message(text=t("drill.no_run", id=args.get("run", "")))
        return Work(DRILL, frame_of(org), now, drill=facts)
    raise ValueError(f"unknown report kind {kind!r}")


def build(work: Work) -> Message:
    """Runs in a worker process: everything heavy happens here."""
    t, zone = Translator(work.frame.language), ZoneInfo(work.frame.zone)
    if work.kind == REVIEW:
        assert work.incident is not None
        figures = review(work.incident, work.until)
        chart = charts.review_chart(t, zone, figures)
        document = pdf(review_document(t, zone, figures, chart))
        if len(document) > MAX_FILE_BYTES:  # the chart goes with the message anyway: the tables alone
            document = pdf(review_document(t, zone, figures, None))
        return review_message(t, zone, figures, chart, document)
    if work.kind == DRILL:
        from handlers.drill.report import evaluation_files

        assert work.drill is not None
        return evaluation_files(t, work.drill)
    assert work.period is not None
    return statistics.stats_message(t, zone, work.frame, work.period)


@dataclass(frozen=True)
class Request:
    """A job as the worker process takes it: where to read, and what to build."""

    database_url: str
    organisation: Organisation
    kind: str
    args: dict[str, Any]
    now: datetime


def read_and_build(request: Request) -> Message:
    """Runs in a worker process: reads the job's data in a read-only snapshot over a
    connection of its own (never the bot's writer), then builds the answer."""
    work = asyncio.run(_read(request))
    return work if isinstance(work, Message) else build(work)


async def _read(request: Request) -> Work | Message:
    db = Database(request.database_url)
    try:
        async with db.reading() as session:
            return await load(session, request.organisation, request.kind, request.args, request.now)
    finally:
        await db.dispose()


def failed(language: str) -> Message:
    return Message(text=Translator(language)("review.failed"))
