"""`liandong run` as a service is run: real processes, signals, log files (#21).

Each test starts the installed `liandong run` in a subprocess with its own SQLite
database and reads what an operator would read: the chat on standard output, the
start-up line or one error line on standard error, the log file.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from handlers.intake.read_ahead import ReadAhead
from tests.fakes.telegram_api import FakeTelegramAPI

LIANDONG = shutil.which("liandong", path=str(Path(sys.executable).parent)) or "liandong"
REPORT = "路人甲@reporting: 人民路化工厂起火，3人受伤"
STOP_WITHIN_S = 5.0
# What a log line looks like in either format: never in the chat.
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR) |\{\"time\")|alembic|aiosqlite")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANDONG_")}
    env.update(LIANDONG_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/db/liandong.db", LIANDONG_HTTP_PORT="0",
               PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


class Run:
    """One `liandong run` process, its output collected as it comes."""

    def __init__(self, env: dict[str, str], cwd: Path):
        self.env, self.cwd = env, cwd
        self.stdout = ""
        self.stderr = ""
        self.process: asyncio.subprocess.Process | None = None
        self._readers: list[asyncio.Task[None]] = []

    async def start(self, wait_for_start_line: bool = True, own_process_group: bool = False) -> "Run":
        self.process = await asyncio.create_subprocess_exec(
            LIANDONG, "run", env=self.env, cwd=self.cwd, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, start_new_session=own_process_group,
        )
        self._readers = [asyncio.create_task(self._read("stdout")), asyncio.create_task(self._read("stderr"))]
        if wait_for_start_line:
            await self.wait_for(lambda: "Liandong: database" in self.stderr or self.process.returncode is not None)
            assert "Liandong: database" in self.stderr, self.stderr
        return self

    async def _read(self, name: str) -> None:
        stream = getattr(self.process, name)
        while chunk := await stream.read(4096):
            setattr(self, name, getattr(self, name) + chunk.decode())

    async def type(self, line: str) -> None:
        assert self.process and self.process.stdin
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()

    async def wait_for(self, check, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; stdout:\n{self.stdout}\nstderr:\n{self.stderr}")
            await asyncio.sleep(0.05)

    async def exit_code(self, timeout: float = 60) -> int:
        assert self.process
        try:
            code = await asyncio.wait_for(self.process.wait(), timeout)
        finally:
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()
        await asyncio.gather(*self._readers)
        return code


def _children(pid: int) -> list[str]:
    """The command lines of a process's children (Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue  # it ended while we looked
    return found


def _incidents(tmp_path: Path) -> list[str]:
    with sqlite3.connect(tmp_path / "db" / "liandong.db") as connection:
        return [row[0] for row in connection.execute("SELECT text FROM incidents")]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
async def test_a_signal_right_after_a_report_stops_the_console_within_5s_with_the_receipt_out(
        tmp_path: Path, sig: signal.Signals) -> None:
    bot = await Run(_env(tmp_path), tmp_path).start()
    await bot.type(REPORT)
    sent = time.monotonic()
    bot.process.send_signal(sig)  # stdin stays open: the bot must not wait for another line
    assert await bot.exit_code(timeout=STOP_WITHIN_S + 5) == 0, bot.stderr
    assert time.monotonic() - sent < STOP_WITHIN_S
    assert re.search(r"\[reporting\] bot \(reply to #1\) #\d+:\n  ✅ 已登记事件 \d{8}-0001", bot.stdout), bot.stdout
    assert _incidents(tmp_path) == ["人民路化工厂起火，3人受伤"]
    # The chat has no log lines; standard error only the start-up line, naming the log file.
    assert not [line for line in bot.stdout.splitlines() if LOG_LINE.search(line)]
    assert len(bot.stderr.splitlines()) == 1, bot.stderr
    [start] = bot.stderr.splitlines()
    log_file = tmp_path / "db" / "liandong.log"
    assert start == (f"Liandong: database sqlite+aiosqlite:///{tmp_path}/db/liandong.db, organisation "
                     f"{Path('config/org.example.yaml').resolve()}, platforms console, phone; log in {log_file}")
    logged = log_file.read_text(encoding="utf-8")
    assert "alembic" in logged and "incident" in logged and "stopped" in logged


@pytest.mark.skipif(not Path("/proc/self/stat").exists() or not ReadAhead().workers_allowed,
                    reason="reads children from /proc; a parse worker needs two cores")
async def test_ctrl_c_in_a_terminal_stops_the_bot_and_its_parse_worker_without_a_traceback(tmp_path: Path) -> None:
    """Ctrl-C reaches the terminal's whole process group: the parse worker too, not only the bot."""
    bot = await Run(_env(tmp_path), tmp_path).start(own_process_group=True)
    await bot.type(REPORT)  # the first report starts the worker (on a machine with two cores)
    await bot.wait_for(lambda: "已登记事件" in bot.stdout)
    await bot.wait_for(lambda: any("parse_worker" in child for child in _children(bot.process.pid)), timeout=20)
    await asyncio.sleep(0.5)  # past the worker's interpreter start-up, into its reading tables
    os.killpg(bot.process.pid, signal.SIGINT)
    assert await bot.exit_code(timeout=STOP_WITHIN_S + 5) == 0, bot.stderr
    assert len(bot.stderr.splitlines()) == 1 and "Liandong: database" in bot.stderr, bot.stderr


async def test_json_logs_never_hold_a_token_an_invite_code_or_a_whole_phone_number(tmp_path: Path) -> None:
    env = _env(tmp_path, LIANDONG_LOG_FORMAT="json", LIANDONG_LOG_LEVEL="DEBUG")
    invite = subprocess.run([LIANDONG, "invite", "FIRE-01"], env=env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert invite.returncode == 0, invite.stderr
    code = re.search(r"invite code: (\S+)", invite.stdout).group(1)
    phone = "13912345678"
    async with FakeTelegramAPI() as fake:
        env.update(LIANDONG_TELEGRAM_TOKEN=fake.token, LIANDONG_TELEGRAM_API_URL=fake.root_url,
                   LIANDONG_CONSOLE="1")
        bot = await Run(env, tmp_path).start()
        await bot.type(f"路人甲@reporting: 人民路化工厂起火，3人受伤，联系人电话{phone}")
        await bot.type(f"新人@dm: /join {code.lower().replace('-', '')}")
        await bot.wait_for(lambda: "[dm:新人] bot" in bot.stdout)
        await bot.type(f"新人@dm: /join {code}")
        await bot.wait_for(lambda: bot.stdout.count("[dm:新人] bot") >= 2)
        # On Telegram, the Bot API's answers (logged at DEBUG) carry the typed text.
        fake.inject_message(chat_id=4242, user_id=4242, text=f"/join {code}")
        fake.inject_message(chat_id=4242, user_id=4242, text=f"我的电话 {phone}")
        await fake.wait_for_messages(4242, 2, timeout=20)
        bot.process.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        assert await bot.exit_code(timeout=STOP_WITHIN_S + 5) == 0, bot.stderr
        assert time.monotonic() - sent < STOP_WITHIN_S  # Telegram's long poll included
    lines = [json.loads(line) for line in (tmp_path / "db" / "liandong.log").read_text(encoding="utf-8").splitlines()]
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    everything = "\n".join(json.dumps(line, ensure_ascii=False) + json.dumps(line) for line in lines)
    everything += bot.stderr  # (the chat itself shows the phone number: the centre needs it)
    # Each secret was on its way into the log (a Bot API URL, the statements' parameters) …
    assert any(line["message"].endswith("/bot[redacted]") for line in lines)
    assert "*******5678" in everything and "/join [redacted]" in everything
    # … and none is there in full, in any spelling.
    for secret in (fake.token, fake.token.split(":")[1], code, code.replace("-", ""), code.lower().replace("-", ""),
                   phone, "139-1234-5678"):
        assert secret.lower() not in everything.lower(), secret
    assert _incidents(tmp_path)


async def test_a_second_bot_on_the_same_sqlite_file_is_refused_with_one_line_and_exit_1(tmp_path: Path) -> None:
    first = await Run(_env(tmp_path), tmp_path).start()
    second = await Run(_env(tmp_path), tmp_path).start(wait_for_start_line=False)
    assert await second.exit_code() == 1
    [line] = second.stderr.splitlines()
    assert line.startswith(f"another Liandong is already running on {tmp_path}/db/liandong.db")
    # The first goes on as if nothing happened, and the lock goes with it.
    await first.type(REPORT)
    await first.wait_for(lambda: "已登记事件" in first.stdout)
    await first.type(":quit")
    assert await first.exit_code() == 0
    third = await Run(_env(tmp_path), tmp_path).start()
    await third.type(":quit")
    assert await third.exit_code() == 0
    assert len(_incidents(tmp_path)) == 1


async def test_a_webhook_platform_without_its_port_is_one_line_and_exit_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with FakeTelegramAPI() as fake:
            env = _env(tmp_path, LIANDONG_HTTP_PORT=str(port), LIANDONG_TELEGRAM_TOKEN=fake.token,
                       LIANDONG_TELEGRAM_API_URL=fake.root_url, LIANDONG_TELEGRAM_MODE="webhook",
                       LIANDONG_PUBLIC_URL="https://bot.example.org", LIANDONG_TELEGRAM_WEBHOOK_SECRET="s3cret-s3cret")
            bot = await Run(env, tmp_path).start(wait_for_start_line=False)
            assert await bot.exit_code() == 1
    assert bot.stderr.strip().splitlines()[-1] == (
        f"cannot listen on 127.0.0.1:{port} (LIANDONG_HTTP_HOST/LIANDONG_HTTP_PORT): already in use; "
        "telegram needs it for webhooks")
    assert "Traceback" not in bot.stderr and "s3cret-s3cret" not in bot.stderr


def test_without_a_webhook_platform_a_taken_port_is_only_a_warning(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = subprocess.run([LIANDONG, "run"], input=":quit\n", capture_output=True, text=True, timeout=60,
                              cwd=tmp_path, env=_env(tmp_path, LIANDONG_HTTP_PORT=str(taken.getsockname()[1])))
    assert done.returncode == 0, done.stderr
    assert "HTTP server not started" in (tmp_path / "db" / "liandong.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("variable, value", [("LIANDONG_LOG_LEVEL", "LOUD"), ("LIANDONG_LOG_FORMAT", "xml")])
def test_a_bad_log_setting_is_one_line_and_exit_2(tmp_path: Path, variable: str, value: str) -> None:
    done = subprocess.run([LIANDONG, "run"], input="", capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env=_env(tmp_path, **{variable: value}))
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith(f"configuration: {variable} must be") and repr(value) in line
    assert not (tmp_path / "db").exists()  # nothing was started


def test_text_logs_in_service_mode_go_to_standard_error_with_the_start_up_line(tmp_path: Path) -> None:
    """Without the console (here: switched off), logs are the process's standard error."""
    process = subprocess.Popen([LIANDONG, "run"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                               env=_env(tmp_path, LIANDONG_CONSOLE="0",
                                        LIANDONG_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/db/liandong.db"))
    try:
        seen = ""
        deadline = time.monotonic() + 30
        while "Liandong: database" not in seen and time.monotonic() < deadline:
            seen += process.stderr.readline()
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, rest = process.communicate(timeout=STOP_WITHIN_S + 5)
        assert time.monotonic() - started < STOP_WITHIN_S
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert re.search(r"INFO bot\.cli: Liandong: database sqlite\+aiosqlite:///\S+, organisation \S+, platforms none$",
                     seen, re.M), seen
    assert "stopped" in rest
