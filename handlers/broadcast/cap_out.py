"""A broadcast as a CAP 1.2 alert (#17): what other systems read from the bot.

Updates and cancels point at the alert they replace with CAP's `references`
(sender,identifier,sent of the earlier document), so a receiver links them as
the units' copies are linked.
"""
from __future__ import annotations

import re

from config.organisation import Organisation
from core.cap.model import COLOUR_PARAMETER, LEVEL_SEVERITY, CapAlert, Reference, cap_time
from core.cap.writer import write_alert
from handlers.broadcast.area import cap_areas
from storage.broadcasts import BroadcastRepository
from storage.models import Broadcast

MSG_TYPES = {"alert": "Alert", "update": "Update", "cancel": "Cancel"}
TASK_PARAMETER = "liandong:task"
DRILL_SIGN = "🧪"  # how the drill mark (drill.mark, both languages) starts: a drill goes out as an Exercise
HEADLINE_CHARS = 160  # CAP advises a headline short enough for a text message
# CAP's categories by words in the event: a receiver files the alert by them.
CATEGORY_WORDS = (
    ("Met", ("暴雨", "台风", "大风", "暴雪", "寒潮", "高温", "雷", "冰雹", "大雾", "霾", "干旱", "rain", "storm",
             "typhoon", "wind", "snow", "heat", "fog", "thunder", "hail", "drought")),
    ("Geo", ("地震", "地质", "滑坡", "泥石流", "崩塌", "earthquake", "landslide", "tsunami", "geolog")),
    ("Fire", ("火", "fire")),
    ("Env", ("洪", "flood", "污染", "pollution")),
    ("CBRNE", ("危化", "化学", "泄漏", "hazmat", "chemical")),
)


def cap_sender(org: Organisation) -> str:
    """This bot as a CAP sender: no spaces, commas, < or & (they separate `references`)."""
    return "liandong:" + re.sub(r"[\s,<&]+", "-", org.name)


def cap_identifier(broadcast: Broadcast) -> str:
    # The creation time keeps identifiers unique when a database is started afresh.
    return f"liandong-{broadcast.created_at:%Y%m%d%H%M%S}-{broadcast.id}"


def category_of(event: str) -> str:
    lowered = event.lower()
    return next((category for category, words in CATEGORY_WORDS if any(w in lowered for w in words)), "Safety")


def to_cap(org: Organisation, broadcast: Broadcast, earlier: Broadcast | None = None) -> CapAlert:
    """The sent broadcast as a CAP alert; `earlier`: the one it updates or cancels."""
    assert broadcast.sent_at is not None, "only a sent alert has a CAP document"
    references: tuple[Reference, ...] = ()
    if earlier is not None and earlier.sent_at is not None:
        references = (Reference(cap_sender(org), cap_identifier(earlier), cap_time(earlier.sent_at)),)
    parameters = [(COLOUR_PARAMETER, broadcast.level)] if broadcast.level else []
    parameters += [(TASK_PARAMETER, task) for task in broadcast.tasks or []]
    first_line = broadcast.text.strip().splitlines()[0] if broadcast.text.strip() else ""
    return CapAlert(
        identifier=cap_identifier(broadcast), sender=cap_sender(org), sent=broadcast.sent_at,
        msg_type=MSG_TYPES.get(broadcast.msg_type, "Alert"), references=references,
        status="Exercise" if broadcast.text.startswith(DRILL_SIGN) else "Actual",
        language="zh-CN" if org.language == "zh" else "en-US",
        category=category_of(broadcast.event or broadcast.text[:200]), event=broadcast.event or "",
        urgency="Immediate", severity=LEVEL_SEVERITY.get(broadcast.level, "Unknown"),
        certainty="Likely", sender_name=broadcast.sender_name or broadcast.created_by,
        headline=first_line[:HEADLINE_CHARS], description=broadcast.text, instruction=broadcast.instruction or "",
        expires=broadcast.expires_at, area=broadcast.area or "", areas=cap_areas(org, broadcast.area or ""),
        parameters=tuple(parameters),
    )


async def cap_document(repo: BroadcastRepository, org: Organisation, broadcast: Broadcast) -> bytes:
    earlier = await repo.get(broadcast.references_id) if broadcast.references_id else None
    return write_alert(to_cap(org, broadcast, earlier))
