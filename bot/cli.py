"""The `liandong` command (README.md, "Other commands"; every subcommand has --help)."""
from __future__ import annotations

import argparse
import asyncio
import errno
import json
import logging
import os
import getpass
import io
import signal
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping, Sequence

import adapters  # noqa: F401  (fills the platform registry)
from bot import cli_db, cli_parse, cli_report, event_loop, logredact
from core.timeparse import parse_duration
from config.organisation import Organisation, OrganisationError, load_organisation
from config.settings import Settings, SettingsError, StorageSettingsError
from core.registry import PLATFORMS

EXIT_CONFIG = 1
EXIT_DATABASE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_CONFIG
    try:
        level, fmt = _log_choice(os.environ, verbose=getattr(args, "verbose", False))
    except SettingsError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return EXIT_LOG_SETTING
    args.log_level, args.log_format = level, fmt
    logredact.configure(level, fmt, _secrets_in_env(os.environ))
    try:
        return args.func(args)
    except BrokenPipeError:  # (an export piped into head, say)
        return cli_parse.stop_quietly()


EXIT_LOG_SETTING = 2


def _log_choice(env: Mapping[str, str], verbose: bool = False) -> tuple[str, str]:
    """LIANDONG_LOG_LEVEL and LIANDONG_LOG_FORMAT (`-v` means DEBUG), or a SettingsError naming the variable."""
    level = (env.get("LIANDONG_LOG_LEVEL") or "INFO").strip().upper()
    fmt = (env.get("LIANDONG_LOG_FORMAT") or "text").strip().lower()
    if level not in logredact.LEVELS:
        raise SettingsError(f"LIANDONG_LOG_LEVEL must be {', '.join(logredact.LEVELS)}, "
                            f"not {env.get('LIANDONG_LOG_LEVEL')!r}")
    if fmt not in logredact.FORMATS:
        raise SettingsError(f"LIANDONG_LOG_FORMAT must be {' or '.join(logredact.FORMATS)}, "
                            f"not {env.get('LIANDONG_LOG_FORMAT')!r}")
    return ("DEBUG" if verbose else level), fmt


def _secrets_in_env(env: Mapping[str, str]) -> list[str]:
    """Values never to write in a log line, before the settings are read (bot/logredact.py):
    every platform setting declared secret, and the database password."""
    found = [value for spec in PLATFORMS.all() for s in spec.settings
             if s.secret and (value := env.get(f"LIANDONG_{s.key.upper()}"))]
    return found + _database_password(env.get("LIANDONG_DATABASE_URL"))


def _database_password(url: str | None) -> list[str]:
    from sqlalchemy.engine import make_url

    try:
        password = make_url(url).password if url else None
    except Exception:  # an unreadable URL: the database says so in its own words later
        return []
    return [str(password)] if password else []


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="liandong",
        description="Liandong (联动): chat-ops bot for emergency coordination. "
        "Settings come from LIANDONG_* environment variables (see README).",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = commands.add_parser(
        "run", help="start every configured platform (the console when none)",
        description="Start the bot on every configured platform; with none configured, "
        "a console chat starts.\n\n" + "\n\n".join(spec.usage for spec in PLATFORMS.all() if spec.usage),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    run.set_defaults(func=_run)

    check = commands.add_parser(
        "check-config", help="validate an organisation file",
        description="Validate an organisation file; every problem is printed on its own "
        "line with its key path, and the exit code is 1 when there is any.",
    )
    check.add_argument("file", nargs="?", help="organisation file (default: $LIANDONG_ORG or the example)")
    check.set_defaults(func=_check_config)

    cli_parse.add_parse_command(commands)

    intake = commands.add_parser(
        "intake", help="the organisation's own labelled examples: export, and score the parser",
        description="Every correction of an incident and every triage decision is a labelled example of "
        "what people in this organisation write. export writes them as JSONL in the intake sample's schema; "
        "eval scores the current parser on them (or on FILE) field by field.",
    )
    intake_commands = intake.add_subparsers(title="intake commands", metavar="COMMAND")
    iexp = intake_commands.add_parser("export", help="write the labelled examples as JSONL",
                                      description="Write the organisation's labelled examples as JSONL.")
    iexp.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    iexp.set_defaults(func=_intake_export)
    ieval = intake_commands.add_parser(
        "eval", help="score the parser on labelled examples",
        description="Score the intake parser field by field on FILE (JSONL, the intake sample's schema), "
        "or, without FILE, on the organisation's own examples from the database.",
    )
    ieval.add_argument("file", nargs="?", help="JSONL file (default: the organisation's own examples)")
    ieval.add_argument("--errors", action="store_true", help="list every wrong field")
    ieval.set_defaults(func=_intake_eval)

    places = commands.add_parser(
        "places", help="the gazetteer: places the bot should know",
        description="Places (towns, villages, roads, ports, parks, mines, enterprises) the bot prefers when "
        "reading a report's location; with coordinates they put the incident on the map. They are laid over "
        "the organisation file's places: and running bots pick them up within seconds.",
    )
    places_commands = places.add_subparsers(title="places commands", metavar="COMMAND")
    pimp = places_commands.add_parser(
        "import", help="import places from CSV or XLSX",
        description="Read places from a CSV (UTF-8 or GB18030) or XLSX file with the columns name (名称), "
        "kind (类别: town/镇, village/村, road/道路, port/港口, park/园区, mine/矿山, enterprise/企业, other/其他), "
        "town (乡镇), latitude (纬度), longitude (经度); only name is required. All or nothing: every bad row "
        "is listed with its number and why, and then nothing is imported (exit code 1). Importing again "
        "updates the places by name.",
    )
    pimp.add_argument("file", help="the places file, .csv or .xlsx")
    pimp.set_defaults(func=_places_import)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(title="db commands", metavar="COMMAND")
    upgrade = db_commands.add_parser("upgrade", help="apply migrations",
                                     description="Apply the database migrations up to the latest.")
    upgrade.set_defaults(func=_db_upgrade)
    cli_db.add_db_commands(db_commands)
    cli_db.add_drill_commands(commands)
    cli_report.add_report_commands(commands)

    roster = commands.add_parser(
        "roster", help="the contact register and the roster in the database",
        description="Import the contact register (联系方式登记表), export the merged roster, remove "
        "members. The organisation file ($LIANDONG_ORG) stays the declared base; what these commands "
        "change is kept in the database ($LIANDONG_DATABASE_URL) and running bots pick it up within seconds.",
    )
    roster_commands = roster.add_subparsers(title="roster commands", metavar="COMMAND")
    imp = roster_commands.add_parser(
        "import", help="import the contact register (CSV or XLSX)",
        description="Read the contact register (columns 序号, 单位, 科室, 联系人, 职务, 联系方式, 备注 — "
        "or No., Unit, Department, Contact, Title, Phone, Note; optional 代码/Code and 类别/Kind) from a "
        "CSV (UTF-8 or GB18030) or XLSX file. Every row that cannot be used is listed with its row number "
        "and why; then nothing is changed (exit code 1) unless --partial. Units are matched by code or "
        "name; unknown ones are added. Importing the same register again updates, never duplicates.",
    )
    imp.add_argument("file", help="the register, .csv or .xlsx")
    imp.add_argument("--partial", action="store_true", help="import the good rows even when some are refused")
    imp.set_defaults(func=_roster_import)
    exp = roster_commands.add_parser(
        "export", help="write the merged roster (file + database)",
        description="Write the organisation as the bot sees it — the file with the units, members, "
        "contacts and bindings of the database laid over it. yaml: the organisation file's shape, to fold "
        "back into the file (contacts without a chat id as comments); csv/xlsx: the contact register's "
        "columns, every person of every unit.",
    )
    exp.add_argument("--format", choices=("yaml", "csv", "xlsx"),
                     help="default: from -o's extension, else yaml")
    exp.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output; xlsx needs it)")
    exp.set_defaults(func=_roster_export)
    rm = roster_commands.add_parser(
        "remove", help="remove a member or contact added in chat or by import",
        description="Mark a unit's member or contact removed (kept for the record). WHO is the person's "
        "name, or PLATFORM:ID (telegram:123456789, slack:U0123); a name that fits more than one entry "
        "is refused with the entries listed, to name one by id. People listed in the organisation file "
        "are removed by editing the file. The chat's /remove follows the same rule.",
    )
    rm.add_argument("unit", help="unit code (or name)")
    rm.add_argument("who", help="name, or telegram:ID / slack:ID")
    rm.set_defaults(func=_roster_remove)

    invite = commands.add_parser(
        "invite", help="create an invite code for a unit",
        description="Create a code to join UNIT: the person sends /join CODE to the bot in a private chat; "
        "a member sends /bind CODE in the unit's group to bind it. The code is printed once; only its hash "
        "is stored.",
    )
    invite.add_argument("unit", help="unit code (or name)")
    invite.add_argument("--role", choices=("member", "duty_officer"), default="member",
                        help="role given on /join (default: member)")
    invite.add_argument("--uses", type=int, default=1, help="how many times the code works (default: 1)")
    invite.add_argument("--expires", default="7d", metavar="DURATION",
                        help="how long it is valid: 30m, 12h, 7d, 2w (default: 7d)")
    invite.set_defaults(func=_invite)
    return parser


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except StorageSettingsError as exc:  # where the data goes cannot be used: like an unreachable database
        print(f"configuration: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_DATABASE) from None
    except SettingsError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def _load_org(path: str) -> Organisation:
    try:
        return load_organisation(path)
    except OrganisationError as exc:
        print(f"{path}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def _check_config(args: argparse.Namespace) -> int:
    path = args.file or _settings().org_path
    org = _load_org(path)
    for warning in org.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{path}: OK — {org.name}: {len(org.units)} units, "
          f"{len(org.centre_conversations())} command-centre conversations")
    return 0


def _places_import(args: argparse.Namespace) -> int:
    from config.places import read_places
    from storage.places import PlaceRepository
    from storage.roster import RosterRepository

    found = read_places(args.file)
    if found.problems:
        print(f"{args.file}: {len(found.problems)} problem(s):", file=sys.stderr)
        for problem in found.problems:
            print(problem, file=sys.stderr)
        print("nothing imported: fix the rows above and import again", file=sys.stderr)
        return EXIT_CONFIG
    if not found.places:
        print(f"{args.file}: no places in it", file=sys.stderr)
        return EXIT_CONFIG

    async def work(session: Any, _: Organisation) -> int:
        repo = PlaceRepository(session)
        now, by = datetime.now(timezone.utc), f"liandong places import {Path(args.file).name}"
        changed = 0
        for place in found.places:
            changed += await repo.put(place.name, kind=place.kind, town=place.town, latitude=place.latitude,
                                      longitude=place.longitude, source="import", by=by, now=now)
        if changed:
            await RosterRepository(session).record("places", None, by, now, {"places": changed})
        mapped = sum(1 for p in found.places if p.latitude is not None)
        print(f"imported {len(found.places)} places ({mapped} with coordinates): {changed} new or changed")
        return 0

    return _with_roster(work)


def _intake_export(args: argparse.Namespace) -> int:
    from handlers.intake.examples import labelled_examples

    async def work(session: Any, _: Organisation) -> int:
        examples = await labelled_examples(session)
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in examples)
        if not args.output:
            _utf8_stdout()
            sys.stdout.write(text)
            return 0
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_CONFIG
        print(f"wrote {args.output}: {len(examples)} labelled examples")
        return 0

    return _with_roster(work)


def _intake_eval(args: argparse.Namespace) -> int:
    from handlers.intake.examples import labelled_examples
    from handlers.intake.scoring import evaluate, load

    def show(name: str, rows: list[dict[str, Any]]) -> int:
        _utf8_stdout()
        if not rows:
            print(f"{name}: no labelled examples yet (corrections and triage decisions make them)")
            return 0
        result = evaluate(rows)
        print(f"{name}: {len(rows)} messages")
        print("\n".join(result.summary()))
        if args.errors:
            for ident, field, got, want in result.errors:
                print(f"  ✗ {ident} {field}: got {got!r}, want {want!r}")
        return 0

    if args.file:
        try:
            rows = load(Path(args.file))
        except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
            print(f"cannot read {args.file}: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        if not all(isinstance(r, dict) and "text" in r and "expected" in r for r in rows):
            print(f"{args.file}: every line needs \"text\" and \"expected\"", file=sys.stderr)
            return EXIT_CONFIG
        return show(args.file, rows)

    async def work(session: Any, _: Organisation) -> int:
        return show("the organisation's own examples", await labelled_examples(session))

    return _with_roster(work)


def _utf8_stdout() -> None:
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")  # JSON and Chinese are UTF-8 whatever the locale says


def _db_upgrade(_: argparse.Namespace) -> int:
    from storage.db import Database, DatabaseUnavailable

    async def upgrade() -> None:
        db = Database(_settings().database_url)
        try:
            await db.upgrade()
        finally:
            await db.dispose()

    try:
        asyncio.run(upgrade())
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return EXIT_DATABASE
    print("database is up to date")
    return 0


# -- roster and invites ------------------------------------------------------------

def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name (a container without a passwd entry)
        return "cli"


def _with_roster(work: Callable[[Any, Organisation], Awaitable[int]]) -> int:
    """Run work(session, organisation file) in one database transaction."""
    from storage.db import Database, DatabaseUnavailable

    settings = _settings()
    org = _load_org(settings.org_path)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the migrations' progress is not this command's news

    async def go() -> int:
        db = Database(settings.database_url)
        try:
            await db.upgrade()
            async with db.transaction() as session:
                return await work(session, org)
        finally:
            await db.dispose()

    try:
        return asyncio.run(go())
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return EXIT_DATABASE


async def _merged(session: Any, org: Organisation) -> tuple[Organisation, Any]:
    from config.roster import merge
    from storage.roster import RosterRepository

    snapshot = await RosterRepository(session).snapshot()
    return merge(org.spec, snapshot, org.source), snapshot


def _unit_or_exit(org: Organisation, text: str) -> str | None:
    from config.unit_lookup import lookup_unit

    found = lookup_unit(org, text)
    if found.several:
        listed = "; ".join(f"{code} {org.units[code].name}" for code in found.several)
        print(f"{text!r} matches several units; use the unit's code: {listed}", file=sys.stderr)
    elif found.code is None:
        close = found.close
        hint = f" (did you mean {', '.join(close)}?)" if close else " (`liandong roster export` lists the units)"
        print(f"no unit {text!r}{hint}", file=sys.stderr)
    return found.code


def _roster_import(args: argparse.Namespace) -> int:
    from config.register.applying import import_register
    from config.register.reading import read_register

    register = read_register(args.file)
    name = args.file
    if register.unreadable:
        print(f"{name}: cannot import:", file=sys.stderr)
        for problem in register.problems:
            print(problem, file=sys.stderr)
        return EXIT_CONFIG

    async def work(session: Any, org: Organisation) -> int:
        now = datetime.now(timezone.utc)
        outcome = await import_register(session, org.spec, register, partial=args.partial, actor=_actor(),
                                        now=now, source=org.source)
        refused = {row for p in outcome.problems for row in p.rows}
        print(f"{name}: {register.data_rows} rows, {register.data_rows - len(refused)} good, {len(refused)} refused")
        if outcome.problems:
            print(f"{name}: {len(outcome.problems)} problem(s):", file=sys.stderr)
            for problem in outcome.problems:
                print(problem, file=sys.stderr)
        if register.ignored_columns:
            print(f"columns ignored: {', '.join(register.ignored_columns)}")
        if outcome.problems and not args.partial:
            good = register.data_rows - len(refused)
            print(f"nothing imported: fix the rows above and import again, or import the {good} good rows "
                  "with --partial", file=sys.stderr)
            return EXIT_CONFIG
        if not outcome.applied:
            print("nothing to import")
            return EXIT_CONFIG if refused else 0
        result = outcome.result
        added_units = [u for u in outcome.new_units if u.code in result.units_added]
        listed = "; ".join(f"{u.code} {u.name} ({u.kind})" for u in added_units)
        print(f"units added: {len(added_units)}" + (f" — {listed}" if listed else ""))
        print(f"contacts added: {len(result.added)}, updated: {len(result.updated)}, unchanged: {result.unchanged}"
              + (f", already in the organisation file: {outcome.in_file}" if outcome.in_file else ""))
        print(f"rows refused: {len(refused)}" + (" (listed above; not imported)" if refused else ""))
        without = [row.row for row in register.good_rows() if row.phone is None and row.row not in refused]
        if without:
            print(f"without a phone (联系方式 empty): {len(without)} — row{'s' if len(without) > 1 else ''} "
                  + ", ".join(map(str, without)))
        return 0

    return _with_roster(work)


def _roster_export(args: argparse.Namespace) -> int:
    from config.register.exporting import export_csv, export_rows, export_xlsx, export_yaml

    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower() if args.output else ""
        fmt = {".csv": "csv", ".xlsx": "xlsx"}.get(suffix, "yaml")
    if fmt == "xlsx" and not args.output:
        print("an xlsx export needs -o FILE", file=sys.stderr)
        return EXIT_CONFIG

    async def work(session: Any, org: Organisation) -> int:
        merged, snapshot = await _merged(session, org)
        rows = export_rows(merged, snapshot.members)
        when = datetime.now(timezone.utc).astimezone(merged.timezone).strftime("%Y-%m-%d %H:%M %Z")
        if fmt == "yaml":
            spec = merged.spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
            header = (f"{merged.name}: the organisation file {org.source} with the roster of the database "
                      f"(version {snapshot.version}) laid over it, exported {when}.\n"
                      "Check it with `liandong check-config FILE` before using it as LIANDONG_ORG.")
            data: str | bytes = export_yaml(spec, rows, header)
        elif fmt == "csv":
            data = export_csv(rows, merged.language)
        else:
            data = export_xlsx(rows, merged.language, merged.name)
        if not args.output:
            assert isinstance(data, str)  # xlsx has -o
            sys.stdout.write(data)
            return 0
        try:
            if isinstance(data, bytes):
                Path(args.output).write_bytes(data)
            else:  # a BOM for CSV: Excel on a Chinese Windows then reads it as UTF-8
                Path(args.output).write_text(data, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
        except OSError as exc:
            print(f"cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_CONFIG
        print(f"wrote {args.output} ({fmt}): {len(merged.units)} units, {len(rows)} people")
        return 0

    return _with_roster(work)


def _roster_remove(args: argparse.Namespace) -> int:
    from config.removal import decide_removal, entry_label
    from storage.roster import RosterRepository

    async def work(session: Any, org: Organisation) -> int:
        merged, _ = await _merged(session, org)
        code = _unit_or_exit(merged, args.unit)
        if code is None:
            return EXIT_CONFIG
        unit = merged.units[code]
        repo = RosterRepository(session)
        decision = decide_removal(merged, code, await repo.members_in(code), args.who)
        if decision.outcome == "in_file":
            print(f"{args.who} is in the organisation file {org.source} ({code}): remove them from the file",
                  file=sys.stderr)
            return EXIT_CONFIG
        if decision.outcome == "not_found":
            hint = f" (did you mean {', '.join(decision.close)}?)" if decision.close else ""
            print(f"no member or contact {args.who!r} in {code} {unit.name}{hint}", file=sys.stderr)
            return EXIT_CONFIG
        if decision.outcome == "ambiguous":
            listed = "; ".join(f"{m.name} ({entry_label(m)})" for m in decision.members)
            print(f"{args.who!r} fits more than one entry of {code} {unit.name}; nobody was removed: {listed}. "
                  "Name one by id (telegram:ID, slack:ID)", file=sys.stderr)
            return EXIT_CONFIG
        member = decision.members[0]
        now = datetime.now(timezone.utc)
        actor = _actor()
        await repo.remove_member(member, actor, now)
        await repo.record("remove", code, actor, now, {"name": member.name, "platform": member.platform,
                                                       "user_id": member.user_id, "source": member.source})
        what = f"{member.platform} {member.user_id}" if member.user_id else "contact"
        print(f"removed {member.name} ({what}) from {code} {unit.name}")
        return 0

    return _with_roster(work)


def _invite(args: argparse.Namespace) -> int:
    from storage.roster import MAX_INVITE_DAYS, MAX_INVITE_USES, RosterRepository

    valid_for = parse_duration(args.expires)
    if valid_for is None or valid_for <= timedelta(0) or valid_for > timedelta(days=MAX_INVITE_DAYS):
        print(f"--expires {args.expires!r}: a duration such as 30m, 12h, 7d or 2w, at most {MAX_INVITE_DAYS}d",
              file=sys.stderr)
        return EXIT_CONFIG
    if not 1 <= args.uses <= MAX_INVITE_USES:
        print(f"--uses {args.uses}: from 1 to {MAX_INVITE_USES}", file=sys.stderr)
        return EXIT_CONFIG

    async def work(session: Any, org: Organisation) -> int:
        merged, _ = await _merged(session, org)
        code = _unit_or_exit(merged, args.unit)
        if code is None:
            return EXIT_CONFIG
        now = datetime.now(timezone.utc)
        expires = now + valid_for
        secret = await RosterRepository(session).create_invite(code, args.role, args.uses, expires, _actor(), now)
        unit = merged.units[code]
        local = expires.astimezone(merged.timezone).strftime("%Y-%m-%d %H:%M %Z")
        role = "duty officer (值班员)" if args.role == "duty_officer" else "member"
        uses = "once" if args.uses == 1 else f"{args.uses} times"
        print(f"invite code: {secret}")
        print(f"unit {code} {unit.name}, as {role}; works {uses}, until {local}")
        print(f"In a private chat with the bot: /join {secret}")
        print(f"In the unit's group, by a member of {code}: /bind {secret}")
        print("The code is shown only now: only its hash is kept.")
        return 0

    return _with_roster(work)


# Stopping (Ctrl-C, SIGTERM) takes at most about STOP_BUDGET_S: intake stops and the
# message in hand is finished, due deliveries go out, the senders settle what they hold.
STOP_INTAKE_S = 1.0
STOP_DRAIN_S = 1.5
STOP_SENDERS_S = 1.5
STOP_BUDGET_S = 4.5  # from the signal to the end of bot.stop(), of the 5 s an operator is promised
LOG_FILE_NAME = "liandong.log"
_CANNOT_LISTEN = {errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL}


def _run(args: argparse.Namespace) -> int:
    from bot.instance import AlreadyRunning, lock_database

    settings = _settings()
    # The console owns the terminal: log lines go to a file so the chat stays readable.
    console = any(PLATFORMS.mirrors(name) for name in settings.enabled_platforms())
    log_file = (settings.spool_path.parent / LOG_FILE_NAME).absolute() if console else None
    secrets = [*settings.secrets(), *_database_password(settings.database_url)]
    try:
        logredact.configure(args.log_level, args.log_format, secrets, path=log_file)
    except OSError as exc:
        print(f"cannot write the log file {log_file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONFIG
    org = _load_org(settings.org_path)
    for warning in org.warnings:
        logging.getLogger(__name__).warning("%s: %s", settings.org_path, warning)
    try:
        lock = lock_database(settings.database_url)
    except AlreadyRunning as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIG
    except OSError as exc:
        print(f"cannot lock the database file: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return event_loop.run(_run_bot(settings, org, log_file))
    except KeyboardInterrupt:
        return 0
    finally:
        if lock is not None:
            lock.release()


def startup_line(settings: Settings, platforms: Sequence[str], log_file: Path | None) -> str:
    from sqlalchemy.engine import make_url

    database = make_url(settings.database_url).render_as_string(hide_password=True)
    line = (f"Liandong: database {database}, organisation {settings.org_path}, "
            f"platforms {', '.join(platforms) or 'none'}")
    return line + (f"; log in {log_file}" if log_file else "")


async def _run_bot(settings: Settings, org: Organisation, log_file: Path | None = None) -> int:
    from bot.app import Liandong
    from core.platform import PlatformError
    from storage.db import DatabaseUnavailable

    log = logging.getLogger(__name__)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # also during start-up: then the bot stops once up
        loop.add_signal_handler(sig, stop.set)
    bot = Liandong(settings, org)
    try:
        await bot.start()
    except (DatabaseUnavailable, PlatformError, OSError) as exc:
        listening = isinstance(exc, OSError) and exc.errno in _CANNOT_LISTEN and bot.needs_http
        if isinstance(exc, OSError) and not listening:
            raise
        await bot.stop(timeout=STOP_SENDERS_S)
        # After the clean-up, so the reason is the last line an operator sees.
        if isinstance(exc, DatabaseUnavailable):
            print(exc, file=sys.stderr)
            return EXIT_DATABASE
        if isinstance(exc, PlatformError):  # "the token `123:ABC…` was rejected": not printed in full
            print(logredact.RedactSecrets(settings.secrets()).redact(str(exc)), file=sys.stderr)
            return EXIT_CONFIG
        # The HTTP server's port, which a webhook platform needs (otherwise start() only warns).
        why = "already in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        print(f"cannot listen on {settings.http_host}:{settings.http_port} (LIANDONG_HTTP_HOST/LIANDONG_HTTP_PORT): "
              f"{why}; {', '.join(c.platform for c in bot.chats if c.needs_http)} needs it for webhooks",
              file=sys.stderr)
        return EXIT_CONFIG
    line = startup_line(settings, bot.platforms, log_file)
    log.info("%s", line)
    log.info("event loop: %s", event_loop.name())
    if log_file is not None:
        print(line, file=sys.stderr, flush=True)
    foreground = asyncio.create_task(bot.run_foreground())
    stopper = asyncio.create_task(stop.wait())
    signalled_at: float | None = None
    try:
        await asyncio.wait([foreground, stopper], return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            signalled_at = loop.time()
            log.info("stopping: no new updates; finishing what is in hand")
            bot.stop_taking_updates()
            await asyncio.wait([foreground], timeout=STOP_INTAKE_S)
        # What was recorded to send goes out now (the console's last lines, a receipt).
        await bot.drain(STOP_DRAIN_S)
    finally:
        for task in (foreground, stopper):
            task.cancel()
        # After a signal the whole stop fits in STOP_BUDGET_S, whatever a platform takes
        # to close (a Slack press in hand may wait longer): what is not sent stays queued.
        budget = None if signalled_at is None else max(0.1, STOP_BUDGET_S - (loop.time() - signalled_at))
        try:
            await asyncio.wait_for(bot.stop(timeout=STOP_SENDERS_S), budget)
            log.info("stopped")
        except asyncio.TimeoutError:
            log.warning("stopping took over %ss: exiting now; what was not sent waits in the outbox", STOP_BUDGET_S)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
