"""A report as intake registers it: read from words by the parser, or chosen in a form.

Both become a `ParsedReport`. In a submitted report form (core.events.FormEvent,
form "report") the type, place, time and counts a person chose win over what the
parser reads in the words they wrote; nothing is read back from a sentence.
`incident_fields` is the one mapping of a report to an incident's fields, for a
new report and for a linked report split off into an incident of its own alike.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Iterable

from core.i18n import Translator
from core.text import clean_text
from handlers.intake.parser import INCIDENT_TYPES, SURE, Casualties, ParsedReport, parse_report

COUNTS = ("dead", "injured", "trapped", "missing")
MAX_PLACE = 200
MAX_COUNT = 100_000  # as for a count stated in a follow-up
MAX_TEXT = 4000  # what intake reads of a report (parser.MAX_CHARS)
_TIME = re.compile(r"([01]?\d|2[0-3])[:：]([0-5]\d)")


@dataclass(frozen=True)
class Chosen:
    """What a person chose in a report form (a field left empty, or unusable, is None)."""

    type: str | None = None
    place: str | None = None
    time: str | None = None  # "HH:MM"
    counts: tuple[tuple[str, int], ...] = ()  # (field, count) in COUNTS order
    text: str = ""  # the reporter's own words

    @property
    def empty(self) -> bool:
        return not (self.type or self.place or self.text)


def read_chosen(fields: Iterable[tuple[str, str]]) -> Chosen:
    """A report form's fields (see core.events.FormEvent). The platform checked them for
    the person already; what is still unusable here is left out, not guessed at."""
    values = dict(fields)
    kind = values.get("type", "").strip()
    place = " ".join(clean_text(values.get("place", ""), MAX_PLACE).split())
    time = _TIME.fullmatch(values.get("time", "").strip())
    counts = []
    for name in COUNTS:
        raw = values.get(name, "").strip()
        if raw.isascii() and raw.isdigit() and int(raw) <= MAX_COUNT:
            counts.append((name, int(raw)))
    return Chosen(
        type=kind if kind in INCIDENT_TYPES else None,
        place=place or None,
        time=f"{int(time[1]):02d}:{time[2]}" if time else None,
        counts=tuple(counts),
        text=clean_text(values.get("text", ""), MAX_TEXT).strip(),
    )


def parse_chosen(chosen: Chosen, language: str) -> ParsedReport:
    """The report a form makes: the parser's reading of the words, where the form chose
    nothing; what was chosen, as chosen (and so not marked unsure).

    `language`: the report's when it has no words of its own (the organisation's)."""
    read = parse_report(chosen.text, assume_report=True) if chosen.text else \
        ParsedReport(True, None, None, None, Casualties(), language)
    confidence = read.confidence
    for name, value in (("type", chosen.type), ("location", chosen.place), ("time", chosen.time)):
        if value is not None:
            confidence = dataclasses.replace(confidence, **{name: SURE})
    if chosen.counts:
        confidence = dataclasses.replace(confidence, casualties=SURE)
    return dataclasses.replace(
        read, is_report=True,
        type=chosen.type or read.type, location=chosen.place or read.location, time=chosen.time or read.time,
        casualties=dataclasses.replace(read.casualties, **dict(chosen.counts)),
        confidence=dataclasses.replace(confidence, is_report=SURE),
    )


def compose(t: Translator, chosen: Chosen) -> str:
    """The incident's text for a report made in a form: what was chosen, in words, then
    the reporter's own. It is what people read (card, notices, timeline); intake takes
    the fields themselves. The type is named as the parser reads it, so the text says
    the same to anyone who reads it again (a linked report split off is read anew)."""
    kind = chosen.type or "other"
    phrase_key = f"intake.form.report_type.{kind}"
    name = t(phrase_key) if t.has(phrase_key) else t(f"type.{kind}")
    parts = [t("intake.form.report", type=name, location=chosen.place) if chosen.place
             else t("intake.form.report_no_place", type=name)]
    if chosen.time:
        parts.append(chosen.time)
    parts += [t(f"intake.form.report_{field}", count=count) for field, count in chosen.counts if count]
    text = t("intake.form.report_separator").join(parts) + t("intake.form.report_end")
    if chosen.text:
        text += ("" if t.language == "zh" else " ") + chosen.text
    return text


def incident_fields(parsed: ParsedReport) -> dict[str, object]:
    """What a report says of the incident: type, place, time, casualties, language."""
    return dict(
        type=parsed.type or "other", location=parsed.location, stated_time=parsed.time,
        dead=parsed.casualties.dead, injured=parsed.casualties.injured,
        trapped=parsed.casualties.trapped, missing=parsed.casualties.missing,
        language=parsed.language,
    )
