"""The `/report` form: a Slack modal for reporters who would rather fill in
fields than type a sentence.

`/report` with no text opens it; its submission is checked here (Slack answers
the reporter inside the form when a number is wrong) and handed over as the
neutral report form (core.events.FormEvent): intake takes the type, place, time
and casualties as chosen.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.text import clean_text
from config.schema import INCIDENT_TYPES

from adapters.slack.modal import channel_of, input_block, modal, plain, submitted
from adapters.slack.texts import SlackTexts

CALLBACK_ID = "liandong.report_form"
CASUALTIES = ("dead", "injured", "trapped", "missing")
MAX_COUNT = 9999
MAX_LOCATION = 200
MAX_DESCRIPTION = 2500
_TIME = re.compile(r"([01]?\d|2[0-3])[:：]([0-5]\d)")


def build_view(texts: SlackTexts, channel_id: str) -> dict[str, Any]:
    """The modal for views.open; it remembers where it was opened."""
    t = texts
    options = [{"text": plain(t(f"type.{kind}"), 75), "value": kind} for kind in INCIDENT_TYPES]
    blocks = [
        input_block("type", t("slack.form.type"), {"type": "static_select", "options": options,
                                              "placeholder": plain(t("slack.form.type"))}, optional=False),
        input_block("location", t("slack.form.location"),
               {"type": "plain_text_input", "max_length": MAX_LOCATION,
                "placeholder": plain(t("slack.form.location_hint"))}, optional=False),
        input_block("time", t("slack.form.time"), {"type": "timepicker"}, optional=True),
        *[
            input_block(kind, t(f"slack.form.{kind}"),
                   {"type": "number_input", "is_decimal_allowed": False, "min_value": "0",
                    "max_value": str(MAX_COUNT)}, optional=True)
            for kind in CASUALTIES
        ],
        input_block("description", t("slack.form.description"),
               {"type": "plain_text_input", "multiline": True, "max_length": MAX_DESCRIPTION,
                "placeholder": plain(t("slack.form.description_hint"))}, optional=True),
    ]
    return modal(CALLBACK_ID, t("slack.form.title"), t("slack.form.submit"), t("slack.form.close"), channel_id, blocks)


@dataclass(frozen=True)
class ReportForm:
    """A checked submission."""

    channel_id: str
    type: str
    location: str
    time: str | None = None
    casualties: dict[str, int] = field(default_factory=dict)
    description: str = ""


def read_submission(texts: SlackTexts, view: dict[str, Any]) -> tuple[ReportForm | None, dict[str, str]]:
    """(the form, {}) when it is complete and sound, else (None, errors by block_id)."""
    t = texts
    values = (view.get("state") or {}).get("values") or {}
    errors: dict[str, str] = {}

    selected = submitted(values, "type").get("selected_option") or {}
    kind = selected.get("value") if isinstance(selected, dict) else None
    if kind not in INCIDENT_TYPES:
        errors["type"] = t("slack.form.error_type")

    location = _one_line(clean_text(str(submitted(values, "location").get("value") or ""), MAX_LOCATION))
    if not location:
        errors["location"] = t("slack.form.error_required")

    time_text = submitted(values, "time").get("selected_time") or submitted(values, "time").get("value")
    time: str | None = None
    if time_text:
        match = _TIME.fullmatch(str(time_text).strip())
        if match is None:
            errors["time"] = t("slack.form.error_time")
        else:
            time = f"{int(match[1]):02d}:{match[2]}"

    casualties: dict[str, int] = {}
    for name in CASUALTIES:
        raw = submitted(values, name).get("value")
        if raw is None or str(raw).strip() == "":
            continue
        text = str(raw).strip()
        if not text.isascii() or not text.isdigit() or int(text) > MAX_COUNT:
            errors[name] = t("slack.form.error_number", max=MAX_COUNT)
            continue
        casualties[name] = int(text)

    description = clean_text(str(submitted(values, "description").get("value") or ""), MAX_DESCRIPTION).strip()
    channel = channel_of(view)
    if errors or channel is None or kind is None:
        return None, errors
    return ReportForm(channel, kind, location, time, casualties, description), {}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def fields(form: ReportForm) -> tuple[tuple[str, str], ...]:
    """The submission as the report form's neutral fields (core.events.FormEvent)."""
    chosen = [("type", form.type), ("place", form.location), ("time", form.time or "")]
    chosen += [(name, str(form.casualties[name])) for name in CASUALTIES if name in form.casualties]
    chosen.append(("text", form.description))
    return tuple((name, value) for name, value in chosen if value)
