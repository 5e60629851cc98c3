"""One event in, one transaction: dedupe, route, write the outbox, commit, wake
the senders. The only place that opens a transaction for a handler."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Iterable

from bot.clock import Clock
from bot.context import HandlerContext
from bot.events import ButtonEvent, Event
from bot.i18n import Translator
from bot.messages import Message, Outgoing
from bot.router import Router
from config.organisation import Organisation
from storage.db import Database
from storage.inbound import first_delivery
from storage.outbox import OutboxRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HandleResult:
    """What the adapter must do beyond the outbox: answer a button press privately."""

    private_answer: str | None = None
    duplicate: bool = False


class Pipeline:
    def __init__(
        self, db: Database, org: Organisation, router: Router, clock: Clock,
        enabled_platforms: Iterable[str], wake_senders: Callable[[set[str]], None] = lambda _: None,
    ):
        self.db = db
        self.org = org
        self.router = router
        self.clock = clock
        self.enabled_platforms = frozenset(enabled_platforms)
        self.wake_senders = wake_senders
        self.t = Translator(org.language)
        self.events_handled = 0
        self.events_failed = 0

    async def handle(self, event: Event) -> HandleResult:
        try:
            result, outgoing = await self._handle_in_transaction(event)
        except Exception:
            self.events_failed += 1
            log.exception("handling %s from %s failed", type(event).__name__, event.actor)
            return await self._apologise(event)
        self.events_handled += 1
        if outgoing:
            self.wake_senders({o.to.platform for o in outgoing})
        return result

    async def _handle_in_transaction(self, event: Event) -> tuple[HandleResult, list[Outgoing]]:
        async with self.db.transaction() as session:
            now = self.clock.now()
            if event.platform_event_id is not None and not await first_delivery(
                session, event.actor.platform, event.platform_event_id, now
            ):
                log.info("ignoring redelivered %s %s", event.actor.platform, event.platform_event_id)
                return HandleResult(duplicate=True), []
            ctx = HandlerContext(
                session=session, org=self.org, t=self.t, now=now, event=event,
                person=self.org.person(event.actor.platform, event.actor.user_id),
                where=self.org.conversation(event.conversation.ref),
                enabled_platforms=self.enabled_platforms,
            )
            await self.router.route(ctx)
            outgoing = [o for o in ctx.outgoing if o.to.platform in self.enabled_platforms]
            await OutboxRepository(session).enqueue(outgoing, now)
        return HandleResult(private_answer=ctx.private_answer), outgoing

    async def _apologise(self, event: Event) -> HandleResult:
        """Tell the person their action did nothing, without risking a second crash."""
        apology = self.t("error.internal")
        if isinstance(event, ButtonEvent):
            return HandleResult(private_answer=apology)
        try:
            async with self.db.transaction() as session:
                await OutboxRepository(session).enqueue(
                    [Outgoing(event.conversation.ref, Message(text=apology),
                              reply_to_message_id=event.platform_message_id)],
                    self.clock.now(),
                )
            self.wake_senders({event.conversation.ref.platform})
        except Exception:
            log.exception("could not even queue the apology")
        return HandleResult()
