"""Alibaba Cloud: SMS with an approved template (Dysmsapi 2017-05-25 SendSms) and a
text-to-speech voice notification (Dyvmsapi 2017-05-25 SingleCallByTts), through
Alibaba Cloud's official SDKs. Every request is signed by the SDK (ACS3-HMAC-SHA256
over the method, path, query, headers and body, with the AccessKey secret).

Mainland SMS and voice carry only approved content: the SMS template and the TTS
template are approved in the console with the variables ${org} ${name} ${id} ${type}
${place} ${level}; the bot fills them (the message's named parts). A voice
notification reads its template and cannot take a key, so acknowledging is in chat
(or on a Twilio call); the call's status comes from Alibaba's receipts, which the bot
does not take yet.
"""
from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta, timezone

import aiohttp
from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client as SmsClient
from alibabacloud_dyvmsapi20170525 import models as voice_models
from alibabacloud_dyvmsapi20170525.client import Client as VoiceClient
from alibabacloud_tea_openapi import utils_models as open_api_models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from darabonba.runtime import RuntimeOptions

from core.phone import QUEUED, SMS, PhoneProviderError, PhoneSink, Sent
from core.platform import Failure, HttpRoute, PlatformValues, Reachability, ReachabilityTracker

log = logging.getLogger(__name__)

TIMEOUT_MS = 10_000
# Codes Alibaba answers (HTTP 200 or 4xx) that a later try may get past: flow control.
_TRY_LATER = ("isv.BUSINESS_LIMIT_CONTROL", "Throttling", "isv.DAY_LIMIT_CONTROL", "ServiceUnavailable",
              "InternalError", "SignatureNonceUsed")
# The variables an approved template may use, from the message's named parts.
TEMPLATE_VARIABLES = ("org", "name", "id", "type", "place", "level")
# Alibaba keeps variables short: longer values are cut rather than refused.
VARIABLE_LIMIT = 35


def mainland(number: str) -> str:
    """Alibaba dials mainland numbers without the country code: 13800001001, 0631…"""
    if number.startswith("+86"):
        rest = number[3:]
        return rest if rest.startswith("1") else "0" + rest
    return number.lstrip("+")


def _endpoint(value: str) -> tuple[str, str]:
    """(host, protocol) of an endpoint setting: `dysmsapi.aliyuncs.com`, or `http://127.0.0.1:PORT` (tests)."""
    for protocol in ("http", "https"):
        if value.startswith(f"{protocol}://"):
            return value[len(protocol) + 3:].rstrip("/"), protocol.upper()
    return value.rstrip("/"), "HTTPS"


def _variables(facts: dict[str, str]) -> str:
    return json.dumps({k: facts[k][:VARIABLE_LIMIT] for k in TEMPLATE_VARIABLES if k in facts}, ensure_ascii=False)


class AliyunProvider:
    name = "aliyun"

    def __init__(self, access_key_id: str, access_key_secret: str, *, sign_name: str, sms_template: str,
                 tts_code: str, called_show_number: str, sms_endpoint: str = "dysmsapi.aliyuncs.com",
                 voice_endpoint: str = "dyvmsapi.aliyuncs.com"):
        self.sign_name, self.sms_template = sign_name, sms_template
        self.tts_code, self.called_show_number = tts_code, called_show_number
        self.sms = SmsClient(self._config(access_key_id, access_key_secret, sms_endpoint))
        self.voice = VoiceClient(self._config(access_key_id, access_key_secret, voice_endpoint))
        self.tracker = ReachabilityTracker()

    @staticmethod
    def _config(key_id: str, secret: str, endpoint: str) -> open_api_models.Config:
        host, protocol = _endpoint(endpoint)
        return open_api_models.Config(access_key_id=key_id, access_key_secret=secret, endpoint=host,
                                      protocol=protocol, read_timeout=TIMEOUT_MS, connect_timeout=TIMEOUT_MS)

    @classmethod
    def of(cls, values: PlatformValues) -> "AliyunProvider":
        def get(key: str) -> str:
            return str(values.get(key) or "")

        return cls(get("aliyun_access_key_id"), get("aliyun_access_key_secret"),
                   sign_name=get("aliyun_sms_sign_name"), sms_template=get("aliyun_sms_template"),
                   tts_code=get("aliyun_tts_code"), called_show_number=get("aliyun_called_show_number"),
                   sms_endpoint=get("aliyun_sms_endpoint") or "dysmsapi.aliyuncs.com",
                   voice_endpoint=get("aliyun_voice_endpoint") or "dyvmsapi.aliyuncs.com")

    def reachability(self) -> Reachability:
        return self.tracker.status()

    @staticmethod
    def _runtime() -> RuntimeOptions:
        # The outbox retries with backoff; the SDK's own retries would hide the failures from it.
        return RuntimeOptions(autoretry=False, read_timeout=TIMEOUT_MS, connect_timeout=TIMEOUT_MS)

    async def send_sms(self, number: str, text: str, facts: dict[str, str], *, reference: str) -> Sent:
        request = sms_models.SendSmsRequest(phone_numbers=mainland(number), sign_name=self.sign_name,
                                            template_code=self.sms_template, template_param=_variables(facts),
                                            out_id=reference)
        body = (await self._call(self.sms.send_sms_with_options_async(request, self._runtime()))).body
        self._check(body.code, body.message)
        return Sent(str(body.biz_id), QUEUED)

    async def place_call(self, number: str, script: str, facts: dict[str, str], menu: tuple[str, ...], *,
                         reference: str, language: str) -> Sent:
        request = voice_models.SingleCallByTtsRequest(
            called_number=mainland(number), called_show_number=self.called_show_number, tts_code=self.tts_code,
            tts_param=_variables(facts), play_times=2, out_id=reference)
        body = (await self._call(self.voice.single_call_by_tts_with_options_async(request, self._runtime()))).body
        self._check(body.code, body.message)
        return Sent(str(body.call_id), QUEUED)

    async def already_sent(self, kind: str, number: str, text: str, *, reference: str) -> Sent | None:
        """SMS: today's (and yesterday's, past midnight) sends to the number, by our OutId.
        Calls: Alibaba lists calls by their CallId only, which a crash lost: None."""
        if kind != SMS:
            return None
        today = datetime.now(timezone(timedelta(hours=8)))  # Alibaba's SendDate is Beijing time
        for day in (today, today - timedelta(days=1)):
            request = sms_models.QuerySendDetailsRequest(phone_number=mainland(number),
                                                        send_date=day.strftime("%Y%m%d"), page_size=50, current_page=1)
            body = (await self._call(self.sms.query_send_details_with_options_async(request, self._runtime()))).body
            self._check(body.code, body.message)
            details = body.sms_send_detail_dtos.sms_send_detail_dto if body.sms_send_detail_dtos else []
            for detail in details or []:
                if detail.out_id == reference:
                    return Sent(f"{reference}@{detail.send_date}", QUEUED)
        return None

    def _check(self, code: str | None, message: str | None) -> None:
        """Alibaba answers business refusals with HTTP 200 and a Code other than OK."""
        if code == "OK":
            return
        if any(str(code).startswith(prefix) for prefix in _TRY_LATER):
            raise PhoneProviderError(f"Alibaba Cloud {code}: {message}", rate_limited="LIMIT" in str(code))
        raise PhoneProviderError(f"Alibaba Cloud {code}: {message}", permanent=True)

    async def _call(self, request):  # type: ignore[no-untyped-def]
        try:
            answer = await asyncio.wait_for(request, TIMEOUT_MS / 1000 + 1)  # bounded whatever the SDK does
        except AlibabaCloudException as exc:
            status = exc.status_code or 0
            if status == 429 or str(exc.code).startswith("Throttling"):
                self.tracker.ok()
                raise PhoneProviderError(f"Alibaba Cloud {exc.code}", rate_limited=True,
                                         retry_after=exc.retry_after) from exc
            if status >= 500 or any(str(exc.code).startswith(p) for p in _TRY_LATER):
                self.tracker.failed(Failure.SERVER)
                raise PhoneProviderError(f"Alibaba Cloud {status} {exc.code}") from exc
            if str(exc.code).startswith(("InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden")):
                self.tracker.failed(Failure.AUTH)
            raise PhoneProviderError(f"Alibaba Cloud {status} {exc.code}: {exc.message}", permanent=True) from exc
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            self.tracker.failed(Failure.NETWORK)
            raise PhoneProviderError(f"Alibaba Cloud unreachable: {type(exc).__name__}") from exc
        except Exception as exc:  # the SDK wraps network failures in its own types
            if "timeout" in type(exc).__name__.lower() or "connect" in str(exc).lower():
                self.tracker.failed(Failure.NETWORK)
                raise PhoneProviderError(f"Alibaba Cloud unreachable: {type(exc).__name__}") from exc
            raise
        self.tracker.ok()
        return answer

    def http_routes(self, sink: PhoneSink) -> list[HttpRoute]:
        return []  # receipts and SMS replies come through Alibaba's message queue (MNS): not taken yet

    async def close(self) -> None:
        return None

