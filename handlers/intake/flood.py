"""Flood limits on intake: nobody can bury the centre in cards.

Anyone may write to the bot privately or use /report in any group, and every
report used to post a card in each centre conversation, which drains at the
platform's pace (Telegram: 20 a minute in a group): forty messages from one
unregistered account delayed a real incident's card by two minutes.

Each report is counted per sender (per hour) and per group conversation (per
minute), in the database so that every bot process counts together. Past a
limit (`intake_limits` in the organisation file) a report is still registered
— nothing anyone reports is lost — but posts no card and no receipt: the centre
gets one summary per sender or conversation and window, edited in place as more
arrive, and the sender is told once that their reports are kept and summed up.
A sender's further reports within the limit post their cards at low priority,
so a new reporter's first card goes ahead of someone's repeats.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.context import HandlerContext
from core.messages import Field, Message, Priority
from core.text import shorten
from storage.models import Incident
from storage.tallies import TallyRepository

log = logging.getLogger(__name__)

SENDER, CONVERSATION = "sender", "conversation"
SUMMARY_TEXT_LIMIT = 300


@dataclass(frozen=True)
class Held:
    """A report past a limit: whose or where, the window, and how many are held in it."""

    scope: str
    subject: str
    window_start: datetime
    window: timedelta
    held: int  # reports held in this window, this one included

    @property
    def summary_key(self) -> str:
        return f"flood:{self.scope}:{self.subject}:{self.window_start:%Y%m%d%H%M}"


@dataclass(frozen=True)
class Admission:
    held: Held | None = None
    repeat: bool = False  # not the sender's first report in the window: its card waits behind others'


async def admit(ctx: HandlerContext) -> Admission:
    """Count this report against the limits; whether it is held or a repeat."""
    if ctx.is_centre_member:
        return Admission()
    limits = ctx.org.spec.intake_limits
    tallies = TallyRepository(ctx.session)
    actor, conversation = ctx.event.actor, ctx.event.conversation
    hour = ctx.now.replace(minute=0, second=0, microsecond=0)
    sent = await tallies.bump(SENDER, f"{actor.platform}:{actor.user_id}", hour)
    limit = limits.registered_per_hour if ctx.person is not None else limits.unregistered_per_hour
    if sent > limit:
        return Admission(Held(SENDER, f"{actor.platform}:{actor.user_id}", hour, timedelta(hours=1), sent - limit),
                         repeat=True)
    if not conversation.is_private:
        minute = ctx.now.replace(second=0, microsecond=0)
        subject = str(conversation.ref)
        here = await tallies.bump(CONVERSATION, subject, minute)
        if here > limits.conversation_per_minute:
            held = Held(CONVERSATION, subject, minute, timedelta(minutes=1), here - limits.conversation_per_minute)
            return Admission(held, repeat=sent > 1)
    return Admission(repeat=sent > 1)


async def hold(ctx: HandlerContext, held: Held, incident: Incident, text: str) -> None:
    """Put a held report in its summary for the centre (posted once, then edited)."""
    summary = _summary(ctx, held, incident, text)
    for ref in ctx.centre_conversations():
        if held.held == 1:
            ctx.send(ref, summary, key=held.summary_key, priority=Priority.LOW)
        else:
            ctx.edit(ref, held.summary_key, summary, priority=Priority.LOW)
    if held.held == 1:
        ctx.reply(Message(text=ctx.t(f"flood.held_notice.{held.scope}")))
        log.warning("intake limit reached: %s %s; further reports are held and summed up", held.scope, held.subject)


def _summary(ctx: HandlerContext, held: Held, incident: Incident, text: str) -> Message:
    zone = ctx.org.timezone
    start = held.window_start.astimezone(zone)
    end = (held.window_start + held.window).astimezone(zone)
    who = (ctx.t("flood.who.sender", name=ctx.actor_name, platform=ctx.event.actor.platform,
                 registered=ctx.t("flood.registered" if ctx.person else "flood.unregistered"))
           if held.scope == SENDER else
           ctx.t("flood.who.conversation", title=ctx.event.conversation.title or ctx.event.conversation.ref.chat_id))
    return Message(
        title=ctx.t("flood.title", count=held.held),
        text=ctx.t("flood.text", who=who, start=f"{start:%H:%M}", end=f"{end:%H:%M}"),
        fields=(
            Field(ctx.t("flood.field.latest"), shorten(text, SUMMARY_TEXT_LIMIT)),
            Field(ctx.t("flood.field.incident"), incident.id),
        ),
    )
