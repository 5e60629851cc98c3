"""Two bot processes on one PostgreSQL database (the high-availability set-up):
each scheduled roll-call goes out once, its deadline is processed once, and
either process takes answers.

The processes are real (`python -m tests.bot_process`), with senders and timers
running as in `liandong run`; only their clock is read from a file the test
moves, so the schedule does not take a month of wall-clock time.
"""
from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import OutboxMessage, RollcallAnswer, RollcallRun

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ORG = ROOT / "config" / "org.example.yaml"
# The example organisation's roll-call "0 9 1 * *" in Asia/Shanghai, deadline 30 minutes.
DEC_1_0900 = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)


class BotProcess:
    def __init__(self, name: str):
        self.name = name
        self.output = ""
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self, database_url: str, clock_file: Path) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.bot_process", database_url, str(EXAMPLE_ORG), str(clock_file),
            cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._reader = asyncio.create_task(self._read())
        await wait_until(lambda: "(bot process ready)" in self.output, 30)

    async def _read(self) -> None:
        assert self.process and self.process.stdout
        while line := await self.process.stdout.readline():
            self.output += line.decode()

    async def type(self, line: str) -> None:
        assert self.process and self.process.stdin
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            await self.type(":quit")
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except asyncio.TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._reader:
            await self._reader


async def wait_until(check, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.1)


def _rollcall_messages(output: str, room: str) -> list[str]:
    """New roll-call messages (not edits) the process printed into one room."""
    blocks = re.split(r"(?m)^(?=\[)", output)
    return [b for b in blocks if re.match(rf"\[{re.escape(room)}\] bot #\d+:", b) and "值班点名 ·" in b]


def _present_token(message: str) -> str:
    found = re.search(r"\[到 !([\w-]+)\]", message)
    assert found, message
    return found.group(1)


@pytest.mark.postgres
async def test_two_processes_send_each_scheduled_rollcall_once_and_both_take_answers(
    database_url: str, tmp_path: Path,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two processes share a PostgreSQL database")
    clock_file = tmp_path / "now"
    clock_file.write_text((DEC_1_0900 - timedelta(minutes=1)).isoformat())
    first, second = BotProcess("first"), BotProcess("second")
    db = Database(database_url)
    try:
        await first.start(database_url, clock_file)
        await second.start(database_url, clock_file)

        clock_file.write_text((DEC_1_0900 + timedelta(seconds=2)).isoformat())
        both = lambda: first.output + second.output  # noqa: E731
        await wait_until(lambda: all(_rollcall_messages(both(), u) for u in ("FIRE-01", "MED-01", "EXP-01")), 30)
        await asyncio.sleep(3)  # a second copy from the other process would show by now
        for unit in ("FIRE-01", "MED-01", "ENV-01", "POWER-01", "EXP-01"):
            assert len(_rollcall_messages(both(), unit)) == 1, unit

        fire = _rollcall_messages(both(), "FIRE-01")[0]
        med = _rollcall_messages(both(), "MED-01")[0]
        await first.type(f"张三@FIRE-01: !{_present_token(fire)}")
        await second.type(f"陈医生@MED-01: !{_present_token(med)}")
        await wait_until(lambda: "已记录：FIRE-01 到" in first.output and "已记录：MED-01 到" in second.output, 20)

        # Past the deadline and the reminder's grace: one reminder per silent unit, one summary.
        clock_file.write_text((DEC_1_0900 + timedelta(minutes=31)).isoformat())
        await asyncio.sleep(3)
        clock_file.write_text((DEC_1_0900 + timedelta(minutes=45)).isoformat())
        await asyncio.sleep(3)

        async with db.transaction() as session:
            runs = list(await session.scalars(select(RollcallRun)))
            answers = await session.scalar(select(func.count()).select_from(RollcallAnswer))
            summaries = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.message_key.like("rollcall-summary:%"), OutboxMessage.kind == "send"))
        assert len(runs) == 1 and answers == 2
        assert summaries == 1
        await wait_until(lambda: both().count("📋 点名结果") == 1, 20)
    finally:
        await first.stop()
        await second.stop()
        await db.dispose()
