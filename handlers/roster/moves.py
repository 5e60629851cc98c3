"""A group that became another chat is followed: bindings, queued messages, buttons.

Telegram gives a group a new chat id when it becomes a supergroup and refuses
sends to the old one. The bot learns it from the service message in the group
or from the refusal of a send; either way the move is made once, recorded on the
roster (so every process rebuilds the organisation with the new chat), and a
group named in the organisation file is read as the new chat until the file is
updated, with a warning in the log.
"""
from __future__ import annotations

import logging

from handlers.context import HandlerContext
from core.events import ConversationMovedEvent
from storage.moves import move_conversation
from storage.roster import RosterRepository

log = logging.getLogger(__name__)


async def conversation_moved(ctx: HandlerContext, event: ConversationMovedEvent) -> None:
    old, new = event.conversation.ref, event.moved_to
    if new.platform != old.platform or not new.chat_id or new.chat_id == old.chat_id:
        return
    if not await move_conversation(ctx.session, old.platform, old.chat_id, new.chat_id, ctx.now):
        return
    await RosterRepository(ctx.session).record("chat_moved", None, event.actor.display_name, ctx.now,
                                               {"platform": old.platform, "from": old.chat_id, "to": new.chat_id})
    log.warning("%s chat %s (%s) is now chat %s: its bindings and queued messages follow it",
                old.platform, old.chat_id, event.conversation.title, new.chat_id)
