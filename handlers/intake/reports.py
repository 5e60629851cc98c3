"""A report as intake registers it.

`incident_fields` is the one mapping of a report to an incident's fields, for a
new report and for a linked report split off into an incident of its own alike.
"""
from __future__ import annotations

from handlers.intake.parser import ParsedReport


def incident_fields(parsed: ParsedReport) -> dict[str, object]:
    """What a report says of the incident: type, place, time, casualties, language."""
    return dict(
        type=parsed.type or "other", location=parsed.location, stated_time=parsed.time,
        dead=parsed.casualties.dead, injured=parsed.casualties.injured,
        trapped=parsed.casualties.trapped, missing=parsed.casualties.missing,
        language=parsed.language,
    )
