"""/review, /stats and /timeline in chat.

/review and /stats only ask: the report is built by a worker off the event loop
(bot/reports.py) and arrives through the outbox. /timeline is one incident's rows,
drawn at once, a page at a time."""
from __future__ import annotations

import logging
import secrets

from core.events import ButtonEvent, CommandEvent, ConversationRef, private_conversation
from core.messages import Message
from handlers.context import HandlerContext
from handlers.intake.handler import INCIDENT_ID
from handlers.review import jobs, statistics, timeline
from handlers.review.snapshot import Entry
from storage.buttons import ResolvedButton
from storage.incidents import IncidentRepository
from storage.models import Incident, ReportJob
from storage.reports import ReportRepository

log = logging.getLogger(__name__)

PAGE = "timeline.page"


async def _ask(ctx: HandlerContext, kind: str, args: dict[str, object], notice: str) -> None:
    await ReportRepository(ctx.session).add(ReportJob(
        kind=kind, args=args, answer_to=[str(ctx.event.conversation.ref)],
        reply_to_message_id=ctx.event.platform_message_id, requested_by=ctx.actor_name,
        requested_at=ctx.now, status="pending"))
    ctx.reply(Message(text=notice))


async def review_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/review ID — the after-action review: key times, each unit's order, what was slower
    than the targets; a chart and the document attached."""
    incident_id = event.args.strip()
    if not INCIDENT_ID.match(incident_id):
        ctx.reply(Message(text=ctx.t("review.usage")))
        return
    if await IncidentRepository(ctx.session).get(incident_id) is None:
        ctx.reply(Message(text=ctx.t("status.not_found", id=incident_id)))
        return
    await _ask(ctx, jobs.REVIEW, {"incident": incident_id}, ctx.t("review.building", id=incident_id))


async def stats_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/stats [YYYY-MM | FROM..TO] — the period's statistics, as charts and a document."""
    try:
        period = statistics.parse_period(event.args, ctx.now.astimezone(ctx.org.timezone).date())
    except statistics.BadPeriod as bad:
        ctx.reply(Message(text=ctx.t(bad.key, **bad.values) + "\n" + ctx.t("stats.usage")))
        return
    await _ask(ctx, jobs.STATS, {"period": period.to_json()}, ctx.t("stats.building", period=period.label))


async def _is_reporter(ctx: HandlerContext, incident: Incident) -> bool:
    """The first reporter, or the sender of a further report linked to the incident."""
    actor = ctx.event.actor
    if (incident.reporter_platform, incident.reporter_id) == (actor.platform, actor.user_id):
        return True
    return await IncidentRepository(ctx.session).is_source_reporter(incident.id, actor.platform, actor.user_id)


async def _readable(ctx: HandlerContext, incident_id: str) -> tuple[Incident, bool] | None:
    """The incident and whether the asker sees internal notes; None (answered) when they may not see it."""
    incident = await IncidentRepository(ctx.session).get(incident_id)
    if incident is not None and ctx.is_centre_member:
        return incident, True
    if incident is not None and await _is_reporter(ctx, incident):
        return incident, False
    # Strangers (and units) learn nothing, not even that the id exists.
    ctx.reply(Message(text=ctx.t("status.not_found", id=incident_id)))
    return None


async def _entries(ctx: HandlerContext, incident_id: str, internal: bool) -> list[Entry]:
    rows = await IncidentRepository(ctx.session).timeline(incident_id)
    return timeline.visible([Entry(r.at, r.kind, r.actor_name, dict(r.data or {})) for r in rows], internal=internal)


async def _page_message(ctx: HandlerContext, incident_id: str, entries: list[Entry], page: int, key: str,
                        internal: bool, where: ConversationRef) -> Message:
    total = timeline.pages(len(entries))
    page = min(max(page, 1), total)
    buttons = []
    if page > 1:
        buttons.append(await ctx.button(ctx.t("timeline.previous"), PAGE,
                                        {"incident": incident_id, "page": page - 1, "key": key}, where))
    if page < total:
        buttons.append(await ctx.button(ctx.t("timeline.next"), PAGE,
                                        {"incident": incident_id, "page": page + 1, "key": key}, where))
    return Message(title=ctx.t("timeline.title", id=incident_id) + (
        "" if internal else ctx.t("timeline.public_mark")),
        text=timeline.page_text(ctx.t, ctx.org.timezone, entries, page)
        + "\n" + ctx.t("timeline.page", page=page, pages=total, count=len(entries)),
        buttons=tuple(buttons))


async def timeline_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """/timeline ID — every entry, a page at a time with 上一页/下一页."""
    incident_id = event.args.strip()
    if not INCIDENT_ID.match(incident_id):
        ctx.reply(Message(text=ctx.t("timeline.usage")))
        return
    found = await _readable(ctx, incident_id)
    if found is None:
        return
    incident, internal = found
    key = f"timeline:{incident.id}:{secrets.token_hex(4)}"  # this copy's pages, edited in place
    entries = await _entries(ctx, incident.id, internal)
    if internal or event.conversation.is_private:
        ctx.reply(await _page_message(ctx, incident.id, entries, 1, key, internal, event.conversation.ref), key=key)
        return
    # A reporter asking in a group: their incident's record goes to them alone.
    private = private_conversation(event.actor)
    ctx.send(private, await _page_message(ctx, incident.id, entries, 1, key, internal, private), key=key)
    ctx.reply(Message(text=ctx.t("private.sent")))


async def page_pressed(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    incident_id, key = str(button.data.get("incident", "")), str(button.data.get("key", ""))
    incident = await IncidentRepository(ctx.session).get(incident_id)
    internal = ctx.is_centre_member
    if incident is None or not (internal or await _is_reporter(ctx, incident)):
        ctx.private_answer = ctx.t("button.refused_centre_only")
        return
    page = int(button.data.get("page", 1))
    entries = await _entries(ctx, incident.id, internal)
    ctx.edit(event.conversation.ref, key,
             await _page_message(ctx, incident.id, entries, page, key, internal, event.conversation.ref))
    ctx.private_answer = ctx.t("timeline.page", page=min(max(page, 1), timeline.pages(len(entries))),
                               pages=timeline.pages(len(entries)), count=len(entries))
