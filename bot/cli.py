"""The `liandong` command (DESIGN.md §3, "CLI")."""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from typing import Sequence

from adapters.console import CONSOLE_HELP
from config.organisation import Organisation, OrganisationError, load_organisation
from config.settings import Settings, SettingsError

EXIT_CONFIG = 1
EXIT_DATABASE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_CONFIG
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr,
    )
    return args.func(args)


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
        "a console chat starts.\n\n" + CONSOLE_HELP,
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

    parse = commands.add_parser(
        "parse", help="print the intake parser's JSON for a message",
        description="Print the intake parser's JSON for TEXT; with '-', read one message "
        "per line from standard input and print one JSON object per line.",
    )
    parse.add_argument("text", help="the message, or - for standard input")
    parse.set_defaults(func=_parse)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(title="db commands", metavar="COMMAND")
    upgrade = db_commands.add_parser("upgrade", help="apply migrations",
                                     description="Apply the database migrations up to the latest.")
    upgrade.set_defaults(func=_db_upgrade)
    return parser


def _settings() -> Settings:
    try:
        return Settings.from_env()
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
    print(f"{path}: OK — {org.name}: {len(org.units)} units, "
          f"{len(org.centre_conversations())} command-centre conversations")
    return 0


def _parse(args: argparse.Namespace) -> int:
    from handlers.intake.parser import parse_report

    def emit(text: str) -> None:
        print(json.dumps(parse_report(text).to_dict(), ensure_ascii=False))

    if args.text == "-":
        for line in sys.stdin:
            emit(line.rstrip("\n"))
    else:
        emit(args.text)
    return 0


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


def _run(_: argparse.Namespace) -> int:
    settings = _settings()
    org = _load_org(settings.org_path)
    try:
        return asyncio.run(_run_bot(settings, org))
    except KeyboardInterrupt:
        return 0


async def _run_bot(settings: Settings, org: Organisation) -> int:
    from bot.app import Liandong
    from bot.platform import PlatformError
    from storage.db import DatabaseUnavailable

    bot = Liandong(settings, org)
    try:
        await bot.start()
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        await bot.stop()
        return EXIT_DATABASE
    except PlatformError as exc:
        print(exc, file=sys.stderr)
        await bot.stop()
        return EXIT_CONFIG
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    waiters = [asyncio.create_task(stop.wait())]
    if bot.console is not None:
        console_task = asyncio.create_task(bot.run_console())
        waiters.append(console_task)
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        # Give the console's last lines a moment to go out before closing.
        await bot.drain()
    finally:
        for waiter in waiters:
            waiter.cancel()
        await bot.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
