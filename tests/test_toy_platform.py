"""A platform added through the registry alone (tests/toy_platform.py): its settings,
its ids in the organisation file and its factory are all it declares; a report typed
on it gets a receipt there and a card in the centre's conversation there."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot.app import Liandong
from config.organisation import OrganisationError, parse_organisation
from config.settings import Settings
from core.clock import ManualClock
from core.events import ConversationRef
from core.registry import PLATFORMS
from tests import toy_platform

ORG = """
organisation: {name: 玩具县应急指挥中心, language: zh}
command_centre:
  channels: [{toy: centre-room}]
  members: [{name: 值班长, toy: u-chief}]
reporting:
  channels: [{toy: reports-room}]
units:
  - code: FIRE-01
    name: 消防救援大队
    kind: government
    capabilities: [fire]
    channels: [{toy: fire-room}]
    members: [{name: 李队长, toy: u-fire, role: duty_officer}]
"""


@pytest.fixture
def toy() -> Iterator[None]:
    PLATFORMS.register(toy_platform.SPEC)
    yield
    PLATFORMS.unregister(toy_platform.NAME)


def test_the_organisation_file_takes_the_new_platforms_ids(toy: None) -> None:
    org = parse_organisation(ORG)
    assert org.person("toy", "u-chief") is not None and org.person("toy", "u-chief").centre
    assert org.conversation(ConversationRef("toy", "reports-room")).reporting
    with pytest.raises(OrganisationError, match="toi: unknown key"):
        parse_organisation(ORG.replace("{toy: fire-room}", "{toi: fire-room}"))


def test_without_the_registration_its_ids_are_unknown_keys() -> None:
    with pytest.raises(OrganisationError, match="toy: unknown key"):
        parse_organisation(ORG)


def test_its_settings_come_from_the_environment_and_turn_the_console_off(toy: None) -> None:
    settings = Settings.from_env({"LIANDONG_TOY_TOKEN": "t0"})
    assert settings.enabled_platforms() == ("toy",)
    assert settings.value("toy_token") == "t0" and "t0" in settings.secrets()


async def test_a_report_on_the_toy_platform_gets_a_receipt_and_a_card(toy: None, tmp_path: Path) -> None:
    settings = Settings.of(database_url=f"sqlite+aiosqlite:///{tmp_path}/toy.db", toy_token="t0")
    app = Liandong(settings, parse_organisation(ORG), clock=ManualClock(), http=False)
    await app.start(timers=False)
    try:
        adapter = app.chat("toy")
        assert isinstance(adapter, toy_platform.ToyAdapter) and adapter.started
        message_id, result = await adapter.say("u-stranger", "路人甲", "reports-room",
                                               "人民路化工厂起火，3人受伤，有人被困")
        assert not result.duplicate and not result.degraded
        await app.drain()
        receipt = [d for d in adapter.delivered if d.chat_id == "reports-room"]
        card = [d for d in adapter.delivered if d.chat_id == "centre-room"]
        assert len(receipt) == 1 and receipt[0].reply_to == message_id
        assert len(card) == 1 and "人民路化工厂" in card[0].text and "3" in card[0].text
        # The platform delivering the same update again changes nothing.
        _, again = await adapter.say("u-stranger", "路人甲", "reports-room", "人民路化工厂起火，3人受伤，有人被困",
                                     message_id=message_id)
        await app.drain()
        assert again.duplicate and len(adapter.delivered) == 2
    finally:
        await app.stop()
