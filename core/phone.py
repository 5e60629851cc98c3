"""The phone channel: SMS and voice calls, as one interface over several providers.

A phone is reached like a chat. Escalation sends an ordinary outbox message to the
conversation `phone:sms:+86…` or `phone:call:+86…`; the outbox gives it retries with
backoff and never sends it again once recorded as delivered. The phone platform
(adapters/phone) hands it to the configured provider (Twilio, Alibaba Cloud, the
console's `phone` room). A call's menu is the message's buttons: key 1 is the first
button, key 2 the second; a key pressed on the call, or an SMS answered with the key,
comes back as a KeyPressEvent and is routed like the button press itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from core.platform import HandleResult, HttpRoute

PLATFORM = "phone"
SMS, CALL = "sms", "call"

# What providers report, in one vocabulary (the board and the timeline show these).
QUEUED, SENT, DELIVERED, FAILED = "queued", "sent", "delivered", "failed"
RINGING, ANSWERED, COMPLETED, NO_ANSWER, BUSY = "ringing", "answered", "completed", "no_answer", "busy"


def dialable(phones: str | None) -> list[str]:
    """The numbers of a person's phone field (normalised by config: '13800001001 / 0631-7550506')
    in E.164, the form every provider dials."""
    numbers = []
    for part in re.split(r"\s*/\s*", phones or ""):
        digits = re.sub(r"[^\d]", "", part)
        if re.fullmatch(r"1[3-9]\d{9}", digits):
            numbers.append("+86" + digits)
        elif digits.startswith("0") and 10 <= len(digits) <= 12:
            numbers.append("+86" + digits[1:])  # the trunk 0 goes when the country code comes
    return numbers


def chat_id(kind: str, number: str) -> str:
    return f"{kind}:{number}"


def split_chat_id(value: str) -> tuple[str, str]:
    """('sms' or 'call', '+86…') of a phone conversation's chat id."""
    kind, _, number = value.partition(":")
    return kind, number


def masked(number: str) -> str:
    """Only the last four digits, for anyone who is not the centre (and for logs)."""
    return "…" + number[-4:]


@dataclass(frozen=True)
class Sent:
    """What a provider answered for one SMS or call: its id there, and its first status."""

    provider_id: str
    status: str = QUEUED


class PhoneProviderError(Exception):
    """A provider refused or failed. `permanent`: trying again will not help (a bad
    number, a refused template); otherwise the outbox retries after `retry_after` or
    with backoff."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None,
                 rate_limited: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class PhoneProvider(Protocol):
    """One SMS and voice provider. Implementations live in adapters/<provider>/."""

    name: str

    async def send_sms(self, number: str, text: str, facts: dict[str, str], *, reference: str) -> Sent:
        """Send `text`; `reference` names the outbox row (for finding it again after a crash).
        `facts` are the text's parts by name (name, id, type, place, level, org), for a
        provider that sends only approved templates filled with variables (Alibaba Cloud)."""
        ...

    async def place_call(self, number: str, script: str, facts: dict[str, str], menu: tuple[str, ...], *,
                         reference: str, language: str) -> Sent:
        """Call and read `script` aloud (text-to-speech, in the organisation's `language`),
        then listen for one key: 1 for menu[0], 2 for menu[1] …; a provider without key
        menus only reads it."""
        ...

    async def already_sent(self, kind: str, number: str, text: str, *, reference: str) -> Sent | None:
        """After a crash between sending and recording: what the provider already has for
        this row, so it is not sent twice; None when nothing (or the provider cannot say)."""
        ...

    def http_routes(self, sink: "PhoneSink") -> list[HttpRoute]:
        """Webhooks: keys pressed, SMS replies and statuses, checked, then handed to `sink`."""
        ...

    async def close(self) -> None: ...


class PhoneSink(Protocol):
    """Where a provider's checked webhooks go (the phone platform makes events of them).
    Each answers with the pipeline's HandleResult: `duplicate` for a replay."""

    async def key_pressed(self, number: str, digits: str, *, provider_id: str | None, via: str,
                          event_id: str) -> HandleResult: ...

    async def status(self, provider_id: str, status: str, *, number: str, via: str,
                     event_id: str) -> HandleResult: ...
