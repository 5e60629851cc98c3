"""Button tokens derived from an incident's record instead of drawn at random.

A message redrawn often (the centre's card on every further report, the board on
every press) then shows the same tokens each time and writes no new token rows.
The seed holds what only the incident's record knows (its creation to the
microsecond, the message it came from), so a token cannot be guessed from the
incident's id; each is bound to one conversation like any other.
"""
from __future__ import annotations

import hashlib

from core.events import ConversationRef
from storage.models import Incident


def incident_token(incident: Incident, where: ConversationRef, purpose: str) -> str:
    """The `purpose` button (two letters) of a message about `incident` in `where`."""
    seed = f"{incident.id}|{incident.created_at.isoformat()}|{incident.source_message_id}|{where}"
    if purpose != "tc":  # the board's take-command token came first: its seed stays as it was
        seed += f"|{purpose}"
    return purpose + hashlib.blake2s(seed.encode(), digest_size=9).hexdigest()
