"""A full disk loses nothing that was acknowledged.

The SQLite file lives on a small tmpfs that the test fills to the last byte, so
the database's writes fail with SQLITE_FULL exactly as they would on a full
server disk. With the spool on another disk, reports arriving meanwhile are kept
there, the group is told once, readiness says why, and when space comes back
each is handled exactly once. With the spool on the same full disk nothing can
be kept: the reporter is told the message was not recorded (never that it was).

Mounting needs root; where the test runs without it, it says so and skips.
"""
from __future__ import annotations

import asyncio
import errno
import os
import subprocess
from pathlib import Path
from typing import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.app import Liandong
from config.organisation import Organisation
from config.settings import Settings
from core.clock import SystemClock
from storage.models import Incident
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import fake  # noqa: F401 (fixture)

CENTRE, REPORTING = -1001000, -1003000
KEPT = "您的消息已在本机保存"
NOT_KEPT = "本条未能记录"
RECEIPT = "已登记事件"
PLACES = ["东山仓库", "环山路加油站", "石岛港3号码头"]


class SmallDisk:
    """A tmpfs of a few megabytes that can be filled up and emptied again."""

    def __init__(self, where: Path):
        self.where = where
        self.filler = where / "filler"

    def fill(self) -> None:
        """Write until not even one byte fits (unbuffered, so nothing waits in a buffer)."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for size in (1 << 20, 1 << 16, 1 << 12, 1):
                while True:
                    try:
                        os.write(fd, b"\0" * size)
                    except OSError as exc:
                        assert exc.errno == errno.ENOSPC, exc
                        break
        finally:
            os.close(fd)

    def empty(self) -> None:
        self.filler.unlink(missing_ok=True)


@pytest.fixture
async def small_disk(tmp_path: Path) -> AsyncIterator[SmallDisk]:
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"a small disk needs mount (root): {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield SmallDisk(where)
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _settings(fake: FakeTelegramAPI, database: Path, data_dir: Path) -> Settings:
    return Settings.of(database_url=f"sqlite+aiosqlite:///{database}", telegram_token=fake.token,
                       telegram_api_url=fake.root_url, http_port=0, console=False, data_dir=str(data_dir))


async def _incidents(app: Liandong) -> int:
    try:
        async with app.db.transaction() as session:
            return int(await session.scalar(select(func.count()).select_from(Incident)) or 0)
    except Exception:  # the disk is still full
        return -1


async def test_reports_while_the_disk_is_full_are_kept_and_handled_once_when_space_returns(
    small_disk: SmallDisk, fake: FakeTelegramAPI, org: Organisation, tmp_path: Path,
) -> None:
    app = Liandong(_settings(fake, small_disk.where / "liandong.db", tmp_path / "data"), org,
                   clock=SystemClock(), http=False)
    await app.start()
    try:
        fake.inject_message(REPORTING, 7000, "人民路化工厂起火，3人受伤，有人被困")
        await fake.wait_for_messages(CENTRE, timeout=10)

        small_disk.fill()
        for i, place in enumerate(PLACES):
            fake.inject_message(REPORTING, 7100 + i, f"{place}起火，{i + 1}人受伤")
        await fake.wait_until(lambda: len(app.spool) == len(PLACES), timeout=20)
        told = [m for m in fake.sent_messages(REPORTING) if KEPT in m["text"]]
        assert len(told) == 1, "the reporting group is told once, not once per report"
        failing = await app.readiness()
        assert "database" in failing and "spool" in failing

        small_disk.empty()
        await fake.wait_until(lambda: sum(RECEIPT in m["text"] for m in fake.sent_messages(REPORTING))
                              == 1 + len(PLACES), timeout=30)
        assert len(app.spool) == 0
        await asyncio.sleep(2.0)  # anything handled twice would show now
        assert await _incidents(app) == 1 + len(PLACES)
        assert sum(RECEIPT in m["text"] for m in fake.sent_messages(REPORTING)) == 1 + len(PLACES)
        assert "database" not in await app.readiness()
    finally:
        small_disk.empty()
        await app.stop()


async def test_with_the_spool_on_the_full_disk_too_the_reporter_hears_it_was_not_recorded(
    small_disk: SmallDisk, fake: FakeTelegramAPI, org: Organisation,
) -> None:
    app = Liandong(_settings(fake, small_disk.where / "liandong.db", small_disk.where / "data"), org,
                   clock=SystemClock(), http=False)
    await app.start()
    try:
        fake.inject_message(REPORTING, 7000, "人民路化工厂起火，3人受伤，有人被困")
        await fake.wait_for_messages(CENTRE, timeout=10)

        small_disk.fill()
        fake.inject_message(REPORTING, 7100, "东山仓库起火，1人受伤")
        await fake.wait_until(lambda: any(NOT_KEPT in m["text"] for m in fake.sent_messages(REPORTING)),
                              timeout=20)
        assert not any(KEPT in m["text"] for m in fake.sent_messages(REPORTING)), \
            "nothing may claim to be kept when it was not"
        assert len(app.spool) == 0
    finally:
        small_disk.empty()
        await app.stop()
