"""`liandong db backup|restore|status` and `liandong drill check|reset|report` (README, "Operations", "Drills").

bot/cli.py only declares these commands (add_db_commands, add_drill_commands); the
work is here. Output is plain English for the operator, like the rest of the CLI.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import shlex
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable, TypeVar

from config.settings import Settings

T = TypeVar("T")


def add_db_commands(db_commands: Any) -> None:
    backup = db_commands.add_parser(
        "backup", help="copy the database to FILE (safe while the bot runs)",
        description="SQLite: copy the database to FILE (a new file) with SQLite's online backup API; safe "
        "while bots run on it. PostgreSQL: prints the pg_dump command for the configured database.",
    )
    backup.add_argument("file", help="the copy to write (must not exist)")
    backup.set_defaults(func=db_backup)
    restore = db_commands.add_parser(
        "restore", help="replace the SQLite database with a backup",
        description="Replace the SQLite database with FILE, a backup made by `liandong db backup`. Refused "
        "while a bot runs on the database, and when FILE is not a Liandong database at a known migration "
        "revision. The database it replaces is kept beside it as <file>.before-restore.",
    )
    restore.add_argument("file", help="the backup to restore")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(func=db_restore)
    status = db_commands.add_parser(
        "status", help="migration revision of the database and pending migrations",
        description="Print the database's migration revision, the latest this version knows (head), and "
        "the migrations `liandong db upgrade` would apply. Changes nothing.",
    )
    status.set_defaults(func=db_status)


def add_drill_commands(commands: Any) -> None:
    drill = commands.add_parser("drill", help="exercises: check a scenario, tidy up after one",
                                description="Check a drill scenario; tidy up after an exercise.")
    drill_commands = drill.add_subparsers(title="drill commands", metavar="COMMAND")
    check = drill_commands.add_parser(
        "check", help="validate a drill scenario file",
        description="Validate a drill scenario (YAML, see config/drills/) against the organisation file: "
        "every problem is printed on its own line with its key path, and the exit code is 1 when there is any.",
    )
    check.add_argument("file", help="the scenario file")
    check.add_argument("--org", help="organisation file (default: $LIANDONG_ORG or the example)")
    check.set_defaults(func=drill_check)
    reset = drill_commands.add_parser(
        "reset", help="remove the incidents marked as drill",
        description="Remove every incident marked as drill (the card's Mark as drill button) with its "
        "timeline, further reports, attachments, dispatch orders and drafts, its buttons and its unsent "
        "messages. Lists what it will remove and asks first. Real incidents are never touched.",
    )
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    reset.set_defaults(func=drill_reset)
    report = drill_commands.add_parser(
        "report", help="print a drill run's evaluation",
        description="Print the evaluation of an ended drill run (the number /drills shows): each target met or "
        "missed with the time it took, scores per unit, what went slower than target, and the comparison with "
        "the previous run. With -o, write the evaluation as a document (.pdf, .html or .md, by the file's ending).",
    )
    report.add_argument("run_id", type=int, metavar="RUN_ID", help="the drill run's number")
    report.add_argument("-o", "--output", help="write the document (with its chart) to this file")
    report.set_defaults(func=drill_report)


# -- helpers -----------------------------------------------------------------------

def _settings() -> Settings:
    from bot.cli import _settings as settings

    return settings()


def _quiet() -> None:
    # Alembic's plugin set-up and migration progress are not these commands' news.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _exit_codes() -> tuple[int, int]:
    from bot.cli import EXIT_CONFIG, EXIT_DATABASE

    return EXIT_CONFIG, EXIT_DATABASE


def _confirm(question: str) -> bool:
    print(f"{question} [y/N] ", end="", flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        answer = ""
    if not answer:
        print()
    return answer.strip().lower() in ("y", "yes")


def _shown(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


def _with_database(settings: Settings, work: Callable[[Any], Awaitable[T]], *, upgrade: bool) -> T:
    """Run work(db) on the configured database; an unreachable one exits 2 in one line."""
    from storage.db import Database, DatabaseUnavailable

    async def go() -> T:
        db = Database(settings.database_url)
        try:
            if upgrade:
                await db.upgrade()
            else:
                await db.check_connection()
            return await work(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(go())
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(_exit_codes()[1]) from None


def _pg_command(settings: Settings, tool: str, file: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    parts = [tool, "--format=custom"] if tool == "pg_dump" else [tool, "--clean", "--if-exists"]
    if url.host:
        parts.append(f"--host={url.host}")
    if url.port:
        parts.append(f"--port={url.port}")
    if url.username:
        parts.append(f"--username={url.username}")
    if tool == "pg_dump":
        parts += [f"--file={file}", url.database or ""]
    else:
        parts += [f"--dbname={url.database or ''}", file]
    return " ".join(shlex.quote(part) for part in parts)


# -- db backup / restore / status ---------------------------------------------------

def db_backup(args: argparse.Namespace) -> int:
    _quiet()
    from storage.backup import BackupError, backup
    from storage.db import sqlite_path

    settings = _settings()
    exit_config, _ = _exit_codes()
    database = sqlite_path(settings.database_url)
    if database is None:
        print("PostgreSQL is backed up with pg_dump (the password comes from ~/.pgpass or PGPASSWORD):",
              file=sys.stderr)
        print(_pg_command(settings, "pg_dump", args.file))
        return exit_config
    try:
        described = backup(database, Path(args.file))
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return exit_config
    print(f"backed up {database} to {args.file}: {described.summary()}")
    return 0


def db_restore(args: argparse.Namespace) -> int:
    _quiet()
    from storage.backup import BackupError, describe, exclusive_lock, known_revisions, restore
    from storage.db import sqlite_path
    from storage.migrate import head_revision

    settings = _settings()
    exit_config, _ = _exit_codes()
    database = sqlite_path(settings.database_url)
    if database is None:
        print("PostgreSQL is restored with pg_restore, with every bot stopped:", file=sys.stderr)
        print(_pg_command(settings, "pg_restore", args.file))
        return exit_config
    source = Path(args.file)
    try:
        if source.absolute() == database.absolute():
            raise BackupError(f"{source} is the database itself")
        copy = describe(source)
        if copy.revision not in known_revisions():
            raise BackupError(f"{source}: migration revision {copy.revision or 'none'} is not one this version of "
                              "Liandong knows (made by a newer version?); nothing restored")
        with exclusive_lock(database):
            current = describe(database) if database.exists() else None
            print(f"restore {source} ({copy.summary()})")
            print(f"   into {database}" + (f" ({current.summary()})" if current else " (no database there yet)"))
            if not args.yes and not _confirm("Replace the database with the backup?"):
                print("nothing restored")
                return exit_config
            kept = restore(source, database)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return exit_config
    print(f"restored {database} from {source}" + (f"; the database it replaced is kept as {kept}" if kept else ""))
    if copy.revision != head_revision():
        print("the backup is from an older version: run `liandong db upgrade` (or start the bot, which does it)")
    return 0


def db_status(_: argparse.Namespace) -> int:
    _quiet()
    from alembic.script import ScriptDirectory

    from storage.db import sqlite_path
    from storage.migrate import alembic_config, current_revision

    settings = _settings()
    database = sqlite_path(settings.database_url)
    print(f"database: {_shown(settings)}")
    if database is not None and not database.exists():
        current = None  # reading it would create it: status changes nothing
        print("current revision: none (no database file yet)")
    else:
        async def read(db: Any) -> str | None:
            return await current_revision(db.engine)

        current = _with_database(settings, read, upgrade=False)
        print(f"current revision: {current or 'none (empty database)'}")
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    print(f"head revision: {head}")
    try:
        pending = list(reversed(list(script.iterate_revisions(head, current))))
    except Exception:  # a revision this version does not know: a newer Liandong migrated it
        print(f"pending migrations: unknown — revision {current} is not one this version knows")
        return _exit_codes()[0]
    pending = [rev for rev in pending if rev.revision != current]
    if not pending:
        print("pending migrations: none")
    else:
        print(f"pending migrations: {len(pending)} (`liandong db upgrade` applies them)")
        for rev in pending:
            print(f"  {rev.revision} {(rev.doc or '').splitlines()[0] if rev.doc else ''}".rstrip())
    return 0


# -- drill check ------------------------------------------------------------------

def drill_check(args: argparse.Namespace) -> int:
    from config.organisation import OrganisationError, load_organisation
    from config.scenario import ScenarioError, load_scenario

    config_exit, _ = _exit_codes()
    org_path = args.org or _settings().org_path
    try:
        org = load_organisation(org_path)
    except OrganisationError as exc:
        print(f"{org_path}: the organisation file has {len(exc.problems)} problem(s); "
              f"`liandong check-config {shlex.quote(str(org_path))}` lists them", file=sys.stderr)
        return config_exit
    try:
        scenario = load_scenario(args.file, org).scenario
    except ScenarioError as exc:
        print(f"{args.file}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return config_exit
    minutes = int(scenario.time_limit.total_seconds() // 60)
    print(f"{args.file}: OK — {scenario.name}: {len(scenario.participants)} units, {len(scenario.injects)} "
          f"injects, {len(scenario.expectations)} expectations, at most {minutes} min")
    return 0


# -- drill reset ------------------------------------------------------------------

def drill_reset(args: argparse.Namespace) -> int:
    _quiet()
    from storage.drills import DrillRows, find_drills, purge_drills

    settings = _settings()
    exit_config, _ = _exit_codes()

    async def find(db: Any) -> DrillRows:
        async with db.transaction() as session:
            return await find_drills(session)

    found = _with_database(settings, find, upgrade=True)
    if not found.incidents:
        print("no drill incidents: nothing to remove")
        return 0
    print(f"{len(found.incidents)} drill incident(s) to remove from {_shown(settings)}:")
    for incident in found.incidents:
        where = f" — {incident.location}" if incident.location else ""
        print(f"  {incident.id} {incident.type} ({incident.status}){where}")
    dependents = ", ".join(f"{n} {label}" for label, n in found.dependents.items() if n)
    if dependents:
        print(f"with their {dependents}")
    if not args.yes and not _confirm(f"Remove these {len(found.incidents)} drill incident(s)?"):
        print("nothing removed")
        return exit_config

    async def purge(db: Any) -> DrillRows:
        async with db.transaction() as session:
            return await purge_drills(session, found.ids)

    removed = _with_database(settings, purge, upgrade=False)
    print(f"removed {len(removed.incidents)} drill incident(s)"
          + (f" and {', '.join(f'{n} {label}' for label, n in removed.dependents.items() if n)}"
             if any(removed.dependents.values()) else ""))
    return 0


# -- drill report -----------------------------------------------------------------

def drill_report(args: argparse.Namespace) -> int:
    _quiet()
    from pathlib import Path

    from config.organisation import OrganisationError, load_organisation
    from core.i18n import Translator
    from handlers.drill.report import evaluation_document, scores_chart
    from handlers.drill.report_facts import load_drill_facts
    from handlers.drill.views import evaluation_text
    from handlers.review.document import FORMATS, write
    from storage.drill_runs import DrillRunRepository

    settings = _settings()
    exit_config, _ = _exit_codes()
    try:
        org = load_organisation(settings.org_path)
    except OrganisationError as exc:
        print(f"{settings.org_path}: the organisation file has {len(exc.problems)} problem(s)", file=sys.stderr)
        return exit_config
    fmt = Path(args.output).suffix.lstrip(".").lower() if args.output else ""
    if args.output and fmt not in FORMATS:
        print(f"{args.output}: write .pdf, .html or .md", file=sys.stderr)
        return exit_config

    async def read(db: Any) -> tuple[str, dict[str, Any]] | None:
        async with db.transaction() as session:
            run = await DrillRunRepository(session).get(args.run_id)
            facts = await load_drill_facts(session, org, args.run_id)
            if run is None or facts is None:
                return None
            return evaluation_text(Translator(org.language), org, run, run.evaluation or {}), facts

    found = _with_database(settings, read, upgrade=True)
    if found is None:
        print(f"no ended drill run numbered {args.run_id}", file=sys.stderr)
        return exit_config
    text, facts = found
    if not args.output:
        print(text)
        return 0
    t = Translator(org.language)
    Path(args.output).write_bytes(write(evaluation_document(t, facts, scores_chart(t, facts)), fmt, org.language))
    print(f"wrote {args.output}")
    return 0
