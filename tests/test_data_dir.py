"""Where the data lives (#21): the per-user data directory, whatever directory the bot is
started in; database URL forms; refusals before anything is created."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from config.settings import Settings, SettingsError, StorageSettingsError
from storage.migrate import head_revision
from tests.conftest import IN_CI, SERVER_URL
from tests.test_cli import run

REPORT = "路人甲@reporting: 人民路化工厂起火，3人受伤\n"
REGISTER = [["序号", "单位", "科室", "联系人", "职务", "联系方式", "备注"],
            ["1", "市消防救援大队", "指挥中心", "张三", "值班长", "13800002001", ""],
            ["2", "荣成市水务局", "防汛办", "杨工", "工程师", "13963100004", ""]]


def _env(data: Path, **more: str) -> dict[str, str]:
    return {"LIANDONG_DATA_DIR": str(data), "LIANDONG_HTTP_PORT": "0", **more}


def _register(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(REGISTER)
    return path


def _one_line(result: object) -> str:
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, result.stderr  # type: ignore[attr-defined]
    return lines[0]


# -- where the data lives ---------------------------------------------------------------

def test_started_from_two_directories_it_keeps_one_database(tmp_path: Path) -> None:
    data, here, there = tmp_path / "data", tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    register = _register(tmp_path / "register.csv")
    imported = run("roster", "import", str(register), cwd=here, env=_env(data))
    assert imported.returncode == 0, imported.stderr
    exported = run("roster", "export", "--format", "csv", cwd=there, env=_env(data))
    assert exported.returncode == 0, exported.stderr
    assert "杨工" in exported.stdout and "13963100004" in exported.stdout
    status = run("db", "status", cwd=there, env=_env(data))
    assert f"current revision: {head_revision()}" in status.stdout
    assert (data / "liandong.db").exists()
    assert list(here.iterdir()) == [] and list(there.iterdir()) == []


def test_the_default_database_is_in_the_data_directory(tmp_path: Path) -> None:
    settings = Settings.from_env({"LIANDONG_DATA_DIR": str(tmp_path / "d")})
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'd' / 'liandong.db'}"
    assert settings.spool_path == tmp_path / "d" / "inbound-spool.jsonl"
    # An explicit URL wins; the spool stays in the data directory.
    explicit = Settings.from_env({"LIANDONG_DATA_DIR": str(tmp_path / "d"),
                                  "LIANDONG_DATABASE_URL": f"sqlite:///{tmp_path}/other.db"})
    assert explicit.database_url == f"sqlite+aiosqlite:///{tmp_path}/other.db"
    assert explicit.spool_path == tmp_path / "d" / "inbound-spool.jsonl"


@pytest.mark.parametrize(("given", "meant"), [
    ("postgresql://bob@db:5432/liandong", "postgresql+asyncpg://bob@db:5432/liandong"),
    ("postgres://bob:s%40cret@db/liandong", "postgresql+asyncpg://bob:s%40cret@db/liandong"),
    ("postgresql+asyncpg://bob@db/liandong", "postgresql+asyncpg://bob@db/liandong"),
    ("sqlite:////var/lib/liandong/liandong.db", "sqlite+aiosqlite:////var/lib/liandong/liandong.db"),
    ("sqlite+aiosqlite:///rel/x.db", "sqlite+aiosqlite:///rel/x.db"),
])
def test_plain_database_urls_mean_the_async_drivers(given: str, meant: str, tmp_path: Path) -> None:
    env = {"LIANDONG_DATABASE_URL": given, "LIANDONG_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(env).database_url == meant


@pytest.mark.parametrize("url", ["mysql://bob:secret@db/liandong", "postgresql+psycopg2://bob:secret@db/x",
                                 "not a url at all"])
@pytest.mark.parametrize("command", [["db", "status"], ["run"]])
def test_an_unknown_scheme_is_one_line_exit_2_and_nothing_created(url: str, command: list[str],
                                                                  tmp_path: Path) -> None:
    with pytest.raises(StorageSettingsError):
        Settings.from_env({"LIANDONG_DATABASE_URL": url})
    data = tmp_path / "data"
    result = run(*command, cwd=tmp_path, env=_env(data, LIANDONG_DATABASE_URL=url))
    assert result.returncode == 2
    line = _one_line(result)
    assert "LIANDONG_DATABASE_URL" in line and "secret" not in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgres
def test_a_postgresql_url_without_the_driver_reaches_the_server(tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    plain = make_url(SERVER_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    result = run("db", "status", env=_env(tmp_path, LIANDONG_DATABASE_URL=plain))
    if result.returncode == 2 and "cannot open database" in result.stderr and not IN_CI:
        pytest.skip(f"PostgreSQL not reachable at {SERVER_URL}")
    assert result.returncode == 0, result.stderr
    assert "database: postgresql+asyncpg://" in result.stdout and f"head revision: {head_revision()}" in result.stdout


def _read_only_dir(tmp_path: Path) -> Path:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    return locked / "data"


@pytest.mark.parametrize("where", ["under a file", "read-only"])
@pytest.mark.parametrize("command", [["db", "upgrade"], ["run"], ["drill", "reset", "--yes"]])
def test_an_unwritable_data_directory_is_one_line_exit_2_and_nothing_created(
        where: str, command: list[str], tmp_path: Path) -> None:
    if where == "read-only":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only directories")
        data = _read_only_dir(tmp_path)
    else:
        (tmp_path / "a-file").write_text("")
        data = tmp_path / "a-file" / "data"
    with pytest.raises(SettingsError, match="cannot keep data"):
        Settings.from_env({"LIANDONG_DATA_DIR": str(data)})
    before = sorted(tmp_path.rglob("*"))
    result = run(*command, cwd=tmp_path, env=_env(data))
    assert result.returncode == 2
    assert "LIANDONG_DATA_DIR" in _one_line(result)
    assert sorted(tmp_path.rglob("*")) == before
