"""Backups, restores, migration status and drill resets (#21), through the installed
`liandong` command in subprocesses, on real databases."""
from __future__ import annotations

import fcntl
import sqlite3
from pathlib import Path

from sqlalchemy import func, select

from config.organisation import Organisation
from core.clock import ManualClock
from storage.db import Database
from storage.migrate import head_revision
from storage.models import DispatchOrder, Incident, TimelineEntry
from tests.conftest import start_console_bot
from tests.console_transcript import token
from tests.test_cli import run
from tests.test_data_dir import _env, _one_line, _register

REPORT = "路人甲@reporting: 人民路化工厂起火，3人受伤\n"
VERSIONS = Path(__file__).resolve().parents[1] / "storage" / "migrations" / "versions"


def _rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(database)  # closed after: an open connection would hold off a restore
    try:
        return {
            "incidents": conn.execute("SELECT id, type, location, injured FROM incidents ORDER BY id").fetchall(),
            "roster": conn.execute("SELECT unit_code, name, phone, removed_at FROM roster_members "
                                   "ORDER BY name").fetchall(),
        }
    finally:
        conn.close()


# -- status, backup and restore ----------------------------------------------------------

def test_db_status_before_and_after_upgrade(tmp_path: Path) -> None:
    head = head_revision()
    before = run("db", "status", env=_env(tmp_path / "data"))
    assert before.returncode == 0, before.stderr
    assert "current revision: none" in before.stdout and f"head revision: {head}" in before.stdout
    assert f"pending migrations: {len(list(VERSIONS.glob('0*.py')))}" in before.stdout
    assert f"  {head} " in before.stdout
    assert not (tmp_path / "data").exists()  # status changes nothing
    assert run("db", "upgrade", env=_env(tmp_path / "data")).returncode == 0
    after = run("db", "status", env=_env(tmp_path / "data"))
    assert f"current revision: {head}" in after.stdout and "pending migrations: none" in after.stdout


def test_backup_and_restore_bring_back_the_incidents_and_the_roster(tmp_path: Path) -> None:
    data = tmp_path / "data"
    database = data / "liandong.db"
    assert run("run", stdin=REPORT + ":quit\n", env=_env(data)).returncode == 0
    assert run("roster", "import", str(_register(tmp_path / "r.csv")), env=_env(data)).returncode == 0
    saved = _rows(database)
    assert len(saved["incidents"]) == 1 and len(saved["roster"]) == 2

    backup = tmp_path / "backups" / "liandong-1.db"
    backup.parent.mkdir()
    made = run("db", "backup", str(backup), env=_env(data))
    assert made.returncode == 0, made.stderr
    assert f"revision {head_revision()}" in made.stdout and "1 incidents" in made.stdout
    assert _rows(backup) == saved
    assert not Path(f"{backup}-wal").exists()  # one self-contained file
    assert run("db", "backup", str(backup), env=_env(data)).returncode == 1  # never overwritten

    # Life goes on: a second incident, a member removed.
    assert run("run", stdin="路人乙@reporting: 石岛港码头货船起火，2人被困\n:quit\n", env=_env(data)).returncode == 0
    assert run("roster", "remove", "荣成市水务局", "杨工", env=_env(data)).returncode == 0
    assert _rows(database) != saved

    refused = run("db", "restore", str(backup), stdin="n\n", env=_env(data))
    assert refused.returncode == 1 and "nothing restored" in refused.stdout
    restored = run("db", "restore", str(backup), stdin="y\n", env=_env(data))
    assert restored.returncode == 0, restored.stderr
    assert _rows(database) == saved
    assert len(_rows(Path(f"{database}.before-restore"))["incidents"]) == 2
    # The restored database is the bot's again: it starts on it and counts on from there.
    again = run("run", stdin="路人丙@reporting: 港湾街道仓库起火\n:quit\n", env=_env(data))
    assert again.returncode == 0, again.stderr
    assert len(_rows(database)["incidents"]) == 2


def test_restore_is_refused_while_a_bot_holds_the_lock(tmp_path: Path) -> None:
    data = tmp_path / "data"
    database = data / "liandong.db"
    assert run("run", stdin=REPORT + ":quit\n", env=_env(data)).returncode == 0
    backup = tmp_path / "b.db"
    assert run("db", "backup", str(backup), env=_env(data)).returncode == 0
    assert run("run", stdin="路人乙@reporting: 石岛港码头货船起火，2人被困\n:quit\n", env=_env(data)).returncode == 0
    now = _rows(database)
    with open(f"{database}.lock", "a+") as lock:  # what a running bot holds
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run("db", "restore", str(backup), "--yes", env=_env(data))
    assert result.returncode == 1
    assert "a bot is running on" in _one_line(result)
    assert _rows(database) == now
    assert run("db", "restore", str(backup), "--yes", env=_env(data)).returncode == 0  # lock released


def test_restore_refuses_files_that_are_not_a_liandong_database_at_a_known_revision(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run("db", "upgrade", env=_env(data)).returncode == 0
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("hello")
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    future = tmp_path / "future.db"
    assert run("db", "backup", str(future), env=_env(data)).returncode == 0
    conn = sqlite3.connect(future)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    for bad, why in ((not_sqlite, "not a readable SQLite database"), (other, "not Liandong's"),
                     (future, "revision 9999 is not one"), (tmp_path / "missing.db", "no such file")):
        result = run("db", "restore", str(bad), "--yes", env=_env(data))
        assert result.returncode == 1 and why in _one_line(result), (bad, result.stderr)


def test_postgresql_backups_are_pg_dump_without_the_password(tmp_path: Path) -> None:
    url = "postgres://liandong:s3cret@db.example:5433/liandong"
    result = run("db", "backup", "/backups/l.dump", env=_env(tmp_path, LIANDONG_DATABASE_URL=url))
    assert result.returncode == 1  # nothing was backed up by this command
    assert result.stdout.strip() == ("pg_dump --format=custom --host=db.example --port=5433 --username=liandong "
                                     "--file=/backups/l.dump liandong")
    assert "s3cret" not in result.stdout + result.stderr


# -- drill reset ------------------------------------------------------------------------

async def _counts(url: str) -> dict[str, object]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            incidents = {i.id: i.drill for i in (await session.scalars(select(Incident))).all()}
            timeline = dict((await session.execute(
                select(TimelineEntry.incident_id, func.count()).group_by(TimelineEntry.incident_id))).all())
            orders = dict((await session.execute(
                select(DispatchOrder.incident_id, func.count()).group_by(DispatchOrder.incident_id))).all())
    finally:
        await db.dispose()
    return {"incidents": incidents, "timeline": timeline, "orders": orders}


async def test_drill_reset_removes_only_the_drill_incidents(database_url: str, org: Organisation,
                                                            clock: ManualClock, tmp_path: Path) -> None:
    bot = await start_console_bot(database_url, org, clock)
    try:
        real = await bot.say(REPORT)
        drill = await bot.say("路人乙@reporting: 石岛港码头货船起火，2人被困")
        asked = await bot.say(f"王指挥@centre: !{token(drill, '标记为演练')}")
        await bot.say(f"王指挥@centre: !{token(asked, '确认：是演练')}")
        for out in (real, drill):
            await bot.say(f"王指挥@centre: !{token(out, '调度')}")
    finally:
        await bot.app.stop()
    before = await _counts(database_url)
    assert sorted(before["incidents"].values()) == [False, True]  # type: ignore[union-attr]
    [drill_id] = [i for i, is_drill in before["incidents"].items() if is_drill]  # type: ignore[union-attr]
    [real_id] = [i for i, is_drill in before["incidents"].items() if not is_drill]  # type: ignore[union-attr]
    assert before["timeline"][drill_id] >= 2  # type: ignore[index]

    env = {"LIANDONG_DATABASE_URL": database_url, "LIANDONG_DATA_DIR": str(tmp_path)}
    declined = run("drill", "reset", stdin="n\n", env=env)
    assert declined.returncode == 1 and "nothing removed" in declined.stdout
    assert f"  {drill_id} " in declined.stdout and real_id not in declined.stdout
    assert await _counts(database_url) == before

    done = run("drill", "reset", "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert "removed 1 drill incident(s)" in done.stdout
    after = await _counts(database_url)
    assert after["incidents"] == {real_id: False}
    assert set(after["timeline"]) == {real_id}  # type: ignore[arg-type]
    assert after["timeline"][real_id] == before["timeline"][real_id]  # type: ignore[index]
    assert set(after["orders"]) <= {real_id}  # type: ignore[arg-type]
    assert run("drill", "reset", "--yes", env=env).stdout.startswith("no drill incidents")


async def test_drill_reset_leaves_no_incident_merged_into_a_removed_drill(
        database_url: str, org: Organisation, clock: ManualClock, tmp_path: Path) -> None:
    bot = await start_console_bot(database_url, org, clock)
    try:
        first = await bot.say(REPORT)
        await bot.say("路人乙@reporting: 城东工业园仓库着火，有2人被困")
        await bot.say("王指挥@centre: /merge 20261122-0001 20261122-0002")
        asked = await bot.say(f"王指挥@centre: !{token(first, '标记为演练')}")  # an exercise after all
        await bot.say(f"王指挥@centre: !{token(asked, '确认：是演练')}")
    finally:
        await bot.app.stop()
    env = {"LIANDONG_DATABASE_URL": database_url, "LIANDONG_DATA_DIR": str(tmp_path)}
    assert run("drill", "reset", "--yes", env=env).returncode == 0
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            [left] = (await session.scalars(select(Incident))).all()
    finally:
        await db.dispose()
    assert (left.id, left.status, left.merged_into) == ("20261122-0002", "closed", None)


async def test_a_backup_taken_while_the_bot_runs_has_what_it_committed(org: Organisation, clock: ManualClock,
                                                                       tmp_path: Path) -> None:
    database = tmp_path / "data" / "liandong.db"
    bot = await start_console_bot(f"sqlite+aiosqlite:///{database}", org, clock)
    try:
        await bot.say(REPORT)
        made = run("db", "backup", str(tmp_path / "live.db"), env=_env(tmp_path / "data"))
        assert made.returncode == 0, made.stderr
        await bot.say("路人乙@reporting: 石岛港码头货船起火，2人被困")  # the bot carries on writing
    finally:
        await bot.app.stop()
    assert len(_rows(tmp_path / "live.db")["incidents"]) == 1
    assert len(_rows(database)["incidents"]) == 2


def test_the_new_commands_have_help() -> None:
    for args in (["db", "backup"], ["db", "restore"], ["db", "status"], ["drill"], ["drill", "reset"]):
        result = run(*args, "--help")
        assert result.returncode == 0 and "usage: liandong" in result.stdout, args


def test_a_restore_run_as_root_leaves_the_lock_file_to_the_bots_user(tmp_path: Path) -> None:
    import os

    import pytest

    if os.geteuid() != 0:
        pytest.skip("only root can give files away")
    data = tmp_path / "data"
    assert run("db", "upgrade", env=_env(data)).returncode == 0
    assert run("db", "backup", str(tmp_path / "b.db"), env=_env(data)).returncode == 0
    database = data / "liandong.db"
    os.chown(database, 4242, 4242)  # the service's user
    assert run("db", "restore", str(tmp_path / "b.db"), "--yes", env=_env(data)).returncode == 0
    lock = Path(f"{database}.lock").stat()
    assert (lock.st_uid, lock.st_gid) == (4242, 4242)
    assert database.stat().st_uid == 4242  # restored in place, not replaced by root's file
