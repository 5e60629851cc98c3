"""A CAP document a centre member puts into a centre conversation → a draft (#17).

The document arrives as the message's text (pasted, or a .xml file a platform
hands over as text). Anyone else's XML, or XML outside the centre, is an
ordinary message and goes on to intake.
"""
from __future__ import annotations

import logging

from core.cap.reader import CapRefused, read_alert
from core.events import MessageEvent
from core.messages import Message
from handlers.broadcast.cap_in import draft_from_cap
from handlers.context import HandlerContext

log = logging.getLogger(__name__)

XML_STARTS = ("<?xml", "<alert", "\ufeff<?xml")


async def on_cap_document(ctx: HandlerContext, event: MessageEvent) -> bool:
    text = event.text.lstrip()
    if not text.startswith(XML_STARTS) or not (ctx.where.centre and ctx.is_centre_member):
        return False
    try:
        alert = read_alert(text.encode("utf-8"), ctx.org.language)
        drafted = await draft_from_cap(ctx, alert)
    except CapRefused as refused:
        log.warning("CAP document from %s refused: %s", ctx.actor_name, refused)
        reason = ctx.t(f"cap.refused.{refused.reason}", detail=refused.detail)
        ctx.reply(Message(text=ctx.t("cap.refused", reason=reason)))
        return True
    log.info("CAP document from %s: %s %s", ctx.actor_name, drafted.outcome, drafted.broadcast_id)
    return True
