"""Database tables. Timestamps are stored as naive UTC and read back as aware UTC."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text,
    UniqueConstraint, false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants 64 bits.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Stores UTC without a zone (same text order on SQLite), returns aware UTC."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # YYYYMMDD-NNNN
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")
    drill: Mapped[bool] = mapped_column(Boolean, default=False)
    type: Mapped[str] = mapped_column(String(20))
    location: Mapped[str | None] = mapped_column(Text)
    stated_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" as reported
    dead: Mapped[int] = mapped_column(Integer, default=0)
    injured: Mapped[int] = mapped_column(Integer, default=0)
    trapped: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    reporter_platform: Mapped[str] = mapped_column(String(16))
    reporter_id: Mapped[str] = mapped_column(String(64))
    reporter_name: Mapped[str] = mapped_column(String(200))
    reporter_registered: Mapped[bool] = mapped_column(Boolean)
    source_platform: Mapped[str] = mapped_column(String(16))
    source_chat_id: Mapped[str] = mapped_column(String(64))
    source_message_id: Mapped[str | None] = mapped_column(String(64))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(200))
    close_summary: Mapped[str | None] = mapped_column(Text)
    # The response level (1 the gravest) and its name as shown when it was set, so a
    # level renamed in the organisation file later does not rewrite history.
    level: Mapped[int | None] = mapped_column(Integer)
    level_name: Mapped[str | None] = mapped_column(String(60))
    # Who commands on scene (name; platform:user_id; their unit, None for the centre)
    # and their latest situation report, shown on the card.
    commander: Mapped[str | None] = mapped_column(String(200))
    commander_id: Mapped[str | None] = mapped_column(String(100))
    commander_unit: Mapped[str | None] = mapped_column(String(32))
    situation: Mapped[str | None] = mapped_column(Text)
    # Escalated to the upper centre (#14, tiers): since when and by whom; its members may then act on it.
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalated_by: Mapped[str | None] = mapped_column(String(200))
    # Set when a later pin put this report within reach of an earlier incident:
    # the incident is closed and its report is a source of that one.
    merged_into: Mapped[str | None] = mapped_column(String(16))
    # Fields the parser was unsure of ("type,location"): marked on the card until a person states them.
    unsure: Mapped[str] = mapped_column(String(64), default="", server_default="")

    __table_args__ = (
        Index("ix_incidents_created_at", "created_at"),
        Index("ix_incidents_reporter", "reporter_platform", "reporter_id", "created_at"),
        # "Which incident did this message report?" — asked for replies to people's messages.
        Index("ix_incidents_source_message", "source_chat_id", "source_message_id"),
    )


class IncidentAttachment(Base):
    """A photo or file sent with a report or in reply to it, kept by platform file id."""

    __tablename__ = "incident_attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    platform: Mapped[str] = mapped_column(String(16))
    platform_file_id: Mapped[str] = mapped_column(String(255))


class TimelineEntry(Base):
    """Append-only record of everything that happened to an incident."""

    __tablename__ = "incident_timeline"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    actor_platform: Mapped[str | None] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    actor_name: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class IncidentSource(Base):
    """A further report of an incident: a duplicate linked to it instead of a new incident.

    The incident's own first report stays on the incident row; these are the
    others. A source split off by the centre keeps its row, with `split_into`.
    """

    __tablename__ = "incident_sources"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Random, made by the bot: what its Split button names, known before the row is written.
    ref: Mapped[str] = mapped_column(String(16))
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    text: Mapped[str] = mapped_column(Text)
    reporter_platform: Mapped[str] = mapped_column(String(16))
    reporter_id: Mapped[str] = mapped_column(String(64))
    reporter_name: Mapped[str] = mapped_column(String(200))
    reporter_registered: Mapped[bool] = mapped_column(Boolean)
    source_platform: Mapped[str] = mapped_column(String(16))
    source_chat_id: Mapped[str] = mapped_column(String(64))
    source_message_id: Mapped[str | None] = mapped_column(String(64))
    merged_from: Mapped[str | None] = mapped_column(String(16))  # the incident it was registered as
    split_into: Mapped[str | None] = mapped_column(String(16))  # the incident it became when split

    __table_args__ = (
        Index("ix_incident_sources_ref", "ref", unique=True),
        Index("ix_incident_sources_source_message", "source_chat_id", "source_message_id"),
    )


class DailyCounter(Base):
    """Per-day sequence behind incident ids."""

    __tablename__ = "daily_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class OutboxMessage(Base):
    """A message to deliver, written in the transaction that caused it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # send | edit
    message_key: Mapped[str | None] = mapped_column(String(120))
    reply_to_message_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # core.messages.Priority
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    platform_message_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_outbox_due", "platform", "status", "next_attempt_at"),
        # "Is an earlier message of this chat still undelivered?" — asked for every claim.
        Index("ix_outbox_chat_undelivered", "platform", "chat_id", "status", "id"),
        # Finding a message by its key: to fold an edit into a pending row, or to edit it.
        Index("ix_outbox_chat_key_status", "platform", "chat_id", "message_key", "status"),
        Index("ix_outbox_platform_message", "platform", "chat_id", "platform_message_id"),
        # Progress of a broadcast: its rows across every chat, by status.
        Index("ix_outbox_key_status", "message_key", "status"),
    )


class ButtonToken(Base):
    """What an opaque button token means; nothing a client sends is trusted."""

    __tablename__ = "button_tokens"

    token: Mapped[str] = mapped_column(String(24), primary_key=True)
    action: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_button_tokens_created_at", "created_at"),)  # retention


class InboundEvent(Base):
    """Platform update ids already handled, so a redelivery changes nothing."""

    __tablename__ = "inbound_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("platform", "event_id", name="uq_inbound_event"),
        Index("ix_inbound_events_received_at", "received_at"),  # retention
    )


class DispatchOrder(Base):
    """One unit's order for one incident, and where it stands.

    States only move forward: ordered → acknowledged → en_route → on_scene;
    declined ends it (the unit may then get a new order, its next attempt). Orders for units that need approval start as
    pending_approval and become ordered or rejected.
    """

    __tablename__ = "dispatch_orders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(20))
    instruction: Mapped[str] = mapped_column(Text, default="")
    ordered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ordered_by: Mapped[str] = mapped_column(String(200))
    ordered_by_id: Mapped[str] = mapped_column(String(100))  # platform:user_id, for "not the requester"
    state_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state_by: Mapped[str | None] = mapped_column(String(200))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(200))  # approval or rejection
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    en_route_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    on_scene_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Escalation of silence: a due-time in the database, so it survives restarts.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalate_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # None while its copies are still going out; then "delivered" or "undelivered"
    # (no conversation of the unit could be reached: the centre is told).
    delivery: Mapped[str | None] = mapped_column(String(12))
    # 1, then 2… when a unit that declined (or was not approved) is ordered again; the
    # constraint still stops two processes ordering one unit twice at once.
    attempt: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (
        UniqueConstraint("incident_id", "unit_code", "attempt", name="uq_order_incident_unit_attempt"),
        Index("ix_orders_escalate_at", "escalate_at"),
    )


class SupportRequest(Base):
    """More forces asked for an incident (/request, or 请求支援 on an order; #14, tiers).

    Within the region it goes to the centre with a dispatch ready to send; for another
    region's units it waits for the upper centre: pending, then approved (the units are
    ordered) or rejected.
    """

    __tablename__ = "support_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    units: Mapped[list[str]] = mapped_column(JSON, default=list)  # the units asked for
    capability: Mapped[str | None] = mapped_column(String(64))  # cap:… as asked, None for named units
    region: Mapped[str | None] = mapped_column(String(32))  # the other region, None within the region
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_by_id: Mapped[str] = mapped_column(String(100))  # platform:user_id: the requester cannot decide
    requested_unit: Mapped[str | None] = mapped_column(String(32))  # the requester's unit on scene, if any
    state: Mapped[str] = mapped_column(String(12))  # to_centre | pending | approved | rejected
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # A request nobody decides is escalated like an order nobody acknowledges.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalate_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


class DispatchDraft(Base):
    """A dispatch being put together on a command-centre card before it is sent."""

    __tablename__ = "dispatch_drafts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    units: Mapped[list[str]] = mapped_column(JSON, default=list)
    instruction: Mapped[str] = mapped_column(Text, default="")
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | sent | cancelled


class Broadcast(Base):
    """An alert to many units: previewed, then sent now or at a set time.

    Its deliveries are outbox rows keyed `alert:<id>` (`alert:<id>:r<n>` for
    re-sends), so progress is counted from the outbox itself.
    """

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[str] = mapped_column(String(100))  # platform:user_id
    level: Mapped[str | None] = mapped_column(String(8))  # blue | yellow | orange | red
    text: Mapped[str] = mapped_column(Text)
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)  # selectors as typed
    units: Mapped[list[str]] = mapped_column(JSON, default=list)  # what they matched
    # preview → scheduled → sending → sent; preview/scheduled → cancelled
    status: Mapped[str] = mapped_column(String(10))
    scheduled_for: Mapped[datetime | None] = mapped_column(UtcDateTime)
    origin_platform: Mapped[str] = mapped_column(String(16))  # where the preview and progress live
    origin_chat_id: Mapped[str] = mapped_column(String(64))
    decided_by: Mapped[str | None] = mapped_column(String(200))  # who pressed Send or Cancel
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    conversations: Mapped[int] = mapped_column(Integer, default=0)  # targets of the first round
    rounds: Mapped[int] = mapped_column(Integer, default=0)  # 1 + re-sends to unconfirmed units
    last_round_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when the latest round was queued
    shown_progress: Mapped[str | None] = mapped_column(String(40))  # last figures shown to the sender
    # What a CAP 1.2 alert carries besides level and text (#17); all optional.
    area: Mapped[str | None] = mapped_column(String(500))  # areaDesc: towns, districts, as written
    event: Mapped[str | None] = mapped_column(String(100))  # 暴雨, flood, …
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # valid until
    instruction: Mapped[str | None] = mapped_column(Text)  # what people and units are to do
    sender_name: Mapped[str | None] = mapped_column(String(200))  # the issuing body, as shown to units
    # alert | update | cancel; an update or cancel replaces `references_id` once sent.
    msg_type: Mapped[str] = mapped_column(String(8), default="alert", server_default="alert")
    references_id: Mapped[int | None] = mapped_column(BigId)
    replaced_by_id: Mapped[int | None] = mapped_column(BigId)  # the sent update/cancel that superseded it
    expired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when its copies were marked expired
    # An alert drafted from an outside CAP warning: that warning's identity, never drafted twice.
    cap_sender: Mapped[str | None] = mapped_column(String(255))
    cap_identifier: Mapped[str | None] = mapped_column(String(255))
    cap_sent: Mapped[str | None] = mapped_column(String(40))
    tasks: Mapped[list[str] | None] = mapped_column(JSON)  # task:… lines, each confirmed per unit
    # A red alert's escalation policy (escalation.policies, applies_to: red_alerts): its next
    # step's due-time for the units that have not confirmed, and how many steps ran.
    escalate_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    escalation_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        Index("ix_broadcasts_status_due", "status", "scheduled_for"),
        Index("ix_broadcasts_expiry", "expired_at", "expires_at"),
        UniqueConstraint("cap_sender", "cap_identifier", name="uq_broadcasts_cap_identity"),
    )


class BroadcastReceipt(Base):
    """A member's 收到 for an alert, on behalf of one unit."""

    __tablename__ = "broadcast_receipts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"))
    unit_code: Mapped[str] = mapped_column(String(32))
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    chat_id: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("broadcast_id", "unit_code", "platform", "user_id", name="uq_receipt_member"),
    )


class BroadcastTaskMark(Base):
    """A unit's progress on one task of an alert: received (收到), then done (已部署)."""

    __tablename__ = "broadcast_task_marks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"))
    unit_code: Mapped[str] = mapped_column(String(32))
    task_no: Mapped[int] = mapped_column(Integer)  # 1-based, in the order the tasks were written
    state: Mapped[str] = mapped_column(String(10))  # received | done
    count: Mapped[str | None] = mapped_column(String(100))  # "转移 120 人", by reply
    name: Mapped[str] = mapped_column(String(200))  # who marked it last
    marked_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("broadcast_id", "unit_code", "task_no", name="uq_task_mark_unit"),)


class RollcallSchedule(Base):
    """A temporary roll-call schedule for a sensitive period (/rollcall-intensify).

    Standing schedules live in the organisation file; these stop by themselves at
    `ends_at` or when cancelled.
    """

    __tablename__ = "rollcall_schedules"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    every_minutes: Mapped[int] = mapped_column(Integer)
    units: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(String(16))  # duty_officer | all
    deadline_minutes: Mapped[int] = mapped_column(Integer)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_rollcall_schedules_ends_at", "ends_at"),)


class RollcallRun(Base):
    """One roll-call: scheduled or ad hoc, sent once, closed after its deadline.

    The row is also the claim of a scheduled run: (schedule_key, scheduled_for) is
    unique, so a second bot process, or a restart, reaching the same run inserts
    nothing and sends nothing. `due_at` is the next deadline step (reminder, then
    summary), claimed with SKIP LOCKED like dispatch escalation.
    """

    __tablename__ = "rollcalls"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    schedule_key: Mapped[str] = mapped_column(String(80))  # org:<name> | temp:<id> | adhoc:<token>
    scheduled_for: Mapped[datetime] = mapped_column(UtcDateTime)
    name: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_by: Mapped[str | None] = mapped_column(String(200))  # ad hoc: who asked
    units: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(String(16))  # duty_officer | all
    deadline_at: Mapped[datetime] = mapped_column(UtcDateTime)
    stage: Mapped[str] = mapped_column(String(10))  # open | reminded | closed
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Steps of the roll-call escalation policy taken (escalation.policies, applies_to: rollcalls).
    escalation_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        UniqueConstraint("schedule_key", "scheduled_for", name="uq_rollcall_run"),
        Index("ix_rollcalls_due_at", "due_at"),
        Index("ix_rollcalls_started_at", "started_at"),
    )


class RollcallAnswer(Base):
    """A member's 到 or 不在岗 to one roll-call, for one unit."""

    __tablename__ = "rollcall_answers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    rollcall_id: Mapped[int] = mapped_column(ForeignKey("rollcalls.id"))
    unit_code: Mapped[str] = mapped_column(String(32))
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))  # present | absent
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("rollcall_id", "unit_code", "platform", "user_id", name="uq_rollcall_answer"),
    )


# -- the roster: what chat and the contact register add to the organisation file --


class RosterUnit(Base):
    """A unit added by importing the contact register (the file's units stay there)."""

    __tablename__ = "roster_units"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    capabilities: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class RosterMember(Base):
    """A member added in chat (/join) or a contact imported from the register.

    A contact has a phone but no chat id until its person joins; a removed
    member keeps its row (removed_at) for the record.
    """

    __tablename__ = "roster_members"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # duty_officer | member
    platform: Mapped[str | None] = mapped_column(String(16))
    user_id: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))  # 职务
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))  # chat | import | cli
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_by: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_roster_members_person", "platform", "user_id"),)


class RosterBinding(Base):
    """A group or channel bound to a unit from chat (/bind)."""

    __tablename__ = "roster_bindings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_by: Mapped[str | None] = mapped_column(String(200))
    announce_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Invite(Base):
    """A code to join a unit (/join) or bind a conversation to it (/bind).

    Only its SHA-256 is kept: a database dump does not hand out memberships.
    """

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    uses_left: Mapped[int] = mapped_column(Integer)
    # A code binds one conversation: the team's group, bound by one of the members it let in.
    binds_left: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class DutyChange(Base):
    """Who took a unit's duty (值班) and when; the latest row per unit is the current one."""

    __tablename__ = "duty_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str | None] = mapped_column(String(16))
    user_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_duty_changes_unit", "unit_code", "id"),)


class RosterEvent(Base):
    """Every change to the roster, for the record; its highest id is the roster's version."""

    __tablename__ = "roster_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TriageItem(Base):
    """A message intake could not decide on, before the centre: Register or Not a report.

    Doubtful messages of one sender while an item of theirs is open are folded
    into it (count, latest text): a flood is one entry, not a hundred.
    """

    __tablename__ = "triage_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | registered | dismissed
    # The triage message that lists it: a new one once the list had emptied.
    board_key: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text)
    sender_platform: Mapped[str] = mapped_column(String(16))
    sender_id: Mapped[str] = mapped_column(String(64))
    sender_name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    chat_title: Mapped[str | None] = mapped_column(String(200))
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    message_id: Mapped[str | None] = mapped_column(String(64))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    incident_id: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_triage_open", "status", "sender_platform", "sender_id"),)


class KnownPlace(Base):
    """A place imported (`liandong places import`) or remembered from a centre member's
    correction; laid over the organisation file's `places:`."""

    __tablename__ = "places"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="other")
    town: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(16))  # import | correction
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    added_by: Mapped[str] = mapped_column(String(200))


class ConversationMove(Base):
    """A group that became another chat (a Telegram group upgraded to a supergroup).

    Rows naming the old chat are moved when it happens; the organisation file's
    chats are moved when the roster is laid over it, until the file is updated.
    """

    __tablename__ = "conversation_moves"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    old_chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    new_chat_id: Mapped[str] = mapped_column(String(64))
    moved_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReportTally(Base):
    """Reports counted per sender (per hour) or conversation (per minute), for flood limits.

    A row per scope and window, bumped in the transaction that registers the
    report, so two bot processes count together.
    """

    __tablename__ = "report_tallies"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)  # sender | conversation
    subject: Mapped[str] = mapped_column(String(100), primary_key=True)  # platform:id
    window_start: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


# -- the web board (adapters/web): sign-in links from chat and the sessions they open --


class BoardLink(Base):
    """A one-time sign-in link to the web board, asked for with /board in chat.

    Only its SHA-256 is kept (like invites): a database dump opens no board."""

    __tablename__ = "board_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person: Mapped[str] = mapped_column(String(100))  # platform:user_id of the centre member
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class BoardSession(Base):
    """A browser signed in to the board; its cookie holds the secret, this row its hash."""

    __tablename__ = "board_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # signed out or revoked

    __table_args__ = (Index("ix_board_sessions_person", "person"),)
class ReportJob(Base):
    """A report to build off the event loop (/review, /stats, the scheduled bulletin).

    Asked for in the transaction of the command (or claimed by the schedule timer),
    built by a worker outside any transaction, and answered through the outbox.
    A scheduled run is claimed by inserting its row: (schedule_key, scheduled_for) is
    unique, so a second process reaching the same run inserts nothing (NULLs, the
    ad hoc jobs, never collide).
    """

    __tablename__ = "report_jobs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # review | stats
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Where the answer goes: ["platform:chat_id", …], and the message it answers.
    answer_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    reply_to_message_id: Mapped[str | None] = mapped_column(String(64))
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | working | done | failed
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    schedule_key: Mapped[str | None] = mapped_column(String(80))
    scheduled_for: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("schedule_key", "scheduled_for", name="uq_report_job_run"),
        Index("ix_report_jobs_status", "status", "id"),
    )


class DrillRun(Base):
    """One run of a drill scenario (#16): started from chat or scheduled, its script kept
    with it (a scenario file edited mid-run changes nothing), evaluated when it ends.

    `active_key` is the scenario's name while the run is scheduled or running and NULL
    once it ended: unique, so a second run of the same scenario at once inserts nothing
    (NULLs never collide), whichever process tries.
    """

    __tablename__ = "drill_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    scenario: Mapped[str] = mapped_column(String(64))  # the file's name in the scenario directory
    title: Mapped[str] = mapped_column(String(200))
    script: Mapped[str] = mapped_column(Text)  # the scenario's YAML as it was at the start
    announced: Mapped[bool] = mapped_column(Boolean, default=True)
    started_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)  # when the script's clock starts
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the time limit
    status: Mapped[str] = mapped_column(String(10))  # running | stopped | finished | timed_out
    active_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    announced_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # units told (announced runs)
    evaluation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A scheduled run's claim: "<scenario>@<time>", unique, so it starts once across
    # processes and restarts even after it ended (NULL for runs started from chat).
    schedule_key: Mapped[str | None] = mapped_column(String(120), unique=True)

    __table_args__ = (Index("ix_drill_runs_scenario", "scenario", "started_at"),)


class DrillInject(Base):
    """One inject of a run, due at the run's start plus its offset; fired once (claimed
    with SKIP LOCKED, `fired_at` set in the same transaction as what it produced)."""

    __tablename__ = "drill_injects"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("drill_runs.id"))
    position: Mapped[int] = mapped_column(Integer)  # its index in the script
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # What it produced: {"incident": id} | {"rollcall": id} | {"draft": true}
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_drill_injects_due", "fired_at", "due_at"),
                      UniqueConstraint("run_id", "position", name="uq_drill_inject_position"))


class PendingRedraw(Base):
    """A view of an incident (its board, its cards) to redraw after the transaction that
    changed it, kept until the redraw is queued: a bot process that died in between
    redraws it when it starts again (bot/pipeline.py, work after commit)."""

    __tablename__ = "pending_redraws"

    # The bot process that asked: each marks its own rows, so two processes' presses on
    # one incident never wait for each other on one marker (a unique key both insert).
    owner: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    incident_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime)
