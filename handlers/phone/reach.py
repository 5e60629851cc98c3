"""Sending one SMS or call step to people: who has a number, the hourly caps, and no
number reached twice for the same step.

Each SMS or call is an outbox message to the phone's conversation, written in the
step's transaction: the outbox retries it with backoff and never sends it again once
recorded as sent. The step itself is a due-time claimed once across processes, and
its key is checked against what was queued before, so a step run again after a crash
reaches nobody twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Awaitable, Callable

from core.events import ConversationRef
from core.messages import Button, Field, Message, Priority
from core.phone import CALL, PLATFORM, SMS, chat_id, dialable
from handlers.context import Context
from storage.phone import PhoneRepository

_QUEUED_HERE = "liandong.phone.queued"  # session.info: SMS and calls this transaction queued

# The buttons a phone's menu offers, made for its own conversation (tokens are bound to it).
MenuMaker = Callable[[ConversationRef], Awaitable[tuple[Button, ...]]]


@dataclass(frozen=True)
class Callee:
    name: str
    phone: str | None


@dataclass
class Reached:
    """What a step did: who was sent to, who has no number, who the caps kept out."""

    sent: list[str] = field(default_factory=list)
    no_phone: list[str] = field(default_factory=list)
    capped: list[str] = field(default_factory=list)


def step_text_key(ctx: Context, kind: str, what: str) -> str:
    """The text of a phone step about `what` (order, alert, rollcall): a call offers its keys;
    an SMS asks for a reply only where the organisation takes SMS replies (escalation.sms_replies)."""
    if kind != SMS:
        return f"phone.{what}_call"
    return f"phone.{what}_sms" if ctx.org.spec.escalation.sms_replies else f"phone.{what}_sms_no_reply"


def phone_on(ctx: Context) -> bool:
    """Whether any phone provider (or the console's phone room) runs in this process."""
    return PLATFORM in ctx.enabled_platforms


async def reach(ctx: Context, kind: str, callees: list[Callee], text: str, facts: dict[str, str], key: str,
                menu: MenuMaker) -> Reached:
    """One SMS (kind "sms") or call ("call") to each callee's first number. `facts` travel
    as the message's fields, named like an approved template's variables (Alibaba Cloud)."""
    repo = PhoneRepository(ctx.session)
    limits = ctx.org.spec.escalation.phone_limits
    cap = limits.sms_per_hour if kind == SMS else limits.calls_per_hour
    # The outbox rows of this transaction are written at its end: what it queued so far
    # (other orders due in the same batch) is counted here.
    mine = ctx.session.info.setdefault(_QUEUED_HERE, {SMS: 0, CALL: 0, "keys": set()})
    spent = await repo.sent_since(kind, ctx.now - timedelta(hours=1)) + mine[kind]
    done = Reached()
    for callee in callees:
        numbers = dialable(callee.phone)
        if not numbers:
            done.no_phone.append(callee.name)
            continue
        number = numbers[0]
        if (kind, number, key) in mine["keys"] or await repo.already_queued(kind, number, key):
            continue  # this step reached them already (the step ran again after a crash)
        if spent >= cap:
            done.capped.append(callee.name)
            continue
        ref = ConversationRef(PLATFORM, chat_id(kind, number))
        fields = tuple(Field(name, value) for name, value in facts.items())
        # An SMS that asks for no reply carries no menu: nothing a reply could press.
        buttons = await menu(ref) if kind != SMS or ctx.org.spec.escalation.sms_replies else ()
        ctx.send(ref, Message(text=text, fields=fields, buttons=buttons), key=key, priority=Priority.URGENT)
        spent += 1
        mine[kind] += 1
        mine["keys"].add((kind, number, key))
        done.sent.append(callee.name)
    return done


def tell_centre_who_was_missed(ctx: Context, done: Reached, about: str) -> None:
    """Nobody is skipped silently: the centre hears whom the phone could not reach."""
    lines = []
    if done.no_phone:
        lines.append(ctx.t("phone.no_number", names="、".join(done.no_phone), about=about))
    if done.capped:
        lines.append(ctx.t("phone.capped", names="、".join(done.capped), about=about))
    if lines:
        for ref in ctx.centre_conversations():
            ctx.send(ref, Message(text="\n".join(lines)), priority=Priority.URGENT)

