"""The `/broadcast` form: a Slack modal with the choices `/broadcast` takes as words.

`/broadcast` with no text opens it. Its submission is checked here only as far
as Slack can show the answer inside the form (a missing text, a malformed time,
values without a selector); it is then handed over as the neutral broadcast form
(core.events.FormEvent) — level, selector and its values, when, text — which the
broadcast handler checks against the organisation and answers in the channel
(its problems, or the preview with Send / Cancel), as for a typed `/broadcast`.
Unit codes, kinds and capabilities are the organisation's: the parser knows
them, the adapter does not, so they are typed, not picked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, get_args

from core.text import clean_text
from config.schema import Unit

from adapters.slack.modal import channel_of, input_block, modal, plain, submitted
from adapters.slack.texts import SlackTexts

CALLBACK_ID = "liandong.broadcast_form"
LEVELS = ("none", "blue", "yellow", "orange", "red")
AUDIENCES = ("all", "kind", "unit", "cap")
# Slack caps a plain_text_input at 3,000 characters; the parser's own limit is higher.
MAX_TEXT = 3000
MAX_VALUES = 500
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_VALUE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def unit_kinds() -> tuple[str, ...]:
    """The unit kinds the organisation file allows (for the hint)."""
    return tuple(get_args(Unit.model_fields["kind"].annotation))




def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, 75), "value": value}




def build_view(texts: SlackTexts, channel_id: str) -> dict[str, Any]:
    """The modal for views.open; it remembers where it was opened (the preview goes there)."""
    t = texts
    levels = [_option(t(f"alert.level.{level}"), level) for level in LEVELS]
    audiences = [_option(t(f"slack.broadcast_form.audience.{name}"), name) for name in AUDIENCES]
    blocks = [
        input_block("level", t("slack.broadcast_form.level"),
               {"type": "static_select", "options": levels, "initial_option": levels[0]}, optional=False),
        input_block("audience", t("slack.broadcast_form.audience"),
               {"type": "static_select", "options": audiences, "initial_option": audiences[0]}, optional=False),
        input_block("values", t("slack.broadcast_form.values"),
               {"type": "plain_text_input", "max_length": MAX_VALUES,
                "placeholder": plain(t("slack.broadcast_form.values_placeholder"))},
               optional=True, hint=t("slack.broadcast_form.values_hint", kinds=", ".join(unit_kinds()))),
        input_block("date", t("slack.broadcast_form.date"), {"type": "datepicker"}, optional=True),
        input_block("time", t("slack.broadcast_form.time"), {"type": "timepicker"}, optional=True,
               hint=t("slack.broadcast_form.schedule_hint")),
        input_block("text", t("slack.broadcast_form.text"),
               {"type": "plain_text_input", "multiline": True, "max_length": MAX_TEXT,
                "placeholder": plain(t("slack.broadcast_form.text_placeholder"))}, optional=False),
    ]
    return modal(CALLBACK_ID, t("slack.broadcast_form.title"), t("slack.broadcast_form.submit"),
                 t("slack.broadcast_form.close"), channel_id, blocks)


@dataclass(frozen=True)
class BroadcastForm:
    """A checked submission."""

    channel_id: str
    level: str  # one of LEVELS ("none": a plain notice)
    audience: str  # one of AUDIENCES
    values: tuple[str, ...]  # kinds, unit codes or capabilities, as typed
    at: str | None  # "HH:MM" or "YYYY-MM-DDTHH:MM"
    text: str




def _selected(values: dict[str, Any], block_id: str) -> str | None:
    option = submitted(values, block_id).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


def read_submission(texts: SlackTexts, view: dict[str, Any]) -> tuple[BroadcastForm | None, dict[str, str]]:
    """(the form, {}) when Slack has nothing to show in it, else (None, errors by block_id)."""
    t = texts
    values = (view.get("state") or {}).get("values") or {}
    errors: dict[str, str] = {}

    level = _selected(values, "level") or "none"  # nothing chosen: a plain notice
    if level not in LEVELS:
        errors["level"] = t("slack.broadcast_form.error_choice")

    audience = _selected(values, "audience") or "all"
    if audience not in AUDIENCES:
        errors["audience"] = t("slack.broadcast_form.error_choice")
    raw_values = clean_text(str(submitted(values, "values").get("value") or ""), MAX_VALUES)
    chosen = tuple(dict.fromkeys(v for v in _VALUE_SEPARATORS.split(raw_values) if v))
    if audience == "all" and chosen:
        # Values with "all units" are most likely a selector not picked: never widen an alert silently.
        errors["values"] = t("slack.broadcast_form.error_values_all")
    elif audience in AUDIENCES and audience != "all" and not chosen:
        errors["values"] = t("slack.broadcast_form.error_values")

    date_text = str(submitted(values, "date").get("selected_date") or "").strip()
    time_text = str(submitted(values, "time").get("selected_time") or "").strip()
    clock: str | None = None
    if time_text:
        if match := _TIME.fullmatch(time_text):
            clock = f"{int(match[1]):02d}:{match[2]}"
        else:
            errors["time"] = t("slack.broadcast_form.error_time")
    if date_text and not _DATE.fullmatch(date_text):
        errors["date"] = t("slack.broadcast_form.error_date")
    elif date_text and not time_text:
        errors["time"] = t("slack.broadcast_form.error_date_without_time")
    at = f"{date_text}T{clock}" if date_text and clock else clock

    text = clean_text(str(submitted(values, "text").get("value") or ""), MAX_TEXT).strip()
    if not text:
        errors["text"] = t("slack.broadcast_form.error_required")

    channel = channel_of(view)
    if errors or channel is None:
        return None, errors
    return BroadcastForm(channel, level, audience, chosen, at, text), {}


def fields(form: BroadcastForm) -> tuple[tuple[str, str], ...]:
    """The submission as the broadcast form's neutral fields (core.events.FormEvent)."""
    chosen = [("level", form.level), ("audience", form.audience), ("values", ",".join(form.values)),
              ("at", form.at or ""), ("text", form.text)]
    return tuple((name, value) for name, value in chosen if value)
