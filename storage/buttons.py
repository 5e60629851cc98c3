"""Opaque button tokens: the only thing a button carries to the client and back."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import ConversationRef
from storage.models import ButtonToken
from storage.preload import keep_loaded

# 12 url-safe characters = 72 random bits: unguessable, and far inside Telegram's
# 64-byte callback_data limit.
TOKEN_BYTES = 9


@dataclass(frozen=True)
class ResolvedButton:
    action: str
    data: dict[str, Any]
    conversation: ConversationRef
    expires_at: datetime | None


class ButtonRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def issue(
        self, action: str, data: dict[str, Any], conversation: ConversationRef, now: datetime,
        expires_at: datetime | None = None,
    ) -> str:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self.session.add(ButtonToken(
            token=token, action=action, data=data, platform=conversation.platform,
            chat_id=conversation.chat_id, created_at=now, expires_at=expires_at,
        ))  # inserted with the transaction's other rows at flush
        return token

    async def preload(self, tokens: list[str]) -> list[ResolvedButton]:
        """Load many tokens in one query; later `resolve` calls find them in the session."""
        wanted = [t for t in dict.fromkeys(tokens) if t and len(t) <= 24]
        if not wanted:
            return []
        rows = list(await self.session.scalars(select(ButtonToken).where(ButtonToken.token.in_(wanted))))
        keep_loaded(self.session, rows)
        return [_resolved(row) for row in rows]

    async def resolve(self, token: str) -> ResolvedButton | None:
        if not token or len(token) > 24:
            return None
        row = await self.session.get(ButtonToken, token)
        return None if row is None else _resolved(row)


def _resolved(row: ButtonToken) -> ResolvedButton:
    return ResolvedButton(row.action, dict(row.data), ConversationRef(row.platform, row.chat_id), row.expires_at)
