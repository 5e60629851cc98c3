"""Every message about a drill incident says so first (#16): 🧪【演练】/ 🧪 [DRILL] at the
start of its first line, so no unit can take an exercise for a fire.

Rather than trusting every place that composes a message about an incident to remember
the mark (there are dozens, and each new feature adds more), the pipeline marks what
leaves a transaction: a message that names incidents by id, all of which are drills
this transaction has seen, gets the mark. A message naming a real incident too (the
/incidents list) marks its lines itself and is left as it is.
"""
from __future__ import annotations

import re
from dataclasses import replace

from core.messages import Message, Outgoing

INCIDENT_ID = re.compile(r"\d{8}-\d{4}")


def mark_drill_messages(outgoing: list[Outgoing], drill_ids: set[str], mark: str) -> list[Outgoing]:
    if not drill_ids:
        return outgoing
    return [replace(o, message=_marked(o.message, mark)) if _only_drills(o.message, drill_ids) else o
            for o in outgoing]


def incident_ids_named(outgoing: list[Outgoing]) -> set[str]:
    """Every incident id the messages name (for a sender that has not loaded the incidents)."""
    return set().union(*(_named(o.message) for o in outgoing)) if outgoing else set()


def _named(message: Message) -> set[str]:
    return set(INCIDENT_ID.findall(" ".join((message.title, message.text, *(f.value for f in message.fields)))))


def _only_drills(message: Message, drill_ids: set[str]) -> bool:
    named = _named(message)
    return bool(named) and named <= drill_ids


def _marked(message: Message, mark: str) -> Message:
    if message.title:
        return message if message.title.startswith(mark) else replace(message, title=f"{mark}{message.title}")
    return message if message.text.startswith(mark) else replace(message, text=f"{mark}{message.text}")
