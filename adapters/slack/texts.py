"""Slack-only user-facing strings, read through the translation catalogue.

The keys live under `slack.` in bot/locales/<lang>.py. Until a key is in the
catalogue the default below is used, so the adapter never fails on a missing
string; the catalogue always wins.
"""
from __future__ import annotations

from typing import Any

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator
from bot.platform import CommandInfo

DEFAULTS: dict[str, dict[str, str]] = {
    "zh": {
        "slack.form.title": "报告突发事件",
        "slack.form.submit": "提交",
        "slack.form.close": "取消",
        "slack.form.type": "事件类型",
        "slack.form.location": "地点",
        "slack.form.location_hint": "例如：人民路化工厂",
        "slack.form.time": "发生时间",
        "slack.form.dead": "死亡人数",
        "slack.form.injured": "受伤人数",
        "slack.form.trapped": "被困人数",
        "slack.form.missing": "失踪人数",
        "slack.form.description": "情况描述",
        "slack.form.description_hint": "现场情况、已采取的措施、需要的支援",
        "slack.form.error_number": "请填写 0 到 {max} 之间的整数",
        "slack.form.error_time": "请按“时:分”填写，例如 15:20",
        "slack.form.error_required": "请填写此项",
        "slack.form.error_type": "请选择事件类型",
        # The report the form composes, in words the intake parser reads.
        "slack.form.report": "{location}发生{type}",
        # Incident types in words the parser reads as that type (else the catalogue name).
        "slack.form.report_type.geological": "地质灾害",
        "slack.form.report_type.hazmat": "危化品泄漏",
        "slack.form.report_type.collapse": "坍塌",
        "slack.form.report_type.water_rescue": "水上搜救",
        "slack.form.report_dead": "死亡{count}人",
        "slack.form.report_injured": "受伤{count}人",
        "slack.form.report_trapped": "被困{count}人",
        "slack.form.report_missing": "失踪{count}人",
        "slack.form.report_separator": "，",
        "slack.form.report_end": "。",
    },
    "en": {
        "slack.form.title": "Report an incident",
        "slack.form.submit": "Submit",
        "slack.form.close": "Cancel",
        "slack.form.type": "Type of incident",
        "slack.form.location": "Location",
        "slack.form.location_hint": "e.g. Renmin Rd chemical plant",
        "slack.form.time": "Time of event",
        "slack.form.dead": "Dead",
        "slack.form.injured": "Injured",
        "slack.form.trapped": "Trapped",
        "slack.form.missing": "Missing",
        "slack.form.description": "What happened",
        "slack.form.description_hint": "The situation, what has been done, what help is needed",
        "slack.form.error_number": "Enter a whole number from 0 to {max}",
        "slack.form.error_time": "Use hours:minutes, e.g. 15:20",
        "slack.form.error_required": "Please fill this in",
        "slack.form.error_type": "Choose the type of incident",
        "slack.form.report": "{type} at {location}",
        "slack.form.report_type.geological": "Landslide or subsidence",
        "slack.form.report_type.hazmat": "Hazardous materials",
        "slack.form.report_type.collapse": "Structural collapse",
        "slack.form.report_type.water_rescue": "Vessel in distress or person in the water",
        "slack.form.report_dead": "{count} dead",
        "slack.form.report_injured": "{count} injured",
        "slack.form.report_trapped": "{count} trapped",
        "slack.form.report_missing": "{count} missing",
        "slack.form.report_separator": ", ",
        "slack.form.report_end": ".",
    },
}


class SlackTexts:
    """A Translator that falls back to this module's defaults for `slack.` keys."""

    def __init__(self, language: str):
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self.t = Translator(self.language)

    def __call__(self, key: str, **params: Any) -> str:
        if self.t.has(key):
            return self.t(key, **params)
        return DEFAULTS[self.language][key].format(**params)

    def has(self, key: str) -> bool:
        return self.t.has(key) or key in DEFAULTS[self.language]


def organisation_language(commands: list[CommandInfo]) -> str:
    """The organisation's language, as the command menu's "default" reveals it.

    The adapter is not given the organisation; the menu descriptions are in
    every language plus the organisation's, so the match names it.
    """
    for command in commands:
        default = command.descriptions.get("default")
        matches = [lang for lang in LANGUAGES if default and command.descriptions.get(lang) == default]
        if len(matches) == 1:
            return matches[0]
    return DEFAULT_LANGUAGE
