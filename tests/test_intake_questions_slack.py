"""On Slack a reply goes in the report's thread, whose parent is the reporter's own message:
it is read as a reply to the receipt — the question's answer, a follow-up."""
from __future__ import annotations

from tests.fakes.slack_api import FakeSlackAPI
from tests.test_slack import SlackBot, all_text
from tests.test_slack_dispatch import REPORTING, STRANGER, bot, fake  # noqa: F401 (fixtures)

REPORT_TS = "1763794800.000100"


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
