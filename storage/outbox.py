"""The durable outbox: every message the bot sends is a row here first.

Rows are written in the same transaction as the state change that caused them,
then claimed by a sender. A claim is a lease: a sender that dies mid-delivery
leaves the row to be claimed again once the lease runs out. Within one chat only
one row is claimable at a time, the first by priority and then age, so messages
of a class keep their order and an edit never overtakes the message it edits.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Iterable

from sqlalchemy import Text, Update, and_, bindparam, cast, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.events import ConversationRef
from core.messages import Delivery, Message, Outgoing
from storage.deferred import defer_insert, deferred_rows
from storage.models import OutboxMessage

PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"


@dataclass(frozen=True)
class DeliveryCounts:
    """Where the copies sent under one key stand (edits are not counted)."""

    delivered: int
    failed: int
    waiting: int  # pending or being sent

    @property
    def done(self) -> bool:
        return self.waiting == 0


def _latest_edits_only(items: list[Outgoing]) -> list[Outgoing]:
    """Drop edits that a later edit of the same message in this batch replaces.

    An edit carries the whole message, so only the last one counts: a card
    edited by fifty linked reports in one transaction costs one write, not fifty.
    """
    kept: list[Outgoing] = []
    edited_later: set[tuple[str, str, str]] = set()
    for o in reversed(items):
        key = (o.to.platform, o.to.chat_id, o.edit_key or o.key or "")
        if o.edit_key:
            if key in edited_later:
                continue
            edited_later.add(key)
        else:
            edited_later.discard(key)  # earlier edits were of an earlier message with this key
        kept.append(o)
    kept.reverse()
    return kept


def _with_files_of(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """An edit replaces a queued message's content, but not the files it is to carry."""
    return {**new, "files": old["files"]} if old.get("files") and not new.get("files") else new


def _files_kept(stored_payload: str) -> dict[str, Any]:
    """A stored payload, decoded only when it may carry files (decoding every folded-into
    row's payload was a tenth of the fold in an intake storm)."""
    return json.loads(stored_payload) if '"files"' in stored_payload else {}


def _message_of(row: dict[str, Any]) -> tuple[str, str, str]:
    return row["platform"], row["chat_id"], row["message_key"]


def _within(priority: Any, bounds: tuple[int | None, int | None]) -> list[Any]:
    most, least = bounds
    return ([priority >= most] if most is not None else []) + ([priority <= least] if least is not None else [])


def _counts(by_status: Counter[str]) -> DeliveryCounts:
    delivered, failed = by_status[DELIVERED], by_status[FAILED]
    return DeliveryCounts(delivered, failed, sum(by_status.values()) - delivered - failed)


class OutboxRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def enqueue(self, items: Iterable[Outgoing], now: datetime) -> int:
        """Queue messages; an edit folds into a not yet sent one for the same message.

        A storm of changes to one message (a status board during an ack storm)
        thus costs one platform call per send slot, not one per change.
        """
        table = OutboxMessage.__table__
        queued = 0
        maybe_foldable: list[dict[str, Any]] = []
        # The newest row queued in this transaction for each message, kept as rows are added:
        # looking each edit up in the whole queue was quadratic in a storm's batch.
        latest = {_message_of(row): row for row in deferred_rows(self.session, table) if row["message_key"]}
        for o in _latest_edits_only(list(items)):
            row = {
                "created_at": now, "platform": o.to.platform, "chat_id": o.to.chat_id,
                "kind": "edit" if o.edit_key else "send", "message_key": o.edit_key or o.key,
                "reply_to_message_id": o.reply_to_message_id, "payload": o.message.to_json(),
                "status": PENDING, "attempts": 0, "next_attempt_at": now, "priority": o.priority,
            }
            if o.edit_key and (earlier := latest.get(_message_of(row))) is not None:
                # Into a send or edit queued earlier in this transaction, not yet written.
                earlier["payload"] = _with_files_of(earlier["payload"], row["payload"])
                continue
            defer_insert(self.session, table, row)
            queued += 1
            if row["message_key"]:
                latest[_message_of(row)] = row
            if o.edit_key:
                maybe_foldable.append(row)
        return queued - await self._fold_into_pending(maybe_foldable)

    async def _fold_into_pending(self, edits: list[dict[str, Any]]) -> int:
        """Into rows written earlier and still pending: one query to find them, one to update.

        The rows are locked (PostgreSQL) so a sender cannot claim one between the
        two statements; SQLite's single writer gives the same. Edits folded here
        leave the transaction's queue; the others stay there as edits of their own.
        """
        if not edits:
            return 0
        outbox = OutboxMessage.__table__
        keys = {_message_of(e) for e in edits}
        found = await self.session.execute(_PENDING_OF_MESSAGES, {
            "platforms": sorted({k[0] for k in keys}), "chats": sorted({k[1] for k in keys}),
            "keys": sorted({k[2] for k in keys})})
        pending: dict[tuple[str, str, str], list[tuple[int, dict[str, Any]]]] = {}
        for row_id, platform, chat_id, key, payload in found.all():
            if (platform, chat_id, key) in keys:  # the lists' other combinations are not asked for
                pending.setdefault((platform, chat_id, key), []).append((row_id, payload))
        updates = []
        queued = deferred_rows(self.session, outbox)
        folded = [e for e in edits if _message_of(e) in pending]
        for edit in folded:
            updates += [{"row_id": row_id, "payload": _with_files_of(_files_kept(stored), edit["payload"])}
                        for row_id, stored in pending[_message_of(edit)]]
        folded_rows = {id(edit) for edit in folded}
        queued[:] = [row for row in queued if id(row) not in folded_rows]
        if updates:
            await self.session.execute(_SET_PAYLOAD, updates)
        return len(folded)

    async def claim(self, platform: str, now: datetime, lease: timedelta, limit: int,
                    priorities: tuple[int | None, int | None] = (None, None)) -> list[Delivery]:
        """Lease up to `limit` rows due now; `priorities` (most urgent, least urgent; None:
        no bound) narrows them to one lane of the sender. Order within a chat holds
        across lanes: a row waits for its chat's row in flight and for its more urgent ones."""
        rows = (await self.session.execute(_claim_statement(priorities), {
            "of_platform": platform, "now": now, "lease_for": now + lease, "limit": limit})).all()
        edited = [(row.chat_id, row.message_key) for row in rows if row.kind == "edit" and row.message_key]
        targets = await self.delivered_message_ids(platform, edited)
        claimed = []
        # At most one row per chat: across chats the more urgent book the platform's slots first.
        for row in sorted(rows, key=lambda r: (r.priority, r.id)):
            target = targets.get((row.chat_id, row.message_key)) if row.kind == "edit" else None
            claimed.append(
                Delivery(
                    row.id, ConversationRef(row.platform, row.chat_id), row.kind,
                    Message.from_json(row.payload), row.reply_to_message_id, target, row.attempts,
                )
            )
        return claimed

    async def delivered_message_ids(self, platform: str, messages: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """(chat, key) -> the platform's id of the newest delivered send with that key, for many at once."""
        if not messages:
            return {}
        wanted = set(messages)
        rows = await self.session.execute(_DELIVERED_IDS, {
            "platform": platform, "chats": sorted({m[0] for m in wanted}), "keys": sorted({m[1] for m in wanted})})
        return {(chat_id, key): message_id for chat_id, key, message_id in rows.all()  # by id: the newest wins
                if (chat_id, key) in wanted}

    async def keys_sent(self, to: ConversationRef, keys: list[str]) -> set[str]:
        """Which of these keys were sent to the chat by earlier transactions."""
        if not keys:
            return set()
        rows = await self.session.scalars(
            select(OutboxMessage.message_key).distinct()
            .where(OutboxMessage.platform == to.platform, OutboxMessage.chat_id == to.chat_id,
                   OutboxMessage.message_key.in_(keys), OutboxMessage.kind == "send")
        )
        return set(rows)

    async def has_key(self, to: ConversationRef, key: str) -> bool:
        """Whether a message with this key was queued for the chat by an earlier transaction."""
        return key in await self.keys_sent(to, [key])

    async def key_of_delivered(self, platform: str, chat_id: str, platform_message_id: str) -> str | None:
        """The key of the bot's message with this platform id (what a reply answers)."""
        return await self.session.scalar(
            select(OutboxMessage.message_key)
            .where(
                OutboxMessage.platform == platform, OutboxMessage.chat_id == chat_id,
                OutboxMessage.platform_message_id == platform_message_id, OutboxMessage.kind == "send",
            )
            .limit(1)
        )

    async def mark_delivered(self, message_id: int, platform_message_id: str | None, now: datetime) -> None:
        await self._set(message_id, status=DELIVERED, delivered_at=now, lease_until=None,
                        platform_message_id=platform_message_id, last_error=None)

    async def mark_delivered_many(self, delivered: list[tuple[int, str | None, datetime]]) -> None:
        """(row id, platform message id, when) for many rows, in one statement."""
        await self.session.execute(
            _MARK_DELIVERED,
            [{"row_id": row_id, "message_id": message_id, "at": at} for row_id, message_id, at in delivered],
        )

    async def blank(self, row_ids: list[int]) -> None:
        """Delivered rows that held a secret (an invite code) keep no copy of it."""
        if row_ids:
            await self.session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(row_ids))
                .values(payload=Message(text="[secret: blanked after delivery]").to_json())
            )

    async def send_counts(self, keys: list[str]) -> dict[str, DeliveryCounts]:
        """For each key, how its sends stand, counted from the rows themselves."""
        by_key: dict[str, Counter[str]] = defaultdict(Counter)
        if keys:
            rows = await self.session.execute(
                select(OutboxMessage.message_key, OutboxMessage.status, func.count())
                .where(OutboxMessage.message_key.in_(keys), OutboxMessage.kind == "send")
                .group_by(OutboxMessage.message_key, OutboxMessage.status)
            )
            for key, status, count in rows.all():
                by_key[key][status] = count
        return {key: _counts(by_key[key]) for key in keys}

    async def mark_retry(self, message_id: int, error: str, next_attempt_at: datetime) -> None:
        await self._set(message_id, status=PENDING, next_attempt_at=next_attempt_at,
                        lease_until=None, last_error=error[:2000])

    async def defer(self, message_id: int, until: datetime) -> None:
        """Put a claimed row back untried (rate limit): its attempt does not count."""
        await self._set(message_id, status=PENDING, next_attempt_at=until, lease_until=None,
                        attempts=OutboxMessage.attempts - 1)

    async def mark_failed(self, message_id: int, error: str) -> None:
        await self._set(message_id, status=FAILED, lease_until=None, last_error=error[:2000])

    async def _set(self, message_id: int, **values: Any) -> None:
        # Only the holder of the lease may settle a row; a row already settled
        # (e.g. delivered by a process whose lease we wrongly thought lapsed) stays.
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == SENDING)
            .values(**values)
        )

    async def counts(self) -> dict[str, int]:
        from sqlalchemy import func

        rows = await self.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {status: n for status, n in rows.all()}

    async def undelivered_by_platform(self) -> dict[str, tuple[int, datetime | None]]:
        """Per platform: how many rows wait to be delivered (pending or being sent) and
        when the oldest of them was written. Platforms with none are absent."""
        rows = await self.session.execute(
            select(OutboxMessage.platform, func.count(), func.min(OutboxMessage.created_at))
            .where(OutboxMessage.status.in_((PENDING, SENDING)))
            .group_by(OutboxMessage.platform)
        )
        return {platform: (n, oldest) for platform, n, oldest in rows.all()}


# The sender's statements, built once: in a storm they run many times a second, and
# building one (its subqueries, and the key SQLAlchemy caches its compiled form under)
# cost more than running it.
_OUTBOX = OutboxMessage.__table__

# Asked for as lists of platforms, chats and keys, not as (platform, chat, key) rows: a
# row-value IN makes SQLite read the whole outbox index, scalar INs let it seek the
# (platform, chat_id, message_key, status) index for each; the few other combinations
# the lists make are dropped by the caller.
_PENDING_OF_MESSAGES = (
    # The payload as stored text: it is only looked into for files (see _files_kept).
    select(_OUTBOX.c.id, _OUTBOX.c.platform, _OUTBOX.c.chat_id, _OUTBOX.c.message_key,
           cast(_OUTBOX.c.payload, Text))
    .where(_OUTBOX.c.platform.in_(bindparam("platforms", expanding=True)),
           _OUTBOX.c.chat_id.in_(bindparam("chats", expanding=True)),
           _OUTBOX.c.message_key.in_(bindparam("keys", expanding=True)),
           _OUTBOX.c.status == PENDING)
    .with_for_update()
)

_SET_PAYLOAD = update(_OUTBOX).where(_OUTBOX.c.id == bindparam("row_id")).values(payload=bindparam("payload"))

_MARK_DELIVERED = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"), _OUTBOX.c.status == SENDING)
    .values(status=DELIVERED, delivered_at=bindparam("at"), lease_until=None,
            platform_message_id=bindparam("message_id"), last_error=None)
)

_DELIVERED_IDS = (
    select(_OUTBOX.c.chat_id, _OUTBOX.c.message_key, _OUTBOX.c.platform_message_id)
    .where(_OUTBOX.c.platform == bindparam("platform"),
           _OUTBOX.c.chat_id.in_(bindparam("chats", expanding=True)),
           _OUTBOX.c.message_key.in_(bindparam("keys", expanding=True)),
           _OUTBOX.c.status == DELIVERED, _OUTBOX.c.kind == "send")
    .order_by(_OUTBOX.c.id)
)


@lru_cache(maxsize=None)  # one per lane's band of priorities
def _claim_statement(priorities: tuple[int | None, int | None]) -> Update:
    """Lease up to :limit rows of :of_platform due at :now until :lease_for (see OutboxRepository.claim).
    Parameters of an UPDATE cannot take its columns' names."""
    # Aliases keep the subquery from correlating with the UPDATE's own table.
    candidate, earlier = aliased(OutboxMessage), aliased(OutboxMessage)
    now = bindparam("now", type_=OutboxMessage.next_attempt_at.type)
    claimable = (
        select(candidate.id)
        .where(
            candidate.platform == bindparam("of_platform"),
            or_(
                and_(candidate.status == PENDING, candidate.next_attempt_at <= now),
                and_(candidate.status == SENDING, candidate.lease_until < now),
            ),
            # One message at a time per chat: the first by (priority, id), except
            # that an edit waits for every earlier row of the message it edits.
            ~exists().where(
                earlier.platform == candidate.platform,
                earlier.chat_id == candidate.chat_id,
                earlier.id != candidate.id,
                earlier.status.in_((PENDING, SENDING)),
                or_(
                    earlier.status == SENDING,
                    earlier.priority < candidate.priority,
                    and_(earlier.priority == candidate.priority, earlier.id < candidate.id),
                    and_(earlier.id < candidate.id, earlier.message_key == candidate.message_key),
                ),
            ),
        )
        .where(*_within(candidate.priority, priorities))
        .order_by(candidate.priority, candidate.id)
        .limit(bindparam("limit"))
        # Two bot processes on PostgreSQL skip each other's rows; SQLite has
        # no row locks and drops this, but BEGIN IMMEDIATE serialises claims.
        .with_for_update(skip_locked=True, of=candidate)
    )
    return (
        update(_OUTBOX)
        .where(_OUTBOX.c.id.in_(claimable.scalar_subquery()))
        .values(status=SENDING, lease_until=bindparam("lease_for"), attempts=_OUTBOX.c.attempts + 1)
        .returning(
            _OUTBOX.c.id, _OUTBOX.c.platform, _OUTBOX.c.chat_id, _OUTBOX.c.kind,
            _OUTBOX.c.message_key, _OUTBOX.c.payload, _OUTBOX.c.reply_to_message_id,
            _OUTBOX.c.attempts, _OUTBOX.c.priority,
        )
    )
