"""Following a group that became another chat: every row naming the old chat moves.

Telegram upgrades a group to a supergroup under a new chat id; the old id then
refuses every send. Moving the rows in one transaction keeps the outbox going
(queued messages and their retries go to the new chat, edits find what was
sent), buttons working, reporters' receipts and bindings in place.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Broadcast, BroadcastReceipt, ButtonToken, ConversationMove, DispatchDraft, Incident, IncidentSource,
    OutboxMessage, RosterBinding, TriageItem,
)
from core.messages import MOVED_ERROR
from storage.outbox import FAILED, PENDING

# (table, platform column, chat column) of every row that names a chat.
_CHAT_COLUMNS = (
    (OutboxMessage, "platform", "chat_id"),
    (ButtonToken, "platform", "chat_id"),
    (RosterBinding, "platform", "chat_id"),
    (DispatchDraft, "platform", "chat_id"),
    (BroadcastReceipt, "platform", "chat_id"),
    (Broadcast, "origin_platform", "origin_chat_id"),
    (Incident, "source_platform", "source_chat_id"),
    (IncidentSource, "source_platform", "source_chat_id"),
    (TriageItem, "platform", "chat_id"),
)


async def move_conversation(session: AsyncSession, platform: str, old: str, new: str, now: datetime) -> bool:
    """Point every row at the new chat; False when this move was already made."""
    known = await session.get(ConversationMove, (platform, old))
    if known is not None and known.new_chat_id == new:
        return False
    if known is None:
        session.add(ConversationMove(platform=platform, old_chat_id=old, new_chat_id=new, moved_at=now))
    else:
        known.new_chat_id, known.moved_at = new, now
    # Chats that had moved to the old one before move on with it.
    await session.execute(update(ConversationMove)
                          .where(ConversationMove.platform == platform, ConversationMove.new_chat_id == old)
                          .values(new_chat_id=new))
    for table, platform_column, chat_column in _CHAT_COLUMNS:
        columns = table.__table__.c
        await session.execute(update(table)
                              .where(columns[platform_column] == platform, columns[chat_column] == old)
                              .values({chat_column: new}))
    # Sends that failed for good on the move go again, now to the new chat.
    await session.execute(update(OutboxMessage)
                          .where(OutboxMessage.platform == platform, OutboxMessage.chat_id == new,
                                 OutboxMessage.status == FAILED, OutboxMessage.last_error.contains(MOVED_ERROR))
                          .values(status=PENDING, attempts=0, next_attempt_at=now))
    return True


async def moves(session: AsyncSession) -> dict[tuple[str, str], str]:
    """(platform, old chat) → the chat it is now."""
    rows = await session.execute(select(ConversationMove.platform, ConversationMove.old_chat_id,
                                        ConversationMove.new_chat_id))
    return {(platform, old): new for platform, old, new in rows.all()}
