"""No silent loss: a message intake is unsure of goes before the centre (待判定).

In reporting conversations every message is registered, or confidently chatter,
or, when the parser is unsure (`ParsedReport.doubtful`), listed on the centre's
triage message: one per centre conversation, edited in place, each entry with
登记 Register and 不是报告 Not a report. Nothing is said in the reporting group.

A sender's further doubtful messages, while their entry is open, fold into it
with a count: a flood is one entry. Once every entry is decided the message says
so, and the next doubt starts a new message (an edit far up the chat would go
unseen). Register creates the incident as if it had been read right: receipt to
the reporter, card, and the timeline says who decided.
"""
from __future__ import annotations

import dataclasses
import logging
import secrets

from handlers.context import Context, HandlerContext
from core.events import Actor, ButtonEvent, Conversation, ConversationRef, MessageEvent
from handlers.router import centre_only
from handlers.intake import views
from handlers.intake.parser import parse_report
from handlers.intake.registration import register_incident
from storage.buttons import ResolvedButton
from storage.incidents import IncidentRepository
from storage.models import TriageItem
from storage.outbox import OutboxRepository
from storage.triage import DISMISSED, OPEN, REGISTERED, TriageRepository

log = logging.getLogger(__name__)

REGISTER_ACTION, DISMISS_ACTION = "triage.register", "triage.dismiss"
SHOWN = 8  # entries on the message; buttons beyond would not fit a Slack message


async def hold(ctx: HandlerContext, event: MessageEvent, text: str) -> None:
    """Put a doubtful message before the centre (or fold it into its sender's open entry)."""
    repo = TriageRepository(ctx.session)
    actor, ref = event.actor, event.conversation.ref
    item = await repo.open_item_of(actor.platform, actor.user_id)
    if item is None:
        key = await repo.current_board_key() or f"triage:{secrets.token_hex(6)}"
        item = await repo.add(TriageItem(
            created_at=ctx.now, updated_at=ctx.now, status=OPEN, board_key=key, count=1, text=text,
            sender_platform=actor.platform, sender_id=actor.user_id, sender_name=ctx.actor_name[:200],
            platform=ref.platform, chat_id=ref.chat_id, chat_title=(event.conversation.title or "")[:200] or None,
            is_private=event.conversation.is_private, message_id=event.platform_message_id,
        ))
    else:  # the latest is what Register registers
        item.count += 1
        item.text, item.updated_at, item.message_id = text, ctx.now, event.platform_message_id
        item.platform, item.chat_id = ref.platform, ref.chat_id
        item.chat_title, item.is_private = (event.conversation.title or "")[:200] or None, event.conversation.is_private
    log.info("doubtful message from %s in %s held for triage (entry %s, %s so far)", actor, ref, item.id, item.count)
    refresh(ctx, item.board_key)


def refresh(ctx: Context, board_key: str) -> None:
    """Draw the triage message once, at the end of the transaction."""
    async def draw(end: Context) -> None:
        items, open_count = await TriageRepository(end.session).listed_on(board_key, SHOWN)
        for where in end.centre_conversations():
            buttons = []
            for number, item in items:
                if item.status == OPEN:
                    buttons.append(await end.button(end.t("triage.register", number=number), REGISTER_ACTION,
                                                    {"item": item.id}, where))
                    buttons.append(await end.button(end.t("triage.dismiss", number=number), DISMISS_ACTION,
                                                    {"item": item.id}, where))
            message = views.triage_message(end.t, end.org.timezone, items, open_count, tuple(buttons))
            if await OutboxRepository(end.session).has_key(where, board_key):
                end.edit(where, board_key, message)
            else:
                end.send(where, message, key=board_key)

    ctx.once_per_transaction(f"triage:{board_key}", draw)


async def _decidable(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> TriageItem | None:
    """The entry to decide on, or None with the presser told why not."""
    if not centre_only(ctx.person):
        log.warning("refused triage press by %s", event.actor)
        ctx.private_answer = ctx.t("button.refused_centre_only")
        return None
    item_id = button.data.get("item")
    item = await TriageRepository(ctx.session).get(item_id) if isinstance(item_id, int) else None
    if item is None:
        ctx.private_answer = ctx.t("button.unknown")
        return None
    if item.status != OPEN:
        decision = ctx.t("triage.registered_as", id=item.incident_id) if item.status == REGISTERED \
            else ctx.t("triage.not_a_report")
        ctx.private_answer = ctx.t("triage.already", name=item.decided_by or "", decision=decision)
        return None
    return item


async def register_press(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    item = await _decidable(ctx, event, button)
    if item is None:
        return
    reporter = _as_reported(ctx, item)
    incident = await register_incident(reporter, item.text, parse_report(item.text, assume_report=True), forced=True)
    await IncidentRepository(ctx.session).record(incident.id, ctx.now, "triaged", ctx.timeline_actor,
                                                 {"entry": item.id, "messages": item.count})
    await TriageRepository(ctx.session).decide(item, REGISTERED, ctx.actor_name, ctx.now, incident.id)
    ctx.private_answer = ctx.t("triage.registered_answer", id=incident.id)
    log.info("triage entry %s registered as %s by %s", item.id, incident.id, event.actor)
    refresh(ctx, item.board_key)


async def dismiss_press(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    item = await _decidable(ctx, event, button)
    if item is None:
        return
    await TriageRepository(ctx.session).decide(item, DISMISSED, ctx.actor_name, ctx.now)
    ctx.private_answer = ctx.t("triage.dismissed_answer")
    log.info("triage entry %s dismissed by %s", item.id, event.actor)
    refresh(ctx, item.board_key)


def _as_reported(ctx: HandlerContext, item: TriageItem) -> HandlerContext:
    """The context the message came in with: the reporter, their conversation, their message.

    Shares this transaction and its outgoing messages, so the receipt, the card and
    the decision are one change."""
    ref = ConversationRef(item.platform, item.chat_id)
    event = MessageEvent(
        actor=Actor(item.sender_platform, item.sender_id, item.sender_name),
        conversation=Conversation(ref, is_private=item.is_private, title=item.chat_title),
        received_at=ctx.now, platform_message_id=item.message_id, text=item.text,
    )
    return dataclasses.replace(ctx, event=event, person=ctx.org.person(item.sender_platform, item.sender_id),
                               where=ctx.org.conversation(ref), private_answer=None)
