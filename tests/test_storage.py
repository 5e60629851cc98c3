"""Storage on both backends: migrations, incident ids, timeline, outbox claims,
button tokens, redelivery. Every test here runs on SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.events import ConversationRef
from core.messages import Message, Outgoing
from storage.buttons import ButtonRepository
from storage.db import Database
from storage.inbound import first_delivery
from storage.incidents import IncidentRepository, TimelineActor
from storage.migrate import current_revision, head_revision
from storage.models import Incident, OutboxMessage
from storage.outbox import DELIVERED, FAILED, OutboxRepository

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc)
LEASE = timedelta(seconds=30)
A = ConversationRef("console", "centre")
B = ConversationRef("console", "FIRE-01")


async def test_migrations_reach_head_and_are_idempotent(db: Database) -> None:
    newest_file = sorted((Path(__file__).parents[1] / "storage/migrations/versions").glob("0*.py"))[-1]
    assert await current_revision(db.engine) == head_revision() == newest_file.name[:4]
    await db.upgrade()  # a second start must not fail
    assert await current_revision(db.engine) == head_revision()


async def test_the_migrations_build_exactly_the_models_tables(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from storage.models import Base

    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    async with db.engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == []


async def test_incident_ids_count_per_day_in_the_organisations_zone(db: Database) -> None:
    async with db.transaction() as session:
        repo = IncidentRepository(session)
        first = await repo.next_id(NOW, SHANGHAI)
        second = await repo.next_id(NOW, SHANGHAI)
        # 16:30 UTC is already the next day in Shanghai.
        next_day = await repo.next_id(datetime(2026, 11, 22, 16, 30, tzinfo=timezone.utc), SHANGHAI)
    assert (first, second, next_day) == ("20261122-0001", "20261122-0002", "20261123-0001")


async def test_concurrent_transactions_never_share_an_incident_id(db: Database) -> None:
    async def one() -> str:
        async with db.transaction() as session:
            return await IncidentRepository(session).next_id(NOW, SHANGHAI)

    ids = await asyncio.gather(*(one() for _ in range(25)))
    assert sorted(ids) == [f"20261122-{n:04d}" for n in range(1, 26)]


async def test_a_rolled_back_transaction_leaves_nothing(db: Database) -> None:
    try:
        async with db.transaction() as session:
            await OutboxRepository(session).enqueue([Outgoing(A, Message(text="x"))], NOW)
            raise RuntimeError("handler failed")
    except RuntimeError:
        pass
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_incident_and_timeline_round_trip(db: Database) -> None:
    async with db.transaction() as session:
        repo = IncidentRepository(session)
        await repo.add(_incident("20261122-0001"))
        await repo.record("20261122-0001", NOW, "reported", TimelineActor("console", "张三", "张三"), {"text": "起火"})
        await repo.record("20261122-0001", NOW + timedelta(minutes=1), "marked_drill", None)
    async with db.transaction() as session:
        repo = IncidentRepository(session)
        incident = await repo.get("20261122-0001")
        timeline = await repo.timeline("20261122-0001")
    assert incident is not None and incident.injured == 3 and incident.created_at == NOW
    assert [(e.kind, e.actor_name, e.data) for e in timeline] == [
        ("reported", "张三", {"text": "起火"}), ("marked_drill", None, {}),
    ]


async def test_outbox_claims_only_the_oldest_undelivered_message_per_chat(db: Database) -> None:
    await _enqueue(db, [Outgoing(A, Message(text="a1")), Outgoing(A, Message(text="a2")),
                        Outgoing(B, Message(text="b1"))])
    first = await _claim(db)
    assert [d.message.text for d in first] == ["a1", "b1"]
    assert await _claim(db) == []  # a2 waits for a1
    async with db.transaction() as session:
        await OutboxRepository(session).mark_delivered(first[0].outbox_id, "m1", NOW)
    assert [d.message.text for d in await _claim(db)] == ["a2"]


async def test_a_claim_hands_out_the_more_urgent_of_its_chats_first(db: Database) -> None:
    """One row per chat: across chats the claim's order is free, so the urgent book slots first."""
    from core.messages import Priority

    await _enqueue(db, [Outgoing(A, Message(text="low"), priority=Priority.LOW),
                        Outgoing(B, Message(text="normal"))])
    assert [d.message.text for d in await _claim(db)] == ["normal", "low"]


async def test_a_failed_retry_keeps_later_messages_in_the_chat_waiting(db: Database) -> None:
    await _enqueue(db, [Outgoing(A, Message(text="a1")), Outgoing(A, Message(text="a2"))])
    [a1] = await _claim(db)
    async with db.transaction() as session:
        await OutboxRepository(session).mark_retry(a1.outbox_id, "502", NOW + timedelta(seconds=10))
    assert await _claim(db) == []
    again = await _claim(db, NOW + timedelta(seconds=11))
    assert [(d.message.text, d.attempt) for d in again] == [("a1", 2)]


async def test_an_expired_lease_is_claimed_again_and_a_delivered_row_never(db: Database) -> None:
    await _enqueue(db, [Outgoing(A, Message(text="a1"))])
    [claimed] = await _claim(db)
    assert await _claim(db, NOW + LEASE - timedelta(seconds=1)) == []
    [reclaimed] = await _claim(db, NOW + LEASE + timedelta(seconds=1))
    assert reclaimed.outbox_id == claimed.outbox_id
    async with db.transaction() as session:
        await OutboxRepository(session).mark_delivered(reclaimed.outbox_id, "m1", NOW)
    assert await _claim(db, NOW + timedelta(days=1)) == []
    async with db.transaction() as session:
        assert await OutboxRepository(session).counts() == {DELIVERED: 1}


async def test_settling_an_already_settled_row_changes_nothing(db: Database) -> None:
    await _enqueue(db, [Outgoing(A, Message(text="a1"))])
    [claimed] = await _claim(db)
    async with db.transaction() as session:
        outbox = OutboxRepository(session)
        await outbox.mark_delivered(claimed.outbox_id, "m1", NOW)
        await outbox.mark_failed(claimed.outbox_id, "late failure report")
        assert await outbox.counts() == {DELIVERED: 1}


async def test_an_edit_finds_the_platform_id_of_the_message_it_edits(db: Database) -> None:
    await _enqueue(db, [Outgoing(A, Message(text="card"), key="incident:1:card")])
    [send] = await _claim(db)
    await _enqueue(db, [Outgoing(A, Message(text="card v2"), edit_key="incident:1:card")])
    async with db.transaction() as session:
        await OutboxRepository(session).mark_delivered(send.outbox_id, "4711", NOW)
    [edit] = await _claim(db)
    assert (edit.kind, edit.target_message_id, edit.message.text) == ("edit", "4711", "card v2")


async def test_claims_from_two_concurrent_senders_never_overlap(db: Database) -> None:
    chats = [ConversationRef("console", f"chat{i}") for i in range(40)]
    await _enqueue(db, [Outgoing(c, Message(text=c.chat_id)) for c in chats])
    first, second = await asyncio.gather(_claim(db, limit=25), _claim(db, limit=25))
    ids_first = {d.outbox_id for d in first}
    ids_second = {d.outbox_id for d in second}
    assert not ids_first & ids_second
    assert len(ids_first | ids_second) == 40


async def test_failed_rows_stay_visible(db: Database) -> None:
    await _enqueue(db, [Outgoing(A, Message(text="a1"))])
    [claimed] = await _claim(db)
    async with db.transaction() as session:
        await OutboxRepository(session).mark_failed(claimed.outbox_id, "chat not found")
    async with db.transaction() as session:
        row = await session.get(OutboxMessage, claimed.outbox_id)
        assert (row.status, row.last_error) == (FAILED, "chat not found")
    assert await _claim(db, NOW + timedelta(days=1)) == []


async def test_button_tokens_resolve_only_when_known(db: Database) -> None:
    async with db.transaction() as session:
        buttons = ButtonRepository(session)
        token = await buttons.issue("incident.drill", {"incident": "20261122-0001"}, A, NOW)
    assert len(token.encode()) <= 64
    async with db.transaction() as session:
        buttons = ButtonRepository(session)
        resolved = await buttons.resolve(token)
        assert resolved is not None and resolved.data == {"incident": "20261122-0001"}
        assert resolved.conversation == A
        assert await buttons.resolve(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert await buttons.resolve("") is None
        assert await buttons.resolve("x" * 500) is None


async def test_existing_buttons_are_known_as_issued_and_still_resolve_in_full(db: Database) -> None:
    """`existing` reads only the tokens (a redrawn card asks whether its buttons exist):
    a token it found still resolves with its data, one it did not find resolves to
    nothing, and both count as issued, or not, without a second question."""
    async with db.transaction() as session:
        token = await ButtonRepository(session).issue("incident.drill", {"incident": "20261122-0001"}, A, NOW,
                                                      token="dr-derived-1")
    async with db.transaction() as session:
        buttons = ButtonRepository(session)
        assert await buttons.existing([token, "dr-never-issued", token]) == {token}
        assert buttons.cached_as_issued(token) and not buttons.cached_as_issued("dr-never-issued")
        resolved = await buttons.resolve(token)
        assert resolved is not None and resolved.action == "incident.drill"
        assert resolved.data == {"incident": "20261122-0001"} and resolved.conversation == A
        assert await buttons.resolve("dr-never-issued") is None
        assert await ButtonRepository(session).existing([token, "dr-never-issued"]) == {token}


async def test_a_redelivered_platform_event_is_seen_once(db: Database) -> None:
    async with db.transaction() as session:
        assert await first_delivery(session, "telegram", "update-1", NOW)
    async with db.transaction() as session:
        assert not await first_delivery(session, "telegram", "update-1", NOW)
        assert await first_delivery(session, "slack", "update-1", NOW)


async def test_text_with_every_kind_of_character_is_stored_intact(db: Database) -> None:
    text = "人民路 <b>&amp; 🚒 \t tab \n newline ' \" \\ %s"
    async with db.transaction() as session:
        await IncidentRepository(session).add(_incident("20261122-0002", text=text))
    async with db.transaction() as session:
        incident = await IncidentRepository(session).get("20261122-0002")
    assert incident is not None and incident.text == text


def _incident(incident_id: str, text: str = "人民路化工厂起火，3人受伤") -> Incident:
    return Incident(
        id=incident_id, created_at=NOW, status="open", drill=False, type="fire",
        location="人民路化工厂", stated_time=None, dead=0, injured=3, trapped=0, missing=0,
        text=text, language="zh", reporter_platform="console", reporter_id="张三",
        reporter_name="张三", reporter_registered=True, source_platform="console",
        source_chat_id="reporting", source_message_id="1",
    )


async def _enqueue(db: Database, items: list[Outgoing]) -> None:
    async with db.transaction() as session:
        await OutboxRepository(session).enqueue(items, NOW)


async def _claim(db: Database, now: datetime = NOW, limit: int = 50):
    async with db.transaction() as session:
        return await OutboxRepository(session).claim("console", now, LEASE, limit)


async def test_edits_fold_into_a_pending_message_for_the_same_key(db: Database) -> None:
    card = "incident:1:board"
    await _enqueue(db, [Outgoing(A, Message(text="v1"), key=card),
                        Outgoing(A, Message(text="v2"), edit_key=card)])  # same transaction
    async with db.transaction() as session:
        rows = list(await session.scalars(select(OutboxMessage)))
    assert [(r.kind, r.payload["text"]) for r in rows] == [("send", "v2")]
    [send] = await _claim(db)
    async with db.transaction() as session:
        await OutboxRepository(session).mark_delivered(send.outbox_id, "9", NOW)
    for version in ("v3", "v4", "v5"):  # separate transactions, none delivered yet
        await _enqueue(db, [Outgoing(A, Message(text=version), edit_key=card)])
    await _enqueue(db, [Outgoing(B, Message(text="other chat"), edit_key=card)])
    async with db.transaction() as session:
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [(r.chat_id, r.kind, r.status, r.payload["text"]) for r in rows] == [
        ("centre", "send", "delivered", "v2"), ("centre", "edit", "pending", "v5"),
        ("FIRE-01", "edit", "pending", "other chat"),
    ]


async def test_an_edit_folded_into_a_queued_send_keeps_its_files(db: Database) -> None:
    from core.messages import OutgoingFile

    report = Message(text="v1", files=(OutgoingFile("r.csv", b"a,b\n", "text/csv"),))
    async with db.transaction() as session:  # folded into a send queued in the same transaction
        await OutboxRepository(session).enqueue(
            [Outgoing(A, report, key="rep:1"), Outgoing(A, Message(text="v2"), edit_key="rep:1")], NOW)
    async with db.transaction() as session:  # folded into the send written earlier, still pending
        await OutboxRepository(session).enqueue([Outgoing(A, Message(text="v3"), edit_key="rep:1")], NOW)
    async with db.transaction() as session:
        [payload] = list(await session.scalars(select(OutboxMessage.payload)))
    assert payload["text"] == "v3" and Message.from_json(payload).files == report.files


async def test_presses_on_one_order_from_two_processes_decide_one_after_the_other(db: Database) -> None:
    """Each process handles its own presses (webhook mode behind a load balancer). A batch
    of presses holds its orders until it commits, so the other process's batch decides
    from the state the first committed, not from the one both read before."""
    from storage.db import Database as Connection
    from storage.dispatch import DispatchRepository
    from storage.models import DispatchOrder

    if not db.is_postgres:
        pytest.skip("SQLite has one writer: transactions never overlap")
    async with db.transaction() as session:
        await IncidentRepository(session).add(_incident("20261122-0001"))
        await session.flush()
        order = DispatchOrder(incident_id="20261122-0001", unit_code="FIRE-01", state="ordered", ordered_at=NOW,
                              ordered_by="王指挥", ordered_by_id="console:王指挥", state_at=NOW)
        session.add(order)
        await session.flush()
        order_id = order.id
    other = Connection(db.url.render_as_string(hide_password=False))  # the second process's own pool
    try:
        async with db.transaction() as first:
            await DispatchRepository(first).preload_orders([order_id])
            (await DispatchRepository(first).order(order_id)).state = "on_scene"
            await first.flush()

            async def second_reads() -> str:
                async with other.transaction() as second:
                    await DispatchRepository(second).preload_orders([order_id])
                    return (await DispatchRepository(second).order(order_id)).state

            reading = asyncio.create_task(second_reads())
            await asyncio.sleep(0.5)
            assert not reading.done()  # held until the first batch commits
        assert await asyncio.wait_for(reading, 10) == "on_scene"
    finally:
        await other.dispose()


def test_a_further_report_about_to_be_linked_carries_every_column_of_its_row() -> None:
    """NewSource is written as the row itself: a column added to the table and not to it
    would be inserted empty."""
    from storage.incidents import NewSource
    from storage.models import IncidentSource

    columns = {column.key for column in IncidentSource.__table__.columns if column.key != "id"}
    assert set(NewSource.__dataclass_fields__) == columns
