"""Identity is the platform id; a name is only a label.

End to end on Telegram (real python-telegram-bot against the fake Bot API): an
outsider who names themself like the commander and joins a unit with a team code
stays a unit member — refused every centre action, shown as what they are — and
one who names themself like a duty officer cannot answer that officer's roll-call.
Then the organisation itself: people of the same name stay apart, one id under
two names is refused, and entries sharing an id are one person.
"""
from __future__ import annotations

import asyncio
import re

import pytest

from bot.app import Liandong
from core.events import ConversationRef
from config.organisation import OrganisationError, parse_organisation
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.telegram_bot import incident_id_in
from tests.telegram_bot import bot, fake  # noqa: F401 (fixtures)

CENTRE, REPORTING, FIRE_GROUP, POWER_GROUP = -1001000, -1003000, -1002001, -1002004
COMMANDER, OTHER_CENTRE_MEMBER = 1001, 1002
OUTSIDER = 6666
REFUSED = "只有指挥中心成员可以这样做。"
CENTRE_PHONES = ("13800001001", "13800001002")


async def _said(fake: FakeTelegramAPI, chat: int, user: int, text: str, **profile: str) -> dict:
    before = len(fake.sent_messages(chat))
    fake.inject_message(chat, user, text, **profile)
    return (await fake.wait_for_messages(chat, before + 1))[-1]


async def _join_as(fake: FakeTelegramAPI, unit: str, user: int, first_name: str) -> None:
    invite = await _said(fake, CENTRE, COMMANDER, f"/invite {unit} uses:5")
    code = re.search(r"([A-Z0-9]{5}-[A-Z0-9]{5})", invite["text"]).group(1)
    welcome = await _said(fake, user, user, f"/join {code}", first_name=first_name)
    assert unit in welcome["text"]


async def _press(fake: FakeTelegramAPI, chat: int, user: int, message: dict, label: str) -> str:
    button = next(b for row in message["reply_markup"]["inline_keyboard"] for b in row if b["text"] == label)
    query = fake.inject_callback_query(chat, user, message["message_id"], button["callback_data"])
    await fake.wait_until(lambda: any(c["callback_query_id"] == query for c in fake.calls("answerCallbackQuery")))
    return next(c for c in fake.calls("answerCallbackQuery") if c["callback_query_id"] == query).get("text", "")


async def test_an_outsider_named_like_the_commander_is_refused_every_centre_action(
    bot: Liandong, fake: FakeTelegramAPI
) -> None:
    await _join_as(fake, "FIRE-01", OUTSIDER, first_name="王指挥")

    whoami = await _said(fake, OUTSIDER, OUTSIDER, "/whoami", first_name="王指挥")
    assert f"{OUTSIDER}" in whoami["text"] and "FIRE-01" in whoami["text"]
    assert "指挥中心成员" not in whoami["text"]

    for command in ("/broadcast red 全体撤离", "/dispatch 20260101-0001 FIRE-01", "/close 20260101-0001",
                    "/invite MED-01 uses:5", "/remove FIRE-01 赵五", "/rollcall all", "/broadcasts"):
        answer = await _said(fake, OUTSIDER, OUTSIDER, command, first_name="王指挥")
        assert answer["text"] == REFUSED, command
    duty = await _said(fake, OUTSIDER, OUTSIDER, "/duty", first_name="王指挥")
    assert "FIRE-01" in duty["text"] and "MED-01" not in duty["text"]
    assert not any(phone in duty["text"] for phone in CENTRE_PHONES)
    assert not fake.sent_messages(POWER_GROUP), "no alert or order went out"

    # An order that needs a second centre member's approval: the outsider's press changes nothing.
    report = await _said(fake, REPORTING, 777, "人民路化工厂起火，3人受伤，有人被困")
    incident_id = incident_id_in(report["text"])
    fake.inject_message(CENTRE, COMMANDER, f"/dispatch {incident_id} POWER-01")
    await fake.wait_until(lambda: any("需批准" in m["text"] for m in fake.sent_messages(CENTRE)))
    approval = next(m for m in fake.sent_messages(CENTRE) if "需批准" in m["text"])
    assert await _press(fake, CENTRE, OUTSIDER, approval, "批准") == REFUSED
    assert await _press(fake, CENTRE, COMMANDER, approval, "批准") != "已记录：已批准"
    assert not fake.sent_messages(POWER_GROUP), "the order still waits for a real second centre member"
    await _press(fake, CENTRE, OTHER_CENTRE_MEMBER, approval, "批准")
    await fake.wait_for_messages(POWER_GROUP)


async def test_a_member_named_like_the_duty_officer_cannot_answer_their_roll_call(
    bot: Liandong, fake: FakeTelegramAPI
) -> None:
    await _join_as(fake, "FIRE-01", OUTSIDER, first_name="张三")  # FIRE-01's duty officer is 张三 (2001)
    fake.inject_message(CENTRE, COMMANDER, "/rollcall FIRE-01")
    [rollcall] = await fake.wait_for_messages(FIRE_GROUP)
    assert await _press(fake, FIRE_GROUP, OUTSIDER, rollcall, "到") == "只有 FIRE-01 的值班员可以应答本次点名。"
    assert "只有" not in await _press(fake, FIRE_GROUP, 2001, rollcall, "到")


ORG = """
organisation: {name: 测试}
command_centre:
  channels: [{telegram: "-1"}]
  members:
    - {name: 王指挥, telegram: "1001"}
reporting: {channels: [{telegram: "-3"}]}
units:
  - code: A
    name: A队
    kind: social
    channels: [{telegram: "-11"}]
    members:
      - {name: 张伟, telegram: "2001", role: duty_officer}
      - {name: 王指挥, slack: "U9"}
  - code: B
    name: B队
    kind: social
    channels: [{telegram: "-12"}]
    members:
      - {name: 张伟, telegram: "2002"}
      - {name: 王指挥, telegram: "1001", slack: "U1001"}
"""


def test_people_of_one_name_stay_apart_and_entries_sharing_an_id_are_one_person() -> None:
    org = parse_organisation(ORG)
    first, second = org.person("telegram", "2001"), org.person("telegram", "2002")
    assert first is not None and second is not None and first is not second
    assert first.unit_roles == {"A": "duty_officer"} and second.unit_roles == {"B": "member"}
    # The centre entry and unit B's entry share Telegram 1001: one person, on Slack too.
    commander = org.person("telegram", "1001")
    assert commander is org.person("slack", "U1001") and commander.centre and commander.is_member_of("B")
    # Unit A's 王指挥 shares no id with the commander: someone else, not in the centre.
    namesake = org.person("slack", "U9")
    assert namesake is not commander and not namesake.centre and namesake.unit_roles == {"A": "member"}
    assert commander.key == "telegram:1001" and namesake.key == "slack:U9"
    assert any("张伟" in w and "units[0].members[0]" in w and "units[1].members[0]" in w for w in org.warnings)
    assert any("王指挥" in w for w in org.warnings)


def test_one_id_under_two_names_is_refused() -> None:
    with pytest.raises(OrganisationError) as caught:
        parse_organisation(ORG.replace('{name: 张伟, telegram: "2002"}', '{name: 张伟, telegram: "2001"}')
                           .replace('{name: 王指挥, telegram: "1001", slack: "U1001"}',
                                    '{name: 李四, telegram: "1001"}'))
    [problem] = caught.value.problems
    assert problem.startswith("units[1].members[1].telegram: 1001 is already '王指挥' (command_centre.members[0])")


def test_check_config_prints_the_warnings_and_passes(tmp_path, capsys) -> None:
    from bot.cli import main

    path = tmp_path / "org.yaml"
    path.write_text(ORG, encoding="utf-8")
    assert main(["check-config", str(path)]) == 0
    captured = capsys.readouterr()
    assert "warning: units[0].members[0], units[1].members[0]: 2 different people named '张伟'" in captured.err
    assert "OK" in captured.out


def test_check_config_warns_of_a_capability_typo_and_a_phone_nobody_can_dial() -> None:
    org = parse_organisation(ORG.replace("kind: social\n    channels: [{telegram: \"-11\"}]",
                                         "kind: social\n    capabilities: [resuce, fire]\n    channels: [{telegram: \"-11\"}]")
                             .replace("kind: social\n    channels: [{telegram: \"-12\"}]",
                                      "kind: social\n    capabilities: [rescue, fire]\n    channels: [{telegram: \"-12\"}]")
                             .replace('{name: 王指挥, telegram: "1001"}', '{name: 王指挥, telegram: "1001", phone: "转8001"}'))
    assert "units[0].capabilities: 'resuce' is on no other unit; did you mean 'rescue'?" in org.warnings
    assert not any("'fire'" in w or "'rescue' is" in w for w in org.warnings)
    assert any(w.startswith("command_centre.members[0].phone: '转8001'") for w in org.warnings)


async def test_direction_overrides_and_zero_width_characters_are_taken_out_of_names_and_text(
    bot: Liandong, fake: FakeTelegramAPI
) -> None:
    fake.inject_message(REPORTING, 7777, "人民路\u200b化工厂起火\u202e，3人受伤", first_name="\u202e王指挥\u2066")
    [card] = await fake.wait_for_messages(CENTRE)
    assert "人民路化工厂起火，3人受伤" in card["text"] and "王指挥（未登记报告人）" in card["text"]
    assert not any(c in card["text"] for c in "\u200b\u202e\u2066")


async def test_duty_and_status_typed_in_a_public_group_are_answered_privately(
    bot: Liandong, fake: FakeTelegramAPI
) -> None:
    duty_officer = 2001  # 张三, FIRE-01's duty officer, phone 13800002001
    note = await _said(fake, REPORTING, duty_officer, "/duty")
    assert "私信" in note["text"] and "13800002001" not in note["text"]
    [private] = await fake.wait_for_messages(duty_officer)
    assert "FIRE-01" in private["text"] and "13800002001" in private["text"]
    # In the unit's own group the answer stays there.
    here = await _said(fake, FIRE_GROUP, duty_officer, "/duty")
    assert "13800002001" in here["text"]

    receipt = await _said(fake, REPORTING, 7001, "人民路化工厂起火，3人受伤，有人被困")
    incident_id = incident_id_in(receipt["text"])
    note = await _said(fake, REPORTING, 7001, f"/status {incident_id}")
    assert "私信" in note["text"] and "受伤" not in note["text"]
    [status] = await fake.wait_for_messages(7001)
    assert incident_id in status["text"]


async def test_bind_takes_only_a_free_group_and_spends_the_code(bot: Liandong, fake: FakeTelegramAPI) -> None:
    member, med_group, new_group, second_group = 2001, -1002002, -1009001, -1009002
    invite = await _said(fake, CENTRE, COMMANDER, "/invite FIRE-01 uses:5")
    code = re.search(r"([A-Z0-9]{5}-[A-Z0-9]{5})", invite["text"]).group(1)
    assert "报告群" in (await _said(fake, REPORTING, member, f"/bind {code}"))["text"]
    assert "指挥中心" in (await _said(fake, CENTRE, member, f"/bind {code}"))["text"]
    assert "已属于 MED-01" in (await _said(fake, med_group, member, f"/bind {code}"))["text"]
    for chat in (new_group, second_group):
        fake.add_chat(chat, title=f"群{chat}", chat_type="supergroup")
    assert "本群已绑定为" in (await _said(fake, new_group, member, f"/bind {code}"))["text"]
    assert "已绑定过一个群组" in (await _said(fake, second_group, member, f"/bind {code}"))["text"]
    assert bot.org.conversation(ConversationRef("telegram", str(REPORTING))).units == []
    assert "FIRE-01" in bot.org.conversation(ConversationRef("telegram", str(new_group))).units


async def test_an_invite_code_is_not_kept_in_the_outbox_once_delivered(bot: Liandong, fake: FakeTelegramAPI) -> None:
    from sqlalchemy import select

    from bot.logredact import RedactSecrets
    from storage.models import OutboxMessage

    invite = await _said(fake, CENTRE, COMMANDER, "/invite FIRE-01")
    code = re.search(r"([A-Z0-9]{5}-[A-Z0-9]{5})", invite["text"]).group(1)

    async def stored() -> str:
        async with bot.db.transaction() as session:
            return " ".join(str(p) for p in await session.scalars(select(OutboxMessage.payload)))

    await fake.wait_until(lambda: True)
    for _ in range(50):
        if code not in await stored():
            break
        await asyncio.sleep(0.1)
    assert code not in await stored()
    line = f"update {{'text': '/join {code}'}} via https://api/bot123456:AAH-abcdefghijklmnopqrstuvwxyz/getUpdates"
    assert RedactSecrets().redact(line) == "update {'text': '/join [redacted]'} via https://api/bot[redacted]/getUpdates"
