"""Flood protection on intake (real python-telegram-bot against the fake Bot API,
which keeps Telegram's 20-a-minute limit in groups): 600 reports from one
account are all registered, but the centre gets a few cards and one summary,
so a real report's card and an order still go out within seconds."""
from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import Liandong
from config.organisation import parse_organisation, OrganisationError
from storage.models import Incident, IncidentSource
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import incident_id_in
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)

CENTRE, REPORTING, FIRE_GROUP = -1001000, -1003000, -1002001
COMMANDER, FLOODER, WITNESS = 1001, 9_999, 7_001
FLOOD = 600
FEW_SECONDS = 8.0  # two or three of Telegram's 3-second slots in a group, and some slack


async def _reports_by(bot: Liandong, user: int) -> int:
    """Reports registered from the user: incidents they reported, and reports linked to others."""
    async with bot.db.transaction() as session:
        incidents = await session.scalar(select(func.count()).select_from(Incident)
                                         .where(Incident.reporter_id == str(user)))
        linked = await session.scalar(select(func.count()).select_from(IncidentSource)
                                      .where(IncidentSource.reporter_id == str(user)))
        return int(incidents or 0) + int(linked or 0)


async def test_600_reports_from_one_account_delay_neither_a_real_card_nor_an_order(
    bot: Liandong, fake: FakeTelegramAPI
) -> None:
    for i in range(FLOOD):
        fake.inject_message(FLOODER, FLOODER, f"第{i}号仓库起火，{i % 7}人受伤")
    await fake.wait_until(lambda: True)
    deadline = asyncio.get_running_loop().time() + 60
    while await _reports_by(bot, FLOODER) < FLOOD:
        assert asyncio.get_running_loop().time() < deadline, "every report is registered"
        await asyncio.sleep(0.2)

    loop = asyncio.get_running_loop()
    reported = loop.time()
    fake.inject_message(REPORTING, WITNESS, "人民路化工厂起火，3人受伤，有人被困")
    await fake.wait_until(lambda: any("人民路化工厂" in m["text"] for m in fake.sent_messages(CENTRE)),
                          timeout=FEW_SECONDS)
    assert loop.time() - reported < FEW_SECONDS
    receipt = next(m for m in fake.sent_messages(REPORTING) if "已登记事件" in m["text"])
    incident_id = incident_id_in(receipt["text"])

    ordered = loop.time()
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} FIRE-01")
    await fake.wait_until(lambda: any("调度指令" in m["text"] for m in fake.sent_messages(FIRE_GROUP)),
                          timeout=FEW_SECONDS)
    assert loop.time() - ordered < FEW_SECONDS

    # The centre saw a few of the flooder's cards and one summary, kept up to date.
    await fake.wait_until(lambda: any(f"{FLOOD - 3} 份已暂缓推送" in m["text"] for m in fake.sent_messages(CENTRE)),
                          timeout=30)
    flooder_cards = [m for m in fake.sent_messages(CENTRE) if m["text"].startswith("🚨 新事件") and "号仓库" in m["text"]]
    summaries = [m for m in fake.sent_messages(CENTRE) if "已暂缓推送" in m["text"]]
    assert len(flooder_cards) == 3 and len(summaries) == 1, [m["text"][:80] for m in flooder_cards]
    # The flooder was told once, not 600 times.
    told = [m for m in fake.sent_messages(FLOODER) if "后续报告已保存" in m["text"]]
    assert len(told) == 1 and len(fake.sent_messages(FLOODER)) == 4


async def test_a_centre_members_command_is_answered_ahead_of_the_cards_queued_in_the_centre(
    bot: Liandong, fake: FakeTelegramAPI
) -> None:
    """An evening of many real reports: thirty people each report a different incident, and
    the centre's group drains their cards at Telegram's 20 a minute. The commander's red
    alert's preview must not wait behind them for a minute and a half."""
    reporters = range(8_000, 8_030)
    for n, person in enumerate(reporters):
        fake.inject_message(person, person, f"第{n}号仓库起火，{n % 7 + 1}人受伤")
    deadline = asyncio.get_running_loop().time() + 60
    while sum([await _reports_by(bot, person) for person in reporters]) < len(reporters):
        assert asyncio.get_running_loop().time() < deadline, "every report is registered"
        await asyncio.sleep(0.2)
    assert len(fake.sent_messages(CENTRE)) < len(reporters), "cards are still waiting in the centre"

    loop = asyncio.get_running_loop()
    asked = loop.time()
    fake.inject_message(CENTRE, COMMANDER, "/broadcast red to:all 强余震预警，请立即撤离危房")
    await fake.wait_until(lambda: any("强余震预警" in m["text"] for m in fake.sent_messages(CENTRE)),
                          timeout=FEW_SECONDS)
    assert loop.time() - asked < FEW_SECONDS


ORG = """
organisation: {name: 测试}
command_centre:
  channels: [{telegram: "-1"}]
  members: [{name: 王指挥, telegram: "1001"}]
intake_limits: {unregistered_per_hour: 0, conversation_per_minute: many}
"""


def test_bad_limits_are_refused_with_their_key_paths() -> None:
    try:
        parse_organisation(ORG)
    except OrganisationError as error:
        assert any(p.startswith("intake_limits.unregistered_per_hour:") for p in error.problems)
        assert any(p.startswith("intake_limits.conversation_per_minute:") for p in error.problems)
    else:
        raise AssertionError("refused")
