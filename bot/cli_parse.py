"""`liandong parse`: the intake parser's JSON for one message, or for each line of standard input.

Kept apart from the rest of the command line, importing nothing but the parser, so that
`bot.entry` can run it without the database layer, the platforms and the organisation
file: an office pipes a month of traffic through it, and those imports took longer than
reading two thousand messages.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
from typing import Iterable, Sequence

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool cut off by its reader


def add_parse_command(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    parse = commands.add_parser(
        "parse", help="print the intake parser's JSON for a message",
        description="Print the intake parser's JSON for TEXT; with '-', read one message "
        "per line from standard input and print one JSON object per line.",
    )
    parse.add_argument("text", help="the message, or - for standard input")
    parse.add_argument("-j", "--jobs", type=positive_int, metavar="N",
                       help="worker processes that read '-' (default: one per CPU; 1 reads in this process)")
    parse.set_defaults(func=run)
    return parse


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text}")
    return value


def run(args: argparse.Namespace) -> int:
    from handlers.intake import parse_stream
    from handlers.intake.parser import parse_report

    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")  # JSON is UTF-8 whatever the locale says
    if args.text != "-":
        print(json.dumps(parse_report(args.text).to_dict(), ensure_ascii=False))
        return 0

    def emit(lines: Iterable[str]) -> None:
        for line in lines:
            sys.stdout.write(line + "\n")
        sys.stdout.flush()  # a live feed sees each answer as soon as it is made

    parse_stream.answer_stream(sys.stdin.buffer, emit, args.jobs or parse_stream.default_workers())
    return 0


def main(argv: Sequence[str]) -> int:
    """`liandong parse ARGS` on its own: the same arguments, help and answers as through the full
    command line. (It logs nothing, so the log settings are not read.)"""
    commands = argparse.ArgumentParser(prog="liandong").add_subparsers()
    args = add_parse_command(commands).parse_args(argv)
    try:
        return run(args)
    except BrokenPipeError:
        return stop_quietly()


def stop_quietly() -> int:
    """The reader went away (`liandong parse - < big.txt | head`): stop quietly, as Unix
    tools do, instead of a traceback; stdout is pointed at /dev/null so the interpreter's
    own final flush does not fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_BROKEN_PIPE
