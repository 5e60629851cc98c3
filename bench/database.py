"""Where a benchmark keeps its data: a fresh SQLite file by default, or with
`--database URL` a fresh database on that PostgreSQL server.

On PostgreSQL the benchmark creates its own database (`liandong_bench_<name>_<pid>`)
next to the one the URL names and drops it afterwards, so a run never reads or
leaves rows in a database someone uses. The URL's own database is only used to
connect (with trust authentication on 127.0.0.1: postgresql://postgres@127.0.0.1/test).
"""
from __future__ import annotations

import argparse
import os
import tempfile
from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import Database, normalise_url


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", metavar="URL", default=None,
        help="PostgreSQL server to run on (a fresh database is created on it and dropped after), "
             "e.g. postgresql://postgres@127.0.0.1:5432/test; default: a fresh SQLite file")


def backend_name(url: str | None) -> str:
    """'SQLite' or 'PostgreSQL', for the figures' heading."""
    return "PostgreSQL" if url and make_url(normalise_url(url)).get_backend_name() == "postgresql" else "SQLite"


@asynccontextmanager
async def bench_database(url: str | None, name: str) -> AsyncIterator[str]:
    """The URL of an empty database for one run, removed when the run ends."""
    if url is None or make_url(normalise_url(url)).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite+aiosqlite:///{tmp}/{name}.db"
        return
    server = Database(url)
    run_database = f"liandong_bench_{name}_{os.getpid()}"
    try:
        await _execute(server, f'DROP DATABASE IF EXISTS "{run_database}"', f'CREATE DATABASE "{run_database}"')
        yield server.url.set(database=run_database).render_as_string(hide_password=False)
    finally:
        await _execute(server, f'DROP DATABASE IF EXISTS "{run_database}" WITH (FORCE)')
        await server.dispose()


async def _execute(server: Database, *statements: str) -> None:
    async with server.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")  # CREATE DATABASE refuses a transaction
        for statement in statements:
            await conn.execute(text(statement))
