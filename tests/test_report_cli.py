"""`liandong report incident|timeline|month`, through the installed command in
subprocesses, on the database a scripted console incident left behind."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from config.organisation import Organisation
from core.clock import ManualClock
from tests.conftest import start_console_bot
from tests.test_cli import run
from tests.test_data_dir import _env
from tests.test_review_console import ID, _script


async def _scripted(database_url: str, org: Organisation, clock: ManualClock) -> None:
    bot = await start_console_bot(database_url, org, clock)
    try:
        await _script(bot, clock)
    finally:
        await bot.app.stop()


async def test_review_timeline_and_month_as_files(
    database_url: str, org: Organisation, clock: ManualClock, tmp_path: Path,
) -> None:
    await _scripted(database_url, org, clock)
    env = _env(tmp_path / "data", LIANDONG_DATABASE_URL=database_url)

    made = run("report", "incident", ID, "-o", str(tmp_path / "review.pdf"), env=env)
    assert made.returncode == 0, made.stderr
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "review.pdf").pages).replace("\n", "")
    assert "事件总结评估 · 20261122-0001" in text and "FIRE-01到场38分00秒30分钟" in text

    assert run("report", "incident", ID, "-o", str(tmp_path / "review.html"), env=env).returncode == 0
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert "<td>救护车全部外出</td>" in page and 'src="data:image/png;base64,' in page

    assert run("report", "incident", ID, "-o", str(tmp_path / "review.md"), env=env).returncode == 0
    markdown = (tmp_path / "review.md").read_text(encoding="utf-8")
    assert "| FIRE-01 | 到场 | 38分00秒 | 30分钟 |" in markdown
    assert "![review-20261122-0001.png](review.png)" in markdown
    assert (tmp_path / "review.png").read_bytes().startswith(b"\x89PNG")
    printed = run("report", "incident", ID, env=env)
    assert printed.returncode == 0 and printed.stdout.startswith("# 事件总结评估 · 20261122-0001")

    assert run("report", "timeline", ID, "-o", str(tmp_path / "t.csv"), env=env).returncode == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["时间", "操作人", "内容"] and len(rows) == 1 + 11
    assert rows[1] == ["2026-11-22 15:00:00", "路人甲", "报告：人民路化工厂起火，3人受伤，有人被困"]
    assert ["2026-11-22 15:07:00", "系统", "MED-01 未接令，第1次催办"] in rows
    assert run("report", "timeline", ID, "-o", str(tmp_path / "t.xlsx"), env=env).returncode == 0
    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert sheet.max_row == 12 and sheet["C2"].value.startswith("报告：人民路化工厂起火")
    assert "| 2026-11-22 16:00:00 | 王指挥 | 结束事件：明火扑灭，无人员死亡 |" in run(
        "report", "timeline", ID, env=env).stdout

    assert run("report", "month", "2026-11", "-o", str(tmp_path / "m.pdf"), env=env).returncode == 0
    bulletin = "".join(p.extract_text() for p in PdfReader(tmp_path / "m.pdf").pages).replace("\n", "")
    assert "统计分析 · 2026-11" in bulletin and "真实事件 1 起，演练 0 起" in bulletin
    empty = run("report", "month", "2026-10", "-o", str(tmp_path / "empty.md"), env=env)
    assert empty.returncode == 0 and "无数据" in (tmp_path / "empty.md").read_text(encoding="utf-8")


async def test_bad_input_is_refused_in_one_line(
    database_url: str, org: Organisation, clock: ManualClock, tmp_path: Path,
) -> None:
    await _scripted(database_url, org, clock)
    env = _env(tmp_path / "data", LIANDONG_DATABASE_URL=database_url)
    for args, said in (
        (("incident", "20261122-0099"), "no incident 20261122-0099"),
        (("incident", ID, "-o", str(tmp_path / "r.docx")), "one of .pdf, .html, .md"),
        (("timeline", ID, "-o", str(tmp_path / "t.pdf")), "one of .csv, .xlsx, .md"),
        (("timeline", ID, "-o", str(tmp_path / "t.pdf")), "one of .csv, .xlsx, .md"),
        (("month", "2026-13"), "Cannot read the period"),
        (("month", "2024-01..2026-01"), "at most 366"),
        (("month", "2026-11", ), None),
    ):
        result = run("report", *args, env=env)
        if said is None:
            assert result.returncode == 0 and "统计分析 · 2026-11" in result.stdout
            continue
        assert result.returncode == 1 and said in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("r.*")) and not list(tmp_path.glob("t.*"))
