"""The phone platform: delivers outbox messages to phones through one provider, and
turns the provider's webhooks (keys pressed, SMS replies, statuses) into events.

A message to `sms:+86…` is sent as an SMS of its text; one to `call:+86…` is a call
reading its text aloud, with its buttons as the key menu (key 1 the first). Phones
cannot edit what they were sent: an edit is taken as done. The outbox sender records
each delivery as soon as it is made (this platform has a rate limiter); a row claimed
again after a crash between sending and recording asks the provider first whether it
already went out, so it is not sent twice.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from core.events import Actor, Conversation, ConversationRef, KeyPressEvent, PhoneStatusEvent
from core.messages import Delivery, DeliveryError
from core.phone import CALL, PLATFORM, SMS, PhoneProvider, PhoneProviderError, chat_id, masked, split_chat_id
from core.platform import EventSink, HandleResult, HttpRoute, PlatformBase, Reachability
from core.ratelimit import RateLimiter, RateLimits

log = logging.getLogger(__name__)

# Providers take a few requests a second per account; one a second per number keeps a
# phone from ringing twice at once.
LIMITS = RateLimits(per_second=5, chat_interval_s=1.0)


class PhoneChannel(PlatformBase):
    platform = PLATFORM

    def __init__(self, provider: PhoneProvider, sink: EventSink, organisation: Any):
        self.provider = provider
        self.sink = sink
        self.org = organisation
        self.limiter = RateLimiter(LIMITS)

    def use_organisation(self, organisation: Any) -> None:
        self.org = organisation
        if hasattr(self.provider, "use_organisation"):
            self.provider.use_organisation(organisation)

    @property
    def needs_http(self) -> bool:
        return bool(self.http_routes())

    def http_routes(self) -> list[HttpRoute]:
        return self.provider.http_routes(self)

    async def stop(self) -> None:
        await self.provider.close()

    def reachability(self) -> Reachability:
        """The provider's last call, once there was one: a phone channel may sit idle for
        weeks, and idle is not unready (no "not connected yet" before the first SMS)."""
        status = getattr(self.provider, "reachability", None)
        known = status() if status is not None else Reachability()
        return known if known.last_ok or known.last_failure else Reachability()

    async def deliver(self, delivery: Delivery) -> str | None:
        if delivery.kind == "edit":
            return delivery.target_message_id  # a phone keeps what it got
        kind, number = split_chat_id(delivery.to.chat_id)
        message = delivery.message
        text = message.text
        # The text's parts by name (fields whose labels are template variables), for providers
        # that send only approved templates.
        facts = {field.label: field.value for field in message.fields}
        reference = str(delivery.outbox_id)
        try:
            if delivery.attempt > 1:  # the last attempt may have gone out before a crash
                earlier = await self.provider.already_sent(kind, number, text, reference=reference)
                if earlier is not None:
                    log.info("phone %s to %s: already sent as %s, not again", kind, masked(number), earlier.provider_id)
                    return earlier.provider_id
            if kind == SMS:
                sent = await self.provider.send_sms(number, text, facts, reference=reference)
            elif kind == CALL:
                menu = tuple(button.label for button in message.buttons)
                sent = await self.provider.place_call(number, text, facts, menu, reference=reference,
                                                      language=self.org.language)
            else:
                raise DeliveryError(f"not a phone conversation: {kind}", permanent=True)
        except PhoneProviderError as exc:
            raise DeliveryError(str(exc), permanent=exc.permanent, retry_after=exc.retry_after,
                                rate_limited=exc.rate_limited) from exc
        return sent.provider_id

    # -- webhooks, as the provider checked them ------------------------------------------

    async def key_pressed(self, number: str, digits: str, *, provider_id: str | None, via: str,
                          event_id: str) -> HandleResult:
        person = self.org.person(PLATFORM, number)
        event = KeyPressEvent(
            actor=Actor(PLATFORM, number, person.name if person else masked(number)),
            conversation=Conversation(ConversationRef(PLATFORM, chat_id(via, number)), is_private=True),
            received_at=datetime.now(timezone.utc), platform_event_id=event_id,
            digits=digits, call_id=provider_id if via == CALL else None,
        )
        return await self.sink(event)

    async def status(self, provider_id: str, status: str, *, number: str, via: str, event_id: str) -> HandleResult:
        event = PhoneStatusEvent(
            actor=Actor(PLATFORM, number, masked(number)),
            conversation=Conversation(ConversationRef(PLATFORM, chat_id(via, number)), is_private=True),
            received_at=datetime.now(timezone.utc), platform_event_id=event_id,
            provider_id=provider_id, status=status,
        )
        return await self.sink(event)
