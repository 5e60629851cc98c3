"""Shared fixtures: databases on SQLite and PostgreSQL, the example organisation,
and a bot process wired to the console platform.

PostgreSQL tests run on the server of LIANDONG_TEST_POSTGRES_URL (default: the
local server at 127.0.0.1:5432, database `test`, user `postgres`), in a database
this run creates there and drops at the end (or in `test` itself when it may not
create one). Outside CI they skip when the server cannot be reached; in CI
(CI=true) that is a failure.
"""
from __future__ import annotations

import asyncio
import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import AsyncIterator

import pytest
import yaml

# Hermetic: the per-user data directory (platformdirs: $XDG_DATA_HOME/liandong) of this
# process and of every bot or CLI subprocess it starts is a temporary one, never the
# real ~/.local/share/liandong. Set before anything reads it.
USER_DATA_HOME = Path(tempfile.mkdtemp(prefix="liandong-test-data-"))
os.environ["XDG_DATA_HOME"] = str(USER_DATA_HOME)
# Every `liandong` or bot subprocess imports this checkout's code, not the one the venv's
# editable install points at: a git worktree shares the venv of the main checkout.
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, (str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH"))))

from bot.app import Liandong
from core.clock import ManualClock
from config.organisation import Organisation, load_organisation, parse_organisation
from config.settings import DEFAULT_ORG, Settings
from storage.db import Database

SERVER_URL = os.environ.get(
    "LIANDONG_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Each test run gets a database of its own on that server, so two runs at once
# (a developer's and a helper's) never drop each other's tables.
RUN_DATABASE = f"liandong_test_{os.getpid()}"
POSTGRES_URL = SERVER_URL
_postgres_reachable: bool | None = None


async def _can_reach_postgres() -> bool:
    global _postgres_reachable, POSTGRES_URL
    if _postgres_reachable is None:
        db = Database(SERVER_URL)
        try:
            await asyncio.wait_for(db.check_connection(), 5)
            _postgres_reachable = True
            POSTGRES_URL = await _create_run_database(db)
        except Exception:
            _postgres_reachable = False
        finally:
            await db.dispose()
    return _postgres_reachable


async def _create_run_database(server: Database) -> str:
    """A fresh database for this run, or the server's own when it may not create one."""
    from sqlalchemy import text

    try:
        async with server.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{RUN_DATABASE}"'))
            await conn.execute(text(f'CREATE DATABASE "{RUN_DATABASE}"'))
    except Exception:
        return SERVER_URL
    return server.url.set(database=RUN_DATABASE).render_as_string(hide_password=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(USER_DATA_HOME, ignore_errors=True)
    if POSTGRES_URL != SERVER_URL:
        asyncio.run(_drop_run_database())


async def _drop_run_database() -> None:
    from sqlalchemy import text

    server = Database(SERVER_URL)
    try:
        async with server.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{RUN_DATABASE}" WITH (FORCE)'))
    finally:
        await server.dispose()


async def _reset_postgres() -> None:
    from sqlalchemy import text

    db = Database(POSTGRES_URL)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'liandong.db'}"
    if not await _can_reach_postgres():
        message = f"PostgreSQL not reachable at {SERVER_URL}"
        if IN_CI:
            pytest.fail(message + " (CI must run the PostgreSQL tests)")
        pytest.skip(message)
    await _reset_postgres()
    return POSTGRES_URL


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await database.upgrade()
    yield database
    await database.dispose()


@pytest.fixture
def model_in_doubt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The report model never sure enough to register a message on its own word, and every
    text read in this process (no parse worker): a message the rules doubt goes to triage
    however the shipped weights change with retraining. For tests of triage, not of the model."""
    from handlers.intake import parser as parser_module
    from handlers.intake import report_model
    from handlers.intake.handler import READ_AHEAD

    short_of_sure = (report_model.DOUBT_ABOVE + report_model.REGISTER_ABOVE) / 2
    monkeypatch.setattr(parser_module, "report_probability",
                        lambda low: min(report_model.report_probability(low), short_of_sure))
    monkeypatch.setattr(READ_AHEAD, "workers_allowed", False)


@pytest.fixture
def org() -> Organisation:
    return load_organisation(DEFAULT_ORG)


def example_org_with(more_keys: str = "", **sections: dict[str, object]) -> Organisation:
    """The example organisation file with more top-level keys appended as YAML (e.g. a
    `places:` gazetteer) and keys of its sections changed (escalation={"sms_replies": False}),
    read as the bot reads the file. A module that needs it for its bots overrides the `org`
    fixture with it."""
    text = Path(DEFAULT_ORG).read_text(encoding="utf-8") + more_keys
    if sections:
        data = yaml.safe_load(text)
        for name, keys in sections.items():
            data.setdefault(name, {}).update(keys)
        text = yaml.safe_dump(data, allow_unicode=True)
    return parse_organisation(text, DEFAULT_ORG)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


class ConsoleBot:
    """A bot process on the console platform, driven line by line."""

    def __init__(self, app: Liandong, out: io.StringIO):
        self.app = app
        self.out = out
        self._read = 0

    async def say(self, line: str, *, deliver: bool = True) -> str:
        """Type a line, deliver everything it caused, return what was printed."""
        assert self.app.console is not None
        await self.app.console.handle_line(line, self.app.pipeline.handle)
        if deliver:
            await self.app.drain()
        return self.new_output()

    def new_output(self) -> str:
        text = self.out.getvalue()
        fresh, self._read = text[self._read:], len(text)
        return fresh


@pytest.fixture
async def console_bot(database_url: str, org: Organisation, clock: ManualClock) -> AsyncIterator[ConsoleBot]:
    bot = await start_console_bot(database_url, org, clock)
    yield bot
    await bot.app.stop()


async def start_console_bot(database_url: str, org: Organisation, clock: ManualClock) -> ConsoleBot:
    """A console bot whose outbox is delivered only when the test says (drain)."""
    out = io.StringIO()
    settings = Settings.of(database_url=database_url, console=True)
    app = Liandong(settings, org, clock=clock, console_out=out, http=False)
    await app.start(senders=False)
    return ConsoleBot(app, out)
