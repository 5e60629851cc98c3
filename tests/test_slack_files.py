"""Files sent with messages on Slack: the real slack-sdk against the fake Slack
Web API, which speaks the upload flow of `files_upload_v2`
(files.getUploadURLExternal, the upload URL, files.completeUploadExternal).

Organisation: config/org.example.yaml — command centre C0CMD (王指挥, U1001),
ENV-01 on C0ENV. The text goes first, then each file into the same channel
(and thread); the delivery's platform id is the text message's ts.
"""
from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path
from typing import AsyncIterator

import pytest

from core.clock import ManualClock
from core.events import ConversationRef
from core.messages import Button, Delivery, DeliveryError, Message, Outgoing, OutgoingFile
from config.organisation import Organisation
from storage.outbox import OutboxRepository
from tests.fakes.slack_api import FakeSlackAPI, FakeUser
from tests.test_slack import SlackBot, all_text, start_bot

CENTRE, ENV = "C0CMD", "C0ENV"
COMMANDER = "U1001"
CSV_BYTES = "单位代码,单位名称\r\nENV-01,市生态环境分局\r\n".encode("utf-8-sig")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    async with FakeSlackAPI(users=[FakeUser(COMMANDER, real_name="王指挥")], limits=False) as api:
        yield api


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeSlackAPI, org: Organisation, clock: ManualClock) -> AsyncIterator[SlackBot]:
    slack_bot = await start_bot(tmp_path, fake, org, clock)
    for sender in slack_bot.app.senders.values():
        sender.limiter = None  # pacing is test_slack.py's subject
    yield slack_bot
    await slack_bot.sender.close()
    await asyncio.wait_for(slack_bot.app.stop(), 20)


def _delivery(message: Message, outbox_id: int = 1, reply_to: str | None = None) -> Delivery:
    return Delivery(outbox_id=outbox_id, to=ConversationRef("slack", ENV), kind="send", message=message,
                    reply_to_message_id=reply_to)


async def test_a_file_is_uploaded_into_the_channel_after_the_text(bot: SlackBot, fake: FakeSlackAPI) -> None:
    message = Message(title="记录", text="见附件", buttons=(Button("按钮", "tok"),),
                      files=(OutgoingFile("rollcall-2026-12.csv", CSV_BYTES, "text/csv"),))
    ts = await bot.adapter.deliver(_delivery(message))
    [text, shared] = fake.messages(ENV)
    assert text["ts"] == ts and "见附件" in all_text(text)  # the id later edits change: the text's
    assert shared["upload"] and [f["name"] for f in shared["files"]] == ["rollcall-2026-12.csv"]
    [uploaded] = fake.files
    assert uploaded["channels"] == [ENV] and uploaded["content"] == CSV_BYTES
    assert uploaded["name"] == "rollcall-2026-12.csv" and uploaded["size"] == len(CSV_BYTES)
    assert [r.method for r in fake.requests if r.method != "auth.test"] == [
        "chat.postMessage", "files.getUploadURLExternal", "files.completeUploadExternal"]


async def test_files_follow_a_reply_into_its_thread(bot: SlackBot, fake: FakeSlackAPI) -> None:
    parent = "1763794800.000100"
    files = (OutgoingFile("a.csv", b"x,y\r\n", "text/csv"), OutgoingFile("b.txt", b"hello", "text/plain"))
    await bot.adapter.deliver(_delivery(Message(text="两个文件", files=files), reply_to=parent))
    assert [f["name"] for f in fake.files] == ["a.csv", "b.txt"]
    assert all(f["thread_ts"] == parent and f["channels"] == [ENV] for f in fake.files)
    assert all(m["thread_ts"] == parent for m in fake.messages(ENV))


async def test_a_failed_upload_is_retried_without_sending_the_text_again(
    bot: SlackBot, fake: FakeSlackAPI,
) -> None:
    delivery = _delivery(Message(text="见附件", files=(OutgoingFile("r.csv", CSV_BYTES, "text/csv"),)))
    fake.fail_next("files.getUploadURLExternal", status=502)
    with pytest.raises(DeliveryError) as failed:
        await bot.adapter.deliver(delivery)
    assert not failed.value.permanent
    fake.drop_next("files.completeUploadExternal")
    with pytest.raises(DeliveryError) as dropped:
        await bot.adapter.deliver(delivery)
    assert not dropped.value.permanent
    assert fake.files == [] and len(fake.messages(ENV)) == 1
    ts = await bot.adapter.deliver(delivery)
    [text, shared] = fake.messages(ENV)
    assert text["ts"] == ts and shared["files"][0]["name"] == "r.csv"
    assert [f["content"] for f in fake.files] == [CSV_BYTES]
    assert len(fake.calls("chat.postMessage")) == 1


async def test_an_edit_changes_the_text_and_uploads_nothing(bot: SlackBot, fake: FakeSlackAPI) -> None:
    message = Message(text="第一版", files=(OutgoingFile("r.csv", CSV_BYTES, "text/csv"),))
    ts = await bot.adapter.deliver(_delivery(message))
    edit = Delivery(outbox_id=2, to=ConversationRef("slack", ENV), kind="edit",
                    message=Message(text="第二版", files=message.files), target_message_id=ts)
    assert await bot.adapter.deliver(edit) == ts
    assert "第二版" in all_text(fake.message(ENV, ts) or {}) and len(fake.files) == 1


async def test_a_file_goes_through_the_outbox(bot: SlackBot, fake: FakeSlackAPI, clock: ManualClock) -> None:
    file = OutgoingFile("rollcall-2026-11.csv", CSV_BYTES, "text/csv")
    async with bot.app.db.transaction() as session:
        await OutboxRepository(session).enqueue(
            [Outgoing(ConversationRef("slack", CENTRE), Message(text="月度记录", files=(file,)))], clock.now())
    await bot.deliver()
    assert await bot.outbox_statuses() == ["delivered"]
    [uploaded] = fake.files
    assert uploaded["channels"] == [CENTRE] and uploaded["content"] == CSV_BYTES


async def test_the_monthly_roll_call_record_arrives_as_a_csv_in_the_centre(bot: SlackBot, fake: FakeSlackAPI) -> None:
    await bot.command("/rollcall", "ENV-01 deadline:10m", user_id=COMMANDER, channel_id=CENTRE)
    await bot.deliver()
    await bot.command("/liandong", "rollcall-report", user_id=COMMANDER, channel_id=CENTRE)
    await bot.deliver()
    [record] = [f for f in fake.files if f["name"] == "rollcall-2026-11.csv"]
    assert record["channels"] == [CENTRE]
    rows = list(csv.reader(io.StringIO(record["content"].decode("utf-8-sig"))))
    assert rows[0][0] == "单位代码" and rows[1][:8] == ["ENV-01", "市生态环境分局", "1", "0", "0", "0", "1", ""]
    report = next(m for m in fake.messages(CENTRE) if "值班点名记录 · 2026-11" in all_text(m))
    assert "ENV-01 | 1 | 0 | 0 | 0 | 1 | —" in all_text(report)
