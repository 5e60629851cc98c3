"""A CAP file dropped into a Slack centre channel (#17): the real slack-bolt / slack-sdk
stack against the fake Slack Web API, which serves files.info and the files' url_private
(to the bot token only) in Slack's shapes.

Organisation: config/org.example.yaml — command centre C0CMD (王指挥, U1001); ENV-01 on
C0ENV (吴监测, U2201). The file is read as the message's text, the path a pasted
document and a file on Telegram take: a draft in the centre, or the reason it was not.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from sqlalchemy import select

from config.organisation import Organisation
from core.clock import ManualClock
from storage.models import Broadcast
from tests.fakes.slack_api import FakeSlackAPI, FakeUser, file_share_event, file_shared_event
from tests.test_slack import SlackBot, all_text, start_bot

DATA = Path(__file__).with_name("data") / "cap"
CENTRE, ENV = "C0CMD", "C0ENV"
COMMANDER, ENV_OFFICER, STRANGER = "U1001", "U2201", "U9999"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    users = [FakeUser(COMMANDER, real_name="王指挥"), FakeUser(ENV_OFFICER, real_name="吴监测"),
             FakeUser(STRANGER, real_name="Li Lei")]
    async with FakeSlackAPI(users=users, limits=False) as api:
        yield api


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock) -> AsyncIterator[SlackBot]:
    slack_bot = await start_bot(tmp_path, fake, org, clock)
    yield slack_bot
    await slack_bot.sender.close()
    await slack_bot.app.stop()


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


async def drop(bot: SlackBot, file: dict[str, Any], *, user: str = COMMANDER, channel: str = CENTRE) -> None:
    reply = await bot.event(file_share_event(channel, user, [file]))
    assert reply.status == 200
    await bot.deliver()


def drafts(fake: FakeSlackAPI) -> list[str]:
    return [all_text(m) for m in fake.messages(CENTRE) if "外部预警" in all_text(m)]


def answers(fake: FakeSlackAPI) -> list[str]:
    return [e["text"] for e in fake.ephemerals]


async def count(bot: SlackBot) -> int:
    async with bot.app.db.transaction() as session:
        return len(list(await session.scalars(select(Broadcast))))


async def test_a_cap_file_shared_in_the_centre_becomes_a_draft(bot: SlackBot, fake: FakeSlackAPI) -> None:
    file = fake.add_user_file(COMMANDER, "暴雨红色预警.xml", sample("cn_rainstorm_red.xml"))
    await drop(bot, file)
    [draft] = drafts(fake)
    assert "草稿 #1" in draft and "红色预警" in draft and "广州市气象台" in draft
    assert fake.downloads == [{"file": file["id"], "authorised": True}]  # with the bot token


async def test_file_shared_alone_is_read_through_files_info_and_both_events_draft_once(
    bot: SlackBot, fake: FakeSlackAPI,
) -> None:
    file = fake.add_user_file(COMMANDER, "alert.cap", sample("spec_homeland_security.xml"),
                              mimetype="application/octet-stream", filetype="binary")
    await bot.event(file_shared_event(CENTRE, COMMANDER, file["id"]))
    await bot.deliver()
    assert len(drafts(fake)) == 1 and fake.calls("files.info")
    # Slack sends both for one upload: the file_share message does not draft it again.
    await drop(bot, file)
    assert len(drafts(fake)) == 1 and len(fake.downloads) == 1 and await count(bot) == 1
    assert not any("已起草过" in a for a in answers(fake))


async def test_a_file_shown_as_check_file_info_is_asked_about(bot: SlackBot, fake: FakeSlackAPI) -> None:
    file = fake.add_user_file(COMMANDER, "warning.xml", sample("cn_rainstorm_red.xml"))
    await drop(bot, {"id": file["id"], "mode": "hidden_by_limit", "file_access": "check_file_info"})
    assert len(drafts(fake)) == 1 and fake.calls("files.info")


async def test_a_file_over_1_mb_is_refused_before_it_is_downloaded(bot: SlackBot, fake: FakeSlackAPI) -> None:
    file = fake.add_user_file(COMMANDER, "big.xml", sample("cn_rainstorm_red.xml"), size=2_000_000)
    await drop(bot, file)
    assert fake.downloads == [] and drafts(fake) == [] and await count(bot) == 0
    [answer] = answers(fake)
    assert "未采用该 CAP 预警" in answer and "文件过大" in answer


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("hello.xml", b"hello, this is not a warning", "不是 XML"),
    ("gbk.xml", "<?xml version='1.0'?><alert>暴雨</alert>".encode("gbk"), "不是 XML"),
    ("xxe.xml", (DATA / "bad_xxe.xml").read_bytes(), "DOCTYPE"),
    ("schema.xml", (DATA / "bad_schema.xml").read_bytes(), "不符合 CAP 1.2"),
])
async def test_bad_files_are_answered_with_the_reason(
    bot: SlackBot, fake: FakeSlackAPI, name: str, content: bytes, reason: str,
) -> None:
    await drop(bot, fake.add_user_file(COMMANDER, name, content))
    said = answers(fake) + [all_text(m) for m in fake.messages(CENTRE)]
    assert any("未采用该 CAP 预警" in text and reason in text for text in said), said
    assert drafts(fake) == [] and await count(bot) == 0
    # The bot stays up: a good file is drafted right after.
    await drop(bot, fake.add_user_file(COMMANDER, "ok.xml", sample("cn_rainstorm_red.xml")))
    assert len(drafts(fake)) == 1


async def test_files_outside_the_centre_or_from_others_are_not_downloaded(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await drop(bot, fake.add_user_file(STRANGER, "a.xml", sample("cn_rainstorm_red.xml")), user=STRANGER)
    await drop(bot, fake.add_user_file(ENV_OFFICER, "b.xml", sample("cn_rainstorm_red.xml")),
               user=ENV_OFFICER, channel=ENV)
    await bot.event(file_shared_event(ENV, ENV_OFFICER, fake.files[-1]["id"]))
    await bot.deliver()
    assert fake.downloads == [] and not fake.calls("files.info") and await count(bot) == 0
    # A PDF in the centre is no warning: not downloaded, not answered.
    await drop(bot, fake.add_user_file(COMMANDER, "plan.pdf", b"%PDF-1.4", mimetype="application/pdf",
                                       filetype="pdf"))
    assert fake.downloads == [] and answers(fake) == []


async def test_the_token_goes_to_slack_only(bot: SlackBot, fake: FakeSlackAPI) -> None:
    file = fake.add_user_file(COMMANDER, "x.xml", sample("cn_rainstorm_red.xml"))
    file["url_private"] = "http://203.0.113.9/files-pri/T1-F1/x.xml"  # not Slack's file host
    await drop(bot, file)
    assert fake.downloads == [] and await count(bot) == 0
    [answer] = answers(fake)
    assert "文件未能下载" in answer and "203.0.113.9" in answer


def test_the_manifest_asks_for_what_reading_a_file_needs() -> None:
    import yaml

    manifest = yaml.safe_load((Path(__file__).parents[1] / "slack-app-manifest.yaml").read_text(encoding="utf-8"))
    assert "files:read" in manifest["oauth_config"]["scopes"]["bot"]
    assert "file_shared" in manifest["settings"]["event_subscriptions"]["bot_events"]
