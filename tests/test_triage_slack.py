"""Triage end to end on Slack: a doubtful message is listed for the centre,
Register makes it an incident with a receipt to the reporter in their message's thread, and the list
is edited in place; further doubts fold into it, Not a report drops one, and a second press
(or a press by anyone outside the centre) is refused and changes nothing."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from config.organisation import Organisation
from core.clock import ManualClock
from storage.models import Incident
from tests.fakes.slack_api import FakeSlackAPI
from tests.test_slack import SlackBot, all_text, buttons
from tests.test_slack_dispatch import CENTRE, COMMANDER, ENV_OFFICER, REPORTING, SECOND, STRANGER
from tests.test_slack_dispatch import fake, org_two_slack_commanders, press, start_unpaced, stop_bot  # noqa: F401 (fixtures)

DOUBT = "桥下面有人 快来 水都漫上来了"


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock,
              database_url: str) -> AsyncIterator[SlackBot]:
    """On each database: the triage list is claimed, folded and decided under PostgreSQL's
    concurrency as well as SQLite's."""
    slack_bot = await start_unpaced(tmp_path, fake, org, clock, database_url=database_url)
    yield slack_bot
    await stop_bot(slack_bot)


@pytest.fixture
async def approval_bot(tmp_path: Path, fake: FakeSlackAPI, org_two_slack_commanders: Organisation,
                       clock: ManualClock, database_url: str) -> AsyncIterator[SlackBot]:
    slack_bot = await start_unpaced(tmp_path, fake, org_two_slack_commanders, clock, database_url=database_url)
    yield slack_bot
    await stop_bot(slack_bot)


def _slack_board(fake: FakeSlackAPI) -> dict[str, Any]:
    return next(m for m in fake.messages(CENTRE) if "待判定" in all_text(m))


@pytest.mark.usefixtures("model_in_doubt")
async def test_triage_on_slack(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await bot.say(REPORTING, STRANGER, DOUBT, ts="1763794800.000100")
    await bot.deliver()
    board = _slack_board(fake)
    assert "待判定 · 1 条" in all_text(board) and DOUBT in all_text(board)
    assert [b["text"]["text"] for b in buttons(board)] == ["登记 #1", "不是报告 #1"]
    assert fake.messages(REPORTING) == []

    assert "只有指挥中心成员" in await press(bot, ENV_OFFICER, CENTRE, board, "不是报告 #1")
    answer = await press(bot, COMMANDER, CENTRE, board, "登记 #1")
    assert re.search(r"已登记为事件 \d{8}-\d{4}", answer)
    [receipt] = fake.messages(REPORTING)
    assert receipt["thread_ts"] == "1763794800.000100" and "已登记事件" in all_text(receipt)
    board = _slack_board(fake)
    assert "已由 王指挥 登记为事件" in all_text(board) and not buttons(board)


OTHER_DOUBT = "快来看看 老刘家那边出大事了 好几个人躺着"


@pytest.mark.usefixtures("model_in_doubt")
async def test_triage_list_folds_in_doubts_dismisses_and_refuses_second_presses_on_slack(
    approval_bot: SlackBot, fake: FakeSlackAPI,
) -> None:
    bot = approval_bot  # 王指挥 and 刘值班, both in the centre on Slack
    await bot.say(REPORTING, STRANGER, DOUBT, ts="1763794800.000100")
    await bot.deliver()
    first = _slack_board(fake)
    # A second doubt, from someone else, is added to the same message, updated in place.
    await bot.say(REPORTING, "U7777", OTHER_DOUBT, ts="1763794801.000100")
    await bot.deliver()
    both = _slack_board(fake)
    assert both["ts"] == first["ts"] and len([m for m in fake.messages(CENTRE) if "待判定" in all_text(m)]) == 1
    assert "待判定 · 2 条" in all_text(both) and DOUBT in all_text(both) and OTHER_DOUBT in all_text(both)
    assert [b["text"]["text"] for b in buttons(both)] == ["登记 #1", "不是报告 #1", "登记 #2", "不是报告 #2"]
    assert fake.messages(REPORTING) == []

    assert "已判定为不是报告" in await press(bot, COMMANDER, CENTRE, both, "不是报告 #2")
    assert "已由 王指挥 判定为不是报告" in all_text(_slack_board(fake))
    # Pressed again on the list as it was, by the other centre member: refused, nothing changes.
    assert "已由 王指挥 处理（不是报告），未做更改" in await press(bot, SECOND, CENTRE, both, "不是报告 #2")
    assert "已由 王指挥 处理（不是报告），未做更改" in await press(bot, SECOND, CENTRE, both, "登记 #2")
    assert await bot.count(Incident) == 0

    assert "已登记为事件" in await press(bot, SECOND, CENTRE, both, "登记 #1")
    again = await press(bot, COMMANDER, CENTRE, both, "登记 #1")
    assert "已由 刘值班 处理（登记为事件" in again and "未做更改" in again
    assert await bot.count(Incident) == 1
    done = _slack_board(fake)
    assert done["ts"] == first["ts"] and "待判定：全部已处理" in all_text(done) and not buttons(done)
    assert "已由 刘值班 登记为事件" in all_text(done) and "已由 王指挥 判定为不是报告" in all_text(done)

    # With the list decided, the next doubt starts a new message (not an update far up the channel).
    await bot.say(REPORTING, "U7778", DOUBT, ts="1763794802.000100")
    await bot.deliver()
    boards = [m for m in fake.messages(CENTRE) if "待判定" in all_text(m)]
    assert len(boards) == 2 and "待判定 · 1 条" in all_text(boards[-1]) and boards[-1]["ts"] != first["ts"]


@pytest.mark.usefixtures("model_in_doubt")
async def test_a_doubt_in_a_direct_message_tells_the_sender_it_went_to_the_centre_on_slack(
    bot: SlackBot, fake: FakeSlackAPI,  # noqa: F811
) -> None:
    await bot.say("D0STRANGER", STRANGER, DOUBT)
    await bot.deliver()
    [held] = fake.messages("D0STRANGER")
    assert "已转指挥中心判定" in all_text(held)
    board = _slack_board(fake)
    assert "待判定 · 1 条" in all_text(board) and DOUBT in all_text(board) and "私聊" in all_text(board)
    assert await bot.count(Incident) == 0
