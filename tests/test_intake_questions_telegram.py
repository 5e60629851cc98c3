"""On Telegram: a report with no place gets the question in its receipt, and the reporter's
reply to the receipt fills the place on the centre's card; a further report that is not a
reply, naming the incident's id, updates its figures."""
from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator

import pytest

from bot.app import Liandong
from config.organisation import Organisation
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import CENTRE, REPORTING, incident_id_in
from tests.telegram_bot import fake, running_bot  # noqa: F401 (fixtures)

REPORTER = 777
WAIT_S = 10.0


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeTelegramAPI, org: Organisation,  # noqa: F811
              database_url: str) -> AsyncIterator[Liandong]:
    """On each database: the question's receipt is looked up, and the answer claimed, on
    PostgreSQL as well as SQLite."""
    async with running_bot(tmp_path, fake, org, database_url) as app:
        yield app


async def test_the_question_and_its_answer_and_an_unreplied_follow_up(bot: Liandong, fake: FakeTelegramAPI) -> None:
    fake.inject_message(REPORTING, REPORTER, "着火了 3人受伤 快来")
    [receipt] = await fake.wait_for_messages(REPORTING, timeout=WAIT_S)
    assert "在哪里、几点发生的？" in receipt["text"]
    [card] = await fake.wait_for_messages(CENTRE, timeout=WAIT_S)
    incident_id = incident_id_in(card["text"])

    fake.inject_message(REPORTING, REPORTER, "青年路口超市 15:20", reply_to_message_id=receipt["message_id"])
    await fake.wait_until(lambda: "青年路口超市" in fake.message(CENTRE, card["message_id"])["text"], WAIT_S)
    assert "15:20" in fake.message(CENTRE, card["message_id"])["text"]
    [_, thanks] = await fake.wait_for_messages(REPORTING, 2, timeout=WAIT_S)
    assert f"谢谢，已补充事件 {incident_id}" in thanks["text"]

    fake.inject_message(REPORTING, REPORTER, f"续报 {incident_id}：又有2人受伤")
    await fake.wait_until(lambda: "受伤 5" in fake.message(CENTRE, card["message_id"])["text"], WAIT_S)


async def test_only_what_is_missing_is_asked_and_the_answer_is_on_the_card(bot: Liandong, fake: FakeTelegramAPI) -> None:  # noqa: F811
    fake.inject_message(REPORTING, REPORTER, "人民路化工厂起火，3人受伤")
    [receipt] = await fake.wait_for_messages(REPORTING, timeout=WAIT_S)
    assert "几点发生的？" in receipt["text"] and "在哪里" not in receipt["text"]
    [card] = await fake.wait_for_messages(CENTRE, timeout=WAIT_S)
    fake.inject_message(REPORTING, REPORTER, "下午3点10分", reply_to_message_id=receipt["message_id"])
    await fake.wait_until(lambda: "发生时间: 15:10" in fake.message(CENTRE, card["message_id"])["text"], WAIT_S)
    assert "地点: 人民路化工厂" in fake.message(CENTRE, card["message_id"])["text"]

    # A report that says where and when is asked nothing.
    fake.inject_message(REPORTING, 778, "东山街道仓库15:20起火，1人被困")
    await fake.wait_until(lambda: any("0002" in m["text"] for m in fake.sent_messages(REPORTING)), WAIT_S)
    full = next(m for m in fake.sent_messages(REPORTING) if "0002" in m["text"])
    assert "❓" not in full["text"] and "请回复" not in full["text"]


async def test_a_guessed_place_is_asked_to_be_confirmed_and_the_reply_replaces_it(bot: Liandong, fake: FakeTelegramAPI) -> None:  # noqa: F811
    fake.inject_message(REPORTING, REPORTER, "我镇北部海岸 有人落水 快来")  # the place model's guess
    [receipt] = await fake.wait_for_messages(REPORTING, timeout=WAIT_S)
    assert "地点是「北部海岸」吗？" in receipt["text"]
    [card] = await fake.wait_for_messages(CENTRE, timeout=WAIT_S)
    assert "北部海岸 ❓" in card["text"]
    fake.inject_message(REPORTING, REPORTER, "不对，是石岛湾北沙滩", reply_to_message_id=receipt["message_id"])
    await fake.wait_until(lambda: "石岛湾北沙滩" in fake.message(CENTRE, card["message_id"])["text"], WAIT_S)
    assert "❓" not in fake.message(CENTRE, card["message_id"])["text"].split("石岛湾北沙滩")[1].split("\n")[0]
