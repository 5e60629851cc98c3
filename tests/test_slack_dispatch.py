"""Dispatch end to end on Slack: the real slack-bolt / slack-sdk stack against the
fake Slack Web API, every request signed as Slack signs it and posted to the
bot's own /slack/events, SQLite, a clock moved by hand.

Organisation: config/org.example.yaml — command centre C0CMD (王指挥, U1001),
reporting C0REP, ENV-01 on C0ENV (吴监测, U2201, duty officer), EXP-01 on C0EXP
(卫教授, U2701), POWER-01 on C0POWER and Telegram -1002004 (郑班长 U2301 / 2301,
王电工 U2302; needs approval). The second centre member, 刘值班, is on Telegram
only (1002); approval tests on Slack alone give him a Slack id too.

The adapter's own pacing (one message a second per channel) and the fake's rate
limits are off here: they have tests of their own in test_slack.py, and these
tests are about what people see and what is recorded.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from sqlalchemy import select

from core.clock import ManualClock
from core.i18n import Translator
from config.organisation import Organisation, parse_organisation
from config.settings import DEFAULT_ORG
from storage.models import DispatchDraft, DispatchOrder, TimelineEntry
from tests.fakes.slack_api import FakeSlackAPI, FakeUser, Signing
from tests.test_slack import SlackBot, all_text, block_texts, button, buttons, start_bot

REPORTING, CENTRE, ENV, EXP, POWER = "C0REP", "C0CMD", "C0ENV", "C0EXP", "C0POWER"
COMMANDER, SECOND, ENV_OFFICER, EXPERT, POWER_LEAD, ELECTRICIAN, STRANGER = (
    "U1001", "U1002", "U2201", "U2701", "U2301", "U2302", "U9999")
HAZMAT = "人民路化工厂氯气泄漏，2人受伤，有人被困"  # plan: FIRE-01, CHEM-01, ENV-01, EXP-01
ID = "20261122-0001"
ORDER_BUTTONS = ["接令", "出动", "到场", "无法执行"]
ZH = Translator("zh")
# Telegram ids (the cross-platform test).
TG_CENTRE, TG_REPORTING, TG_POWER = -1001000, -1003000, -1002004
TG_SECOND, TG_POWER_LEAD = 1002, 2301


# -- the bot ------------------------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    users = [FakeUser(COMMANDER, real_name="王指挥"), FakeUser(SECOND, real_name="刘值班"),
             FakeUser(ENV_OFFICER, real_name="吴监测"), FakeUser(EXPERT, real_name="卫教授"),
             FakeUser(POWER_LEAD, real_name="郑班长"), FakeUser(ELECTRICIAN, real_name="王电工"),
             FakeUser(STRANGER, real_name="Li Lei", display_name="路人甲")]
    async with FakeSlackAPI(users=users, limits=False) as api:
        yield api


async def start_unpaced(tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock,
                        **extra: Any) -> SlackBot:
    bot = await start_bot(tmp_path, fake, org, clock, **extra)
    for sender in bot.app.senders.values():
        sender.limiter = None  # pacing is test_slack.py's subject, not this file's
    return bot


async def stop_bot(bot: SlackBot) -> None:
    await bot.sender.close()
    await bot.app.stop()


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock) -> AsyncIterator[SlackBot]:
    slack_bot = await start_unpaced(tmp_path, fake, org, clock)
    yield slack_bot
    await stop_bot(slack_bot)


@pytest.fixture
def org_two_slack_commanders() -> Organisation:
    """The example organisation, with 刘值班 on Slack too: approvals need a second centre member."""
    text = Path(DEFAULT_ORG).read_text(encoding="utf-8")
    original = '{name: 刘值班, telegram: "1002",'
    assert original in text
    return parse_organisation(text.replace(original, f'{{name: 刘值班, telegram: "1002", slack: "{SECOND}",'))


@pytest.fixture
async def approval_bot(tmp_path: Path, fake: FakeSlackAPI, org_two_slack_commanders: Organisation,
                       clock: ManualClock) -> AsyncIterator[SlackBot]:
    slack_bot = await start_unpaced(tmp_path, fake, org_two_slack_commanders, clock)
    yield slack_bot
    await stop_bot(slack_bot)


# -- what people see --------------------------------------------------------------


def title(message: dict[str, Any]) -> str:
    return block_texts(message)[0]


def titled(fake: FakeSlackAPI, channel: str, words: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel) if block_texts(m) and words in title(m)]


def field(message: dict[str, Any], label: str) -> str:
    """The value of the field shown as *label*."""
    found = [t.split("\n", 1)[1] for t in block_texts(message) if t.startswith(f"*{label}*\n")]
    assert len(found) == 1, f"no single field {label!r} in {block_texts(message)}"
    return found[0]


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in buttons(message)]


def board(fake: FakeSlackAPI) -> dict[str, Any]:
    """The one dispatch board in the centre (edited in place, never posted twice)."""
    [found] = titled(fake, CENTRE, "调度看板")
    return found


def board_line(fake: FakeSlackAPI, unit: str) -> str:
    lines = [line for text in block_texts(board(fake)) for line in text.split("\n") if f" {unit} " in line]
    assert len(lines) == 1, block_texts(board(fake))
    return lines[0]


def answers(fake: FakeSlackAPI) -> list[str]:
    """The private answers, in order (only the person who acted sees them)."""
    return [e["text"] for e in fake.ephemerals]


def plain(text: str) -> str:
    """A private answer's text as Slack shows it (the adapter escapes it)."""
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


async def press(bot: SlackBot, user: str, channel: str, message: dict[str, Any], label: str) -> str:
    """Press a button as `user` on `message` (as the user's client shows it); the private answer."""
    before = len(bot.fake.ephemerals)
    reply = await bot.press(user, channel, message, label)
    assert reply.status == 200 and reply.body == ""
    await bot.deliver()
    new = bot.fake.ephemerals[before:]
    assert len(new) == 1, new
    # Through the press's response_url: only the presser sees it, and the order stays.
    assert new[0]["source"] == "response_url" and new[0]["channel"] == channel
    assert bot.fake.responses[-1]["body"]["response_type"] == "ephemeral"
    assert bot.fake.responses[-1]["body"]["replace_original"] is False
    return plain(new[0]["text"])


async def command(bot: SlackBot, user: str, channel: str, text: str, name: str = "/liandong") -> None:
    reply = await bot.command(name, text, user_id=user, channel_id=channel)
    assert reply.status == 200 and reply.body == ""
    await bot.deliver()


async def reported(bot: SlackBot, text: str = HAZMAT) -> dict[str, Any]:
    await bot.say(REPORTING, STRANGER, text)
    await bot.deliver()
    [card] = titled(bot.fake, CENTRE, "新事件")
    return card


async def dispatched(bot: SlackBot, *units: str, instruction: str = "") -> dict[str, dict[str, Any]]:
    """The centre orders `units` out with one command; each unit's order message."""
    text = f"dispatch {ID} {' '.join(units)}" + (f" -- {instruction}" if instruction else "")
    await command(bot, COMMANDER, CENTRE, text)
    channels = {"ENV-01": ENV, "EXP-01": EXP, "POWER-01": POWER}
    return {unit: titled(bot.fake, channels[unit], "调度指令")[-1] for unit in units}


def current(bot: SlackBot, channel: str, message: dict[str, Any]) -> dict[str, Any]:
    found = bot.fake.message(channel, message["ts"])
    assert found is not None
    return found


async def orders(bot: SlackBot) -> dict[str, DispatchOrder]:
    async with bot.app.db.transaction() as session:
        return {o.unit_code: o for o in await session.scalars(select(DispatchOrder).order_by(DispatchOrder.id))}


async def timeline(bot: SlackBot) -> list[tuple[str, dict[str, Any]]]:
    async with bot.app.db.transaction() as session:
        entries = await session.scalars(select(TimelineEntry).order_by(TimelineEntry.id))
        return [(e.kind, dict(e.data or {})) for e in entries]


def local(bot: SlackBot) -> str:
    """The clock's now as the organisation's local HH:MM (Asia/Shanghai)."""
    return bot.clock.now().astimezone(bot.app.org.timezone).strftime("%H:%M")


# -- the card's Dispatch button, the draft, Send ------------------------------------


async def test_the_cards_dispatch_button_proposes_the_plan_to_edit_in_slack_and_send(
    bot: SlackBot, fake: FakeSlackAPI
) -> None:
    card = await reported(bot)
    assert "调度" in labels(card)

    # A unit member may not open a draft: told privately, nothing posted.
    assert await press(bot, ENV_OFFICER, CENTRE, card, "调度") == ZH("button.refused_centre_only")
    assert len(fake.messages(CENTRE)) == 1

    await bot.press(COMMANDER, CENTRE, card, "调度")
    await bot.deliver()
    [draft] = titled(fake, CENTRE, "调度编成")
    assert title(draft) == f"*调度编成 · 事件 {ID}*" and "thread_ts" not in draft
    assert field(draft, "拟调度单位") == "FIRE-01, CHEM-01, ENV-01, EXP-01"  # the hazmat plan
    assert field(draft, "指令") == "未说明"
    assert labels(draft)[:4] == ["✅ FIRE-01", "✅ CHEM-01", "✅ ENV-01", "✅ EXP-01"]
    assert labels(draft)[-2:] == ["发送", "取消"] and "➕ POWER-01" in labels(draft)
    first_copy = draft

    # Tap units off and on: the draft is edited in place.
    updates = len(fake.calls("chat.update"))
    await bot.press(COMMANDER, CENTRE, draft, "✅ FIRE-01")
    await bot.deliver()
    draft = current(bot, CENTRE, draft)
    await bot.press(COMMANDER, CENTRE, draft, "✅ CHEM-01")
    await bot.deliver()
    draft = current(bot, CENTRE, draft)
    assert field(draft, "拟调度单位") == "ENV-01, EXP-01"
    assert labels(draft)[:4] == ["➕ FIRE-01", "➕ CHEM-01", "✅ ENV-01", "✅ EXP-01"]
    assert len(fake.calls("chat.update")) == updates + 2 and len(titled(fake, CENTRE, "调度编成")) == 1

    # The instruction: a reply in the draft's thread. Someone outside the centre cannot set it.
    await bot.say(CENTRE, ENV_OFFICER, "不用去了", thread_ts=draft["ts"])
    await bot.deliver()
    assert field(current(bot, CENTRE, draft), "指令") == "未说明"
    await bot.say(CENTRE, COMMANDER, "从东门进入，注意风向 &lt;下风向&gt; A&amp;B", thread_ts=draft["ts"])
    await bot.deliver()
    draft = current(bot, CENTRE, draft)
    assert field(draft, "指令") == "从东门进入，注意风向 &lt;下风向&gt; A&amp;B"  # escaped once, as typed
    async with bot.app.db.transaction() as session:
        [stored] = list(await session.scalars(select(DispatchDraft)))
        assert stored.instruction == "从东门进入，注意风向 <下风向> A&B" and stored.units == ["ENV-01", "EXP-01"]

    await bot.press(COMMANDER, CENTRE, draft, "发送")
    await bot.deliver()
    sent = current(bot, CENTRE, draft)
    assert labels(sent) == [] and field(sent, "拟调度单位") == "ENV-01, EXP-01"
    # The confirmation goes in the draft's thread; the board is new, top level.
    [confirmation] = [m for m in fake.messages(CENTRE) if "已就事件" in all_text(m)]
    assert block_texts(confirmation) == [f"已就事件 {ID} 调度：ENV-01, EXP-01"]
    assert confirmation["thread_ts"] == draft["ts"]
    assert "thread_ts" not in board(fake)
    assert board_line(fake, "ENV-01").startswith("⚠️ ENV-01 市生态环境分局 — 未接令")
    assert board_line(fake, "EXP-01").startswith("⚠️ EXP-01 危化品与地质灾害专家组 — 未接令")
    for channel, unit in ((ENV, "市生态环境分局 (ENV-01)"), (EXP, "危化品与地质灾害专家组 (EXP-01)")):
        [order] = fake.messages(channel)
        assert title(order) == f"*🚨 调度指令 · 事件 {ID}*"
        assert field(order, "调度单位") == unit and field(order, "状态") == "未接令"
        assert field(order, "指令") == "从东门进入，注意风向 &lt;下风向&gt; A&amp;B"
        assert field(order, "下达人") == f"王指挥 {local(bot)}"
        assert labels(order) == ORDER_BUTTONS
    assert sorted(await orders(bot)) == ["ENV-01", "EXP-01"]

    # Send on an old copy of the draft (a second click, another commander's screen): nothing more.
    assert await press(bot, COMMANDER, CENTRE, first_copy, "发送") == ZH("draft.gone")
    assert sorted(await orders(bot)) == ["ENV-01", "EXP-01"] and len(fake.messages(ENV)) == 1


async def test_a_draft_can_be_cancelled(bot: SlackBot, fake: FakeSlackAPI) -> None:
    card = await reported(bot)
    await bot.press(COMMANDER, CENTRE, card, "调度")
    await bot.deliver()
    [draft] = titled(fake, CENTRE, "调度编成")
    await bot.press(COMMANDER, CENTRE, draft, "取消")
    await bot.deliver()
    cancelled = current(bot, CENTRE, draft)
    assert title(cancelled) == "*调度编成已取消*" and labels(cancelled) == []
    assert await press(bot, COMMANDER, CENTRE, draft, "发送") == ZH("draft.gone")
    assert await orders(bot) == {} and fake.messages(ENV) == []


# -- the one-line command -----------------------------------------------------------


async def test_one_line_dispatch_by_slash_command(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await reported(bot)
    # Slack sends a typed @channel as <!channel> and & as &amp;: shown as text, pinging nobody.
    await command(bot, COMMANDER, CENTRE, f"dispatch {ID} env-01 EXP-01 -- 从东门进入 <!channel> A&amp;B")
    [confirmation] = [m for m in fake.messages(CENTRE) if "已就事件" in all_text(m)]
    assert block_texts(confirmation) == [f"已就事件 {ID} 调度：ENV-01, EXP-01"]
    for channel in (ENV, EXP):
        [order] = fake.messages(channel)
        assert field(order, "指令") == "从东门进入 @channel A&amp;B" and "<!channel>" not in all_text(order)
        assert labels(order) == ORDER_BUTTONS
    assert board_line(fake, "ENV-01").startswith("⚠️ ENV-01") and board_line(fake, "EXP-01").startswith("⚠️ EXP-01")
    stored = await orders(bot)
    assert {u: (o.state, o.instruction, o.ordered_by, o.ordered_by_id) for u, o in stored.items()} == {
        u: ("ordered", "从东门进入 @channel A&B", "王指挥", f"slack:{COMMANDER}") for u in ("ENV-01", "EXP-01")}

    # /dispatch (the manifest's own command) again: nothing ordered twice; the board is edited, not reposted.
    updates = len(fake.calls("chat.update"))
    await command(bot, COMMANDER, CENTRE, f"{ID} ENV-01 EXP-01", name="/dispatch")
    assert "已在调度中，未重复下达：ENV-01, EXP-01" in all_text(fake.messages(CENTRE)[-1])
    assert len(fake.messages(ENV)) == 1 and len(fake.messages(EXP)) == 1
    assert len(titled(fake, CENTRE, "调度看板")) == 1 and len(fake.calls("chat.update")) == updates

    # Mistakes are explained; a unit member may not dispatch.
    await command(bot, COMMANDER, CENTRE, f"dispatch {ID} ENV-1")
    assert "没有单位 ENV-1。是否是：ENV-01" in all_text(fake.messages(CENTRE)[-1])
    await command(bot, COMMANDER, CENTRE, "dispatch 20261122-0099 ENV-01")
    assert "未找到事件 20261122-0099" in all_text(fake.messages(CENTRE)[-1])
    await command(bot, COMMANDER, CENTRE, "dispatch")
    assert "用法：/dispatch" in all_text(fake.messages(CENTRE)[-1])
    await command(bot, ENV_OFFICER, ENV, f"dispatch {ID} POWER-01")
    assert ZH("button.refused_centre_only") in all_text(fake.messages(ENV)[-1])
    assert sorted(await orders(bot)) == ["ENV-01", "EXP-01"] and fake.messages(POWER) == []


# -- the unit's buttons ---------------------------------------------------------------


async def test_every_button_moves_the_order_and_the_board_forward(
    bot: SlackBot, fake: FakeSlackAPI, clock: ManualClock
) -> None:
    await reported(bot)
    order = (await dispatched(bot, "ENV-01"))["ENV-01"]
    # On scene the order's answers are done; what is left is asking for more (#14, 请求支援).
    expected_buttons = {"接令": ["出动", "到场", "无法执行"], "出动": ["到场", "无法执行"], "到场": ["请求支援"]}
    states = {"接令": ("acknowledged", "已接令", "✅"), "出动": ("en_route", "已出动", "🚒"),
              "到场": ("on_scene", "已到场", "📍")}
    for label in ("接令", "出动", "到场"):
        clock.advance(minutes=1)
        updates = len(fake.calls("chat.update"))
        assert await press(bot, ENV_OFFICER, ENV, current(bot, ENV, order), label) == f"已记录：{states[label][1]}"
        shown = current(bot, ENV, order)
        assert field(shown, "状态") == f"{states[label][1]}（吴监测 {local(bot)}）"
        assert labels(shown) == expected_buttons[label]
        assert board_line(fake, "ENV-01").startswith(f"{states[label][2]} ENV-01 市生态环境分局 — "
                                                     f"{states[label][1]}（吴监测 {local(bot)}）")
        assert len(fake.calls("chat.update")) == updates + 2  # the order and the board, in place
        assert (await orders(bot))["ENV-01"].state == states[label][0]
    assert board_line(fake, "ENV-01").endswith("下达后 3 分钟")
    assert len(fake.messages(ENV)) == 1 and len(titled(fake, CENTRE, "调度看板")) == 1
    stored = (await orders(bot))["ENV-01"]
    assert stored.escalate_at is None and stored.state_by == "吴监测"
    assert stored.acknowledged_at < stored.en_route_at < stored.on_scene_at  # type: ignore[operator]
    presses = [d for kind, d in await timeline(bot) if kind == "order_press"]
    assert presses == [{"unit": "ENV-01", "state": s, "changed": True}
                       for s in ("acknowledged", "en_route", "on_scene")]


async def test_presses_by_others_are_refused_privately_and_change_nothing(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await reported(bot)
    order = (await dispatched(bot, "ENV-01"))["ENV-01"]
    before_env, before_centre = fake.messages(ENV), fake.messages(CENTRE)
    updates = len(fake.calls("chat.update"))
    refusal = "只有 ENV-01 的成员可以回应这条指令，未做更改。"
    # A stranger, the commander himself, a member of another unit: none may answer for ENV-01.
    for user in (STRANGER, COMMANDER, EXPERT):
        for label in ORDER_BUTTONS:
            assert await press(bot, user, ENV, order, label) == refusal
    # The right token in the wrong channel, and a forged one.
    ack = button(order, "接令")
    await bot.timed(bot.sender.send_action(ENV_OFFICER, EXP, order["ts"], ack["action_id"], ack["value"],
                                            message=order))
    await bot.timed(bot.sender.send_action(ENV_OFFICER, ENV, order["ts"], ack["action_id"], "forged",
                                            message=order))
    await bot.deliver()
    assert answers(fake)[-2:] == [ZH("button.wrong_place"), ZH("button.unknown")]
    assert fake.messages(ENV) == before_env and fake.messages(CENTRE) == before_centre
    assert len(fake.calls("chat.update")) == updates and fake.messages(EXP) == []
    stored = (await orders(bot))["ENV-01"]
    assert (stored.state, stored.state_by, stored.acknowledged_at) == ("ordered", None, None)
    assert stored.escalate_at is not None


async def test_double_and_out_of_order_presses(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await reported(bot)
    order = (await dispatched(bot, "ENV-01"))["ENV-01"]  # the message as first shown, all four buttons
    # Straight to on scene: allowed (forward), and it implies acknowledged for the timings.
    assert await press(bot, ENV_OFFICER, ENV, order, "到场") == "已记录：已到场"
    assert labels(current(bot, ENV, order)) == ["请求支援"]  # only asking for more is left (#14)
    shown_after = current(bot, ENV, order)
    board_after = board(fake)
    updates = len(fake.calls("chat.update"))
    # Old buttons pressed late (a second phone still showing them): refused, nothing moves back.
    assert await press(bot, ENV_OFFICER, ENV, order, "接令") == "当前已是“已到场”，状态只能向前，未做更改。"
    assert await press(bot, ENV_OFFICER, ENV, order, "出动") == "当前已是“已到场”，状态只能向前，未做更改。"
    assert await press(bot, ENV_OFFICER, ENV, order, "无法执行") == "当前已是“已到场”，状态只能向前，未做更改。"
    assert await press(bot, ENV_OFFICER, ENV, order, "到场") == "已记录为“已到场”，无需重复。"
    assert len(fake.calls("chat.update")) == updates
    assert current(bot, ENV, order) == shown_after and board(fake) == board_after
    assert titled(fake, CENTRE, "无法执行") == []
    stored = (await orders(bot))["ENV-01"]
    assert stored.state == "on_scene" and stored.acknowledged_at == stored.on_scene_at
    presses = [(d["state"], d["changed"]) for kind, d in await timeline(bot) if kind == "order_press"]
    assert presses == [("on_scene", True), ("acknowledged", False), ("en_route", False), ("declined", False),
                       ("on_scene", False)]  # every press is on the record


async def test_two_people_pressing_at_once_record_one_answer(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await reported(bot)
    order = (await dispatched(bot, "ENV-01", "EXP-01"))["ENV-01"]
    # The same member double-clicks: two presses arrive together.
    await asyncio.gather(bot.press(ENV_OFFICER, ENV, order, "接令"), bot.press(ENV_OFFICER, ENV, order, "接令"))
    await bot.deliver()
    assert sorted(answers(fake)) == sorted(["已记录：已接令", "已记录为“已接令”，无需重复。"])
    assert field(current(bot, ENV, order), "状态").startswith("已接令（吴监测")
    assert len(titled(fake, CENTRE, "调度看板")) == 1


async def test_cannot_comply_asks_the_reason_in_a_thread_and_forwards_it(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await reported(bot)
    order = (await dispatched(bot, "ENV-01"))["ENV-01"]
    assert await press(bot, ENV_OFFICER, ENV, order, "无法执行") == "已记录：无法执行"
    assert field(current(bot, ENV, order), "状态").startswith("无法执行（吴监测") and labels(current(bot, ENV, order)) == []
    [alert] = [m for m in fake.messages(CENTRE) if "原因待报" in all_text(m)]
    assert block_texts(alert) == [f"⛔ ENV-01 对事件 {ID} 无法执行（吴监测），原因待报。"]
    assert board_line(fake, "ENV-01").startswith("⛔ ENV-01 市生态环境分局 — 无法执行（吴监测")
    [question] = [m for m in fake.messages(ENV) if m["ts"] != order["ts"]]
    assert block_texts(question) == ["请回复本消息，说明无法执行的原因。"] and "thread_ts" not in question

    # Someone who is not in the unit answers in the thread: not taken as the reason.
    await bot.say(ENV, STRANGER, "我觉得是车坏了", thread_ts=question["ts"])
    await bot.deliver()
    assert (await orders(bot))["ENV-01"].decline_reason is None
    # The duty officer answers in the question's thread, Slack's way of replying.
    await bot.say(ENV, ENV_OFFICER, "两台监测车正在另一现场 &lt;石岛&gt;", thread_ts=question["ts"])
    await bot.deliver()
    [forwarded] = [m for m in fake.messages(CENTRE) if "的原因" in all_text(m)]
    assert block_texts(forwarded) == [f"⛔ ENV-01 无法执行事件 {ID} 的原因（吴监测）：两台监测车正在另一现场 &lt;石岛&gt;"]
    assert board_line(fake, "ENV-01").endswith("原因：两台监测车正在另一现场 &lt;石岛&gt;")
    [thanks] = fake.thread(ENV, question["ts"])[-1:]
    assert block_texts(thanks) == ["原因已报指挥中心。"] and thanks["thread_ts"] == question["ts"]
    assert (await orders(bot))["ENV-01"].decline_reason == "两台监测车正在另一现场 <石岛>"
    assert ("decline_reason", {"unit": "ENV-01", "reason": "两台监测车正在另一现场 <石岛>"}) in await timeline(bot)


# -- signatures -------------------------------------------------------------------------


async def test_a_press_without_a_good_signature_changes_nothing(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await reported(bot)
    order = (await dispatched(bot, "ENV-01"))["ENV-01"]
    ack = button(order, "接令")
    seen = (fake.messages(ENV), fake.messages(CENTRE), len(fake.requests))
    for sign in (Signing.WRONG, Signing.MISSING, Signing.STALE):
        reply = await bot.timed(bot.sender.send_action(ENV_OFFICER, ENV, order["ts"], ack["action_id"],
                                                        message=order, sign=sign))
        assert reply.status == 401
    forged_secret = await bot.timed(bot.sender.send_action(ENV_OFFICER, ENV, order["ts"], ack["action_id"],
                                                            message=order, signature="v0=" + "0" * 64))
    assert forged_secret.status == 401
    await bot.deliver()
    assert (fake.messages(ENV), fake.messages(CENTRE), len(fake.requests)) == seen and fake.ephemerals == []
    assert (await orders(bot))["ENV-01"].state == "ordered"
    assert not [kind for kind, _ in await timeline(bot) if kind == "order_press"]
    # The very same press, signed: it counts.
    assert await press(bot, ENV_OFFICER, ENV, order, "接令") == "已记录：已接令"
    assert (await orders(bot))["ENV-01"].state == "acknowledged"


# -- escalation -------------------------------------------------------------------------


async def test_silence_is_escalated_after_the_first_and_second_timeout(
    bot: SlackBot, fake: FakeSlackAPI, clock: ManualClock
) -> None:
    await reported(bot)
    sent = await dispatched(bot, "ENV-01", "EXP-01")
    clock.advance(minutes=4)
    assert await bot.app.run_timers() == 0
    await press(bot, EXPERT, EXP, sent["EXP-01"], "接令")  # EXP-01 answers in time
    clock.advance(minutes=1, seconds=1)
    assert await bot.app.run_timers() == 1
    await bot.deliver()
    # First: the order again, as a new message (it must notify), naming the duty officer so Slack pings him.
    [original, reminder] = fake.messages(ENV)
    assert original["ts"] == sent["ENV-01"]["ts"]
    assert title(reminder) == f"*⏰ 调度指令未接收，请立即接令 · 事件 {ID}*"
    assert f"<@{ENV_OFFICER}>" in block_texts(reminder) and labels(reminder) == ORDER_BUTTONS
    assert len(fake.messages(EXP)) == 1  # EXP-01 answered: no reminder
    assert not [m for m in fake.messages(CENTRE) if "🔔" in all_text(m)]
    assert board_line(fake, "ENV-01").endswith("已 5 分钟未接令")

    clock.advance(minutes=5, seconds=1)
    assert await bot.app.run_timers() == 1
    await bot.deliver()
    # Second: the centre is alerted, with the duty officer named and mentioned.
    [alert] = [m for m in fake.messages(CENTRE) if "🔔" in all_text(m)]
    assert block_texts(alert) == [f"🔔 市生态环境分局 (ENV-01) 已 10 分钟未接收事件 {ID} 的调度指令。值班员：吴监测",
                                  f"<@{ENV_OFFICER}>"]
    assert len(fake.messages(ENV)) == 2
    levels = [d for kind, d in await timeline(bot) if kind == "escalated"]
    assert levels == [{"unit": "ENV-01", "level": 1}, {"unit": "ENV-01", "level": 2}]

    clock.advance(hours=1)
    assert await bot.app.run_timers() == 0  # twice, and only twice
    # An answer on the reminder is recorded there and on the board.
    assert await press(bot, ENV_OFFICER, ENV, reminder, "接令") == "已记录：已接令"
    assert field(current(bot, ENV, reminder), "状态").startswith("已接令（吴监测")
    assert board_line(fake, "ENV-01").startswith("✅ ENV-01")


async def test_an_answer_before_the_timeout_stops_escalation(
    bot: SlackBot, fake: FakeSlackAPI, clock: ManualClock
) -> None:
    await reported(bot)
    order = (await dispatched(bot, "ENV-01"))["ENV-01"]
    clock.advance(minutes=4, seconds=59)
    await press(bot, ENV_OFFICER, ENV, order, "接令")
    clock.advance(hours=1)
    assert await bot.app.run_timers() == 0
    await bot.deliver()
    assert len(fake.messages(ENV)) == 1 and not [m for m in fake.messages(CENTRE) if "🔔" in all_text(m)]


async def test_an_order_to_a_unit_not_on_slack_is_reported_undelivered_naming_its_duty_officer(
    bot: SlackBot, fake: FakeSlackAPI, clock: ManualClock
) -> None:
    await reported(bot)
    # FIRE-01's group is on Telegram (off here): nobody on this bot can receive the order.
    await command(bot, COMMANDER, CENTRE, f"dispatch {ID} FIRE-01")
    await bot.deliver()
    [notice] = [m for m in fake.messages(CENTRE) if "调度指令未送达" in all_text(m)]
    assert "张三 13800002001" in all_text(notice)  # named and with a phone, though not on Slack
    clock.advance(minutes=11)
    assert await bot.app.run_timers() == 0  # a reminder would reach nobody: the centre already knows


# -- approval -----------------------------------------------------------------------------


async def _approval_requested(bot: SlackBot) -> dict[str, Any]:
    await reported(bot)
    await command(bot, COMMANDER, CENTRE, f"dispatch {ID} POWER-01 -- 恢复化工厂供电")
    [request] = titled(bot.fake, CENTRE, "需批准")
    return request


async def test_an_order_needing_approval_waits_for_a_second_centre_member(
    approval_bot: SlackBot, fake: FakeSlackAPI, clock: ManualClock
) -> None:
    bot = approval_bot
    request = await _approval_requested(bot)
    assert title(request) == f"*⏳ 调度 国网荣成供电公司抢修队 (POWER-01) 需批准 · 事件 {ID}*"
    assert "王指挥 申请调度；须由另一名指挥中心成员批准后下达。" in block_texts(request)
    assert field(request, "指令") == "恢复化工厂供电" and labels(request) == ["批准", "不批准"]
    assert board_line(fake, "POWER-01").startswith("⏳ POWER-01 国网荣成供电公司抢修队 — 待批准")
    assert fake.messages(POWER) == []  # nothing reaches the unit yet
    # An approval nobody gives escalates like an order nobody acknowledges (#14): the
    # request again with its buttons after the timeout, then a plain alert; never the unit.
    clock.advance(minutes=5)
    assert await bot.app.run_timers() == 1
    await bot.deliver()
    [reminder] = titled(bot.fake, CENTRE, "仍待批准")
    assert labels(reminder) == ["批准", "不批准"]
    clock.advance(minutes=5)
    assert await bot.app.run_timers() == 1
    await bot.deliver()
    assert "已等待 10 分钟无人批准" in all_text(fake.messages(CENTRE)[-1])
    clock.advance(minutes=30)
    assert await bot.app.run_timers() == 0
    assert fake.messages(POWER) == []

    # The unit itself, and the one who asked, may not approve.
    assert await press(bot, POWER_LEAD, CENTRE, request, "批准") == ZH("button.refused_centre_only")
    assert await press(bot, COMMANDER, CENTRE, request, "批准") == "申请人不能自己批准，请由另一名指挥中心成员处理。"
    assert fake.messages(POWER) == [] and (await orders(bot))["POWER-01"].state == "pending_approval"

    assert (await press(bot, SECOND, CENTRE, request, "批准")).startswith("已记录")
    decided = current(bot, CENTRE, reminder)  # edits go to the newest copy, like an order's reminder
    assert labels(decided) == [] and "刘值班" in all_text(decided)
    [order] = fake.messages(POWER)
    assert title(order) == f"*🚨 调度指令 · 事件 {ID}*" and labels(order) == ORDER_BUTTONS
    assert field(order, "指令") == "恢复化工厂供电" and field(order, "状态") == "未接令"
    assert board_line(fake, "POWER-01").startswith("⚠️ POWER-01 国网荣成供电公司抢修队 — 未接令 · 已 0 分钟未接令")
    stored = (await orders(bot))["POWER-01"]
    assert (stored.state, stored.decided_by) == ("ordered", "刘值班")
    assert stored.escalate_at is not None and stored.escalate_at - clock.now() == timedelta(minutes=5)
    assert [kind for kind, _ in await timeline(bot)] == \
        ["reported", "approval_requested", "escalated", "escalated", "approved"]
    # A second decision on the same request changes nothing.
    assert (await press(bot, SECOND, CENTRE, request, "不批准")).startswith("已处理：")
    assert len(fake.messages(POWER)) == 1 and (await orders(bot))["POWER-01"].state == "ordered"
    # The unit answers as any other: both its members may.
    assert await press(bot, ELECTRICIAN, POWER, order, "接令") == "已记录：已接令"
    assert board_line(fake, "POWER-01").startswith("✅ POWER-01 国网荣成供电公司抢修队 — 已接令（王电工")


async def test_an_approved_request_says_it_was_approved(approval_bot: SlackBot, fake: FakeSlackAPI) -> None:
    request = await _approval_requested(approval_bot)
    answer = await press(approval_bot, SECOND, CENTRE, request, "批准")
    decided = current(approval_bot, CENTRE, request)
    assert "已批准" in all_text(decided) and "未接令" not in all_text(decided)
    assert "未接令" not in answer


async def test_a_rejected_request_never_reaches_the_unit(
    approval_bot: SlackBot, fake: FakeSlackAPI, clock: ManualClock
) -> None:
    bot = approval_bot
    request = await _approval_requested(bot)
    assert await press(bot, SECOND, CENTRE, request, "不批准") == "已记录：未批准"
    decided = current(bot, CENTRE, request)
    assert labels(decided) == [] and "未批准（刘值班）" in block_texts(decided)
    assert board_line(fake, "POWER-01").startswith("✖️ POWER-01 国网荣成供电公司抢修队 — 未批准（刘值班")
    assert fake.messages(POWER) == []
    stored = (await orders(bot))["POWER-01"]
    assert (stored.state, stored.decided_by, stored.escalate_at) == ("rejected", "刘值班", None)
    assert [kind for kind, _ in await timeline(bot)] == ["reported", "approval_requested", "rejected"]
    assert await press(bot, SECOND, CENTRE, request, "批准") == "已处理：未批准"
    clock.advance(hours=1)
    assert await bot.app.run_timers() == 0
    await bot.deliver()
    assert fake.messages(POWER) == []


# -- closing ----------------------------------------------------------------------------


async def test_closing_shows_the_timings_and_ends_escalation(
    bot: SlackBot, fake: FakeSlackAPI, clock: ManualClock
) -> None:
    await reported(bot)
    clock.advance(minutes=2)
    sent = await dispatched(bot, "ENV-01", "EXP-01")
    clock.advance(minutes=1)
    await press(bot, ENV_OFFICER, ENV, sent["ENV-01"], "接令")
    clock.advance(minutes=7)
    await press(bot, ENV_OFFICER, ENV, current(bot, ENV, sent["ENV-01"]), "到场")
    clock.advance(minutes=20)
    await command(bot, COMMANDER, CENTRE, f"close {ID} 泄漏已控制")
    closed = board(fake)
    assert title(closed) == f"*📋 调度看板 · 事件 {ID}（已结束）*"
    assert field(closed, "报告至首次接令") == "3 分钟"
    assert field(closed, "报告至首次到场") == "10 分钟"
    assert field(closed, "报告至结束") == "30 分钟"
    # Closing stands down every unit still on it (#14): told in a new message.
    assert block_texts(fake.messages(CENTRE)[-1]) == [f"事件 {ID} 已结束。\n已通知收队：ENV-01, EXP-01"]
    assert f"事件 {ID} 已结束，EXP-01 收队。总结：泄漏已控制" in all_text(fake.messages(EXP)[-1])
    incident = await bot.incident(ID)
    assert incident is not None and (incident.status, incident.closed_by, incident.close_summary) == \
        ("closed", "王指挥", "泄漏已控制")
    # EXP-01 never answered: closing ends its escalation.
    clock.advance(hours=1)
    assert await bot.app.run_timers() == 0
    await bot.deliver()
    assert len(fake.messages(EXP)) == 2  # the order and the stand-down: no reminder
    # Late presses and orders on a closed incident change nothing.
    assert await press(bot, EXPERT, EXP, sent["EXP-01"], "接令") == f"事件 {ID} 已结束，未做任何更改。"
    assert (await orders(bot))["EXP-01"].state == "ordered"
    await command(bot, COMMANDER, CENTRE, f"dispatch {ID} POWER-01")
    assert f"事件 {ID} 已结束" in all_text(fake.messages(CENTRE)[-1])
    assert sorted(await orders(bot)) == ["ENV-01", "EXP-01"]


# -- one incident, two platforms ----------------------------------------------------------


async def test_a_telegram_report_dispatched_from_slack_to_a_unit_on_both_platforms(
    tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock
) -> None:
    from tests.fakes.telegram_api import FakeTelegramAPI

    def tg_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
        return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]

    def tg_button(message: dict[str, Any], label: str) -> str:
        return next(b["callback_data"] for b in tg_buttons(message) if b["text"] == label)

    def tg_titled(chat: int, words: str) -> list[dict[str, Any]]:
        return [m for m in telegram.sent_messages(chat) if words in m.get("text", "").split("\n")[0]]

    async def tg_press(chat: int, user: int, message: dict[str, Any], label: str) -> str:
        count = len(telegram.callback_answers)
        telegram.inject_callback_query(chat, user, message["message_id"], tg_button(message, label))
        await telegram.wait_until(lambda: len(telegram.callback_answers) > count)
        await bot.deliver()
        return telegram.callback_answers[-1].get("text", "")

    async with FakeTelegramAPI(limits=False) as telegram:
        bot = await start_unpaced(tmp_path, fake, org, clock, telegram_token=telegram.token,
                                  telegram_api_url=telegram.root_url)
        try:
            # Reported on Telegram: the Slack centre gets the card too.
            telegram.inject_message(TG_REPORTING, 777, HAZMAT, first_name="路人")
            for _ in range(100):  # Telegram is polled: wait for the bot to have read it
                if await bot.incident(ID) is not None:
                    break
                await asyncio.sleep(0.05)
            await bot.deliver()
            [card] = titled(fake, CENTRE, "新事件")
            assert ID in title(card) and "路人（未登记报告人）" in all_text(card)

            # Dispatched from Slack; approved on Telegram by the centre member who is only there.
            await command(bot, COMMANDER, CENTRE, f"dispatch {ID} POWER-01 -- 恢复化工厂供电")
            [slack_request] = titled(fake, CENTRE, "需批准")
            [tg_request] = tg_titled(TG_CENTRE, "需批准")
            assert fake.messages(POWER) == [] and telegram.sent_messages(TG_POWER) == []
            # The requester's own Telegram account is the same person (the file lists both ids).
            assert await tg_press(TG_CENTRE, 1001, tg_request, "批准") == ZH("approval.not_yourself")
            assert telegram.sent_messages(TG_POWER) == []
            assert (await tg_press(TG_CENTRE, TG_SECOND, tg_request, "批准")).startswith("已记录")
            assert labels(current(bot, CENTRE, slack_request)) == []  # decided everywhere
            assert tg_buttons(telegram.message(TG_CENTRE, tg_request["message_id"]) or {}) == []

            # The order reaches the unit on both platforms.
            [slack_order] = fake.messages(POWER)
            [tg_order] = telegram.sent_messages(TG_POWER)
            assert labels(slack_order) == ORDER_BUTTONS and [b["text"] for b in tg_buttons(tg_order)] == ORDER_BUTTONS
            assert "恢复化工厂供电" in tg_order["text"]

            # Pressed on Slack: the Telegram copy and both boards follow.
            assert await press(bot, POWER_LEAD, POWER, slack_order, "接令") == "已记录：已接令"
            assert field(current(bot, POWER, slack_order), "状态").startswith("已接令（郑班长")
            tg_now = telegram.message(TG_POWER, tg_order["message_id"]) or {}
            assert "已接令（郑班长" in tg_now["text"] and [b["text"] for b in tg_buttons(tg_now)] == \
                ["出动", "到场", "无法执行"]
            assert board_line(fake, "POWER-01").startswith("✅ POWER-01")
            [tg_board] = tg_titled(TG_CENTRE, "调度看板")
            assert "✅ POWER-01" in tg_board["text"]

            # Pressed on Telegram by the same person: the Slack copy follows.
            assert "已记录：已到场" in await tg_press(TG_POWER, TG_POWER_LEAD, tg_now, "到场")
            assert field(current(bot, POWER, slack_order), "状态").startswith("已到场（郑班长")
            assert labels(current(bot, POWER, slack_order)) == ["请求支援"]  # on scene: only asking for more
            assert board_line(fake, "POWER-01").startswith("📍 POWER-01")
            assert len(titled(fake, CENTRE, "调度看板")) == 1 and len(tg_titled(TG_CENTRE, "调度看板")) == 1
            stored = (await orders(bot))["POWER-01"]
            assert (stored.state, stored.state_by, stored.decided_by) == ("on_scene", "郑班长", "刘值班")
        finally:
            await stop_bot(bot)


# -- the lifecycle (#14) ------------------------------------------------------------------


async def test_levels_deaths_redispatch_and_close_reach_the_unit_on_slack(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await reported(bot)
    await command(bot, COMMANDER, CENTRE, f"dispatch {ID} ENV-01 level:3")
    [order] = titled(fake, ENV, "调度指令")
    assert field(order, "响应级别") == "🟡三级"
    await command(bot, COMMANDER, CENTRE, f"level {ID} 二级 泄漏扩大")
    assert f"⬆️ 事件 {ID} 响应级别：🟠二级（原：🟡三级）。原因：泄漏扩大（王指挥）" in all_text(fake.messages(ENV)[-1])
    assert field(current(bot, ENV, order), "响应级别") == "🟠二级 🆕已更新"

    await bot.say(REPORTING, STRANGER, f"续报 {ID}：已有1人死亡")
    await bot.deliver()
    assert f"事件 {ID} 情况加重：死亡 0→1" in all_text(fake.messages(ENV)[-1])
    assert f"事件 {ID} 情况加重：死亡 0→1" in "\n".join(all_text(m) for m in fake.messages(CENTRE))

    await press(bot, ENV_OFFICER, ENV, current(bot, ENV, order), "无法执行")
    await command(bot, COMMANDER, CENTRE, f"dispatch {ID} ENV-01 -- 请改派监测车")
    again = titled(fake, ENV, "调度指令")[-1]
    assert again["ts"] != order["ts"] and labels(again) == ORDER_BUTTONS
    assert [o.state for o in await all_orders(bot)] == ["declined", "ordered"]

    await command(bot, COMMANDER, CENTRE, f"close {ID} 泄漏已控制")
    assert f"事件 {ID} 已结束，ENV-01 收队。总结：泄漏已控制" in all_text(fake.messages(ENV)[-1])
    assert labels(current(bot, ENV, again)) == [] and "收队" in title(current(bot, ENV, again))


async def all_orders(bot: SlackBot) -> list[DispatchOrder]:
    async with bot.app.db.transaction() as session:
        return list(await session.scalars(select(DispatchOrder).order_by(DispatchOrder.id)))
