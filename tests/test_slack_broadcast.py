"""Broadcast alerts end to end on Slack: the real slack-bolt / slack-sdk stack
against the fake Slack Web API, every request signed as Slack signs it and
posted to the bot's own /slack/events, SQLite, a clock moved by hand.

Organisation: config/org.example.yaml — command centre C0CMD (王指挥, U1001).
On Slack: ENV-01 on C0ENV (吴监测, U2201), POWER-01 on C0POWER (郑班长 U2301,
王电工 U2302; also on Telegram, which is not running here), EXP-01 on C0EXP
(卫教授, U2701). The other five units are on Telegram only: they count as units
in a preview but have no conversation the bot can reach.

The adapter's pacing and the fake's rate limits are off (test_slack.py covers them).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from sqlalchemy import select

from adapters.slack.broadcast_form import CALLBACK_ID, BroadcastForm, build_view, fields, read_submission
from adapters.slack.texts import SlackTexts
from core.clock import ManualClock
from core.i18n import Translator
from config.organisation import Organisation
from handlers.broadcast.request import request_from_form
from storage.models import Broadcast, BroadcastReceipt
from tests.fakes.slack_api import FakeSlackAPI, FakeUser, Signing, validate_blocks
from tests.test_slack import SlackBot, all_text, block_texts, start_bot
from tests.test_slack_dispatch import current, field, labels, press, title

CENTRE, REPORTING, ENV, POWER, EXP = "C0CMD", "C0REP", "C0ENV", "C0POWER", "C0EXP"
COMMANDER, ENV_OFFICER, POWER_LEAD, ELECTRICIAN, EXPERT, STRANGER = (
    "U1001", "U2201", "U2301", "U2302", "U2701", "U9999")
UNIT_CHANNELS = {"ENV-01": ENV, "POWER-01": POWER, "EXP-01": EXP}
ALERT = "台风红色预警：今晚20时起停止一切户外作业"
ZH = Translator("zh")


# -- the bot ------------------------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    users = [FakeUser(COMMANDER, real_name="王指挥"), FakeUser(ENV_OFFICER, real_name="吴监测"),
             FakeUser(POWER_LEAD, real_name="郑班长"), FakeUser(ELECTRICIAN, real_name="王电工"),
             FakeUser(EXPERT, real_name="卫教授"), FakeUser(STRANGER, real_name="Li Lei", display_name="路人甲")]
    async with FakeSlackAPI(users=users, limits=False) as api:
        yield api


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock) -> AsyncIterator[SlackBot]:
    slack_bot = await start_bot(tmp_path, fake, org, clock)
    for sender in slack_bot.app.senders.values():
        sender.limiter = None  # pacing is test_slack.py's subject, not this file's
    yield slack_bot
    await slack_bot.sender.close()
    await slack_bot.app.stop()


# -- helpers --------------------------------------------------------------------------


async def broadcasts(bot: SlackBot) -> list[Broadcast]:
    async with bot.app.db.transaction() as session:
        return list(await session.scalars(select(Broadcast).order_by(Broadcast.id)))


async def receipts(bot: SlackBot) -> list[tuple[str, str]]:
    async with bot.app.db.transaction() as session:
        return sorted((r.unit_code, r.name) for r in await session.scalars(select(BroadcastReceipt)))


async def typed(bot: SlackBot, text: str, *, user: str = COMMANDER, channel: str = CENTRE,
                command: str = "/broadcast") -> list[dict[str, Any]]:
    """A slash command typed in `channel`; the messages it brought there."""
    before = len(bot.fake.messages(channel))
    reply = await bot.command(command, text, user_id=user, channel_id=channel)
    assert reply.status == 200 and reply.body == ""
    await bot.deliver()
    return bot.fake.messages(channel)[before:]


async def preview(bot: SlackBot, args: str) -> dict[str, Any]:
    [shown] = await typed(bot, args)
    assert "预览，尚未发送" in title(shown) and labels(shown) == ["发送", "取消"]
    return shown


async def finish(bot: SlackBot) -> None:
    """Deliver the copies, then let the progress timer redraw (and deliver that)."""
    await bot.deliver()
    await bot.app.run_timers()
    await bot.deliver()


def copies(fake: FakeSlackAPI, channel: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages(channel) if "预警" in title(m) or "通知" in title(m)]


def progress(fake: FakeSlackAPI) -> list[dict[str, Any]]:
    return [m for m in fake.messages(CENTRE) if "files" not in m and title(m).startswith("*📤")]


async def open_form(bot: SlackBot, *, user: str = COMMANDER, channel: str = CENTRE,
                    command: str = "/broadcast", text: str = "") -> dict[str, Any]:
    before = len(bot.fake.views_opened)
    reply = await bot.command(command, text, user_id=user, channel_id=channel)
    assert reply.status == 200 and reply.body == ""
    await bot.settle()
    [view] = bot.fake.views_opened[before:]
    return view


def form_values(level: str | None = "red", audience: str | None = "all", values: str | None = None,
                date: str | None = None, time_of: str | None = None, text: str | None = ALERT) -> dict[str, Any]:
    """A submission's state, in the shapes Slack gives each element."""
    def option(value: str | None) -> dict[str, Any] | None:
        return {"text": {"type": "plain_text", "text": value}, "value": value} if value else None

    return {
        "level": {"value": {"type": "static_select", "selected_option": option(level)}},
        "audience": {"value": {"type": "static_select", "selected_option": option(audience)}},
        "values": {"value": {"type": "plain_text_input", "value": values}},
        "date": {"value": {"type": "datepicker", "selected_date": date}},
        "time": {"value": {"type": "timepicker", "selected_time": time_of}},
        "text": {"value": {"type": "plain_text_input", "value": text}},
    }


async def submitted(bot: SlackBot, view: dict[str, Any], values: dict[str, Any], *, user: str = COMMANDER,
                    channel: str = CENTRE) -> list[dict[str, Any]]:
    """Submit the form; the messages it brought to `channel`."""
    before = len(bot.fake.messages(channel))
    reply = await bot.submit(user, view, values)
    assert reply.status == 200 and reply.body == ""  # closed: the answer comes in the channel
    await bot.deliver()
    return bot.fake.messages(channel)[before:]


# -- the form -----------------------------------------------------------------------------


async def test_broadcast_without_text_opens_a_form_whose_submission_is_the_preview(
    bot: SlackBot, fake: FakeSlackAPI
) -> None:
    view = await open_form(bot)
    assert view["callback_id"] == CALLBACK_ID and not validate_blocks(view["blocks"], max_blocks=100)
    assert json.loads(view["private_metadata"]) == {"channel": CENTRE}
    assert [b["block_id"] for b in view["blocks"]] == ["level", "audience", "values", "date", "time", "text"]
    elements = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert [o["value"] for o in elements["level"]["options"]] == ["none", "blue", "yellow", "orange", "red"]
    assert [o["text"]["text"] for o in elements["level"]["options"]][-1] == "红色预警"
    assert [o["value"] for o in elements["audience"]["options"]] == ["all", "kind", "unit", "cap"]
    assert (elements["date"]["type"], elements["time"]["type"]) == ("datepicker", "timepicker")
    assert elements["text"]["multiline"] and not next(b for b in view["blocks"] if b["block_id"] == "text")["optional"]
    assert fake.messages(CENTRE) == [] and await broadcasts(bot) == []

    [shown] = await submitted(bot, view, form_values("red", "unit", "ENV-01，POWER-01", text=f"{ALERT}\n注意安全"))
    assert "预览，尚未发送" in title(shown) and labels(shown) == ["发送", "取消"]
    assert field(shown, "发送范围") == "unit:ENV-01,POWER-01：2 个单位，2 个群组"
    assert "🔴 红色预警" in all_text(shown) and f"{ALERT}\n注意安全" in all_text(shown)
    [stored] = await broadcasts(bot)
    assert (stored.level, stored.audience, stored.units, stored.status) == (
        "red", ["unit:ENV-01,POWER-01"], ["ENV-01", "POWER-01"], "preview")
    assert (stored.created_by, stored.origin_chat_id, stored.text) == ("王指挥", CENTRE, f"{ALERT}\n注意安全")
    assert fake.messages(ENV) == [] and fake.messages(POWER) == []  # nothing before Send

    # A second Submit of the same form (a double click) makes no second preview.
    assert await submitted(bot, view, form_values("red", "unit", "ENV-01，POWER-01")) == []
    assert len(await broadcasts(bot)) == 1


async def test_the_umbrella_command_opens_the_form_too_and_text_skips_it(bot: SlackBot, fake: FakeSlackAPI) -> None:
    view = await open_form(bot, command="/liandong", text="broadcast")
    assert view["callback_id"] == CALLBACK_ID
    [shown] = await typed(bot, f"broadcast yellow kind:expert {ALERT}", command="/liandong")
    assert field(shown, "发送范围") == "kind:expert：1 个单位，1 个群组"
    assert len(fake.views_opened) == 1


@pytest.mark.parametrize(("values", "errors"), [
    (form_values(text="  \n "), {"text"}),
    (form_values(time_of="25:61"), {"time"}),
    (form_values(date="2026-11-23"), {"time"}),
    (form_values(date="23/11/2026", time_of="08:00"), {"date"}),
    (form_values(audience="all", values="ENV-01"), {"values"}),
    (form_values(audience="kind", values=" ， "), {"values"}),
    (form_values(level="purple", audience="everyone"), {"level", "audience"}),
])
async def test_what_slack_can_show_in_the_form_is_answered_there(
    bot: SlackBot, fake: FakeSlackAPI, values: dict[str, Any], errors: set[str]
) -> None:
    view = await open_form(bot)
    reply = await bot.submit(COMMANDER, view, values)
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_action"] == "errors" and set(answer["errors"]) == errors
    assert all(answer["errors"].values())
    await bot.deliver()
    assert await broadcasts(bot) == [] and fake.channels_with_messages() == []


async def test_what_only_the_organisation_knows_is_answered_in_the_channel(bot: SlackBot, fake: FakeSlackAPI) -> None:
    view = await open_form(bot)
    [answer] = await submitted(bot, view, form_values("orange", "kind", "corporate"))
    assert "未知单位类别“corporate”" in all_text(answer) and "/broadcast" in all_text(answer)
    assert labels(answer) == []
    view = await open_form(bot)
    [answer] = await submitted(bot, view, form_values("orange", "unit", "ENV-1"))
    assert "没有单位“ENV-1”（相近：ENV-01" in all_text(answer)
    view = await open_form(bot)
    [answer] = await submitted(bot, view, form_values("orange", "unit", "MED-01"))  # on Telegram only
    assert ZH("broadcast.problem.unreachable") in all_text(answer)
    assert await broadcasts(bot) == []
    assert fake.channels_with_messages() == [CENTRE]


async def test_a_form_submission_without_a_good_signature_changes_nothing(bot: SlackBot, fake: FakeSlackAPI) -> None:
    view = await open_form(bot)
    for sign in (Signing.WRONG, Signing.MISSING, Signing.STALE):
        reply = await bot.timed(bot.sender.send_view_submission(
            COMMANDER, state_values=form_values("red", "all"), view=view, sign=sign))
        assert reply.status == 401
    await bot.deliver()
    assert await broadcasts(bot) == [] and fake.channels_with_messages() == [] and fake.ephemerals == []
    # The same form, properly signed, still works: nothing was used up.
    [shown] = await submitted(bot, view, form_values("red", "all"))
    assert field(shown, "发送范围") == "to:all：8 个单位，3 个群组"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_form_is_one_slack_accepts_in_both_languages(language: str) -> None:
    view = build_view(SlackTexts(language), CENTRE)
    assert not validate_blocks(view["blocks"], max_blocks=100)
    assert all(0 < len(view[key]["text"]) <= 24 for key in ("title", "submit", "close"))
    texts = [b["label"]["text"] for b in view["blocks"]] + [b["hint"]["text"] for b in view["blocks"] if "hint" in b]
    texts += [o["text"]["text"] for b in view["blocks"] for o in b["element"].get("options", [])]
    assert all(texts) and not any("{" in t for t in texts)
    assert "government, enterprise, social, expert" in next(b for b in view["blocks"] if b["block_id"] == "values")[
        "hint"]["text"]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize(("form", "expected"), [
    (BroadcastForm(CENTRE, "none", "all", (), None, "red roads closed"), (None, ["to:all"], None)),
    (BroadcastForm(CENTRE, "red", "kind", ("enterprise", "social"), "16:00", "红色 text"),
     ("red", ["kind:enterprise,social"], "16:00")),
    (BroadcastForm(CENTRE, "blue", "cap", ("hazmat",), "2026-11-23T08:00", "x"),
     ("blue", ["cap:hazmat"], "2026-11-23 08:00")),
    (BroadcastForm(CENTRE, "yellow", "unit", ("ENV-01", "EXP-01"), None, "a\nb"),
     ("yellow", ["unit:ENV-01,EXP-01"], None)),
    (BroadcastForm(CENTRE, "none", "unit", ("ENV-01",), "16:00", "x"), (None, ["unit:ENV-01"], "16:00")),
])
def test_the_composed_arguments_read_back_as_what_was_chosen(
    org: Organisation, clock: ManualClock, language: str, form: BroadcastForm,
    expected: tuple[str | None, list[str], str | None],
) -> None:
    # The form's own reading of a submission agrees with what its neutral fields ask for.
    values = form_values(form.level, form.audience, ", ".join(form.values) or None,
                         *(form.at.split("T") if form.at and "T" in form.at else (None, form.at)), text=form.text)
    view = {"private_metadata": json.dumps({"channel": CENTRE}), "state": {"values": values}}
    assert read_submission(SlackTexts(language), view) == (form, {})
    request = request_from_form(fields(form), org, clock.now())
    assert not request.problems
    level, audience, at = expected
    assert (request.level, request.audience, request.text) == (level, audience, form.text)
    shown = request.scheduled_for.astimezone(org.timezone).strftime("%Y-%m-%d %H:%M") if request.scheduled_for else None
    assert shown == (None if at is None else at if "-" in at else f"2026-11-22 {at}")


async def test_a_notice_without_a_level_can_be_scheduled_typed_and_through_the_form(
    bot: SlackBot, fake: FakeSlackAPI
) -> None:
    [answer] = await typed(bot, f"unit:ENV-01 at:16:00 {ALERT}")
    assert field(answer, "定时发送") == "2026-11-22 16:00"
    view = await open_form(bot)
    [answer] = await submitted(bot, view, form_values("none", "all", time_of="16:00"))
    assert field(answer, "定时发送") == "2026-11-22 16:00"


# -- typed /broadcast: each selector, preview then send --------------------------------


@pytest.mark.parametrize(("selector", "units", "channels"), [
    ("to:all", 8, [ENV, POWER, EXP]),
    ("kind:enterprise", 2, [POWER]),
    ("kind:expert", 1, [EXP]),
    ("unit:ENV-01,POWER-01", 2, [ENV, POWER]),
    ("cap:hazmat", 4, [ENV, EXP]),
])
async def test_each_selector_reaches_each_of_its_channels_exactly_once(
    bot: SlackBot, fake: FakeSlackAPI, selector: str, units: int, channels: list[str]
) -> None:
    shown = await preview(bot, f"orange {selector} {ALERT}")
    assert field(shown, "发送范围") == f"{selector}：{units} 个单位，{len(channels)} 个群组"
    assert fake.channels_with_messages() == [CENTRE]

    assert await press(bot, COMMANDER, CENTRE, shown, "发送") == f"正在发送到 {len(channels)} 个群组。"
    decided = current(bot, CENTRE, shown)
    assert labels(decided) == [] and field(decided, "状态") == "王指挥 已发送"
    await finish(bot)
    for channel in (ENV, POWER, EXP):
        sent = copies(fake, channel)
        assert len(sent) == (1 if channel in channels else 0), channel
    for channel in channels:
        [copy] = fake.messages(channel)
        assert title(copy) == "*🟠 橙色预警*" and ALERT in block_texts(copy)
        assert field(copy, "发布人") == "王指挥" and labels(copy) == ["收到"]
        assert not validate_blocks(copy["blocks"])
    [shown_progress] = progress(fake)
    assert f"发送完毕：送达 {len(channels)} / {len(channels)}，失败 0。" in all_text(shown_progress)
    assert labels(shown_progress) == ["查看报告"]
    [stored] = await broadcasts(bot)
    assert (stored.status, stored.conversations) == ("sent", len(channels))
    # Once done, the timers are quiet and nothing more is sent.
    assert await bot.app.run_timers() == 0
    await bot.deliver()
    assert all(len(fake.messages(c)) == 1 for c in channels)


async def test_non_centre_members_are_refused_typed_and_through_the_form(bot: SlackBot, fake: FakeSlackAPI) -> None:
    [refusal] = await typed(bot, f"red to:all {ALERT}", user=ENV_OFFICER, channel=ENV)
    assert block_texts(refusal) == [ZH("button.refused_centre_only")] and labels(refusal) == []
    # Anyone may open the form (the adapter cannot tell who is in the centre); the submission is refused.
    view = await open_form(bot, user=STRANGER, channel=REPORTING)
    [refusal] = await submitted(bot, view, form_values("red", "all"), user=STRANGER, channel=REPORTING)
    assert block_texts(refusal) == [ZH("button.refused_centre_only")]
    [refusal] = await typed(bot, "", user=ENV_OFFICER, channel=ENV, command="/broadcast-report")
    assert "送达" not in all_text(refusal)
    assert await broadcasts(bot) == []
    assert fake.messages(CENTRE) == [] and fake.messages(POWER) == [] and fake.messages(EXP) == []


async def test_preview_then_cancel_sends_nothing(bot: SlackBot, fake: FakeSlackAPI) -> None:
    shown = await preview(bot, f"red to:all {ALERT}")
    # A unit member cannot press the centre's buttons.
    assert await press(bot, ENV_OFFICER, CENTRE, shown, "发送") == ZH("button.refused_centre_only")
    assert "已取消" in await press(bot, COMMANDER, CENTRE, shown, "取消")
    decided = current(bot, CENTRE, shown)
    assert labels(decided) == [] and field(decided, "状态") == "王指挥 已取消，未发送"
    assert "已是“已取消”" in await press(bot, COMMANDER, CENTRE, shown, "发送")  # the old message's button
    await finish(bot)
    assert fake.channels_with_messages() == [CENTRE] and len(fake.messages(CENTRE)) == 1
    [stored] = await broadcasts(bot)
    assert stored.status == "cancelled"


# -- receipts, the report, the re-send --------------------------------------------------


async def sent(bot: SlackBot, args: str) -> dict[str, dict[str, Any]]:
    """Preview, Send, deliver: each reached unit's copy."""
    await press(bot, COMMANDER, CENTRE, await preview(bot, args), "发送")
    await finish(bot)
    return {unit: bot.fake.messages(channel)[0] for unit, channel in UNIT_CHANNELS.items()
            if bot.fake.messages(channel)}


async def test_receipts_are_recorded_for_members_and_shown_on_the_copy(bot: SlackBot, fake: FakeSlackAPI) -> None:
    copies_by_unit = await sent(bot, f"red unit:ENV-01,POWER-01 {ALERT}")
    env_copy = copies_by_unit["ENV-01"]

    refused = await press(bot, EXPERT, ENV, env_copy, "收到")  # 卫教授 is EXP-01's, not ENV-01's
    assert refused == "只有 ENV-01 的成员可以在此确认，未做记录。"
    assert await press(bot, STRANGER, ENV, env_copy, "收到") == refused
    assert "edited" not in current(bot, ENV, env_copy)

    assert await press(bot, ENV_OFFICER, ENV, env_copy, "收到") == "已为 ENV-01 确认收到，谢谢。"
    shown = current(bot, ENV, env_copy)
    assert "edited" in shown and field(shown, "已确认").startswith("吴监测 ")  # chat.update, in place
    assert labels(shown) == ["收到"] and len(fake.messages(ENV)) == 1
    assert "已确认" not in all_text(current(bot, POWER, copies_by_unit["POWER-01"]))
    assert await press(bot, ENV_OFFICER, ENV, shown, "收到") == "您已确认过这条预警。"

    # Two members of one unit: both recorded, both shown.
    power_copy = copies_by_unit["POWER-01"]
    await press(bot, POWER_LEAD, POWER, power_copy, "收到")
    await press(bot, ELECTRICIAN, POWER, current(bot, POWER, power_copy), "收到")
    assert "郑班长" in field(current(bot, POWER, power_copy), "已确认")
    assert "王电工" in field(current(bot, POWER, power_copy), "已确认")
    assert await receipts(bot) == [("ENV-01", "吴监测"), ("POWER-01", "王电工"), ("POWER-01", "郑班长")]


async def test_the_report_names_silent_units_and_the_resend_reaches_only_them(
    bot: SlackBot, fake: FakeSlackAPI
) -> None:
    copies_by_unit = await sent(bot, f"yellow unit:ENV-01,POWER-01,EXP-01 {ALERT}")
    await press(bot, ENV_OFFICER, ENV, copies_by_unit["ENV-01"], "收到")
    [stored] = await broadcasts(bot)

    [report, cap_file] = await typed(bot, str(stored.id), command="/broadcast-report")
    assert [f["name"] for f in cap_file["files"]] == [f"alert-{stored.id}.cap.xml"]  # the alert as CAP 1.2 (#17)
    assert field(report, "送达") == "3 / 3 个群组" and field(report, "失败") == "0"
    assert field(report, "已确认") == "1 / 3 个单位（1 人）"
    assert field(report, "未确认") == "POWER-01, EXP-01"
    assert labels(report) == ["向 2 个未确认单位重发"]
    # The same report through /liandong, and from the progress message's button.
    [again, _] = await typed(bot, f"broadcast-report {stored.id}", command="/liandong")
    assert field(again, "未确认") == "POWER-01, EXP-01"
    [shown_progress] = progress(fake)
    before = len(fake.messages(CENTRE))
    await bot.press(COMMANDER, CENTRE, shown_progress, "查看报告")
    await bot.deliver()
    [from_button, _] = fake.messages(CENTRE)[before:]
    assert field(from_button, "已确认") == "1 / 3 个单位（1 人）"

    assert await press(bot, COMMANDER, CENTRE, report, "向 2 个未确认单位重发") == \
        "正在向 2 个单位（2 个群组）重发。"
    await finish(bot)
    assert [len(fake.messages(c)) for c in (ENV, POWER, EXP)] == [1, 2, 2]
    resent_progress = progress(fake)[-1]
    assert "向未确认单位重发" in title(resent_progress) and "发送完毕：送达 2 / 2，失败 0。" in all_text(resent_progress)

    # The re-sent copy's 收到 counts too; the report counts each conversation once.
    assert await press(bot, EXPERT, EXP, fake.messages(EXP)[-1], "收到") == "已为 EXP-01 确认收到，谢谢。"
    [report, _] = await typed(bot, "", command="/broadcast-report")  # the latest
    assert field(report, "送达") == "3 / 3 个群组"
    assert field(report, "已确认") == "2 / 3 个单位（2 人）" and field(report, "未确认") == "POWER-01"


# -- scheduled alerts ------------------------------------------------------------------------


async def test_a_scheduled_alert_goes_out_once_when_its_time_comes(
    bot: SlackBot, fake: FakeSlackAPI, clock: ManualClock
) -> None:
    shown = await preview(bot, f"blue unit:ENV-01 at:16:00 {ALERT}")  # the clock says 15:00 local
    assert field(shown, "定时发送") == "2026-11-22 16:00"
    assert await press(bot, COMMANDER, CENTRE, shown, "发送") == \
        "将于 2026-11-22 16:00 发送。可用 /broadcasts 查看或取消。"
    assert field(current(bot, CENTRE, shown), "状态") == "王指挥 已设定于 2026-11-22 16:00 发送"
    [listing] = await typed(bot, "", command="/broadcasts")
    assert "定时待发" in all_text(listing) and labels(listing) == ["取消 #1"]

    clock.advance(minutes=59)
    assert await bot.app.run_timers() == 0
    await bot.deliver()
    assert fake.messages(ENV) == []

    clock.advance(minutes=2)
    assert await bot.app.run_timers() >= 1
    await finish(bot)
    [copy] = fake.messages(ENV)
    assert title(copy) == "*🔵 蓝色预警*" and labels(copy) == ["收到"]
    assert "发送完毕：送达 1 / 1，失败 0。" in all_text(progress(fake)[-1])
    clock.advance(days=1)
    assert await bot.app.run_timers() == 0
    await bot.deliver()
    assert len(fake.messages(ENV)) == 1
    [stored] = await broadcasts(bot)
    assert stored.status == "sent"


async def test_a_form_scheduled_alert_can_be_cancelled_until_its_time(
    bot: SlackBot, fake: FakeSlackAPI, clock: ManualClock
) -> None:
    view = await open_form(bot)
    [shown] = await submitted(bot, view, form_values("red", "cap", "hazmat", date="2026-11-23", time_of="08:00"))
    assert field(shown, "定时发送") == "2026-11-23 08:00"
    assert field(shown, "发送范围") == "cap:hazmat：4 个单位，2 个群组"
    await press(bot, COMMANDER, CENTRE, shown, "发送")
    [listing] = await typed(bot, "", command="/broadcasts")
    assert await press(bot, COMMANDER, CENTRE, listing, "取消 #1") == "预警 #1 已取消，未发送。"
    clock.advance(days=2)
    await finish(bot)
    assert fake.messages(ENV) == [] and fake.messages(EXP) == []
    [stored] = await broadcasts(bot)
    assert stored.status == "cancelled"
