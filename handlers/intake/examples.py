"""Labelled examples from the organisation's own traffic, in the dev file's schema.

Every correction and every triage decision says what a message really was:
- an incident a person corrected field by field: its text, and what the parser
  read at the time with the corrections laid over it (follow-ups that brought
  new figures are news, not corrections, and are left out);
- a triage entry registered: the same, from the incident it became;
- a triage entry dismissed: not a report.
`liandong intake export` writes them; `liandong intake eval` scores the parser on them.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.intake.parser import parse_report
from handlers.intake.reports import COUNTS
from storage.examples import corrected_incident_ids, decided_triage, readings
from storage.models import Incident, TimelineEntry
from storage.triage import REGISTERED



def _not_a_report() -> dict[str, Any]:
    return {"is_report": False, "type": None, "location": None, "time": None,
            "casualties": dict.fromkeys(COUNTS, 0)}


def _expected(incident: Incident, entries: list[TimelineEntry]) -> tuple[dict[str, Any], list[str]]:
    """What the parser read when it came in, corrected; and who corrected what."""
    reported = next((e for e in entries if e.kind == "reported"), None)
    parsed = dict((reported.data or {}).get("parsed") or {}) if reported else {}
    expected = {
        "is_report": True,
        "type": parsed.get("type") or incident.type,
        "location": parsed.get("location"),
        "time": parsed.get("time"),
        "casualties": {count: int((parsed.get("casualties") or {}).get(count, 0)) for count in COUNTS},
    }
    notes = []
    for entry in entries:
        if entry.kind != "corrected":
            continue
        field, new = entry.data.get("field"), entry.data.get("new")
        if field in COUNTS:
            expected["casualties"][field] = int(new or 0)
        elif field in ("type", "location", "time"):
            expected[field] = new or None
        notes.append(f"{field} by {entry.actor_name or '?'}")
    return expected, notes


async def labelled_examples(session: AsyncSession) -> list[dict[str, Any]]:
    decided = await decided_triage(session)
    registered = [item.incident_id for item in decided if item.status == REGISTERED and item.incident_id]
    corrected = await corrected_incident_ids(session)
    read = await readings(session, sorted(set(registered) | set(corrected)))
    examples: list[dict[str, Any]] = []
    done: set[str] = set()
    for item in decided:
        if item.status == REGISTERED and item.incident_id in read:
            incident, entries = read[item.incident_id]
            expected, notes = _expected(incident, entries)
            done.add(incident.id)
            note = f"registered from triage by {item.decided_by}" + (f"; corrected: {', '.join(notes)}" if notes else "")
            examples.append(_row(f"triage-{item.id}", item.text, incident.language, expected, note))
        elif item.status != REGISTERED:
            examples.append(_row(f"triage-{item.id}", item.text, None, _not_a_report(),
                                 f"not a report, decided by {item.decided_by}"))
    for incident_id in corrected:
        if incident_id in done or incident_id not in read:
            continue
        incident, entries = read[incident_id]
        expected, notes = _expected(incident, entries)
        examples.append(_row(f"incident-{incident_id}", incident.text, incident.language, expected,
                             f"corrected: {', '.join(notes)}"))
    return examples


def _row(ident: str, text: str, language: str | None, expected: dict[str, Any], note: str) -> dict[str, Any]:
    if language is None:  # a dismissed message was never given one
        language = parse_report(text).language
    return {"id": ident, "text": text, "lang": language, "expected": expected, "note": note}
