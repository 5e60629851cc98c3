"""The `liandong` command as an operator runs it: the installed entry point, in a
subprocess, with the real environment variables."""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import LOG_FILE_NAME
from config.settings import DEFAULT_ORG

LIANDONG = shutil.which("liandong", path=str(Path(sys.executable).parent)) or "liandong"


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LIANDONG_")}
    full_env.update(env or {})
    return subprocess.run([LIANDONG, *args], input=stdin, capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=timeout)


def test_help_everywhere() -> None:
    for args in ([], ["run"], ["check-config"], ["parse"], ["db"], ["db", "upgrade"], ["places", "import"],
                 ["intake", "export"], ["intake", "eval"], ["drill", "check"]):
        result = run(*args, "--help")
        assert result.returncode == 0 and "usage: liandong" in result.stdout, args
    assert "NAME@ROOM: TEXT" in run("run", "--help").stdout


def test_check_config_accepts_the_example() -> None:
    result = run("check-config", DEFAULT_ORG)
    assert result.returncode == 0 and "OK" in result.stdout


def test_check_config_prints_each_problem_on_its_own_line_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "org.yaml"
    text = Path(DEFAULT_ORG).read_text(encoding="utf-8")
    bad.write_text(
        text.replace("kind: expert", "kind: expert\n    colour: red")
        .replace("fire: [FIRE-01, MED-01]", "fire: [FIRE-01, MED-09]"),
        encoding="utf-8",
    )
    result = run("check-config", str(bad))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert "units[7].colour: unknown key" in lines
    assert any(line.startswith("dispatch_plans.fire[1]: no unit with code 'MED-09'") for line in lines)


def test_run_refuses_a_broken_organisation_file_with_the_same_messages(tmp_path: Path) -> None:
    bad = tmp_path / "org.yaml"
    bad.write_text("organisation: {name: x}\ncommand_centre: {channels: [], members: []}\nbogus: 1\n")
    checked = run("check-config", str(bad))
    started = run("run", env={"LIANDONG_ORG": str(bad), "LIANDONG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"})
    assert started.returncode == checked.returncode == 1
    assert "bogus: unknown key" in started.stderr
    assert started.stderr == checked.stderr


def test_parse_prints_the_contract_json() -> None:
    result = run("parse", "人民路化工厂起火，3人受伤")
    data = json.loads(result.stdout)
    assert set(data) >= {"is_report", "type", "location", "time", "casualties", "language"}
    assert data["is_report"] is True and data["type"] == "fire"
    assert data["casualties"] == {"dead": 0, "injured": 3, "trapped": 0, "missing": 0}


def test_parse_starts_without_the_database_layer_and_answers_as_the_full_command_line_does() -> None:
    """`liandong parse` skips the imports it does not need (they were a tenth of a month's
    re-read); what it prints must not depend on the way in."""
    code = ("import sys; from bot.entry import main; main(sys.argv[1:]); "
            "print('sqlalchemy' in sys.modules, 'adapters' in sys.modules)")
    light = subprocess.run([sys.executable, "-c", code, "parse", "货车侧翻 2人被困"], capture_output=True, text=True,
                           timeout=60)
    answer, loaded = light.stdout.splitlines()
    assert loaded == "False False"
    full = subprocess.run([sys.executable, "-c", "import sys; from bot.cli import main; main(sys.argv[1:])",
                           "parse", "货车侧翻 2人被困"], capture_output=True, text=True, timeout=60)
    assert json.loads(answer) == json.loads(full.stdout) and json.loads(answer)["casualties"]["trapped"] == 2


def test_parse_dash_reads_one_message_per_line() -> None:
    result = run("parse", "-", stdin="收到\n人民路化工厂起火，3人受伤\n\nFire at the port, 2 injured\n")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["is_report"] for r in rows] == [False, True, False, True]
    assert rows[3]["language"] == "en"


def test_db_upgrade_creates_the_sqlite_file_and_its_directory(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/nested/dir/liandong.db"
    result = run("db", "upgrade", env={"LIANDONG_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "nested" / "dir" / "liandong.db").exists()


@pytest.mark.parametrize("command", [["db", "upgrade"], ["run"]])
def test_an_unreachable_database_is_one_clear_line_and_exit_2(command: list[str]) -> None:
    # Port 9 (discard) is closed on a test machine: the connection is refused at once.
    result = run(*command, env={"LIANDONG_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:9/none",
                                "LIANDONG_HTTP_PORT": "0"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("cannot open database postgresql+asyncpg://nobody@127.0.0.1:9/none")


def test_run_on_the_console_with_the_embedded_defaults(tmp_path: Path) -> None:
    """What the README's first command does: report in, receipt and card out."""
    script = "路人甲@reporting: 人民路化工厂起火，3人受伤\n王指挥@centre: /status 20261122-0001\n:quit\n"
    start = tmp_path / "start"
    start.mkdir()
    result = run("run", stdin=script, cwd=start,
                 env={"LIANDONG_HTTP_PORT": "0", "XDG_DATA_HOME": str(tmp_path / "user-data")})
    assert result.returncode == 0, result.stderr
    assert "[reporting] bot" in result.stdout and "[centre] bot" in result.stdout
    assert "-0001" in result.stdout and "火灾" in result.stdout
    # The per-user data directory, not the directory it was started in.
    assert (tmp_path / "user-data" / "liandong" / "liandong.db").exists()
    assert list(start.iterdir()) == []
    # On uvloop, a dependency wherever it builds (bot/event_loop.py).
    assert "event loop: uvloop" in (tmp_path / "user-data" / "liandong" / LOG_FILE_NAME).read_text()


def test_parse_reads_bytes_and_answers_a_bad_line_on_its_own() -> None:
    """Under a strict ASCII locale, a line of GBK among UTF-8 lines: an error for that line only."""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    lines = "起火了 人民路化工厂 3人受伤\n".encode() + "大火\n".encode("gbk") + b"Fire at the port, 2 injured\n"
    done = subprocess.run([LIANDONG, "parse", "-"], input=lines, capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [o.get("is_report") for o in out] == [True, None, True]
    assert out[1]["error"].startswith("line 2: not UTF-8")


def test_parse_stops_quietly_when_its_reader_goes_away(tmp_path: Path) -> None:
    """`liandong parse - < big.txt | head -1`: exit 141 like any Unix tool, no traceback."""
    messages = tmp_path / "messages.txt"
    messages.write_text("港西镇着火了 3人受伤\n" * 200_000, encoding="utf-8")
    with messages.open("rb") as stdin:
        reader = subprocess.Popen([LIANDONG, "parse", "-"], stdin=stdin, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        assert reader.stdout is not None and reader.stderr is not None
        first = reader.stdout.readline()
        reader.stdout.close()  # the reader is gone after one answer
        assert reader.wait(timeout=60) == 141
    assert b"Traceback" not in reader.stderr.read()
    assert json.loads(first)["is_report"] is True


MIXED_LINES = ("起火了 人民路化工厂 3人受伤\n".encode() + "大火\n".encode("gbk") + b"\n" + b"Fire at the port, 2 injured\r\n"
               + "收到\n".encode() * 450 + "港西镇着火了 3人受伤".encode())  # several batches, the last line unended


def test_parse_answers_the_same_in_order_with_one_worker_or_several() -> None:
    answers = []
    for jobs in ("1", "3"):
        done = subprocess.run([LIANDONG, "parse", "--jobs", jobs, "-"], input=MIXED_LINES, capture_output=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        answers.append(done.stdout.decode("utf-8").splitlines())
    assert answers[0] == answers[1]
    rows = [json.loads(line) for line in answers[0]]
    assert len(rows) == 455
    assert rows[1]["error"].startswith("line 2: not UTF-8")
    assert [rows[0]["is_report"], rows[2]["is_report"], rows[3]["is_report"], rows[-1]["is_report"]] == [True, False, True, True]
    assert rows[-1]["location"] == "港西镇"


def test_parse_answers_a_live_feed_line_by_line() -> None:
    """A tool piping messages in as they come gets each answer before it sends the next line."""
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as a tool would start it
    feed = subprocess.Popen([LIANDONG, "parse", "--jobs", "2", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=buffered)
    assert feed.stdin is not None and feed.stdout is not None
    try:
        for text, is_report in (("人民路化工厂起火，3人受伤", True), ("收到", False)):
            feed.stdin.write(text.encode() + b"\n")
            feed.stdin.flush()
            ready, _, _ = select.select([feed.stdout], [], [], 60)
            assert ready, f"no answer to {text!r} while the feed stays open"
            assert json.loads(feed.stdout.readline())["is_report"] is is_report
        feed.stdin.close()
        assert feed.wait(timeout=60) == 0
    finally:
        feed.kill()


def test_parse_refuses_a_worker_count_below_one() -> None:
    result = run("parse", "--jobs", "0", "-", stdin="收到\n")
    assert result.returncode == 2 and "must be 1 or more" in result.stderr and result.stdout == ""


def test_parse_reads_a_line_far_longer_than_one_read() -> None:
    """A pasted document of 300,000 characters on one line, with no newline at the end."""
    text = ("港西镇仓库起火 " + "资料" * 150_000).encode()
    done = subprocess.run([LIANDONG, "parse", "--jobs", "2", "-"], input="收到\n".encode() + text, capture_output=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert len(rows) == 2 and rows[0]["is_report"] is False and rows[1]["is_report"] is True
