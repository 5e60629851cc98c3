"""One bot per SQLite file.

Two `liandong run` on one SQLite database would both poll the same platforms and both
send the outbox; SQLite has no row locks to keep them apart (PostgreSQL does, and two
processes there is the high-availability set-up). The first process holds an exclusive
lock on `<database>.lock` beside the file for as long as it runs; a second one is
refused before it touches the database. The kernel releases the lock when the process
ends, however it ends.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy.engine import make_url


class AlreadyRunning(Exception):
    pass


class InstanceLock:
    def __init__(self, path: Path, fd: int):
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def sqlite_file(database_url: str) -> Path | None:
    """The SQLite database file of the URL; None for a server database or memory."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def lock_database(database_url: str) -> InstanceLock | None:
    """Hold `<database>.lock` (None: nothing to lock); AlreadyRunning when another process holds it."""
    database = sqlite_file(database_url)
    if database is None:
        return None
    path = database.with_name(database.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip()
        os.close(fd)
        by = f" (process {holder})" if holder.isdigit() else ""
        raise AlreadyRunning(f"another Liandong is already running on {database}{by}: "
                             f"stop it first (it holds {path})") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return InstanceLock(path, fd)
