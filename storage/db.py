"""Engine set-up and transactions, on SQLite (embedded default) or PostgreSQL.

SQLite under asyncio needs care: with the driver's own transaction handling a
read-then-write runs outside a transaction and concurrent updates are lost, and
a plain BEGIN fails with "database is locked" when two writers meet. Following
SQLAlchemy's SQLite dialect docs, the driver's handling is switched off and every
transaction starts with BEGIN IMMEDIATE, which takes the write lock up front and
waits for it (busy_timeout) instead of failing. Within one process, transactions
first queue for the write lock on an asyncio lock.
"""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import platformdirs
from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

# The SQLite file's name inside the data directory (LIANDONG_DATA_DIR).
DATABASE_FILE = "liandong.db"

# The schemes an operator may write, and the async driver each one means.
_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000
CONNECT_TIMEOUT_S = 5


def default_data_dir() -> Path:
    """The per-user data directory (~/.local/share/liandong on Linux, or $XDG_DATA_HOME/liandong):
    the same whatever directory the bot is started in."""
    return Path(platformdirs.user_data_dir("liandong", appauthor=False))


def sqlite_url(path: Path | str) -> str:
    """The URL of the SQLite file at path (made absolute: the start directory must not matter)."""
    return f"sqlite+aiosqlite:///{Path(path).expanduser().absolute()}"


class UnknownDatabaseURL(ValueError):
    """A database URL whose scheme Liandong does not run on; the message is one line."""


def normalise_url(url: str | URL) -> str:
    """The URL with its driver made explicit: postgresql:// and postgres:// mean
    postgresql+asyncpg://, sqlite:/// means sqlite+aiosqlite:///. Any other scheme
    is refused (UnknownDatabaseURL), naming the scheme only, never the password."""
    try:
        parsed = make_url(url)
    except (sa_exc.ArgumentError, ValueError):
        raise UnknownDatabaseURL(
            "is not a database URL: use sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE") from None
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        raise UnknownDatabaseURL(
            f"unknown scheme {parsed.drivername + '://'!r}: use sqlite:///PATH or "
            "postgresql://USER@HOST:PORT/DATABASE")
    if driver == parsed.drivername:
        return url if isinstance(url, str) else url.render_as_string(hide_password=False)
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL, in-memory and URI databases."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


class DatabaseUnavailable(Exception):
    """The database cannot be reached or opened; the message is one clear line."""


def is_storage_failure(exc: BaseException) -> bool:
    """Whether an error means the database could not take the work (down, unreachable,
    locked past the busy timeout, disk full) rather than that the work was wrong."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
                             DatabaseUnavailable, OSError, asyncio.TimeoutError)):
            return True
        if isinstance(seen, sa_exc.DBAPIError) and seen.connection_invalidated:
            return True
        if type(seen).__module__.startswith("asyncpg") and type(seen).__name__ in (
                "ConnectionDoesNotExistError", "CannotConnectNowError", "ConnectionFailureError",
                "InterfaceError", "AdminShutdownError", "TooManyConnectionsError"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Database:
    def __init__(self, url: str, *, echo: bool = False):
        url = normalise_url(url)
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.is_postgres = self.url.get_backend_name() == "postgresql"
        if self.is_sqlite:
            _ensure_sqlite_directory(self.url.database)
        self.engine: AsyncEngine = create_async_engine(url, echo=echo, **self._engine_options())
        if self.is_sqlite:
            _apply_sqlite_recipe(self.engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time. Waiting for it here, in the event loop,
        # is cheap; waiting in SQLite's busy handler means sleeps of up to 100 ms.
        self._sqlite_writer = asyncio.Lock() if self.is_sqlite else None

    def _engine_options(self) -> dict[str, Any]:
        if self.is_postgres:
            # A server that does not answer must not hold an event for a minute (asyncpg's
            # default): after a few seconds the pipeline keeps it in its spool instead.
            return {"pool_size": 10, "max_overflow": 10, "pool_pre_ping": True, "pool_timeout": 10,
                    "connect_args": {"timeout": CONNECT_TIMEOUT_S}}
        return {}

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed on success, rolled back on any error."""
        if self._sqlite_writer is None:
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with self._sqlite_writer, self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only snapshot for reports: on SQLite a plain (deferred) BEGIN in WAL
        mode, so reading a month of rows neither waits for nor holds the writer lock
        the pipeline needs. Nothing written here is kept (rolled back at the end)."""
        async with self.engine.connect() as conn:
            if self.is_sqlite:
                await conn.execution_options(liandong_read_only=True)
            async with self.sessions(bind=conn) as session:
                await session.begin()
                try:
                    yield session
                finally:
                    await session.rollback()

    async def check_connection(self) -> None:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # driver errors differ per backend; all mean "unreachable"
            raise DatabaseUnavailable(
                f"cannot open database {self.url.render_as_string(hide_password=True)}: "
                f"{_first_line(exc)}"
            ) from exc

    async def upgrade(self) -> None:
        """Apply the Alembic migrations up to head."""
        from storage.migrate import upgrade_to_head

        await self.check_connection()
        await upgrade_to_head(self.engine, is_postgres=self.is_postgres)

    async def dispose(self) -> None:
        await self.engine.dispose()


def _first_line(exc: BaseException) -> str:
    message = str(exc).strip() or type(exc).__name__
    return message.splitlines()[0]


def _ensure_sqlite_directory(database: str | None) -> None:
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _apply_sqlite_recipe(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Reports read without the write lock (Database.reading); everything else takes it up front.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("liandong_read_only") else "BEGIN IMMEDIATE")
