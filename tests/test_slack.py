"""The Slack platform end to end: the real slack-bolt / slack-sdk stack against
the fake Slack Web API, signed requests posted to the bot's own HTTP server at
/slack/events exactly as Slack sends them, SQLite.

Organisation: config/org.example.yaml — reporting channel C0REP, command centre
C0CMD (王指挥, U1001), ENV-01 on C0ENV (吴监测, U2201). Outbox deliveries run
when a test says (`drain`), with the adapter's own pacing.
"""
from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from sqlalchemy import func, select

from adapters.slack.adapter import SlackAdapter
from adapters.slack.adapter import SLACK_LIMITS, delivery_error
from adapters.slack.render import MAX_BLOCKS, escape, escaped_chunks, render
from adapters.slack.report_form import CALLBACK_ID, fields, read_submission
from adapters.slack.texts import SlackTexts
from adapters.slack.updates import plain_text
from bot.app import Liandong
from core.clock import ManualClock
from core.events import ConversationRef
from core.i18n import Translator
from core.messages import Button, Delivery, Field, Mention, Message
from config.organisation import Organisation
from config.schema import IntakeLimits
from config.settings import Settings
from storage.models import InboundEvent, Incident, IncidentSource, OutboxMessage
from tests.fakes.slack_api import (
    BOT_ID, BOT_USER_ID, DEFAULT_SIGNING_SECRET, BotReply, FakeSlackAPI, FakeUser, SlackEventSender, Signing,
    message_event, new_ts, validate_blocks,
)

REPORTING, CENTRE, ENV = "C0REP", "C0CMD", "C0ENV"
COMMANDER, ENV_OFFICER, STRANGER = "U1001", "U2201", "U9999"
REPORT = "人民路化工厂起火，3人受伤，有人被困"
# Slack wants an answer within 3 s; the bot must be well inside that.
RESPONSE_BUDGET_S = 1.0
WAIT_S = 5.0
ZH = Translator("zh")


class SlackBot:
    """A bot process with Slack enabled, the fake Web API, and a signed sender."""

    def __init__(self, app: Liandong, fake: FakeSlackAPI, sender: SlackEventSender, clock: ManualClock):
        self.app, self.fake, self.sender, self.clock = app, fake, sender, clock
        self.response_times: list[float] = []

    @property
    def adapter(self) -> SlackAdapter:
        chat = self.app.chat("slack")
        assert isinstance(chat, SlackAdapter)
        return chat

    async def timed(self, call: Any) -> BotReply:
        started = time.monotonic()
        reply = await call
        elapsed = time.monotonic() - started
        self.response_times.append(elapsed)
        assert elapsed < RESPONSE_BUDGET_S, f"the bot took {elapsed:.2f} s to answer Slack"
        return reply

    async def event(self, event: dict[str, Any], **kwargs: Any) -> BotReply:
        return await self.timed(self.sender.send_event(event, **kwargs))

    async def say(self, channel: str, user: str, text: str, **kwargs: Any) -> BotReply:
        return await self.event(message_event(channel, user, text, **kwargs))

    async def command(self, command: str, text: str = "", **kwargs: Any) -> BotReply:
        return await self.timed(self.sender.send_command(command, text, **kwargs))

    async def press(self, user: str, channel: str, message: dict[str, Any], label: str, **kwargs: Any) -> BotReply:
        action_id = button(message, label)["action_id"]
        return await self.timed(self.sender.send_action(user, channel, message["ts"], action_id,
                                                         message=message, **kwargs))

    async def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> BotReply:
        return await self.timed(self.sender.send_view_submission(user, state_values=values, view=view))

    async def settle(self) -> None:
        """Wait for the work of the requests answered (it runs after the answer to Slack)."""
        assert await self.adapter.finish_work(WAIT_S), "Slack listeners still running"

    async def deliver(self) -> None:
        """Everything the last requests caused, delivered to the fake."""
        await self.settle()
        await asyncio.wait_for(self.app.drain(seconds=WAIT_S), WAIT_S + 1)

    async def count(self, model: type) -> int:
        async with self.app.db.transaction() as session:
            return await session.scalar(select(func.count()).select_from(model))

    async def incident(self, incident_id: str) -> Incident | None:
        async with self.app.db.transaction() as session:
            return await session.get(Incident, incident_id)

    async def outbox_statuses(self) -> list[str]:
        async with self.app.db.transaction() as session:
            return list(await session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def settings_for(tmp_path: Path, fake: FakeSlackAPI, **extra: Any) -> Settings:
    options: dict[str, Any] = dict(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/slack.db", slack_bot_token=fake.bot_token,
        slack_signing_secret=DEFAULT_SIGNING_SECRET, slack_api_url=fake.base_url, http_port=0, console=False,
    )
    return Settings.of(**{**options, **extra})


async def start_bot(tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock,
                    **extra: Any) -> SlackBot:
    app = Liandong(settings_for(tmp_path, fake, **extra), org, clock=clock, http=True)
    await asyncio.wait_for(app.start(senders=False), WAIT_S)
    assert app.http is not None
    sender = SlackEventSender(DEFAULT_SIGNING_SECRET, f"http://127.0.0.1:{app.http.port}/slack/events",
                              response_url_base=fake.response_url_base)
    return SlackBot(app, fake, sender, clock)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    users = [FakeUser(COMMANDER, real_name="王指挥", display_name="王指挥"),
             FakeUser(ENV_OFFICER, real_name="吴监测"),
             FakeUser(STRANGER, real_name="Li Lei", display_name="路人甲")]
    async with FakeSlackAPI(users=users) as api:
        yield api


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock,
              database_url: str) -> AsyncIterator[SlackBot]:
    """On each database (conftest's database_url): the platform's flows meet PostgreSQL's
    locking and transactions as well as SQLite's."""
    slack_bot = await start_bot(tmp_path, fake, org, clock, database_url=database_url)
    yield slack_bot
    await slack_bot.sender.close()
    await asyncio.wait_for(slack_bot.app.stop(), 20)


# -- helpers over Slack's message shapes ------------------------------------------


def block_texts(message: dict[str, Any]) -> list[str]:
    texts = []
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict):
            texts.append(block["text"]["text"])
        texts += [f["text"] for f in block.get("fields", [])]
        texts += [e["text"]["text"] for e in block.get("elements", []) if isinstance(e.get("text"), dict)]
    return texts


def all_text(message: dict[str, Any]) -> str:
    return "\n".join([message.get("text", ""), *block_texts(message)])


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


def button(message: dict[str, Any], label: str) -> dict[str, Any]:
    return next(b for b in buttons(message) if b["text"]["text"] == label)


def incident_id_in(message: dict[str, Any]) -> str:
    match = re.search(r"\d{8}-\d{4}", all_text(message))
    assert match, all_text(message)
    return match.group(0)


# -- reports ------------------------------------------------------------------------


async def test_requests_answered_before_their_work_are_all_worked_through_when_the_bot_stops(
    tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock
) -> None:
    # Events are answered as soon as their signature holds, and Bolt dispatches them once
    # the storm has passed: stopping right after the answers must not drop that work.
    org = Organisation(org.spec.model_copy(update={"intake_limits": IntakeLimits(unregistered_per_hour=100)}))
    bot = await start_bot(tmp_path, fake, org, clock)
    places = ["人民路化工厂", "石岛港", "槎山小区", "龙须岛", "成山镇"]
    try:
        replies = await asyncio.gather(*(bot.say(REPORTING, STRANGER, f"{place}起火，1人受伤", ts=f"1763794800.00010{n}")
                                         for n, place in enumerate(places)))
        assert [(r.status, r.body) for r in replies] == [(200, "")] * len(places)
    finally:
        await bot.sender.close()
        await asyncio.wait_for(bot.app.stop(), 20)
    with sqlite3.connect(tmp_path / "slack.db") as db:
        rows = db.execute("SELECT source_message_id FROM incidents ORDER BY id").fetchall()
    assert [ts for (ts,) in rows] == [f"1763794800.00010{n}" for n in range(len(places))]


async def test_a_report_gets_a_threaded_receipt_and_a_centre_card(bot: SlackBot, fake: FakeSlackAPI) -> None:
    reply = await bot.say(REPORTING, STRANGER, REPORT, ts="1763794800.000100")
    assert reply.status == 200
    await bot.deliver()
    [report_receipt] = fake.messages(REPORTING)
    assert report_receipt["thread_ts"] == "1763794800.000100"  # answered in the report's thread
    assert "已登记事件 20261122-0001" in all_text(report_receipt)
    assert "*地点*\n人民路化工厂" in block_texts(report_receipt)
    [card] = fake.messages(CENTRE)
    assert "thread_ts" not in card
    texts = block_texts(card)
    assert texts[0] == "*🚨 新事件 20261122-0001*" and REPORT in texts
    assert "*报告人*\n路人甲（未登记报告人）" in texts  # the name from users.info
    assert [b["text"]["text"] for b in buttons(card)] == ["调度", "标记为演练", "更正"]
    assert len({b["action_id"] for b in buttons(card)}) == 3 and all(b["value"] for b in buttons(card))
    assert not validate_blocks(card["blocks"])
    incident = await bot.incident("20261122-0001")
    assert incident is not None and incident.injured == 3 and incident.trapped == 1
    assert (incident.source_platform, incident.source_chat_id, incident.source_message_id) == \
        ("slack", REPORTING, "1763794800.000100")
    assert (incident.reporter_id, incident.reporter_name) == (STRANGER, "路人甲")
    assert len(fake.calls("users.info")) == 1


async def test_chatter_and_what_is_not_someone_speaking_create_nothing(bot: SlackBot, fake: FakeSlackAPI) -> None:
    for text in ["收到", "好的", "谢谢👍", "明天下午3点消防演练"]:
        assert (await bot.say(REPORTING, ENV_OFFICER, text)).status == 200
    # The bot's own message, an edit, a deletion, a join, another bot: ignored.
    await bot.event(message_event(REPORTING, BOT_USER_ID, REPORT, bot_id=BOT_ID))
    await bot.event(message_event(REPORTING, None, REPORT, bot_id="B0OTHER", subtype="bot_message"))
    await bot.event(message_event(REPORTING, ENV_OFFICER, "", subtype="channel_join"))
    edit = message_event(REPORTING, None, "", subtype="message_changed")
    edit["message"] = {"type": "message", "user": ENV_OFFICER, "text": REPORT, "ts": new_ts()}
    await bot.event(edit)
    await bot.event(message_event(REPORTING, None, "", subtype="message_deleted"))
    # A report in a unit's channel is not read as one; mentions come as messages too.
    await bot.say(ENV, ENV_OFFICER, REPORT)
    mention = message_event(REPORTING, ENV_OFFICER, f"<@{BOT_USER_ID}> {REPORT}")
    mention["type"] = "app_mention"
    assert (await bot.event(mention)).status == 200
    # An event type the bot does not handle is still acknowledged (a 404 would be retried).
    assert (await bot.event({"type": "reaction_added", "user": ENV_OFFICER, "reaction": "eyes"})).status == 200
    await bot.deliver()
    assert await bot.count(Incident) == 0
    assert fake.channels_with_messages() == []


async def test_a_private_message_is_read_and_answered_in_the_dm(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await bot.say("D0STRANGER", STRANGER, "你好")
    await bot.deliver()
    [answer] = fake.messages("D0STRANGER")
    assert ZH("intake.not_a_report") in block_texts(answer)
    await bot.say("D0STRANGER", STRANGER, REPORT)
    await bot.deliver()
    assert await bot.count(Incident) == 1
    assert len(fake.messages(CENTRE)) == 1


async def test_a_reply_in_a_thread_is_answered_in_that_thread(bot: SlackBot, fake: FakeSlackAPI) -> None:
    parent = "1763794800.000200"
    await bot.say(REPORTING, STRANGER, REPORT, ts="1763794900.000300", thread_ts=parent)
    await bot.deliver()
    [receipt] = fake.messages(REPORTING)
    assert receipt["thread_ts"] == parent  # the thread's parent, not the reply
    incident = await bot.incident("20261122-0001")
    assert incident is not None and incident.source_message_id == "1763794900.000300"


async def test_mentions_typed_by_a_reporter_ping_nobody(bot: SlackBot, fake: FakeSlackAPI) -> None:
    # Slack sends a typed @channel as <!channel>, and a literal "<!here>" as &lt;!here&gt;.
    text = f"<!channel> &lt;!here&gt; <@{COMMANDER}> <!subteam^S1|@救援组> 人民路化工厂起火 A&amp;B，3人受伤"
    await bot.say(REPORTING, STRANGER, text)
    await bot.deliver()
    [card] = fake.messages(CENTRE)
    [receipt] = fake.messages(REPORTING)
    for message in (card, receipt):
        everything = all_text(message)
        for markup in ("<!channel>", "<!here>", f"<@{COMMANDER}>", "<!subteam", "<!everyone>"):
            assert markup not in everything
    # Slack adds no links or mentions of its own to what the bot sends.
    texts = [b["text"] for m in (card, receipt) for b in m["blocks"] if isinstance(b.get("text"), dict)]
    texts += [f for m in (card, receipt) for b in m["blocks"] for f in b.get("fields", [])]
    assert all(t["verbatim"] for t in texts if t["type"] == "mrkdwn")
    assert all(c.params["link_names"] is False and c.params["parse"] == "none"
               for c in fake.calls("chat.postMessage"))
    body = next(t for t in block_texts(card) if "人民路化工厂起火" in t)
    assert body == f"@channel &lt;!here&gt; @{COMMANDER} @救援组 人民路化工厂起火 A&amp;B，3人受伤"
    incident = await bot.incident("20261122-0001")
    assert incident is not None and incident.text.startswith("@channel <!here> @U1001")


async def test_a_retried_event_creates_one_incident(bot: SlackBot, fake: FakeSlackAPI) -> None:
    first = await bot.say(REPORTING, STRANGER, REPORT)
    event_id = first.payload["event_id"]
    # Slack retries while the first delivery may still be in hand, and again later.
    retries = await asyncio.gather(*(bot.timed(bot.sender.retry(first, retry_num=n)) for n in (1, 2)))
    assert [r.status for r in retries] == [200, 200]
    await bot.deliver()
    late = await bot.event(first.payload["event"], event_id=event_id, retry_num=3, retry_reason="http_error")
    assert late.status == 200
    await bot.deliver()
    assert await bot.count(Incident) == 1
    assert len(fake.messages(CENTRE)) == 1 and len(fake.messages(REPORTING)) == 1
    # The same text in a new event (a new event_id) is a new report, of the same incident.
    await bot.say(REPORTING, STRANGER, REPORT)
    await bot.deliver()
    assert await bot.count(Incident) == 1 and await bot.count(IncidentSource) == 1


@pytest.mark.parametrize("sign", [Signing.WRONG, Signing.MISSING, Signing.STALE])
async def test_requests_without_a_good_signature_get_401_and_do_nothing(
    bot: SlackBot, fake: FakeSlackAPI, sign: Signing
) -> None:
    replies = [
        await bot.event(message_event(REPORTING, STRANGER, REPORT), sign=sign),
        await bot.command("/report", REPORT, user_id=STRANGER, channel_id=REPORTING, sign=sign),
        await bot.command("/report", "", user_id=STRANGER, channel_id=REPORTING, sign=sign),
        await bot.timed(bot.sender.send_action(COMMANDER, CENTRE, new_ts(), "liandong.button.0", "anything",
                                                sign=sign)),
        await bot.timed(bot.sender.send_url_verification("c", sign=sign)),
    ]
    assert [r.status for r in replies] == [401] * len(replies)
    await bot.deliver()
    assert await bot.count(Incident) == 0 and await bot.count(InboundEvent) == 0
    assert fake.channels_with_messages() == [] and fake.ephemerals == [] and fake.views_opened == []
    assert not fake.calls("users.info")


async def test_url_verification_is_answered(bot: SlackBot) -> None:
    reply = await bot.timed(bot.sender.send_url_verification("challenge-42"))
    assert reply.status == 200 and reply.json() == {"challenge": "challenge-42"}


# -- slash commands and the report form ---------------------------------------------


async def test_slash_commands_report_status_and_help(bot: SlackBot, fake: FakeSlackAPI) -> None:
    reply = await bot.command("/report", "<!here> 环山路发生山体滑坡，2人被埋", user_id=STRANGER, channel_id=REPORTING)
    assert reply.status == 200 and reply.body == ""
    await bot.deliver()
    [receipt] = fake.messages(REPORTING)
    incident_id = incident_id_in(receipt)
    assert "<!here>" not in all_text(fake.messages(CENTRE)[0])
    # /status is Slack's own (the manifest names it /incident); /liandong takes any command.
    await bot.command("/incident", incident_id, user_id=COMMANDER, channel_id=CENTRE)
    await bot.command("/liandong", f"status {incident_id}", user_id=COMMANDER, channel_id=CENTRE)
    await bot.command("/status", incident_id, user_id=COMMANDER, channel_id=CENTRE)
    await bot.command("/liandong", "", user_id=STRANGER, channel_id="D0STRANGER", channel_name="directmessage")
    await bot.deliver()
    statuses = fake.messages(CENTRE)[1:]
    assert len(statuses) == 3 and all(f"事件 {incident_id}" in all_text(m) for m in statuses)
    [help_text] = fake.messages("D0STRANGER")
    assert "slack" in all_text(help_text) and STRANGER in all_text(help_text)


async def _open_form(bot: SlackBot, fake: FakeSlackAPI, channel: str = REPORTING) -> dict[str, Any]:
    reply = await bot.command("/report", "", user_id=STRANGER, channel_id=channel)
    assert reply.status == 200
    await bot.settle()
    [view] = fake.views_opened
    return view


def form_values(kind: str = "hazmat", location: str = "人民路化工厂", time_of: str | None = "15:20",
                description: str = "储罐破裂", **counts: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": {"value": {"type": "static_select", "selected_option": {"value": kind}}},
        "location": {"value": {"type": "plain_text_input", "value": location}},
        "time": {"value": {"type": "timepicker", "selected_time": time_of}},
        "description": {"value": {"type": "plain_text_input", "value": description}},
    }
    for name in ("dead", "injured", "trapped", "missing"):
        values[name] = {"value": {"type": "number_input", "value": counts.get(name)}}
    return values


async def test_report_without_text_opens_a_form_whose_submission_is_the_incident(
    bot: SlackBot, fake: FakeSlackAPI
) -> None:
    view = await _open_form(bot, fake)
    assert view["callback_id"] == CALLBACK_ID and not validate_blocks(view["blocks"], max_blocks=100)
    assert {b["block_id"] for b in view["blocks"]} == {
        "type", "location", "time", "dead", "injured", "trapped", "missing", "description"}
    options = next(b for b in view["blocks"] if b["block_id"] == "type")["element"]["options"]
    assert len(options) == 12 and options[0]["text"]["text"] == "火灾"

    bad = await bot.submit(STRANGER, view, form_values(injured="三", dead="-1", trapped="2"))
    assert bad.status == 200
    answer = bad.json()
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"injured", "dead"}
    await bot.deliver()
    assert await bot.count(Incident) == 0

    good = await bot.submit(STRANGER, view, form_values(injured="3", dead="1", trapped="2"))
    assert good.status == 200 and good.body == ""
    await bot.deliver()
    incident = await bot.incident("20261122-0001")
    assert incident is not None
    assert (incident.type, incident.location, incident.stated_time) == ("hazmat", "人民路化工厂", "15:20")
    assert (incident.dead, incident.injured, incident.trapped, incident.missing) == (1, 3, 2, 0)
    assert "储罐破裂" in incident.text and incident.source_chat_id == REPORTING
    assert "已登记事件 20261122-0001" in all_text(fake.messages(REPORTING)[0])
    assert len(fake.messages(CENTRE)) == 1
    # A second Submit of the same form (a double click) registers nothing more.
    await bot.submit(STRANGER, view, form_values(injured="3", dead="1", trapped="2"))
    await bot.deliver()
    assert await bot.count(Incident) == 1


async def test_what_the_form_chose_wins_over_words_that_read_otherwise(bot: SlackBot, fake: FakeSlackAPI) -> None:
    from handlers.intake.parser import parse_report

    words = "东湖小区民房起火，5人受伤，3人被困"
    read = parse_report(words)  # alone, the words are a house fire elsewhere with other figures
    assert read.type == "fire" and read.location != "人民路化工厂" and read.casualties.injured == 5
    view = await _open_form(bot, fake)
    reply = await bot.submit(STRANGER, view, form_values("hazmat", "人民路化工厂", None, words, injured="2"))
    assert reply.status == 200 and reply.body == ""
    await bot.deliver()
    assert await bot.count(Incident) == 1
    incident = await bot.incident("20261122-0001")
    assert incident is not None
    assert (incident.type, incident.location, incident.stated_time) == ("hazmat", "人民路化工厂", None)
    # Counts the form chose are as chosen; one it left empty is what the words say.
    assert (incident.dead, incident.injured, incident.trapped, incident.missing) == (0, 2, 3, 0)
    assert incident.unsure == ""  # chosen by a person, not guessed: nothing marked unsure
    assert words in incident.text
    [card] = fake.messages(CENTRE)
    assert "危化品" in all_text(card) and "人民路化工厂" in all_text(card)


async def test_a_members_form_submitted_twice_at_once_lands_exactly_once(bot: SlackBot, fake: FakeSlackAPI) -> None:
    view = await _open_form(bot, fake)
    values = form_values(injured="3", trapped="1")
    # Slack sends the submission again (a double click, a retry) while the first is still being handled.
    replies = await asyncio.gather(*(bot.submit(ENV_OFFICER, view, values) for _ in range(2)))
    assert all(r.status == 200 and r.body == "" for r in replies)
    await bot.deliver()
    await bot.submit(ENV_OFFICER, view, values)  # and once more, later
    await bot.deliver()
    assert await bot.count(Incident) == 1
    incident = await bot.incident("20261122-0001")
    assert incident is not None and (incident.reporter_id, incident.reporter_registered) == (ENV_OFFICER, True)
    assert (incident.type, incident.location, incident.injured, incident.trapped) == ("hazmat", "人民路化工厂", 3, 1)
    assert await bot.count(IncidentSource) == 0  # nor a second report linked to it
    assert len(fake.messages(CENTRE)) == 1 and len(fake.messages(REPORTING)) == 1  # one card, one receipt
    async with bot.app.db.transaction() as session:
        seen = list(await session.scalars(select(InboundEvent.event_id).where(InboundEvent.event_id.like("view:%"))))
    assert seen == [f"view:{view['id']}"]


async def test_an_expired_trigger_gets_the_usage_privately(bot: SlackBot, fake: FakeSlackAPI) -> None:
    stale_trigger = f"1337000.{int((time.time() - 60) * 1000)}.abcdef"
    await bot.command("/report", "", user_id=STRANGER, channel_id=REPORTING, trigger_id=stale_trigger)
    await bot.settle()
    assert fake.views_opened == []
    [answer] = fake.ephemerals
    assert answer["source"] == "response_url" and "/report" in answer["text"]


@pytest.mark.parametrize("kind", ["fire", "forest_fire", "flood", "earthquake", "geological", "hazmat", "traffic", "mine",
                                  "collapse", "water_rescue", "medical", "other"])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_composed_form_reads_back_as_what_was_chosen(kind: str, language: str) -> None:
    from handlers.intake.parser import parse_report
    from handlers.intake.reports import compose, read_chosen

    texts = SlackTexts(language)
    location = "人民路化工厂" if language == "zh" else "Renmin Rd chemical plant"
    view = {"private_metadata": json.dumps({"channel": REPORTING}),
            "state": {"values": form_values(kind, location, "08:05", "", dead="1", injured="12", missing="2")}}
    form, errors = read_submission(texts, view)
    assert form is not None and not errors
    # The incident's text, made from the form's neutral fields, says what was chosen.
    parsed = parse_report(compose(texts, read_chosen(fields(form))))
    assert (parsed.type, parsed.location, parsed.time) == (kind, location, "08:05")
    assert parsed.casualties.to_dict() == {"dead": 1, "injured": 12, "trapped": 0, "missing": 2}


# -- buttons ------------------------------------------------------------------------


async def _card(bot: SlackBot, fake: FakeSlackAPI) -> dict[str, Any]:
    await bot.say(REPORTING, STRANGER, REPORT)
    await bot.deliver()
    [card] = fake.messages(CENTRE)
    return card


async def test_the_drill_button_works_for_the_centre_and_is_refused_to_others(
    bot: SlackBot, fake: FakeSlackAPI
) -> None:
    card = await _card(bot, fake)
    refused = await bot.press(ENV_OFFICER, CENTRE, card, "标记为演练")
    assert refused.status == 200 and refused.body == ""
    await bot.deliver()
    [refusal] = fake.ephemerals
    assert refusal["text"] == ZH("button.refused_centre_only") and refusal["channel"] == CENTRE
    assert fake.messages(CENTRE) == [card] and not (await bot.incident("20261122-0001")).drill  # type: ignore[union-attr]

    # The first press asks (#14): the card offers a confirmation in place of the button.
    asked = await bot.press(COMMANDER, CENTRE, card, "标记为演练")
    assert asked.status == 200
    await bot.deliver()
    assert fake.ephemerals[-1]["text"].startswith("确认标记为演练？")
    [confirming] = fake.messages(CENTRE)
    assert [b["text"]["text"] for b in buttons(confirming)] == ["调度", "确认：是演练", "更正"]
    assert not (await bot.incident("20261122-0001")).drill  # type: ignore[union-attr]
    accepted = await bot.press(COMMANDER, CENTRE, confirming, "确认：是演练")
    assert accepted.status == 200
    await bot.deliver()
    [edited] = fake.messages(CENTRE)
    assert edited["ts"] == card["ts"] and "edited" in edited  # chat.update, in place
    assert "演练" in block_texts(edited)[0]
    # The mark can be taken back by a centre member (#14), with the card's own button.
    assert [b["text"]["text"] for b in buttons(edited)] == ["调度", "撤销演练标记", "更正"]
    assert "王指挥" in fake.ephemerals[-1]["text"]
    assert (await bot.incident("20261122-0001")).drill  # type: ignore[union-attr]
    refused = await bot.press(ENV_OFFICER, CENTRE, edited, "撤销演练标记")
    await bot.deliver()
    assert fake.ephemerals[-1]["text"] == ZH("button.refused_centre_only")
    assert (await bot.incident("20261122-0001")).drill  # type: ignore[union-attr]
    await bot.press(COMMANDER, CENTRE, edited, "撤销演练标记")
    await bot.deliver()
    [again] = fake.messages(CENTRE)
    assert [b["text"]["text"] for b in buttons(again)] == ["调度", "标记为演练", "更正"]
    assert "撤销" in fake.ephemerals[-1]["text"] and not (await bot.incident("20261122-0001")).drill  # type: ignore[union-attr]


async def test_a_forged_button_value_changes_nothing(bot: SlackBot, fake: FakeSlackAPI) -> None:
    card = await _card(bot, fake)
    drill = button(card, "标记为演练")
    forged = [
        ("forged-token", CENTRE),
        ("x" * 3000, CENTRE),  # longer than any token
        ("", CENTRE),
        (drill["value"], REPORTING),  # a real token, pressed in another conversation
    ]
    for value, channel in forged:
        reply = await bot.timed(bot.sender.send_action(COMMANDER, channel, card["ts"], drill["action_id"], value,
                                                        message=card))
        assert reply.status == 200
    await bot.deliver()
    assert len(fake.ephemerals) == len(forged)
    refusals = {ZH("button.unknown"), ZH("button.wrong_place")}
    assert all(e["text"] in refusals for e in fake.ephemerals)
    assert fake.messages(CENTRE) == [card] and not fake.calls("chat.update")
    incident = await bot.incident("20261122-0001")
    assert incident is not None and not incident.drill


# -- delivery: limits, faults, long messages -------------------------------------------


async def test_rate_limits_are_waited_out_and_nothing_is_lost_or_reordered(
    tmp_path: Path, org: Organisation, clock: ManualClock
) -> None:
    # The fake's rate limits run on the test's clock, and the adapter's own pacing
    # is off, so a burst meets Slack's 429 + Retry-After.
    # One stranger sends all six reports: lift intake's flood limits, which are not under test.
    org = Organisation(org.spec.model_copy(update={"intake_limits": IntakeLimits(unregistered_per_hour=100)}))
    async with FakeSlackAPI(clock=lambda: clock.now().timestamp()) as fake:
        bot = await start_bot(tmp_path, fake, org, clock)
        try:
            bot.app.senders["slack"].limiter = None
            places = ["人民路化工厂", "石岛港", "槎山小区", "龙须岛", "成山镇", "港西镇"]
            for place in places:
                await bot.say(REPORTING, STRANGER, f"{place}起火，1人受伤")
            await bot.deliver()
            assert fake.count_429 > 0
            delivered = len(fake.messages(REPORTING))
            assert delivered == 3  # Slack's burst; the fourth got 429 and waits, the rest behind it
            await bot.deliver()  # Retry-After has not passed yet: nothing is sent
            assert len(fake.messages(REPORTING)) == delivered
            for _ in range(20):
                if len(fake.messages(REPORTING)) == len(places):
                    break
                clock.advance(seconds=1)
                await bot.deliver()
            receipts = fake.messages(REPORTING)
            assert [incident_id_in(m)[-4:] for m in receipts] == [f"{n:04d}" for n in range(1, 7)]
            assert [incident_id_in(m)[-4:] for m in fake.messages(CENTRE)] == [f"{n:04d}" for n in range(1, 7)]
            assert set(await bot.outbox_statuses()) == {"delivered"}
        finally:
            await bot.sender.close()
            await bot.app.stop()


async def test_gateway_errors_and_dropped_connections_are_retried(bot: SlackBot, fake: FakeSlackAPI) -> None:
    fake.fail_next("chat.postMessage", status=502)
    fake.drop_next("chat.postMessage")
    await bot.say(REPORTING, STRANGER, REPORT)
    await bot.deliver()
    # Both first calls failed (one with a 502 page, one with no answer at all): both wait to be retried.
    assert fake.channels_with_messages() == [] and await bot.outbox_statuses() == ["pending", "pending"]
    for _ in range(10):
        if set(await bot.outbox_statuses()) == {"delivered"}:
            break
        bot.clock.advance(seconds=5)
        await bot.deliver()
    assert set(await bot.outbox_statuses()) == {"delivered"}
    assert len(fake.messages(REPORTING)) == 1 and len(fake.messages(CENTRE)) == 1


def test_web_api_errors_map_to_retry_or_give_up() -> None:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_slack_response import AsyncSlackResponse

    def error(status: int, data: dict[str, Any], headers: dict[str, str] | None = None) -> SlackApiError:
        response = AsyncSlackResponse(client=None, http_verb="POST", api_url="x", req_args={}, data=data,
                                      headers=headers or {}, status_code=status)
        return SlackApiError("failed", response)

    limited = delivery_error(error(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}))
    assert limited.retry_after == 7.0 and not limited.permanent
    assert not delivery_error(error(502, {})).permanent
    for code in ("channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long"):
        assert delivery_error(error(200, {"ok": False, "error": code})).permanent
    assert not delivery_error(error(200, {"ok": False, "error": "internal_error"})).permanent
    assert SLACK_LIMITS.chat_interval_s >= 1.0


async def test_a_long_message_is_split_not_cut(bot: SlackBot, fake: FakeSlackAPI) -> None:
    line = "第{n}行：" + "现场情况<描述>&说明" * 30
    text = "\n".join(line.format(n=n) for n in range(400))  # ~130,000 characters
    fields = tuple(Field(f"字段{n}", "值" * (n * 50)) for n in range(30))
    message = Message(title="长消息", text=text, fields=fields, buttons=(Button("按钮", "tok"),))
    delivery = Delivery(outbox_id=1, to=ConversationRef("slack", ENV), kind="send", message=message,
                        reply_to_message_id="1763794800.000100")
    fake.limits = False
    bot.adapter.part_interval_s = 0.0
    ts = await asyncio.wait_for(bot.adapter.deliver(delivery), 30)
    sent = fake.messages(ENV)
    assert len(sent) > 1 and sent[-1]["ts"] == ts
    assert all(m["thread_ts"] == "1763794800.000100" for m in sent)
    assert all(not validate_blocks(m["blocks"]) for m in sent)
    assert buttons(sent[-1]) and not any(buttons(m) for m in sent[:-1])
    shown = "".join(t for m in sent for t in block_texts(m))
    for n in (0, 199, 399):
        assert escape(line.format(n=n)) in shown
    assert all(f"*字段{n}*" in shown for n in range(30))


async def test_names_fall_back_to_the_user_id(tmp_path: Path, org: Organisation, clock: ManualClock) -> None:
    async with FakeSlackAPI(users=[]) as fake:  # users.info knows nobody
        bot = await start_bot(tmp_path, fake, org, clock)
        try:
            await bot.say(REPORTING, "U0NOBODY", REPORT)
            await bot.deliver()
            [card] = fake.messages(CENTRE)
            assert "*报告人*\nU0NOBODY（未登记报告人）" in block_texts(card)
        finally:
            await bot.sender.close()
            await bot.app.stop()


async def test_every_answer_to_slack_was_well_inside_three_seconds(bot: SlackBot, fake: FakeSlackAPI) -> None:
    card = await _card(bot, fake)
    await asyncio.gather(
        *(bot.say(REPORTING, STRANGER, f"{n}号楼起火") for n in range(10)),
        *(bot.press(COMMANDER, CENTRE, card, "调度") for _ in range(5)),
        *(bot.command("/status", "20261122-0001", user_id=COMMANDER, channel_id=CENTRE) for _ in range(5)),
    )
    await bot.settle()
    assert max(bot.response_times) < RESPONSE_BUDGET_S


# -- rendering ----------------------------------------------------------------------


def test_rendering_escapes_everything_and_keeps_to_slack_limits() -> None:
    message = Message(
        title="<!channel> 标题 & 更多", text="<@U123> <https://evil|click>\n" * 3,
        fields=tuple(Field(f"<{n}>", "v&" * n * 100) for n in range(25)),
        buttons=tuple(Button(f"按钮{n}" * 20, f"tok{n}") for n in range(30)),
        mentions=(Mention("U2201", "吴监测"), Mention("<!channel>", "<!here>")),
    )
    parts = render(message)
    for part in parts:
        assert len(part.blocks) <= MAX_BLOCKS and not validate_blocks(part.blocks)
        assert "<!" not in part.text and "<@U123>" not in part.text
    shown = "\n".join(t for p in parts for t in block_texts({"blocks": p.blocks}))
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown and "<!here>" not in shown
    assert "<@U123>" not in shown and "<https://evil|click>" not in shown
    assert "<@U2201>" in shown  # the bot's own mention of a registered member does notify
    ids = [b["action_id"] for p in parts for b in buttons({"blocks": p.blocks})]
    assert len(ids) == 30 == len(set(ids))
    [single] = render(message, single=True)
    assert len(single.blocks) <= MAX_BLOCKS and not validate_blocks(single.blocks)


@hsettings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab&<>\n 中!@|"), max_size=400), st.integers(min_value=5, max_value=60))
def test_escaped_chunks_keep_every_character_and_the_limit(text: str, limit: int) -> None:
    chunks = escaped_chunks(text, limit)
    assert all(0 < len(c) <= limit and "<" not in c and ">" not in c for c in chunks)
    unescaped = "".join(c.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for c in chunks)
    assert "".join(unescaped.split()) == "".join(text.split())


def test_slack_strings_exist_in_both_languages_with_the_same_placeholders() -> None:
    import string

    from core.i18n import catalogue

    def placeholders(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    DEFAULTS = {lang: {k: v for k, v in catalogue(lang).items() if k.startswith("slack.")} for lang in ("zh", "en")}
    assert DEFAULTS["zh"] and DEFAULTS["zh"].keys() == DEFAULTS["en"].keys()
    assert all(placeholders(DEFAULTS["zh"][k]) == placeholders(DEFAULTS["en"][k]) for k in DEFAULTS["zh"])
    assert all(k.startswith("slack.") for k in DEFAULTS["zh"])


def test_slack_markup_in_user_text_becomes_plain_text() -> None:
    assert plain_text("<!channel> hi <@U1|bob> in <#C1|general> see <https://x.org|site> a &amp;lt; b") == \
        "@channel hi @bob in #general see site a &lt; b"
    assert plain_text("&lt;!here&gt; <https://x.org>") == "<!here> https://x.org"


# -- Socket Mode ----------------------------------------------------------------------


class FakeSocketModeServer:
    """Slack's Socket Mode end: apps.connections.open hands out a WebSocket URL,
    Slack pushes envelopes down it and the app acknowledges each by envelope_id."""

    def __init__(self, fake: FakeSlackAPI):
        from aiohttp import web

        self.fake = fake
        self.acks: dict[str, dict[str, Any]] = {}
        self.connected = asyncio.Event()
        self._socket: Any = None
        self._acked = asyncio.Condition()
        self._app = web.Application()
        self._app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(self._app)
        self.url = ""

    async def start(self) -> None:
        from aiohttp import web

        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"ws://127.0.0.1:{self._runner.addresses[0][1]}/link"
        # The fake Web API learns the one method it lacks.
        self.fake._methods["apps.connections.open"] = lambda params: {"url": self.url}

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _link(self, request: Any) -> Any:
        from aiohttp import WSMsgType, web

        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1,
                                "connection_info": {"app_id": "A1"}, "debug_info": {"host": "fake"}})
        self._socket = socket
        self.connected.set()
        async for frame in socket:
            if frame.type == WSMsgType.TEXT:
                data = json.loads(frame.data)
                async with self._acked:
                    self.acks[data["envelope_id"]] = data
                    self._acked.notify_all()
        return socket

    async def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one envelope and return the app's acknowledgement (timed)."""
        envelope_id = f"env-{len(self.acks) + 1}-{time.monotonic_ns()}"
        started = time.monotonic()
        await self._socket.send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                      "accepts_response_payload": kind != "events_api", "retry_attempt": 0,
                                      "retry_reason": ""})
        async with self._acked:
            await asyncio.wait_for(self._acked.wait_for(lambda: envelope_id in self.acks), WAIT_S)
        assert time.monotonic() - started < RESPONSE_BUDGET_S
        return self.acks[envelope_id]


async def test_socket_mode_receives_events_commands_and_presses(
    tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock
) -> None:
    server = FakeSocketModeServer(fake)
    await server.start()
    # The fake Web API accepts one token; here the app-level token is that one too.
    app = Liandong(settings_for(tmp_path, fake, slack_signing_secret=None, slack_app_token=fake.bot_token),
                   org, clock=clock, http=False)
    try:
        assert not app.needs_http and app.chat("slack").http_routes() == []  # type: ignore[union-attr]
        await asyncio.wait_for(app.start(senders=False), WAIT_S)
        await asyncio.wait_for(server.connected.wait(), WAIT_S)
        sender = SlackEventSender(DEFAULT_SIGNING_SECRET, "unused")
        await server.push("events_api", sender.event_envelope(message_event(REPORTING, STRANGER, REPORT)))
        bot = SlackBot(app, fake, sender, clock)
        await bot.deliver()
        [card] = fake.messages(CENTRE)
        assert "新事件 20261122-0001" in all_text(card) and len(fake.messages(REPORTING)) == 1

        command = {"command": "/status", "text": "20261122-0001", "user_id": COMMANDER, "channel_id": CENTRE,
                   "channel_name": "c0cmd", "team_id": "T1", "trigger_id": "1337000.1.abc",
                   "response_url": "https://hooks.slack.com/commands/x", "api_app_id": "A1"}
        await server.push("slash_commands", command)
        press = {"type": "block_actions", "user": {"id": ENV_OFFICER}, "team": {"id": "T1"}, "api_app_id": "A1",
                 "trigger_id": "1337000.2.def", "channel": {"id": CENTRE}, "message": card,
                 "container": {"type": "message", "message_ts": card["ts"], "channel_id": CENTRE},
                 "actions": [{"action_id": button(card, "标记为演练")["action_id"], "type": "button",
                              "value": button(card, "标记为演练")["value"], "action_ts": "1.2"}]}
        await server.push("interactive", press)
        await bot.deliver()
        assert "事件 20261122-0001" in all_text(fake.messages(CENTRE)[-1])
        [refusal] = fake.ephemerals  # a press without a response_url: chat.postEphemeral
        assert refusal["source"] == "chat.postEphemeral" and refusal["user"] == ENV_OFFICER
    finally:
        await asyncio.wait_for(app.stop(), 20)
        await server.stop()


# -- Slack and Telegram in one bot ----------------------------------------------------


async def test_an_incident_travels_between_slack_and_telegram(
    tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock
) -> None:
    from tests.fakes.telegram_api import FakeTelegramAPI

    async with FakeTelegramAPI() as telegram:
        bot = await start_bot(tmp_path, fake, org, clock, telegram_token=telegram.token,
                              telegram_api_url=telegram.root_url)
        try:
            # A Slack reporter: the centre sees the card on Slack and on Telegram.
            await bot.say(REPORTING, STRANGER, REPORT)
            await bot.deliver()
            [slack_card] = fake.messages(CENTRE)
            [telegram_card] = telegram.sent_messages(-1001000)
            assert "20261122-0001" in all_text(slack_card) and "20261122-0001" in telegram_card["text"]
            # A Telegram reporter: the Slack centre gets the card.
            telegram.inject_message(-1003000, 777, "环山路发生山体滑坡，2人被埋", first_name="路人")
            for _ in range(50):
                if await bot.count(Incident) == 2:
                    break
                await asyncio.sleep(0.1)
            await bot.deliver()
            assert "20261122-0002" in all_text(fake.messages(CENTRE)[-1])
            assert "路人（未登记报告人）" in all_text(fake.messages(CENTRE)[-1])
        finally:
            await bot.sender.close()
            await asyncio.wait_for(bot.app.stop(), 20)


# -- the app manifest -------------------------------------------------------------------


def test_the_manifest_names_what_the_bot_serves(bot_router_commands: set[str]) -> None:
    import yaml

    from adapters.slack.updates import UMBRELLA_COMMAND, command_name_and_args

    manifest = yaml.safe_load((Path(__file__).parents[1] / "slack-app-manifest.yaml").read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    url = "https://YOUR-PUBLIC-URL/slack/events"
    assert settings["event_subscriptions"]["request_url"] == url == settings["interactivity"]["request_url"]
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"] is False
    assert {"message.channels", "message.groups", "message.im"} <= set(settings["event_subscriptions"]["bot_events"])
    assert {"chat:write", "commands", "channels:history", "groups:history", "im:history", "users:read"} <= \
        set(manifest["oauth_config"]["scopes"]["bot"])
    names = [c["command"] for c in features["slash_commands"]]
    assert "/status" not in names and "/report" in names  # Slack refuses a manifest naming its own /status
    for command in features["slash_commands"]:
        assert command["url"] == url and len(command["description"]) <= 100
        name = command["command"].lstrip("/")
        if name != UMBRELLA_COMMAND:
            parsed = command_name_and_args({"command": command["command"], "text": ""})
            assert parsed is not None and parsed[0] in bot_router_commands


@pytest.fixture
def bot_router_commands() -> set[str]:
    from bot.app import build_router

    return set(build_router().commands)


def test_a_field_with_a_link_is_a_mrkdwn_link_and_the_rest_stays_text() -> None:
    url = "https://www.openstreetmap.org/?mlat=37.16500&mlon=122.42500#map=16/37.16500/122.42500"
    [part] = render(Message(fields=(Field("地图", url, url=url), Field("地点", "<https://x|y>"),
                                    Field("链接", "a|b", url="https://x.example/a|b>c"),
                                    Field("不是网址", "x", url="javascript:alert(1)"))))
    escaped = url.replace("&", "&amp;")
    assert block_texts({"blocks": part.blocks}) == [
        f"*地图*\n<{escaped}|{escaped}>", "*地点*\n&lt;https://x|y&gt;",
        "*链接*\n<https://x.example/a%7Cb&gt;c|a|b>", "*不是网址*\nx"]
    assert not validate_blocks(part.blocks)
