"""The deployment files in deploy/ (README, "Operations"): the systemd unit checked by
systemd itself where systemd-analyze exists, and the nginx example's routes."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "deploy" / "liandong.service"
NGINX = ROOT / "deploy" / "nginx.conf"
LIANDONG = shutil.which("liandong", path=str(Path(sys.executable).parent))


def _directives(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    assert LIANDONG is not None
    # verify checks that ExecStart exists: point it at this checkout's liandong.
    unit = tmp_path / "liandong.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace("/opt/liandong/.venv/bin/liandong", LIANDONG),
                    encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # Unknown keys and bad values are only warnings to systemd: none may be printed about this unit.
    assert [line for line in done.stderr.splitlines() if unit.name in line] == []


def test_the_unit_runs_the_bot_as_a_hardened_service() -> None:
    unit = _directives(UNIT.read_text(encoding="utf-8"))
    assert unit["ExecStart"] == ["/opt/liandong/.venv/bin/liandong run"]
    assert unit["User"] == ["liandong"] and unit["EnvironmentFile"]
    assert unit["Restart"] == ["on-failure"] and unit["TimeoutStopSec"]
    assert unit["NoNewPrivileges"] == ["yes"] and unit["ProtectSystem"] == ["strict"]
    data_dir = next(v.split("=", 1)[1] for v in unit["Environment"] if v.startswith("LIANDONG_DATA_DIR="))
    assert data_dir in unit["ReadWritePaths"]
    assert "LIANDONG_CONSOLE=0" in unit["Environment"]  # no terminal: the console must not start


def test_nginx_proxies_the_webhooks_and_readiness_and_nothing_else() -> None:
    from adapters.slack.adapter import EVENTS_PATH
    from adapters.telegram.adapter import WEBHOOK_PATH

    text = NGINX.read_text(encoding="utf-8")
    proxied = re.findall(r"location = (\S+) \{[^}]*proxy_pass http://liandong;", text)
    assert sorted(proxied) == sorted([EVENTS_PATH, WEBHOOK_PATH, "/readyz"])
    # The web board and its live stream: served unbuffered, or the stream stalls in nginx.
    board = re.search(r"location /board \{([^}]*)\}", text)
    assert board and "proxy_pass http://liandong;" in board.group(1) and "proxy_buffering off;" in board.group(1)
    assert "listen 443 ssl;" in text and "ssl_certificate " in text
    assert re.search(r"location / \{\s*return 404;", text)
