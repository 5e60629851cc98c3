"""A fake Alibaba Cloud SMS (Dysmsapi 2017-05-25) and voice (Dyvmsapi 2017-05-25) API on
127.0.0.1: RPC-style actions named by the `x-acs-action` header, their parameters in
the query, answered with Alibaba's JSON (`Code`, `Message`, `RequestId`, `BizId`, `CallId`).

Every request's ACS3-HMAC-SHA256 signature is checked as Alibaba documents it, with
code written here rather than the SDK's: the canonical request (method, path, the query
sorted and RFC 3986-encoded, the signed headers lower-cased and sorted, the list of
them, the hex SHA-256 of the body), its hex SHA-256 under the algorithm's name, and an
HMAC-SHA256 with the AccessKey secret. A wrong signature or body hash gets 400
SignatureDoesNotMatch, an unknown AccessKey 404 InvalidAccessKeyId.NotFound, a nonce
seen before 400 SignatureNonceUsed, a request stamped over 15 minutes off 400
InvalidTimeStamp.Expired. `refuse_next` answers the next sends with a business Code
(HTTP 200), as Alibaba does for flow control (isv.BUSINESS_LIMIT_CONTROL).
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

from aiohttp import web

ACCESS_KEY_ID = "LTAI5tFakeKeyForTests"
ACCESS_KEY_SECRET = "fake-secret-0123456789abcdef"
_AUTH = re.compile(r"^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$")
_MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass
class Call:
    action: str
    params: dict[str, str]
    at: datetime


@dataclass
class FakeAliyun:
    access_key_id: str = ACCESS_KEY_ID
    access_key_secret: str = ACCESS_KEY_SECRET
    calls: list[Call] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why requests were refused, in order
    refuse_next: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._nonces: set[str] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> "FakeAliyun":
        app = web.Application()
        app.router.add_route("*", "/", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *_: Any) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def of(self, action: str) -> list[Call]:
        return [c for c in self.calls if c.action == action]

    # -- signature -------------------------------------------------------------------

    def _signature_problem(self, request: web.Request, body: bytes) -> tuple[int, str] | None:
        found = _AUTH.match(request.headers.get("Authorization", ""))
        if found is None:
            return 400, "MissingAuthorization"
        key_id, signed, signature = found.groups()
        if key_id != self.access_key_id:
            return 404, "InvalidAccessKeyId.NotFound"
        names = signed.split(";")
        needed = {"host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce",
                  "x-acs-content-sha256"}
        if not needed <= set(names) or names != sorted(names):
            return 400, "IncompleteSignature"
        payload = hashlib.sha256(body).hexdigest()
        if request.headers.get("x-acs-content-sha256") != payload:
            return 400, "SignatureDoesNotMatch"
        query = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(request.query.items()))
        headers = "".join(f"{name}:{','.join(sorted(v.strip() for v in request.headers.getall(name)))}\n"
                          for name in names)
        canonical = "\n".join([request.method, request.path or "/", query, headers, signed, payload])
        to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
        expected = hmac.new(self.access_key_secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return 400, "SignatureDoesNotMatch"
        stamp = datetime.strptime(request.headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        if abs(datetime.now(timezone.utc) - stamp) > timedelta(minutes=15):
            return 400, "InvalidTimeStamp.Expired"
        nonce = request.headers["x-acs-signature-nonce"]
        if nonce in self._nonces:
            return 400, "SignatureNonceUsed"
        self._nonces.add(nonce)
        return None

    # -- actions ---------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        request_id = str(uuid.uuid4()).upper()
        problem = self._signature_problem(request, body)
        if problem is not None:
            status, code = problem
            self.refused.append(code)
            return web.json_response({"RequestId": request_id, "HostId": request.host, "Code": code,
                                      "Message": f"{code}: refused by the fake",
                                      "Recommend": "https://api.aliyun.com/troubleshoot"}, status=status)
        action = request.headers["x-acs-action"]
        params = dict(request.query)
        if action in ("SendSms", "SingleCallByTts") and self.refuse_next:
            code = self.refuse_next.pop(0)
            return web.json_response({"RequestId": request_id, "Code": code, "Message": "refused"})
        self.calls.append(Call(action, params, datetime.now(timezone.utc)))
        if action == "SendSms":
            return web.json_response(self._send_sms(params, request_id))
        if action == "SingleCallByTts":
            return web.json_response(self._call(params, request_id))
        if action == "QuerySendDetails":
            return web.json_response(self._details(params, request_id))
        return web.json_response({"RequestId": request_id, "Code": "InvalidAction.NotFound",
                                  "Message": action}, status=404)

    def _send_sms(self, params: dict[str, str], request_id: str) -> dict[str, Any]:
        for key in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(key):
                return {"RequestId": request_id, "Code": "MissingParameter", "Message": key}
        if not _MAINLAND_MOBILE.match(params["PhoneNumbers"]):
            return {"RequestId": request_id, "Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "illegal number"}
        return {"RequestId": request_id, "Code": "OK", "Message": "OK", "BizId": f"{next(self._ids):018d}^0"}

    def _call(self, params: dict[str, str], request_id: str) -> dict[str, Any]:
        for key in ("CalledNumber", "CalledShowNumber", "TtsCode"):
            if not params.get(key):
                return {"RequestId": request_id, "Code": "MissingParameter", "Message": key}
        return {"RequestId": request_id, "Code": "OK", "Message": "OK", "CallId": f"1160{next(self._ids):08d}^102813"}

    def _details(self, params: dict[str, str], request_id: str) -> dict[str, Any]:
        sent = [c for c in self.of("SendSms") if c.params["PhoneNumbers"] == params.get("PhoneNumber")
                and (c.at + timedelta(hours=8)).strftime("%Y%m%d") == params.get("SendDate")]
        details = [{"PhoneNum": c.params["PhoneNumbers"], "SendStatus": 3, "ErrCode": "DELIVERED",
                    "TemplateCode": c.params["TemplateCode"], "Content": c.params.get("TemplateParam", ""),
                    "SendDate": (c.at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S"),
                    "ReceiveDate": (c.at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S"),
                    "OutId": c.params.get("OutId")} for c in sent]
        return {"RequestId": request_id, "Code": "OK", "Message": "OK", "TotalCount": len(details),
                "SmsSendDetailDTOs": {"SmsSendDetailDTO": details}}
