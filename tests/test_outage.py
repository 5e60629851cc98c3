"""Nothing acknowledged is lost while the database is down.

On each backend the database goes away mid-run — PostgreSQL behind a TCP proxy
that the test cuts (the shared server keeps running for everyone else), SQLite
held under another process's write lock — while reports and presses arrive on
Telegram (real python-telegram-bot against the fake Bot API) and on Slack (real
slack-bolt with signed requests to the bot's HTTP server). Each is kept in the
local spool, the people are told once, and once the database is back every one
is handled exactly once.
"""
from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

import storage.db
from bot.app import Liandong
from core.clock import ManualClock, SystemClock
from config.organisation import Organisation
from config.schema import IntakeLimits
from config.settings import Settings
from storage.models import Incident, TimelineEntry
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.tcp_proxy import TcpProxy
from tests.telegram_bot import fake  # noqa: F401 (fixture)

CENTRE, REPORTING = -1001000, -1003000
COMMANDER = 1001
KEPT = "您的消息已在本机保存"
PLACES = ["东山仓库", "环山路加油站", "石岛港3号码头", "青山村小学", "滨海大道隧道"]


@dataclass
class Outage:
    url: str
    down: Callable[[], Awaitable[None]]
    up: Callable[[], Awaitable[None]]


@pytest.fixture
async def outage(database_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Outage]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        # Locked writes fail after the busy timeout; a short one keeps the test short.
        monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 300)
        holder: list[sqlite3.Connection] = []

        async def lock() -> None:
            other = sqlite3.connect(url.database, isolation_level=None, timeout=0)
            for _ in range(200):  # the bot writes every second or so: take the lock between two writes
                try:
                    other.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError:
                    await asyncio.sleep(0.01)
            else:
                raise AssertionError("could not take the write lock")
            holder.append(other)

        async def unlock() -> None:
            other = holder.pop()
            other.execute("ROLLBACK")
            other.close()

        yield Outage(database_url, lock, unlock)
        return
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    try:
        yield Outage(url.set(port=proxy.port).render_as_string(hide_password=False), proxy.cut, proxy.restore)
    finally:
        await proxy.close()


async def _count(app: Liandong, query: Any) -> int:
    async with app.db.transaction() as session:
        return int(await session.scalar(query) or 0)


def _incidents() -> Any:
    return select(func.count()).select_from(Incident)


def _drill_marks() -> Any:
    return select(func.count()).select_from(TimelineEntry).where(TimelineEntry.kind == "marked_drill")


async def _until(predicate: Callable[[], Awaitable[bool]], timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_telegram_reports_and_presses_during_an_outage_are_handled_once(
    outage: Outage, fake: FakeTelegramAPI, org: Organisation, tmp_path: Path,
) -> None:
    settings = Settings.of(database_url=outage.url, telegram_token=fake.token, telegram_api_url=fake.root_url,
                        http_port=0, console=False, data_dir=str(tmp_path))
    app = Liandong(settings, org, clock=SystemClock(), http=False)
    await app.start()
    try:
        fake.inject_message(REPORTING, 7000, "人民路化工厂起火，3人受伤，有人被困")
        [card] = await fake.wait_for_messages(CENTRE, timeout=10)
        # 标记为演练 asks first (#14): asked now, confirmed during the outage.
        ask = next(b for row in card["reply_markup"]["inline_keyboard"] for b in row if b["text"] == "标记为演练")
        fake.inject_callback_query(CENTRE, COMMANDER, card["message_id"], ask["callback_data"])

        def confirm_button() -> list[dict[str, Any]]:
            shown = fake.message(CENTRE, card["message_id"]) or {}
            return [b for row in shown.get("reply_markup", {}).get("inline_keyboard", []) for b in row
                    if b["text"] == "确认：是演练"]

        await fake.wait_until(lambda: bool(confirm_button()), timeout=10)

        await outage.down()
        for i, place in enumerate(PLACES):
            fake.inject_message(REPORTING, 7100 + i, f"{place}起火，{i + 1}人受伤")
        [drill] = confirm_button()
        query = fake.inject_callback_query(CENTRE, COMMANDER, card["message_id"], drill["callback_data"])
        await fake.wait_until(lambda: any(c["callback_query_id"] == query for c in fake.calls("answerCallbackQuery")),
                              timeout=15)
        answer = next(c for c in fake.calls("answerCallbackQuery") if c["callback_query_id"] == query)
        assert KEPT in answer["text"]
        await fake.wait_until(lambda: len(app.spool) == len(PLACES) + 1, timeout=15)
        # Told straight from the adapter (the outbox is in the database), after the event is kept.
        await fake.wait_until(lambda: any(KEPT in m["text"] for m in fake.sent_messages(REPORTING)), timeout=10)
        await asyncio.sleep(0.5)  # a second notice would show by now
        told = [m for m in fake.sent_messages(REPORTING) if KEPT in m["text"]]
        assert len(told) == 1, "the reporting group is told once, not once per report"

        await outage.up()
        await _until(lambda: _wait_incidents(app, 1 + len(PLACES)), timeout=20)
        await _until(lambda: _is(app, _drill_marks(), 1), timeout=10)
        await fake.wait_until(lambda: sum("已登记事件" in m["text"] for m in fake.sent_messages(REPORTING))
                              == 1 + len(PLACES), timeout=20)
        assert len(app.spool) == 0
        await asyncio.sleep(2.0)  # anything handled twice would show now
        assert await _count(app, _incidents()) == 1 + len(PLACES)
        assert await _count(app, _drill_marks()) == 1
        receipts = [m for m in fake.sent_messages(REPORTING) if "已登记事件" in m["text"]]
        assert len(receipts) == 1 + len(PLACES)
    finally:
        await app.stop()


async def _wait_incidents(app: Liandong, count: int) -> bool:
    return await _is(app, _incidents(), count)


async def _is(app: Liandong, query: Any, count: int) -> bool:
    try:
        return await _count(app, query) == count
    except Exception:  # still reconnecting
        return False


async def test_slack_reports_and_presses_during_an_outage_are_handled_once(
    outage: Outage, org: Organisation, tmp_path: Path, clock: ManualClock,
) -> None:
    from tests.test_slack import COMMANDER as SLACK_COMMANDER, CENTRE as SLACK_CENTRE, REPORTING as SLACK_REPORTING
    from tests.test_slack import STRANGER, all_text, start_bot
    from tests.fakes.slack_api import FakeUser

    org = Organisation(org.spec.model_copy(update={"intake_limits": IntakeLimits(unregistered_per_hour=100)}))
    users = [FakeUser(SLACK_COMMANDER, real_name="王指挥", display_name="王指挥"),
             FakeUser(STRANGER, real_name="Li Lei", display_name="路人甲")]
    async with FakeSlackAPI(users=users) as fake_slack:
        bot = await start_bot(tmp_path, fake_slack, org, clock, database_url=outage.url, data_dir=str(tmp_path))
        try:
            await bot.say(SLACK_REPORTING, STRANGER, "人民路化工厂起火，3人受伤，有人被困")
            await bot.deliver()
            [card] = [m for m in fake_slack.messages(SLACK_CENTRE) if "人民路化工厂" in all_text(m)]
            # 标记为演练 asks first (#14): asked now, confirmed during the outage.
            await bot.press(SLACK_COMMANDER, SLACK_CENTRE, card, "标记为演练")
            await bot.deliver()
            card = fake_slack.message(SLACK_CENTRE, card["ts"]) or card

            await outage.down()
            for i, place in enumerate(PLACES):
                await bot.say(SLACK_REPORTING, STRANGER, f"{place}起火，{i + 1}人受伤")
            await bot.press(SLACK_COMMANDER, SLACK_CENTRE, card, "确认：是演练")
            await bot.settle()
            assert len(bot.app.spool) == len(PLACES) + 1
            told = [e for e in fake_slack.ephemerals if KEPT in e["text"]]
            assert {e["channel"] for e in told} == {SLACK_REPORTING, SLACK_CENTRE}
            assert sum(e["channel"] == SLACK_REPORTING for e in told) == 1, "told once per conversation"

            await outage.up()
            await _until(lambda: _replayed(bot.app), timeout=20)
            await bot.deliver()
            assert await _count(bot.app, _incidents()) == 1 + len(PLACES)
            assert await _count(bot.app, _drill_marks()) == 1
            # A second replay of the same events (a crash before the spool was trimmed) changes nothing.
            assert await bot.app.pipeline.replay_spooled() == 0
            receipts = [m for m in fake_slack.messages(SLACK_REPORTING) if "已登记事件" in all_text(m)]
            assert len(receipts) == 1 + len(PLACES)
        finally:
            await bot.sender.close()
            await asyncio.wait_for(bot.app.stop(), 20)


async def _replayed(app: Liandong) -> bool:
    try:
        await app.pipeline.replay_spooled()
    except Exception:
        return False
    return len(app.spool) == 0


def test_the_spool_survives_a_restart(tmp_path: Path) -> None:
    """What the spool holds is read back by a new process, oldest first, fields intact."""
    from datetime import datetime, timezone

    from core.events import Actor, Attachment, Conversation, ConversationRef, MessageEvent
    from bot.spool import InboundSpool

    event = MessageEvent(Actor("telegram", "7", "路人甲"), Conversation(ConversationRef("telegram", "-3"), False, "群"),
                         datetime(2026, 12, 3, 1, 2, tzinfo=timezone.utc), text="起火了",
                         attachments=(Attachment("photo", "F1"),), platform_event_id="42", reply_to_message_id="9")
    InboundSpool(tmp_path / "spool.jsonl").append(event)
    again = InboundSpool(tmp_path / "spool.jsonl")
    assert len(again) == 1 and again.peek(10) == [event]
    again.drop_first(1)
    assert len(InboundSpool(tmp_path / "spool.jsonl")) == 0


def test_a_spooled_form_comes_back_as_the_same_form(tmp_path: Path) -> None:
    """A form submitted while the database is away keeps its name, its fields (in order) and its id."""
    from datetime import datetime, timezone

    from core.events import Actor, Conversation, ConversationRef, FormEvent
    from bot.spool import InboundSpool, decode, encode

    form = FormEvent(Actor("slack", "U2201", "吴监测"), Conversation(ConversationRef("slack", "C0REP"), False, "C0REP"),
                     datetime(2026, 12, 3, 1, 2, tzinfo=timezone.utc), platform_event_id="view:V1",
                     form="report", fields=(("type", "hazmat"), ("place", "人民路化工厂"), ("injured", "3"),
                                            ("text", "储罐破裂，\n有人\"被困\"")))
    assert decode(encode(form)) == form and hash(decode(encode(form))) == hash(form)
    InboundSpool(tmp_path / "spool.jsonl").append(form)
    [again] = InboundSpool(tmp_path / "spool.jsonl").peek(10)
    assert again == form and isinstance(again, FormEvent) and again.value("place") == "人民路化工厂"
