"""Copies of a SQLite database: backups taken while the bot runs, and restores.

A backup uses SQLite's online backup API: it copies a consistent snapshot page by
page while the bot keeps writing (WAL readers do not block writers), and the copy
is one self-contained file (rollback journal, no -wal beside it).

A running bot holds an exclusive lock on `<database file>.lock` (fcntl.flock); a
restore takes the same lock, so it is refused while a bot runs on that database and
no bot can start while it restores.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from storage.migrate import alembic_config

BUSY_TIMEOUT_S = 10
# Tables a Liandong database always has; their row counts describe a copy.
COUNTED = ("incidents", "incident_timeline", "roster_units", "roster_members", "rollcalls", "broadcasts")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is one line."""


class DatabaseInUse(BackupError):
    pass


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextmanager
def exclusive_lock(database: Path) -> Iterator[None]:
    """Hold `<database>.lock` exclusively, or raise DatabaseInUse at once."""
    path = lock_path(database)
    existed = path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not existed and os.geteuid() == 0 and database.exists():
            # Made by root (a restore run with sudo): the bot's user must still open it.
            owner = database.stat()
            os.fchown(fd, owner.st_uid, owner.st_gid)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseInUse(f"a bot is running on {database} (it holds {path}): stop it first") from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Described:
    """What a database file holds: its migration revision and a few row counts."""

    revision: str | None
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        counted = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in self.counts.items())
        return f"revision {self.revision or 'none'}" + (f"; {counted}" if counted else "")


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def describe(path: Path) -> Described:
    """Read a file as a Liandong database (read-only), or raise BackupError saying why not."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        with _closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables or "incidents" not in tables:
                raise BackupError(f"{path}: a SQLite database, but not Liandong's (no incidents or migration revision)")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            counts = {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                      for table in COUNTED if table in tables}
    except sqlite3.DatabaseError as exc:  # "file is not a database", a damaged file
        raise BackupError(f"{path}: not a readable SQLite database ({exc})") from None
    return Described(revision[0] if revision else None, counts)


def backup(source: Path, target: Path) -> Described:
    """Copy the database at source to target (a new file) with the online backup API."""
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file name")
    partial = target.with_name(target.name + ".partial")
    try:
        with _closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)) as src, \
                _closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot back up {source} to {target}: {exc}") from None
    return describe(target)


def restore(source: Path, target: Path) -> Path | None:
    """Replace the database at target with the copy at source, keeping the database it
    replaces as `<target>.before-restore` (returned; None when there was none).
    The caller holds exclusive_lock(target)."""
    kept: Path | None = None
    try:
        if target.exists():
            kept = target.with_name(target.name + ".before-restore")
            if kept.exists():
                kept.unlink()
            backup(target, kept)
        target.parent.mkdir(parents=True, exist_ok=True)
        with _closing(sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)) as src, \
                _closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_S)) as dst:
            # Out of WAL first: the backup API cannot change a WAL database's page size,
            # and no -wal file of the old database may outlive it. The bot turns WAL back on.
            dst.execute("PRAGMA journal_mode=DELETE")
            src.backup(dst)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"cannot restore {source} into {target}: {exc}") from None
    return kept


@contextmanager
def _closing(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    try:
        yield conn
    finally:
        conn.close()
