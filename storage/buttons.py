"""Opaque button tokens: the only thing a button carries to the client and back.

Tokens are plain rows, read and written without ORM objects: a storm of
presses resolves hundreds of them per transaction and issues a few for each
order it changes, and as ORM objects they cost more than the presses' own work.
What a transaction has issued or loaded is kept in the session (`_KNOWN`), so
`resolve` after `preload` or `issue` asks the database nothing.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.events import ConversationRef
from storage.deferred import defer_insert
from storage.models import ButtonToken
from storage.transaction import transaction_state

# 12 url-safe characters = 72 random bits: unguessable, and far inside Telegram's
# 64-byte callback_data limit.
TOKEN_BYTES = 9
MAX_TOKEN_LENGTH = 24  # the column's width: anything longer is forged

_TABLE = ButtonToken.__table__
_COLUMNS = (_TABLE.c.token, _TABLE.c.action, _TABLE.c.data, _TABLE.c.platform, _TABLE.c.chat_id, _TABLE.c.expires_at)


@dataclass(frozen=True)
class ResolvedButton:
    action: str
    data: dict[str, Any]
    conversation: ConversationRef
    expires_at: datetime | None


class ButtonRepository:
    def __init__(self, session: AsyncSession):
        self.session = session
        state = transaction_state(session)
        self._known: dict[str, ResolvedButton | None] = state.buttons
        self._issued: set[str] = state.buttons_issued

    async def issue(
        self, action: str, data: dict[str, Any], conversation: ConversationRef, now: datetime,
        expires_at: datetime | None = None, *, token: str | None = None,
    ) -> str:
        """A new token; `token` when the caller derives it from a secret of its own (so a
        message redrawn often can show the same button without a row per drawing)."""
        token = token or secrets.token_urlsafe(TOKEN_BYTES)
        defer_insert(self.session, _TABLE, {
            "token": token, "action": action, "data": data, "platform": conversation.platform,
            "chat_id": conversation.chat_id, "created_at": now, "expires_at": expires_at,
        })  # one executemany with the transaction's other tokens, at commit
        self._known[token] = ResolvedButton(action, dict(data), conversation, expires_at)
        return token

    async def preload(self, tokens: list[str]) -> list[ResolvedButton]:
        """Load many tokens in one query; later `resolve` calls find them here."""
        wanted = [t for t in dict.fromkeys(tokens) if _plausible(t) and t not in self._known]
        if wanted:
            rows = await self.session.execute(select(*_COLUMNS).where(_TABLE.c.token.in_(wanted)))
            self._known.update({row.token: _resolved(row) for row in rows})
            for token in wanted:  # a forged token costs no second query either
                self._known.setdefault(token, None)
        found = (self._known.get(t) for t in dict.fromkeys(tokens))
        return [button for button in found if button is not None]

    def cached_as_issued(self, *tokens: str) -> bool:
        """Whether this transaction has seen one of tokens as issued (asking nothing)."""
        return any(token in self._issued or self._known.get(token) is not None for token in tokens)

    async def existing(self, tokens: list[str]) -> set[str]:
        """Those of tokens issued already (in one query, or none when all are cached).

        Only the tokens are read, not their rows: a redrawn card asks whether its buttons
        exist, and decoding each row's data was most of the cost of asking (an intake
        storm redraws dozens of cards per transaction). `resolve` still reads a row."""
        wanted = [t for t in dict.fromkeys(tokens)
                  if t not in self._issued and t not in self._known and _plausible(t)]
        if wanted:
            found = set(await self.session.scalars(select(_TABLE.c.token).where(_TABLE.c.token.in_(wanted))))
            self._issued.update(found)
            for token in wanted:
                if token not in found:  # not issued: a later `resolve` asks nothing either
                    self._known[token] = None
        return {token for token in tokens if token in self._issued or self._known.get(token) is not None}

    async def resolve(self, token: str) -> ResolvedButton | None:
        if not _plausible(token):
            return None
        if token not in self._known:
            row = (await self.session.execute(select(*_COLUMNS).where(_TABLE.c.token == token))).first()
            self._known[token] = None if row is None else _resolved(row)
        return self._known[token]


def _plausible(token: str) -> bool:
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH


def _resolved(row: Any) -> ResolvedButton:
    return ResolvedButton(row.action, dict(row.data), ConversationRef(row.platform, row.chat_id), row.expires_at)
