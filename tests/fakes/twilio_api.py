"""A fake Twilio REST API (2010-04-01) on 127.0.0.1, speaking Twilio's shapes.

- ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` and ``…/Calls.json``:
  HTTP Basic auth with the Account SID and Auth Token (401 with Twilio's error JSON
  otherwise), form-encoded parameters (``To``, ``From``, ``Body`` / ``Twiml``,
  ``StatusCallback``, ``StatusCallbackEvent`` repeated); 201 with the resource's JSON
  (``sid`` SM…/CA…, ``status`` queued, ``date_created`` in RFC 2822); a ``To`` that is
  not E.164 gets 400 with code 21211.
- ``GET …/Messages.json?To=`` and ``…/Calls.json?To=``: a list page (``messages`` /
  ``calls``, ``page``, ``page_size``, ``uri``, ``next_page_uri`` …).
- ``fail_next``: statuses answered (with Twilio's error JSON) before the next requests
  succeed, 429 included; ``hang_next``: sends taken, then answered past the client's timeout.
- As Twilio itself, the fake calls the bot back: ``status_callback`` posts a status to
  the StatusCallback URL of an SMS or call, ``press`` posts the digits to the call's
  <Gather> action, ``reply_sms`` posts an inbound SMS; each signed with
  X-Twilio-Signature (``twilio.request_validator``) over the full URL and the form.
"""
from __future__ import annotations

import asyncio
import base64
import itertools
import re
from dataclasses import dataclass, field
from email.utils import format_datetime
from datetime import datetime, timezone
from typing import Any
from xml.etree import ElementTree

import aiohttp
from aiohttp import web
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "f" * 32
FROM_NUMBER = "+15005550006"
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass
class Sent:
    """One SMS or call as Twilio holds it."""

    sid: str
    kind: str  # "sms" or "call"
    params: dict[str, Any]
    created: datetime
    status: str = "queued"

    @property
    def to(self) -> str:
        return self.params["To"]

    def gather_action(self) -> str:
        """The <Gather action> of the call's TwiML, checked to be Twilio-valid XML."""
        root = ElementTree.fromstring(self.params["Twiml"])
        gather = root.find("Gather")
        assert gather is not None and gather.get("numDigits") == "1"
        return str(gather.get("action"))

    def spoken(self) -> str:
        root = ElementTree.fromstring(self.params["Twiml"])
        return " ".join(say.text or "" for say in root.iter("Say"))


@dataclass
class FakeTwilio:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    sent: list[Sent] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    hang_next: int = 0
    hang_s: float = 30.0  # a send taken, then answered this late (the client gives up first)
    requests: int = 0

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._session: aiohttp.ClientSession | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> "FakeTwilio":
        app = web.Application()
        base = "/2010-04-01/Accounts/{account}/"
        app.router.add_post(base + "Messages.json", self._create_message)
        app.router.add_post(base + "Calls.json", self._create_call)
        app.router.add_get(base + "Messages.json", self._list_messages)
        app.router.add_get(base + "Calls.json", self._list_calls)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *_: Any) -> None:
        assert self._session is not None and self._runner is not None
        await self._session.close()
        await self._runner.cleanup()

    def of(self, kind: str) -> list[Sent]:
        return [s for s in self.sent if s.kind == kind]

    # -- the REST API ---------------------------------------------------------------

    async def _checked(self, request: web.Request) -> web.Response | None:
        self.requests += 1
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != expected or request.match_info["account"] != self.account_sid:
            return _error(401, 20003, "Authenticate")
        if self.fail_next:
            status = self.fail_next.pop(0)
            return _error(status, 20429 if status == 429 else 20500, "Too Many Requests" if status == 429 else "Error")
        return None

    async def _create(self, request: web.Request, kind: str) -> web.Response:
        if (refused := await self._checked(request)) is not None:
            return refused
        form = await request.post()
        params: dict[str, Any] = {k: str(v) for k, v in form.items()}
        params["StatusCallbackEvent"] = form.getall("StatusCallbackEvent", [])
        if not _E164.match(params.get("To", "")):
            return _error(400, 21211, f"The 'To' number {params.get('To')} is not a valid phone number.")
        if params.get("From") != FROM_NUMBER:
            return _error(400, 21212, "Invalid From Number")
        if kind == "sms" and not params.get("Body"):
            return _error(400, 21602, "Message body is required.")
        if kind == "call" and not (params.get("Twiml") or params.get("Url")):
            return _error(400, 21205, "Url or Twiml is required")
        sid = ("SM" if kind == "sms" else "CA") + f"{next(self._ids):032x}"
        sent = Sent(sid, kind, params, datetime.now(timezone.utc))
        self.sent.append(sent)
        if self.hang_next:  # taken, but the answer comes too late for the client
            self.hang_next -= 1
            await asyncio.sleep(self.hang_s)
        return web.json_response(self._resource(sent, request.match_info["account"]), status=201)

    async def _create_message(self, request: web.Request) -> web.Response:
        return await self._create(request, "sms")

    async def _create_call(self, request: web.Request) -> web.Response:
        return await self._create(request, "call")

    async def _list(self, request: web.Request, kind: str, key: str) -> web.Response:
        if (refused := await self._checked(request)) is not None:
            return refused
        to = request.query.get("To")
        items = [self._resource(s, request.match_info["account"]) for s in reversed(self.sent)
                 if s.kind == kind and (to is None or s.to == to)]
        size = int(request.query.get("PageSize", "50"))
        uri = request.path_qs
        return web.json_response({
            key: items[:size], "end": max(0, min(size, len(items)) - 1), "first_page_uri": uri,
            "next_page_uri": None, "page": 0, "page_size": size, "previous_page_uri": None, "start": 0, "uri": uri,
        })

    async def _list_messages(self, request: web.Request) -> web.Response:
        return await self._list(request, "sms", "messages")

    async def _list_calls(self, request: web.Request) -> web.Response:
        return await self._list(request, "call", "calls")

    def _resource(self, sent: Sent, account: str) -> dict[str, Any]:
        common = {
            "sid": sent.sid, "account_sid": account, "to": sent.to, "from": sent.params["From"],
            "status": sent.status, "date_created": format_datetime(sent.created), "date_updated":
                format_datetime(sent.created), "api_version": "2010-04-01", "price": None, "price_unit": "USD",
        }
        if sent.kind == "sms":
            return {**common, "body": sent.params["Body"], "direction": "outbound-api", "num_segments": "1",
                    "num_media": "0", "date_sent": None, "error_code": None, "error_message": None,
                    "messaging_service_sid": None,
                    "uri": f"/2010-04-01/Accounts/{account}/Messages/{sent.sid}.json", "subresource_uris": {}}
        return {**common, "direction": "outbound-api", "start_time": None, "end_time": None, "duration": None,
                "answered_by": None, "parent_call_sid": None, "phone_number_sid": None, "queue_time": "0",
                "caller_name": None, "forwarded_from": None, "group_sid": None, "trunk_sid": None,
                "uri": f"/2010-04-01/Accounts/{account}/Calls/{sent.sid}.json", "subresource_uris": {}}

    # -- Twilio calling the bot back ---------------------------------------------------

    async def post_signed(self, url: str, form: dict[str, str], *, token: str | None = None,
                          signature: str | None = None) -> aiohttp.ClientResponse:
        """A webhook as Twilio sends it: form-encoded, signed over the URL and the form."""
        assert self._session is not None
        sign = RequestValidator(token or self.auth_token).compute_signature(url, form)
        headers = {"X-Twilio-Signature": sign if signature is None else signature}
        async with self._session.post(url, data=form, headers=headers) as response:
            await response.read()
            return response

    async def status_callback(self, sent: Sent, status: str, **kw: Any) -> aiohttp.ClientResponse:
        sent.status = status
        form = {"AccountSid": self.account_sid, "To": sent.to, "From": sent.params["From"], "ApiVersion": "2010-04-01"}
        if sent.kind == "sms":
            form |= {"MessageSid": sent.sid, "SmsSid": sent.sid, "MessageStatus": status, "SmsStatus": status}
        else:
            form |= {"CallSid": sent.sid, "CallStatus": status, "Direction": "outbound-api"}
        return await self.post_signed(sent.params["StatusCallback"], form, **kw)

    async def press(self, call: Sent, digits: str, **kw: Any) -> tuple[aiohttp.ClientResponse, str]:
        """The callee pressed a key: Twilio posts it to the <Gather> action; returns the TwiML answered."""
        assert self._session is not None
        form = {"AccountSid": self.account_sid, "CallSid": call.sid, "To": call.to, "From": call.params["From"],
                "Digits": digits, "CallStatus": "in-progress", "Direction": "outbound-api", "ApiVersion": "2010-04-01"}
        url = call.gather_action()
        sign = RequestValidator(kw.pop("token", None) or self.auth_token).compute_signature(url, form)
        headers = {"X-Twilio-Signature": kw.pop("signature", sign)}
        async with self._session.post(url, data=form, headers=headers) as response:
            return response, await response.text()

    async def reply_sms(self, url: str, from_number: str, body: str) -> aiohttp.ClientResponse:
        form = {"AccountSid": self.account_sid, "MessageSid": f"SM{next(self._ids):032x}", "From": from_number,
                "To": FROM_NUMBER, "Body": body, "NumMedia": "0", "ApiVersion": "2010-04-01"}
        return await self.post_signed(url, form)


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message,
                              "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status},
                             status=status)
