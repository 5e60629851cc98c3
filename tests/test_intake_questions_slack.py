"""On Slack a reply goes in the report's thread, whose parent is the reporter's own message:
it is read as a reply to the receipt — the question's answer, a follow-up."""
from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator

import pytest

from config.organisation import Organisation
from core.clock import ManualClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.test_slack import SlackBot, all_text, block_texts
from tests.test_slack_dispatch import CENTRE, REPORTING, STRANGER, fake, start_unpaced, stop_bot  # noqa: F401 (fixtures)

REPORT_TS = "1763794800.000100"


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock,  # noqa: F811
              database_url: str) -> AsyncIterator[SlackBot]:
    """On each database: the thread's parent is found, and the answer claimed, on PostgreSQL
    as well as SQLite."""
    slack_bot = await start_unpaced(tmp_path, fake, org, clock, database_url=database_url)
    yield slack_bot
    await stop_bot(slack_bot)


async def test_a_reply_in_the_reports_thread_answers_the_question_and_updates(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await bot.say(REPORTING, STRANGER, "着火了 3人受伤 快来", ts=REPORT_TS)
    await bot.deliver()
    [receipt] = fake.messages(REPORTING)
    assert "在哪里、几点发生的？" in all_text(receipt) and receipt["thread_ts"] == REPORT_TS

    await bot.say(REPORTING, STRANGER, "青年路口超市 15:20", ts="1763794801.000100", thread_ts=REPORT_TS)
    await bot.deliver()
    incident = await bot.incident("20261122-0001")
    assert (incident.location, incident.stated_time) == ("青年路口超市", "15:20")
    assert "谢谢，已补充事件 20261122-0001" in all_text(fake.messages(REPORTING)[-1])

    await bot.say(REPORTING, STRANGER, "现在5人受伤", ts="1763794802.000100", thread_ts=REPORT_TS)
    await bot.deliver()
    assert (await bot.incident("20261122-0001")).injured == 5


async def test_someone_elses_reply_in_the_thread_is_not_a_follow_up(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await bot.say(REPORTING, STRANGER, "人民路化工厂起火，3人受伤", ts=REPORT_TS)
    await bot.deliver()
    before = len(fake.messages(REPORTING))
    # Someone outside the organisation, not the reporter, replies in the thread.
    await bot.say(REPORTING, "U7777", "现在10人受伤", ts="1763794803.000100", thread_ts=REPORT_TS)
    await bot.deliver()
    assert (await bot.incident("20261122-0001")).injured == 3
    assert not any("只有报告人" in all_text(m) for m in fake.messages(REPORTING)[before:])  # no refusal noise


async def test_only_what_is_missing_is_asked_and_the_answer_is_on_the_card(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await bot.say(REPORTING, STRANGER, "人民路化工厂起火，3人受伤", ts=REPORT_TS)
    await bot.deliver()
    [receipt] = fake.messages(REPORTING)
    assert "几点发生的？" in all_text(receipt) and "在哪里" not in all_text(receipt)
    [card] = fake.messages(CENTRE)
    await bot.say(REPORTING, STRANGER, "下午3点10分", ts="1763794801.000100", thread_ts=REPORT_TS)
    await bot.deliver()
    card = fake.message(CENTRE, card["ts"])  # type: ignore[assignment]
    assert "*发生时间*\n15:10" in block_texts(card) and "*地点*\n人民路化工厂" in block_texts(card)

    # A report that says where and when is asked nothing.
    await bot.say(REPORTING, "U7777", "东山街道仓库15:20起火，1人被困", ts="1763794802.000100")
    await bot.deliver()
    [full] = [m for m in fake.messages(REPORTING) if m.get("thread_ts") == "1763794802.000100"]
    assert "20261122-0002" in all_text(full) and "❓" not in all_text(full) and "请回复" not in all_text(full)


async def test_a_guessed_place_is_asked_to_be_confirmed_and_the_reply_replaces_it(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await bot.say(REPORTING, STRANGER, "我镇北部海岸 有人落水 快来", ts=REPORT_TS)  # the place model's guess
    await bot.deliver()
    [receipt] = fake.messages(REPORTING)
    assert "地点是「北部海岸」吗？" in all_text(receipt)
    await bot.say(REPORTING, STRANGER, "不对，是石岛湾北沙滩", ts="1763794801.000100", thread_ts=REPORT_TS)
    await bot.deliver()
    incident = await bot.incident("20261122-0001")
    assert incident.location == "石岛湾北沙滩" and "location" not in incident.unsure.split(",")
    [card] = fake.messages(CENTRE)
    assert "*地点*\n石岛湾北沙滩" in block_texts(fake.message(CENTRE, card["ts"]))
