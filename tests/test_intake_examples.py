"""The organisation's own labelled examples: corrections and triage decisions come out of
`liandong intake export` in the intake sample's schema, and `liandong intake eval` scores
the parser on them (or on a file), field by field."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ConsoleBot
from tests.console_transcript import room, token
from tests.test_cli import run

DOUBT = "桥下面有人 快来 水都漫上来了"
REPORT = "人民路化工厂起火，3人受伤，有人被困"


def _card_no(output: str, contains: str) -> str:
    for block in re.split(r"(?m)^(?=\[)", output):
        if block.startswith("[centre] bot") and contains in block:
            return re.match(r"\[centre\] bot(?: \([^)]*\))? #(\d+):", block).group(1)  # type: ignore[union-attr]
    raise AssertionError(output)


@pytest.mark.usefixtures("model_in_doubt")
async def test_corrections_and_triage_decisions_are_exported_and_scored(
    console_bot: ConsoleBot, database_url: str, tmp_path: Path,
) -> None:
    first = await console_bot.say(f"路人甲@reporting: {REPORT}")
    card = _card_no(first, "新事件 20261122-0001")
    await console_bot.say(f"王指挥@centre: ^{card} 受伤: 4；地点: 人民路化工厂东门")
    await console_bot.say("路人甲@reporting: 续报：人民路化工厂又有2人受伤")  # news, not a correction
    board = room(await console_bot.say(f"路人乙@reporting: {DOUBT}"), "centre")
    await console_bot.say(f"王指挥@centre: !{token(board, '登记 #1')}")
    board = room(await console_bot.say("路人丙@reporting: 村口那边好像出事了 有人在喊 快来"), "centre")
    await console_bot.say(f"刘值班@centre: !{token(board, '不是报告 #1')}")

    env = {"LIANDONG_DATABASE_URL": database_url}
    exported = run("intake", "export", env=env)
    assert exported.returncode == 0, exported.stderr
    rows = {row["id"]: row for row in map(json.loads, exported.stdout.splitlines())}
    corrected = rows["incident-20261122-0001"]
    assert corrected["text"] == REPORT and corrected["lang"] == "zh"
    assert corrected["expected"] == {"is_report": True, "type": "fire", "location": "人民路化工厂东门", "time": None,
                                     "casualties": {"dead": 0, "injured": 4, "trapped": 1, "missing": 0}}
    assert "injured by 王指挥" in corrected["note"]
    registered, dismissed = (r for r in rows.values() if r["id"].startswith("triage-"))
    assert registered["text"] == DOUBT and registered["expected"]["is_report"] is True
    assert "王指挥" in registered["note"]
    assert dismissed["expected"]["is_report"] is False and "刘值班" in dismissed["note"]

    scored = run("intake", "eval", env=env)
    assert scored.returncode == 0, scored.stderr
    assert "3 messages" in scored.stdout and "is_report" in scored.stdout and "location" in scored.stdout

    path = tmp_path / "mine.jsonl"
    assert run("intake", "export", "-o", str(path), env=env).returncode == 0
    from_file = run("intake", "eval", str(path), "--errors", env=env)
    assert from_file.returncode == 0 and "3 messages" in from_file.stdout
    assert "✗ incident-20261122-0001 casualties" in from_file.stdout  # the parser read 3, the centre says 4


def test_eval_refuses_a_broken_file_clearly(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "x"}\n', encoding="utf-8")
    result = run("intake", "eval", str(broken))
    assert result.returncode != 0 and "needs \"text\" and \"expected\"" in result.stderr
    missing = run("intake", "eval", str(tmp_path / "nope.jsonl"))
    assert missing.returncode != 0 and "cannot read" in missing.stderr and "Traceback" not in missing.stderr
