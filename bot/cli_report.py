"""`liandong report incident|timeline|month` (README, "Other commands"): the
after-action review, an incident's timeline and a month's statistics as files.

The documents are in the organisation's language; what the command itself says to
the operator is plain English, like the rest of the CLI. The format follows the
output file's extension; without -o, Markdown goes to standard output.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli_db import _exit_codes, _quiet, _settings, _with_database

REVIEW_FORMATS = ("pdf", "html", "md")
TIMELINE_FORMATS = ("csv", "xlsx", "md")


def add_report_commands(commands: Any) -> None:
    report = commands.add_parser(
        "report", help="after-action review, timeline and monthly statistics as files",
        description="Reports read from the database: an incident's after-action review, its timeline, "
        "or a month's statistics (the supervision bulletin). The format follows -o's extension; "
        "without -o, Markdown is printed.")
    sub = report.add_subparsers(title="report commands", metavar="COMMAND")
    incident = sub.add_parser("incident", help="the after-action review of one incident (PDF, HTML, Markdown)",
                              description="The after-action review (总结评估) of incident ID: summary, key times, "
                              "each unit's order, declines, escalations, approvals, linked alerts, what was slower "
                              "than the targets, and the dispatch timeline chart.")
    incident.add_argument("id", help="incident id, e.g. 20261122-0001")
    incident.add_argument("-o", "--output", metavar="FILE", help="FILE.pdf, FILE.html or FILE.md "
                          "(Markdown writes the chart beside it as FILE.png)")
    incident.set_defaults(func=report_incident)
    timeline = sub.add_parser("timeline", help="every entry of one incident's timeline (CSV, XLSX, Markdown)",
                              description="Every entry of incident ID's timeline: time, who, what.")
    timeline.add_argument("id", help="incident id")
    timeline.add_argument("-o", "--output", metavar="FILE", help="FILE.csv, FILE.xlsx or FILE.md")
    timeline.set_defaults(func=report_timeline)
    month = sub.add_parser("month", help="a month's statistics: the supervision bulletin (PDF, HTML, Markdown)",
                           description="Incidents by type, level and town; per-unit response times (median, "
                           "90th percentile) against the targets; roll-calls; alert confirmations; drills apart. "
                           "PERIOD is YYYY-MM, or FROM..TO (YYYY-MM-DD or YYYY-MM, at most 366 days).")
    month.add_argument("period", help="YYYY-MM or FROM..TO")
    month.add_argument("-o", "--output", metavar="FILE", help="FILE.pdf, FILE.html or FILE.md")
    month.set_defaults(func=report_month)


def _format(output: str | None, allowed: tuple[str, ...]) -> str:
    """The format -o's extension names; Markdown, printed, without -o (a binary format needs a file)."""
    if output is None:
        return "md"
    fmt = Path(output).suffix.lower().lstrip(".")
    if fmt not in allowed:
        print(f"{output}: the file's extension says the format: one of {', '.join('.' + f for f in allowed)}",
              file=sys.stderr)
        raise SystemExit(_exit_codes()[0])
    return fmt


def _organisation(db: Any, settings: Any) -> Any:
    """The organisation file with the roster laid over it, as the bot sees it."""
    from bot.cli import _load_org
    from config.roster import merge
    from storage.roster import RosterRepository

    async def load() -> Any:
        base = _load_org(settings.org_path)
        async with db.transaction() as session:
            snapshot = await RosterRepository(session).snapshot()
        return merge(base.spec, snapshot, base.source)
    return load()


def _write(output: str | None, content: bytes) -> None:
    if output is None:
        sys.stdout.write(content.decode("utf-8"))
        return
    Path(output).write_bytes(content)
    print(f"{output}: {len(content):,} bytes")


def _incident(settings: Any, incident_id: str) -> tuple[Any, Any]:
    """The organisation and everything recorded of the incident; exits saying so when there is none."""
    from handlers.review.snapshot import load_incident

    async def read(db: Any) -> Any:
        org = await _organisation(db, settings)
        async with db.reading() as session:
            return org, await load_incident(session, org, incident_id)

    org, facts = _with_database(settings, read, upgrade=True)
    if facts is None:
        print(f"no incident {incident_id}", file=sys.stderr)
        raise SystemExit(_exit_codes()[0])
    return org, facts


def report_incident(args: argparse.Namespace) -> int:
    from core.i18n import Translator
    from handlers.review import charts
    from handlers.review.document import markdown
    from handlers.review.figures import review
    from handlers.review.review_report import review_document, review_file

    fmt = _format(args.output, REVIEW_FORMATS)
    settings = _settings()
    _quiet()
    org, facts = _incident(settings, args.id)
    t, zone = Translator(org.language), ZoneInfo(str(org.timezone))
    figures = review(facts, datetime.now(timezone.utc))
    chart = charts.review_chart(t, zone, figures)
    if fmt == "md" and args.output is not None:
        picture = Path(args.output).with_suffix(".png")
        picture.write_bytes(chart)
        _write(args.output, markdown(review_document(t, zone, figures, chart),
                                     {f"review-{facts.id}.png": picture.name}).encode("utf-8"))
        return 0
    _write(args.output, review_file(t, zone, figures, chart, fmt))
    return 0


def report_timeline(args: argparse.Namespace) -> int:
    from core.i18n import Translator
    from handlers.review import timeline

    fmt = _format(args.output, TIMELINE_FORMATS)
    settings = _settings()
    _quiet()
    org, facts = _incident(settings, args.id)
    t = Translator(org.language)
    _write(args.output, timeline.export(t, ZoneInfo(str(org.timezone)), facts.id, list(facts.entries), fmt))
    return 0


def report_month(args: argparse.Namespace) -> int:
    from core.i18n import Translator
    from handlers.review import statistics
    from handlers.review.jobs import frame_of

    fmt = _format(args.output, REVIEW_FORMATS)
    settings = _settings()
    _quiet()

    async def read(db: Any) -> Any:
        org = await _organisation(db, settings)
        try:
            period = statistics.parse_period(args.period, datetime.now(org.timezone).date())
        except statistics.BadPeriod as bad:
            return org, Translator("en")(bad.key, **bad.values)
        async with db.reading() as session:
            return org, await statistics.load_period(session, org, period)

    org, facts = _with_database(settings, read, upgrade=True)
    if isinstance(facts, str):
        print(f"{args.period}: {facts} Give YYYY-MM or FROM..TO (YYYY-MM-DD or YYYY-MM).", file=sys.stderr)
        return _exit_codes()[0]
    t = Translator(org.language)
    _write(args.output, statistics.month_file(t, ZoneInfo(str(org.timezone)), frame_of(org), facts, fmt))
    return 0
