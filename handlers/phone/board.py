"""What the phone did for an incident, on its board: the latest status of each SMS and
call (the centre sees who was reached and who did not answer; numbers stay off it)."""
from __future__ import annotations

from core.messages import Field, Message
from handlers.context import Context
from storage.models import Incident
from storage.phone import phone_statuses


def phones_for(ctx: Context, incident: Incident) -> bool:
    """Whether the policy for the incident's level has SMS or call steps."""
    return any(step.action in ("sms", "call") for step in ctx.org.spec.escalation.steps_for(incident.level))


async def with_phone_statuses(ctx: Context, incident: Incident, board: Message) -> Message:
    if not phones_for(ctx, incident):
        return board  # no query on a board whose orders are never chased by phone (an ack storm's)
    latest: dict[tuple[str, str, str], str] = {}
    for entry in await phone_statuses(ctx.session, incident.id):
        latest[(str(entry.get("unit")), str(entry.get("via")), str(entry.get("to")))] = str(entry.get("status"))
    if not latest:
        return board
    lines = "；".join(ctx.t("phone.board_line", unit=unit, via=ctx.t(f"phone.via.{via}"), name=name,
                           status=ctx.t(f"phone.status.{status}") if ctx.t.has(f"phone.status.{status}") else status)
                     for (unit, via, name), status in latest.items())
    return Message(title=board.title, text=board.text, fields=(*board.fields, Field(ctx.t("phone.board_field"), lines)),
                   buttons=board.buttons, mentions=board.mentions)
