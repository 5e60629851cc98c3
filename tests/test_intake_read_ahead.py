"""Reports read ahead in a worker process: the same reading as in the event loop,
and no report lost or held up when the worker is missing, dead or forgotten."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.intake import read_ahead as read_ahead_module
from handlers.intake.handler import READ_AHEAD
from handlers.intake.parser import parse_report
from handlers.intake.read_ahead import ReadAhead
from tests.conftest import ConsoleBot

TEXTS = [
    "人民路化工厂起火，3人受伤，有人被困",
    "Fire at the Renmin Rd chemical plant, 3 injured",
    "环山路K12处山体滑坡，2人被埋",
    "明天上午九点开安全生产会议",
    "人民路化工厂起火，3人受伤，有人被困",  # the same text twice: one reading serves both
]


async def _ready(reader: ReadAhead) -> None:
    reader.start()
    for _ in range(400):
        if reader.ready:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the parse worker did not start in 20 s")


@pytest.fixture
async def reader():
    reader = ReadAhead(workers_allowed=True)
    yield reader
    reader.close()


async def test_the_worker_reads_as_the_event_loop_does(reader: ReadAhead) -> None:
    await _ready(reader)
    for text in TEXTS:
        reader.offer(text)
    await asyncio.sleep(0)  # the hand-over runs in the next turn of the loop
    read = [await reader.parsed(text) for text in TEXTS]
    assert read == [parse_report(text) for text in TEXTS]
    assert (reader.read_by_worker, reader.read_here) == (len(TEXTS), 0)


async def test_a_text_not_offered_is_read_here(reader: ReadAhead) -> None:
    await _ready(reader)
    assert await reader.parsed(TEXTS[0]) == parse_report(TEXTS[0])
    assert (reader.read_by_worker, reader.read_here) == (0, 1)


async def test_before_the_worker_is_ready_texts_are_read_here() -> None:
    reader = ReadAhead(workers_allowed=True)
    try:
        reader.offer(TEXTS[0])  # starts the worker, which cannot be ready in the same turn
        await asyncio.sleep(0)
        assert await reader.parsed(TEXTS[0]) == parse_report(TEXTS[0])
        assert reader.read_here == 1
    finally:
        reader.close()


async def test_a_dead_worker_loses_no_report_and_is_replaced_later(
        reader: ReadAhead, monkeypatch: pytest.MonkeyPatch) -> None:
    await _ready(reader)
    os.kill(reader.worker_pid, signal.SIGKILL)  # type: ignore[arg-type]
    for text in TEXTS:
        reader.offer(text)
    await asyncio.sleep(0)
    read = [await reader.parsed(text) for text in TEXTS]
    assert read == [parse_report(text) for text in TEXTS]
    assert reader.read_by_worker == 0
    # After the pause a new worker is tried, and reads again.
    monkeypatch.setattr(read_ahead_module, "RESTART_AFTER_S", 0.0)
    await _ready(reader)
    reader.offer(TEXTS[1])
    await asyncio.sleep(0)
    assert await reader.parsed(TEXTS[1]) == parse_report(TEXTS[1])
    assert reader.read_by_worker == 1


async def test_texts_nobody_asks_for_are_forgotten(reader: ReadAhead, monkeypatch: pytest.MonkeyPatch) -> None:
    await _ready(reader)
    reader.offer(TEXTS[0])  # a reply to a question, say: taken by another handler, never parsed
    await asyncio.sleep(0)
    assert reader.held == 1
    monkeypatch.setattr(read_ahead_module, "FORGET_AFTER_S", 0.0)
    reader.offer(TEXTS[1])
    await asyncio.sleep(0)
    assert reader.held == 1  # only the new one


async def test_without_a_second_core_there_is_no_worker() -> None:
    reader = ReadAhead(workers_allowed=False)
    reader.offer(TEXTS[0])
    await asyncio.sleep(0)
    assert await reader.parsed(TEXTS[0]) == parse_report(TEXTS[0])
    assert (reader.read_here, reader.ready, reader.held) == (1, False, 0)


async def test_reports_from_chat_are_read_by_the_worker(console_bot: ConsoleBot) -> None:
    if not READ_AHEAD.workers_allowed:
        pytest.skip("one core: no parse worker")
    await _ready(READ_AHEAD)
    before = READ_AHEAD.read_by_worker
    out = await console_bot.say("路人甲@reporting: 人民路化工厂起火，3人受伤，有人被困")
    assert READ_AHEAD.read_by_worker == before + 1
    assert "人民路化工厂" in out and "20261122-0001" in out
    # Chatter in a conversation that is not for reports is not even offered.
    await console_bot.say("路人甲@centre: 人民路化工厂起火，3人受伤，有人被困")
    assert READ_AHEAD.held == 0


def test_the_worker_outlives_an_event_loop() -> None:
    """One worker serves the process's event loops in turn (the tests run one per test), and
    readings promised on one loop are never awaited on another."""
    reader = ReadAhead(workers_allowed=True)

    async def offer_and_read() -> int | None:
        await _ready(reader)
        reader.offer(TEXTS[0])
        await asyncio.sleep(0)
        assert await reader.parsed(TEXTS[0]) == parse_report(TEXTS[0])
        reader.offer(TEXTS[0])  # offered, never asked for: its reading stays with this loop
        await asyncio.sleep(0)
        return reader.worker_pid

    try:
        first = asyncio.run(offer_and_read())
        second = asyncio.run(offer_and_read())
        assert first == second and (reader.read_by_worker, reader.read_here) == (2, 0)
    finally:
        reader.close()


def test_a_worker_whose_bot_has_gone_ends_quietly() -> None:
    """A bot that stops while its worker still loads closes the pipes first: the worker's
    'ready' then meets a closed pipe, and must end without a traceback on the bot's stderr."""
    requests_read, requests_write = os.pipe()
    answers_read, answers_write = os.pipe()
    os.close(answers_read)  # the bot has gone
    os.close(requests_write)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    try:
        worker = subprocess.run(
            [sys.executable, "-m", "handlers.intake.parse_worker", str(requests_read), str(answers_write)],
            pass_fds=(requests_read, answers_write), capture_output=True, text=True, timeout=120, env=env)
    finally:
        os.close(requests_read)
        os.close(answers_write)
    assert (worker.returncode, worker.stderr) == (0, "")
