"""Twilio: SMS (Messages.json) and voice calls (Calls.json with inline TwiML) through
Twilio's official SDK, and Twilio's webhooks — keys pressed on a call (<Gather>),
SMS replies and status callbacks — each checked against X-Twilio-Signature.

Twilio signs a webhook with the Auth Token over the full URL it requested and the
form's parameters (twilio.request_validator). An unsigned, wrongly signed or replayed
request (one the bot has already taken: its event id is remembered in the database)
gets 403 and changes nothing.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp
from aiohttp import web
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Gather, VoiceResponse

from core.phone import (
    ANSWERED, BUSY, CALL, COMPLETED, DELIVERED, FAILED, NO_ANSWER, QUEUED, RINGING, SENT, SMS, PhoneProviderError,
    PhoneSink, Sent, masked,
)
from core.platform import Failure, HttpRoute, PlatformValues, ReachabilityTracker, Reachability

log = logging.getLogger(__name__)

GATHER_PATH = "/phone/twilio/gather"
SMS_PATH = "/phone/twilio/sms"
STATUS_PATH = "/phone/twilio/status"
TIMEOUT_S = 10.0
# A row claimed again after a crash looks for what went out since its last attempt:
# SMS by their text over this long, calls to the number over the shorter window (a
# call carries no text to match; steps to one number are minutes apart).
SMS_LOOKBACK = timedelta(minutes=15)
CALL_LOOKBACK = timedelta(minutes=3)
KEY_WAIT_S = 8  # how long <Gather> waits for the key after the script

# Twilio's statuses in the channel's vocabulary (core/phone.py).
STATUSES = {
    "accepted": QUEUED, "queued": QUEUED, "sending": QUEUED, "sent": SENT, "delivered": DELIVERED,
    "undelivered": FAILED, "failed": FAILED, "initiated": QUEUED, "ringing": RINGING, "in-progress": ANSWERED,
    "answered": ANSWERED, "completed": COMPLETED, "busy": BUSY, "no-answer": NO_ANSWER, "canceled": FAILED,
    "receiving": QUEUED, "received": DELIVERED, "read": DELIVERED,
}
# Text-to-speech voices (Amazon Polly through Twilio) for the organisation's language.
VOICES = {"zh": ("Polly.Zhiyu", "cmn-CN"), "en": ("Polly.Joanna", "en-US")}


def voice_twiml(script: str, menu: tuple[str, ...], language: str, action: str) -> str:
    """The call: the script read, then one key listened for; read twice when no key comes."""
    voice, code = VOICES.get(language, VOICES["en"])
    response = VoiceResponse()
    for _ in range(2):
        gather = Gather(num_digits=1, action=action, method="POST", timeout=KEY_WAIT_S,
                        finish_on_key="", action_on_empty_result=False)
        gather.say(script, voice=voice, language=code)
        response.append(gather)
    return str(response)


class TwilioProvider:
    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, from_number: str, public_url: str,
                 api_url: str = "https://api.twilio.com", language: str = "zh"):
        self.account_sid = account_sid
        self.from_number = from_number
        self.public_url = public_url.rstrip("/")
        self.language = language
        self._http = AsyncTwilioHttpClient(timeout=TIMEOUT_S)
        self.client = Client(account_sid, auth_token, http_client=self._http)
        self.client.api.base_url = api_url.rstrip("/")  # the tests' fake, or a regional edge
        self.validator = RequestValidator(auth_token)
        self.tracker = ReachabilityTracker()

    @classmethod
    def of(cls, values: PlatformValues, language: str = "zh") -> "TwilioProvider":
        return cls(str(values["twilio_account_sid"]), str(values["twilio_auth_token"]),
                   str(values["twilio_from_number"]), str(values["public_url"]),
                   str(values.get("twilio_api_url") or "https://api.twilio.com"), language)

    def reachability(self) -> Reachability:
        return self.tracker.status()

    # -- out -------------------------------------------------------------------------

    async def send_sms(self, number: str, text: str, facts: dict[str, str], *, reference: str) -> Sent:
        message = await self._call(self.client.messages.create_async(
            to=number, from_=self.from_number, body=text, status_callback=self.public_url + STATUS_PATH))
        return Sent(message.sid, STATUSES.get(str(message.status), QUEUED))

    async def place_call(self, number: str, script: str, facts: dict[str, str], menu: tuple[str, ...], *,
                         reference: str, language: str) -> Sent:
        call = await self._call(self.client.calls.create_async(
            to=number, from_=self.from_number,
            twiml=voice_twiml(script, menu, language, self.public_url + GATHER_PATH),
            status_callback=self.public_url + STATUS_PATH, status_callback_method="POST",
            status_callback_event=["initiated", "ringing", "answered", "completed"]))
        return Sent(call.sid, STATUSES.get(str(call.status), QUEUED))

    async def already_sent(self, kind: str, number: str, text: str, *, reference: str) -> Sent | None:
        now = datetime.now(timezone.utc)
        if kind == SMS:
            for message in await self._call(self.client.messages.list_async(to=number, limit=20)):
                if message.body == text and _since(message.date_created, now - SMS_LOOKBACK):
                    return Sent(message.sid, STATUSES.get(str(message.status), QUEUED))
            return None
        for call in await self._call(self.client.calls.list_async(to=number, limit=5)):
            if _since(call.date_created, now - CALL_LOOKBACK):
                return Sent(call.sid, STATUSES.get(str(call.status), QUEUED))
        return None

    async def _call(self, request: Any) -> Any:
        """One API request, its failure said in the outbox's terms: 429 and 5xx and the
        network are tried again later; another refusal (a number Twilio cannot reach,
        a bad From) is final."""
        try:
            # The SDK's own timeout does not reach aiohttp: the wait is bounded here.
            answer = await asyncio.wait_for(request, TIMEOUT_S)
        except TwilioRestException as exc:
            if exc.status == 429:
                self.tracker.ok()
                raise PhoneProviderError(f"Twilio 429 ({exc.code})", rate_limited=True) from exc
            if exc.status >= 500:
                self.tracker.failed(Failure.SERVER)
                raise PhoneProviderError(f"Twilio {exc.status} ({exc.code})") from exc
            if exc.status in (401, 403):
                self.tracker.failed(Failure.AUTH)
                raise PhoneProviderError(f"Twilio refused the credentials ({exc.status})") from exc
            self.tracker.ok()
            raise PhoneProviderError(f"Twilio {exc.status} ({exc.code}): {exc.msg}", permanent=True) from exc
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            self.tracker.failed(Failure.NETWORK)
            raise PhoneProviderError(f"Twilio unreachable: {type(exc).__name__}") from exc
        self.tracker.ok()
        return answer

    async def close(self) -> None:
        await self._http.close()

    # -- in --------------------------------------------------------------------------

    def http_routes(self, sink: PhoneSink) -> list[HttpRoute]:
        async def gather(request: web.Request) -> web.StreamResponse:
            form = await self._signed(request)
            if form is None or not form.get("CallSid") or not form.get("To"):
                return web.Response(status=403, text="forbidden")
            result = await sink.key_pressed(form["To"], form.get("Digits", ""), provider_id=form["CallSid"],
                                            via=CALL, event_id=f"twilio:{form['CallSid']}:gather:{form.get('Digits', '')}")
            if result.duplicate:
                return web.Response(status=403, text="replayed")
            voice, code = VOICES.get(self.language, VOICES["en"])
            response = VoiceResponse()
            if result.private_answer:
                response.say(result.private_answer, voice=voice, language=code)
            response.hangup()
            return web.Response(text=str(response), content_type="text/xml")

        async def sms_reply(request: web.Request) -> web.StreamResponse:
            form = await self._signed(request)
            if form is None or not form.get("MessageSid") or not form.get("From"):
                return web.Response(status=403, text="forbidden")
            result = await sink.key_pressed(form["From"], form.get("Body", ""), provider_id=None, via=SMS,
                                            event_id=f"twilio:{form['MessageSid']}")
            if result.duplicate:
                return web.Response(status=403, text="replayed")
            return web.Response(text=str(MessagingResponse()), content_type="text/xml")  # no SMS back: it costs

        async def status(request: web.Request) -> web.StreamResponse:
            form = await self._signed(request)
            sid = form and (form.get("CallSid") or form.get("MessageSid"))
            raw = form and (form.get("CallStatus") or form.get("MessageStatus"))
            if form is None or not sid or not raw or not form.get("To"):
                return web.Response(status=403, text="forbidden")
            via = CALL if form.get("CallSid") else SMS
            result = await sink.status(sid, STATUSES.get(raw, raw), number=form["To"], via=via,
                                       event_id=f"twilio:{sid}:{raw}")
            if result.duplicate:
                return web.Response(status=403, text="replayed")
            return web.Response(status=204)

        return [("POST", GATHER_PATH, gather), ("POST", SMS_PATH, sms_reply), ("POST", STATUS_PATH, status)]

    async def _signed(self, request: web.Request) -> dict[str, str] | None:
        """The form, when Twilio signed it for this account; None otherwise (logged)."""
        form = {key: str(value) for key, value in (await request.post()).items()}
        url = self.public_url + request.path_qs
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not self.validator.validate(url, form, signature):
            log.warning("Twilio webhook %s with a missing or wrong signature refused", request.path)
            return None
        if form.get("AccountSid") != self.account_sid:
            log.warning("Twilio webhook %s for another account refused", request.path)
            return None
        log.info("Twilio %s for %s", request.path, masked(form.get("To") or form.get("From") or ""))
        return form


def _since(moment: datetime | None, start: datetime) -> bool:
    return moment is not None and moment >= start
