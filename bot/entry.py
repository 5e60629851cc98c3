"""The `liandong` command's entry point.

`liandong parse` goes straight to `bot.cli_parse`, which imports only the parser; every
other command goes to `bot.cli`. An office re-reads a month of traffic with `parse`, and
the full command line's imports (the database layer, the platforms, the organisation
file) were a tenth of such a run.
"""
from __future__ import annotations

import sys
from typing import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["parse"]:
        from bot import cli_parse
        return cli_parse.main(args[1:])
    from bot import cli
    return cli.main(args)
