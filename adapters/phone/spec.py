"""The phone channel as the registry knows it: SMS and voice calls through one
provider (LIANDONG_SMS_PROVIDER), or the console's `phone` room in drills.

It is a companion, not a chat platform: it never keeps the console from running,
and with no provider configured it runs beside the console (the console shows its
SMS and calls), so a drill needs no provider."""
from __future__ import annotations

from core.phone import PLATFORM
from core.platform import ChatPlatform, PlatformBuild, PlatformSpec, PlatformValues, Setting

PROVIDERS = ("twilio", "aliyun", "console")
_NEEDS = {
    "twilio": ("twilio_account_sid", "twilio_auth_token", "twilio_from_number", "public_url"),
    "aliyun": ("aliyun_access_key_id", "aliyun_access_key_secret", "aliyun_sms_sign_name", "aliyun_sms_template",
               "aliyun_tts_code", "aliyun_called_show_number"),
    "console": (),
}


def _build(build: PlatformBuild) -> ChatPlatform:
    from adapters.phone.channel import PhoneChannel

    provider = build.values.get("sms_provider") or "console"
    if provider == "twilio":
        from adapters.twilio.provider import TwilioProvider

        return PhoneChannel(TwilioProvider.of(build.values, build.organisation.language), build.sink, build.organisation)
    if provider == "aliyun":
        from adapters.aliyun.provider import AliyunProvider

        return PhoneChannel(AliyunProvider.of(build.values), build.sink, build.organisation)
    from adapters.console.phone import ConsolePhone

    return PhoneChannel(ConsolePhone(build.organisation, build.output), build.sink, build.organisation)


def _problem(values: PlatformValues) -> str | None:
    provider = values.get("sms_provider")
    if not provider:
        return None
    missing = [f"LIANDONG_{key.upper()}" for key in _NEEDS.get(provider, ()) if not values.get(key)]
    if missing:
        return f"LIANDONG_SMS_PROVIDER={provider} needs {', '.join(missing)}"
    return None


SPEC = PlatformSpec(
    name=PLATFORM,
    build=_build,
    configured=lambda values: bool(values.get("sms_provider")),
    problem=_problem,
    ids_in_organisation=False,  # a person's `phone:` is their number, read by config/organisation.py
    companion=True,
    label="Phone (SMS and voice)",
    settings=(
        Setting("sms_provider", "twilio, aliyun or console: who sends escalation SMS and places its calls",
                choices=PROVIDERS),
        Setting("twilio_account_sid", "Twilio: the Account SID (AC…)"),
        Setting("twilio_auth_token", "Twilio: the Auth Token (also checks X-Twilio-Signature)", secret=True),
        Setting("twilio_from_number", "Twilio: the number SMS and calls come from (+1…)"),
        Setting("twilio_api_url", "Twilio: the REST API", default="https://api.twilio.com"),
        Setting("aliyun_access_key_id", "Alibaba Cloud: the AccessKey ID"),
        Setting("aliyun_access_key_secret", "Alibaba Cloud: the AccessKey secret", secret=True),
        Setting("aliyun_sms_sign_name", "Alibaba Cloud SMS: the approved signature (签名)"),
        Setting("aliyun_sms_template", "Alibaba Cloud SMS: the approved template code (SMS_…)"),
        Setting("aliyun_tts_code", "Alibaba Cloud voice: the approved text-to-speech template (TTS_…)"),
        Setting("aliyun_called_show_number", "Alibaba Cloud voice: the number calls show"),
        Setting("aliyun_sms_endpoint", "Alibaba Cloud SMS API host", default="dysmsapi.aliyuncs.com"),
        Setting("aliyun_voice_endpoint", "Alibaba Cloud voice API host", default="dyvmsapi.aliyuncs.com"),
    ),
)
