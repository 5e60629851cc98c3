"""/board: a one-time link that signs this centre member in to the web board;
/board revoke: every browser they signed in is signed out.

The link is a secret: it goes to the member's private chat with the bot, never to
a group, even the centre's (anyone reading over a shoulder in the group could open it).
"""
from __future__ import annotations

import logging
from typing import Awaitable, Callable

from core.events import CommandEvent, private_conversation
from core.messages import Message
from handlers.context import HandlerContext
from storage.board import LINK_TTL, BoardAccessRepository

log = logging.getLogger(__name__)

SIGNIN_PATH = "/board/signin/"  # adapters/web serves it; the two must agree


def person_key(ctx: HandlerContext) -> str:
    return f"{ctx.event.actor.platform}:{ctx.event.actor.user_id}"


def board_command(board_url: Callable[[], str]) -> Callable[[HandlerContext, CommandEvent], Awaitable[None]]:
    async def board(ctx: HandlerContext, event: CommandEvent) -> None:
        repo = BoardAccessRepository(ctx.session)
        word = event.args.strip().lower()
        if word in ("revoke", "撤销", "注销"):
            ended = await repo.end_sessions_of(person_key(ctx), ctx.now)
            log.info("board sessions revoked for %s: %s", ctx.event.actor, ended)
            ctx.reply(Message(text=ctx.t("board.web.revoked", count=ended)))
            return
        if word:
            ctx.reply(Message(text=ctx.t("board.web.usage")))
            return
        secret = await repo.issue_link(person_key(ctx), ctx.actor_name, ctx.now)
        link = board_url().rstrip("/") + SIGNIN_PATH + secret
        minutes = int(LINK_TTL.total_seconds() // 60)
        message = Message(text=ctx.t("board.web.link", link=link, minutes=minutes))
        if ctx.event.conversation.is_private:
            ctx.reply(message)
            return
        ctx.send(private_conversation(ctx.event.actor), message)
        ctx.reply(Message(text=ctx.t("private.sent")))
    return board
