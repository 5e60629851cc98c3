"""An incident's board with two bot processes on one PostgreSQL database: it is
redrawn after the presses commit, holding the incident, so the drawing shows what
the other process committed meanwhile and no press waits for the drawing."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, update

from config.organisation import Organisation
from core.clock import ManualClock
from storage.db import Database
from storage.incidents import IncidentRepository
from storage.models import DispatchOrder
from tests.conftest import start_console_bot
from tests.console_transcript import room, token

REPORT = "人民路化工厂起火，3人受伤，有人被困"
ID = "20261122-0001"


async def test_the_board_shows_a_press_the_other_process_committed_while_it_was_drawn(
        database_url: str, org: Organisation, clock: ManualClock) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer: there is no other process")
    bot = await start_console_bot(database_url, org, clock)
    other = Database(database_url)  # the other bot process's own connections
    try:
        await bot.say(f"路人甲@reporting: {REPORT}")
        out = await bot.say(f"王指挥@centre: /dispatch {ID} FIRE-01 MED-01")
        fire_ack = token(room(out, "FIRE-01"), "接令")
        async with other.transaction() as session:
            # The other process is drawing this incident's board: it holds the incident.
            incident = await IncidentRepository(session).get(ID)
            assert incident is not None
            await IncidentRepository(session).lock(incident)
            # FIRE-01's press here is answered without waiting for that drawing …
            await asyncio.wait_for(
                bot.app.console.handle_line(f"赵五@FIRE-01: !{fire_ack}", bot.app.pipeline.handle), 10)  # type: ignore[union-attr]
            # … and MED-01's 接令, pressed in the other process, commits meanwhile.
            await session.execute(update(DispatchOrder).where(DispatchOrder.unit_code == "MED-01")
                                  .values(state="acknowledged", state_at=clock.now()))
        await bot.app.drain()
        board = room(bot.new_output(), "centre")
        assert "edits message" in board
        last = board.rsplit("调度看板", 1)[1]
        fire, med = (line for unit in ("FIRE-01", "MED-01") for line in last.splitlines() if unit in line)
        assert "已接令" in fire and "已接令" in med, last
        async with bot.app.db.transaction() as session:
            states = {o.unit_code: o.state for o in await session.scalars(select(DispatchOrder))}
        assert states == {"FIRE-01": "acknowledged", "MED-01": "acknowledged"}
    finally:
        await other.dispose()
        await bot.app.stop()
