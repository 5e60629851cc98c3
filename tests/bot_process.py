"""A real bot process for tests that need two of them on one database.

    python -m tests.bot_process DATABASE_URL ORG_FILE CLOCK_FILE

Runs `Liandong` on the console platform with its senders and timers, reading
typed lines from standard input and printing the console to standard output,
like `liandong run` does. The one difference is the clock: it reads the time
from CLOCK_FILE (an ISO timestamp the test rewrites), so a test can move two
processes through a schedule without waiting for the wall clock.
"""
from __future__ import annotations

import asyncio
import logging
import sys
from datetime import datetime
from pathlib import Path

from bot.app import Liandong
from config.organisation import load_organisation
from config.settings import Settings


class FileClock:
    def __init__(self, path: Path):
        self.path = path

    def now(self) -> datetime:
        return datetime.fromisoformat(self.path.read_text().strip())


async def main(database_url: str, org_file: str, clock_file: str) -> None:
    settings = Settings.of(org_path=org_file, database_url=database_url, console=True)
    app = Liandong(settings, load_organisation(org_file), clock=FileClock(Path(clock_file)),
                   console_out=sys.stdout, http=False)
    await app.start()
    print("(bot process ready)", flush=True)
    try:
        await app.run_foreground()
    finally:
        await app.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main(*sys.argv[1:4]))
