"""What handlers and timers get: a database session for their one transaction,
the organisation, the clock's now, and a list to put outgoing messages on.

Messages put here are written to the outbox in the same transaction as the
state changes, so either both happen or neither does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from core.events import CommandEvent, ConversationRef, Event, private_conversation
from core.i18n import Translator
from core.messages import Button, Message, Outgoing, Priority
from config.organisation import ConversationInfo, Organisation, PersonInfo
from handlers.replies import Reply
from storage.buttons import ButtonRepository
from storage.incidents import TimelineActor

if TYPE_CHECKING:
    from storage.models import Incident

Finisher = Callable[["Context"], Awaitable[None]]
_WORK = "liandong.handlers"  # session.info key of the transaction's WorkState


@dataclass
class WorkState:
    """What the handlers of one transaction share between its events, typed.

    A transaction handles a batch of events (bot/pipeline.py); this is what the
    batch's events leave for each other and for the end of the transaction."""

    # key -> work for the end of the transaction (see Context.once_per_transaction)
    finishers: dict[str, Finisher] = field(default_factory=dict)
    # (kind, incident id) -> None: views to redraw after commit, in the order asked
    # (Context.redraw_after_commit; an ordered set)
    redraws: dict[tuple[str, str], None] = field(default_factory=dict)
    # intake/duplicates.py: type -> open incidents a report may belong to (None: not loaded)
    duplicate_candidates: dict[str, list["Incident"]] | None = None
    # intake/duplicates.py: incidents whose notice of further reports to redraw
    notices_to_draw: set[str] = field(default_factory=set)
    # intake/cards.py: incidents whose cards to redraw
    cards_to_draw: set[str] = field(default_factory=set)
    # the incidents the redraws after commit draw, held by the pipeline before they start
    incidents_held: dict[str, "Incident"] = field(default_factory=dict)


def work_state(session: AsyncSession) -> WorkState:
    state = session.info.get(_WORK)
    if state is None:
        state = session.info[_WORK] = WorkState()
    return state


def take_finishers(session: AsyncSession) -> list[Finisher]:
    """The end-of-transaction work asked for so far, handed over once."""
    state = work_state(session)
    finishers, state.finishers = state.finishers, {}
    return list(finishers.values())


def take_redraws(session: AsyncSession) -> list[tuple[str, str]]:
    """The redraws asked for after commit, (kind, incident id), handed over once."""
    state = work_state(session)
    redraws, state.redraws = state.redraws, {}
    return list(redraws)


@dataclass
class Context:
    """A unit of work that may change state and send messages (handlers, timers)."""

    session: AsyncSession
    org: Organisation
    t: Translator
    now: datetime
    enabled_platforms: frozenset[str]
    outgoing: list[Outgoing] = field(default_factory=list)

    def send(self, to: ConversationRef, message: Message, *, key: str | None = None,
             reply_to_message_id: str | None = None, priority: int = Priority.NORMAL) -> None:
        if to.platform in self.enabled_platforms:
            self.outgoing.append(Outgoing(to, message, key=key, reply_to_message_id=reply_to_message_id,
                                          priority=priority))

    def edit(self, to: ConversationRef, key: str, message: Message, *, priority: int = Priority.NORMAL) -> None:
        if to.platform in self.enabled_platforms:
            self.outgoing.append(Outgoing(to, message, edit_key=key, priority=priority))

    @property
    def work(self) -> WorkState:
        return work_state(self.session)

    def once_per_transaction(self, key: str, finish: Finisher) -> None:
        """Run `finish` once at the end of the transaction, however many events asked.

        A batch of presses on one incident redraws its board once, not per press.
        """
        self.work.finishers[key] = finish

    def redraw_after_commit(self, kind: str, incident_id: str) -> None:
        """Redraw this view of the incident (a kind the router knows: its board, its cards)
        in a transaction of its own once this one has committed, however many events
        (and, while events keep coming, transactions) asked.

        Drawn here, from this transaction's snapshot, a view would miss what another bot
        process commits meanwhile, and both processes' events would queue on its one
        pending edit. After commit the events are answered first; the pipeline then holds
        every incident it redraws (in id order; `incidents_held`), so each drawing reads
        what every process has committed. The ask is written with this transaction, so a
        process that dies before redrawing redraws it when it starts again."""
        self.work.redraws[(kind, incident_id)] = None

    def will_finish(self, key: str) -> bool:
        return key in self.work.finishers

    def active(self, refs: tuple[ConversationRef, ...] | list[ConversationRef]) -> list[ConversationRef]:
        return [ref for ref in refs if ref.platform in self.enabled_platforms]

    def centre_conversations(self) -> list[ConversationRef]:
        return self.active(self.org.centre_conversations())

    async def button(
        self, label: str, action: str, data: dict[str, Any], conversation: ConversationRef,
        valid_for: timedelta | None = None,
    ) -> Button:
        """A button bound to one conversation; its token means nothing anywhere else."""
        expires = self.now + valid_for if valid_for else None
        token = await ButtonRepository(self.session).issue(action, data, conversation, self.now, expires)
        return Button(label, token)


@dataclass
class HandlerContext(Context):
    """A context for one incoming event: who did what, where."""

    event: Event = field(kw_only=True)
    person: PersonInfo | None = field(kw_only=True)
    where: ConversationInfo = field(kw_only=True)
    # Shown only to the person who pressed a button (not a chat message).
    private_answer: str | None = None
    # The bot's message this event replies to, as the router resolved it (once).
    reply_to: Reply | None = None

    @property
    def actor_name(self) -> str:
        if self.person is not None and self.person.upper and not self.person.centre:
            # Acting from the centre above: the timeline, orders and notices say so (#14, tiers).
            return self.t("upper.actor", name=self.person.name)
        return self.person.name if self.person else self.event.actor.display_name

    @property
    def timeline_actor(self) -> TimelineActor:
        actor = self.event.actor
        return TimelineActor(actor.platform, actor.user_id, self.actor_name)

    @property
    def is_centre_member(self) -> bool:
        return bool(self.person and self.person.centre)

    def send(self, to: ConversationRef, message: Message, *, key: str | None = None,
             reply_to_message_id: str | None = None, priority: int = Priority.NORMAL) -> None:
        if priority == Priority.NORMAL and to == self.event.conversation.ref:
            priority = self._answer_priority
        super().send(to, message, key=key, reply_to_message_id=reply_to_message_id, priority=priority)

    def is_account_holder(self, account: str) -> bool:
        """Whether the actor is whoever holds `account` ("platform:user id"), on this platform or
        another of theirs: two-person checks (approvals, support requests) compare people."""
        actor = self.event.actor
        if account == f"{actor.platform}:{actor.user_id}":
            return True
        platform, _, user_id = account.partition(":")
        holder = self.org.person(platform, user_id)
        return holder is not None and holder is self.person

    def reply(self, message: Message, *, key: str | None = None) -> None:
        """Answer in the conversation the event came from, as a reply to it."""
        self.outgoing.append(
            Outgoing(self.event.conversation.ref, message, key=key,
                     reply_to_message_id=self.event.platform_message_id, priority=self._answer_priority)
        )

    @property
    def _answer_priority(self) -> int:
        """A centre member's command typed in a centre conversation is answered ahead of the
        report cards queued there: in a storm the centre drains at 20 messages a minute, and
        the member waiting for a broadcast's preview or a dispatch board must not wait minutes."""
        if isinstance(self.event, CommandEvent) and self.where.centre and self.is_centre_member:
            return Priority.URGENT
        return Priority.NORMAL

    def reply_in_confidence(self, message: Message) -> None:
        """Answer here when only the centre or the asker's own unit can read it (or it is a
        private chat); anywhere else — a public reporting group — in a private message,
        with a short note here. Phones and an incident's details are not for every group."""
        where = self.where
        own_unit = any(self.person is not None and self.person.is_member_of(code) for code in where.units)
        if self.event.conversation.is_private or where.centre or own_unit:
            self.reply(message)
            return
        self.send(private_conversation(self.event.actor), message)
        self.reply(Message(text=self.t("private.sent")))
