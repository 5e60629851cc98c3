"""Duplicate reports: ten people report one fire, the centre gets one incident with ten sources.

A report joins an open, real (not drill) incident registered in the last 30
minutes when it is of the same type and either both have coordinates no more
than about a kilometre apart, or (without coordinates on both) they name the same
place (places_match). The reporter is told which incident it joined; the
incident's timeline gets the source; the centre's one notice of the incident's
further reports is sent, then edited in place (the count and the latest texts),
and the card's count of reports goes up.

Reports carry no coordinates when they arrive (a pin is a message of its own),
so coordinates link afterwards: a pin that puts a fresh incident within reach
of an earlier one merges it into that one (`merge_if_near`).

The notice, not the card, carries Split: one button per report shown, next to
the very text the centre is judging. Ten reports of one fire are one notice,
not nine. Splitting makes the report an incident of its own again.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import re
import secrets
from datetime import datetime, timedelta

from handlers.context import Context, HandlerContext
from core.events import ButtonEvent, ConversationRef
from core.messages import Button, Priority
from handlers.intake import views
from handlers.intake.cards import post_cards, redraw_cards_after_commit
from handlers.intake.parser import ParsedReport, parse_report
from handlers.intake.places_match import distance_km, same_place
from handlers.intake.reports import incident_fields
from storage.buttons import ButtonRepository, ResolvedButton
from storage.incidents import IncidentRepository, NewSource, TimelineActor
from storage.models import Incident, IncidentSource
from storage.outbox import OutboxRepository

log = logging.getLogger(__name__)

WINDOW = timedelta(minutes=30)
NEAR_KM = 1.0
NOTICE_LATEST = 8  # further reports shown on the notice, each with its Split button
SPLIT_ACTION = "incident.split"


# -- matching ----------------------------------------------------------------

def is_same_incident(
    candidate: Incident, kind: str, location: str | None, latitude: float | None, longitude: float | None,
    at: datetime,
) -> bool:
    """Would a report of `kind` at `location`/coordinates, made at `at`, be this incident?"""
    if candidate.status != "open" or candidate.drill or candidate.merged_into:
        return False
    if candidate.type != kind or not (at - WINDOW <= candidate.created_at <= at):
        return False
    if None not in (candidate.latitude, candidate.longitude, latitude, longitude):
        # Both pinned: the pins decide, whatever the names say.
        return distance_km(candidate.latitude, candidate.longitude, latitude, longitude) <= NEAR_KM  # type: ignore[arg-type]
    return same_place(candidate.location, location)


async def _candidates(ctx: Context, kind: str) -> list[Incident]:
    """The window's open, named incidents of one type, loaded once per transaction.

    A batch of reports shares one transaction; incidents registered earlier in
    it are added by `remember`, so two reports of one fire arriving together
    still make one incident. Rows read here stay live objects: an incident
    closed or marked as drill later in the batch stops matching.
    """
    cache = ctx.work.duplicate_candidates
    if cache is None:
        repo = IncidentRepository(ctx.session)
        cache = ctx.work.duplicate_candidates = {}
        for incident in await repo.open_since(ctx.now - WINDOW):
            cache.setdefault(incident.type, []).append(incident)
        # The notices number the reports: counted here for all candidates in one query.
        await repo.preload_report_numbers([i.id for same_type in cache.values() for i in same_type])
    return cache.setdefault(kind, [])


async def remember(ctx: Context, incident: Incident, *, new: bool = True) -> None:
    """A new (or reopened) incident joins the candidates of the transaction's later reports."""
    await IncidentRepository(ctx.session).preload_report_numbers([incident.id], new=new)
    cached = (ctx.work.duplicate_candidates or {}).get(incident.type)
    if cached is not None and incident not in cached:
        cached.append(incident)


_INCIDENT_MENTION = re.compile(r"(?<!\d)(\d{8}-\d{4,6})(?!\d)")


async def named_incident(ctx: Context, text: str) -> Incident | None:
    """The open incident a message names by its id ("续报 20261122-0001：…"), if any."""
    for mention in _INCIDENT_MENTION.findall(text[:500]):
        incident = await followed(ctx, await IncidentRepository(ctx.session).get(mention))
        if incident is not None and incident.status != "closed":
            return incident
    return None


async def find_duplicate(ctx: Context, parsed: ParsedReport) -> Incident | None:
    """The earliest open incident this freshly parsed report belongs to, if any."""
    if not parsed.location:  # the parser finds no coordinates: a name is needed
        return None
    kind = parsed.type or "other"
    kinds = [kind]
    if not parsed.hazard_named:  # a follow-up often names no hazard ("人民路化工厂又有2人受伤"): any type at that place
        await _candidates(ctx, kind)
        kinds = list(ctx.work.duplicate_candidates or {})
    for each in kinds:
        for candidate in await _candidates(ctx, each):
            # The names first: it is the cheap test that rules out nearly every candidate.
            if same_place(candidate.location, parsed.location) and \
                    is_same_incident(candidate, each, parsed.location, None, None, ctx.now):
                return candidate
    return None


# -- linking -----------------------------------------------------------------

def source_of_event(ctx: HandlerContext, incident: Incident, text: str) -> NewSource:
    event = ctx.event
    return NewSource(
        incident_id=incident.id, added_at=ctx.now, text=text,
        reporter_platform=event.actor.platform, reporter_id=event.actor.user_id,
        reporter_name=ctx.actor_name, reporter_registered=ctx.person is not None,
        source_platform=event.conversation.ref.platform, source_chat_id=event.conversation.ref.chat_id,
        source_message_id=event.platform_message_id,
    )


async def link_source(ctx: Context, incident: Incident, source: NewSource, *, announce: bool = True) -> None:
    """Record a further report of `incident`: timeline, centre notice, card count.

    Without `announce` (a report held by the flood limits) the centre gets no notice."""
    repo = IncidentRepository(ctx.session)
    source.ref = secrets.token_urlsafe(9)
    number = await repo.add_source(source)
    reporter = TimelineActor(source.reporter_platform, source.reporter_id, source.reporter_name)
    await repo.record(incident.id, ctx.now, "source", reporter, {
        "source": source.ref, "number": number, "text": source.text,
        "reporter_registered": source.reporter_registered,
        "conversation": f"{source.source_platform}:{source.source_chat_id}", "merged_from": source.merged_from,
    })
    for where in ctx.centre_conversations():  # the notice's Split button for this report, issued once
        await ButtonRepository(ctx.session).issue(SPLIT_ACTION, {"source": source.ref}, where, ctx.now,
                                                  token=split_token(source.ref, where))
    if announce:
        refresh_sources_notice(ctx, incident.id)
    redraw_cards_after_commit(ctx, incident)
    log.info("report %d of incident %s linked", number, incident.id)


def split_token(source_ref: str, where: ConversationRef) -> str:
    """The Split button of one linked report in one centre conversation: derived from the
    report's random ref, so the notice, redrawn for every further report, makes no new rows."""
    return f"{source_ref}_{_conversation_suffix(where)}"


@functools.lru_cache(maxsize=1024)
def _conversation_suffix(where: ConversationRef) -> str:
    """A hash of the conversation alone, the same for every notice drawn there."""
    return hashlib.blake2s(str(where).encode(), digest_size=3).hexdigest()


NOTICE = "notice"  # the redraw's kind (handlers.router.Router.on_redraw)


def refresh_sources_notice(ctx: Context, incident_id: str) -> None:
    """Draw the incident's notice of further reports after commit (Context.redraw_after_commit):
    all the notices of a flood's batches together, in two queries (a storm links to
    dozens at once)."""
    ctx.redraw_after_commit(NOTICE, incident_id)


async def redraw_notice(ctx: Context, incident_id: str) -> None:
    ctx.work.notices_to_draw.add(incident_id)
    ctx.once_per_transaction("intake.sources_notices", _draw_notices)


async def _draw_notices(end: Context) -> None:
    # Only incidents still there (the pipeline found and held them): one removed meanwhile has none.
    incident_ids = sorted(i for i in end.work.notices_to_draw if i in end.work.incidents_held)
    end.work.notices_to_draw.clear()
    latest = await IncidentRepository(end.session).latest_sources_of(incident_ids, NOTICE_LATEST)
    keys = [views.sources_key(i) for i in incident_ids]
    labels: dict[int, str] = {}  # Split button labels by report number, for all the notices
    texts: dict[str, str] = {}  # incident -> its notice's text, the same in every conversation

    def label(number: int) -> str:
        if number not in labels:
            labels[number] = end.t("button.split_n", number=number)
        return labels[number]

    for where in end.centre_conversations():
        sent = await OutboxRepository(end.session).keys_sent(where, keys)
        for incident_id, key in zip(incident_ids, keys):
            shown, total = latest[incident_id]
            buttons = tuple(Button(label(number), split_token(source.ref, where))
                            for number, source in shown if not source.split_into)
            if incident_id not in texts:
                texts[incident_id] = views.sources_text(end.t, end.org.timezone, shown, total)
            notice = views.sources_notice(end.t, incident_id, texts[incident_id], total, buttons)
            if key in sent:
                end.edit(where, key, notice, priority=Priority.LOW)
            else:
                end.send(where, notice, key=key, priority=Priority.LOW)


async def merge_if_near(ctx: HandlerContext, incident: Incident) -> Incident | None:
    """A pin put `incident` within reach of an earlier one of its type: merge it into that one.

    Only a fresh incident merges — open, real, nothing dispatched, no reports of
    its own linked to it — so nobody's work on it is undone; and only into an
    earlier one, so the first report's id stays the incident's.
    """
    if incident.status != "open" or incident.drill or incident.merged_into or incident.latitude is None:
        return None
    repo = IncidentRepository(ctx.session)
    target = next((
        c for c in await repo.open_since(incident.created_at - WINDOW, incident.type, pinned=True)
        if (c.created_at, c.id) < (incident.created_at, incident.id) and c.latitude is not None
        and is_same_incident(c, incident.type, None, incident.latitude, incident.longitude, incident.created_at)
    ), None)
    if target is None or await repo.has_orders(incident.id) or await repo.report_count(incident.id) > 1:
        return None
    # The caller holds the incident; the target is held too, and must still be open (the
    # other bot process may have closed it, or merged it elsewhere, since it was listed).
    # Taken after the later incident, against lower id first: a /merge of this very pair
    # at the same moment waits the other way, and PostgreSQL's deadlock check ends one.
    await repo.lock(target)
    if target.status != "open" or target.merged_into:
        return None
    incident.status, incident.closed_at, incident.merged_into = "closed", ctx.now, target.id
    await repo.record(incident.id, ctx.now, "merged", ctx.timeline_actor, {
        "into": target.id,
        "distance_m": round(1000 * distance_km(
            target.latitude, target.longitude, incident.latitude, incident.longitude)),  # type: ignore[arg-type]
    })
    await link_source(ctx, target, as_further_report(incident, target, ctx.now, merged_from=incident.id))
    redraw_cards_after_commit(ctx, incident)  # its card now says where it went, without buttons
    return target


def as_further_report(report: Incident | IncidentSource, into: Incident, now: datetime, *,
                      merged_from: str) -> NewSource:
    """An incident's own report, or one of its further reports, as a further report of
    another incident (merging): who said it where, and where it came from."""
    return NewSource(
        incident_id=into.id, added_at=now, text=report.text,
        reporter_platform=report.reporter_platform, reporter_id=report.reporter_id,
        reporter_name=report.reporter_name, reporter_registered=report.reporter_registered,
        source_platform=report.source_platform, source_chat_id=report.source_chat_id,
        source_message_id=report.source_message_id, merged_from=merged_from,
    )


async def followed(ctx: Context, incident: Incident | None, *, held: bool = False) -> Incident | None:
    """The incident that carries on a merged one (what a reply to its receipt is about).

    held: each incident on the way is held with its state as last committed (a change's
    old → new from it, not from what was first read), so one the other bot process merged
    after it was found is followed too: a follow-up goes where the centre now follows it,
    not onto a closed card. (The joined one is taken after the merged one, against the
    usual lower id first; only a second merge of the same pair could wait the other way,
    and it is refused once it has the merged one, so PostgreSQL's deadlock check ends it
    at worst.)"""
    repo = IncidentRepository(ctx.session)
    if incident is not None and held:
        await repo.lock(incident)
    for _ in range(5):  # merges only go to earlier incidents, so chains are short and end
        if incident is None or not incident.merged_into:
            return incident
        joined = await repo.get(incident.merged_into)
        if joined is None:  # no longer there: the merged one is all that is left
            return incident
        if held:
            await repo.lock(joined)
        incident = joined
    return incident


async def held_and_followed(ctx: Context, incident: Incident) -> Incident:
    """followed(held=True) of an incident there is: never None."""
    return await followed(ctx, incident, held=True) or incident


# -- splitting ---------------------------------------------------------------

async def split_source(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    """A centre member says a linked report is a different incident: make it one."""
    if not ctx.is_centre_member:
        log.warning("refused split by %s", event.actor)
        ctx.private_answer = ctx.t("button.refused_centre_only")
        return
    repo = IncidentRepository(ctx.session)
    ref = button.data.get("source")
    source = await repo.source_by_ref(ref, for_update=True) if isinstance(ref, str) else None
    old = await repo.get(source.incident_id) if source is not None else None
    if source is None or old is None:
        ctx.private_answer = ctx.t("button.unknown")
        return
    if source.split_into:
        ctx.private_answer = ctx.t("split.already", new=source.split_into)
        return
    # Held, so that a /merge of it in the other bot process is either seen here or sees the
    # split (it copies only reports not split off).
    await repo.lock(old)
    if old.merged_into:
        # Its reports were copied to the incident it joined: split there, or the report would
        # live on as that incident's and as one of its own.
        ctx.private_answer = ctx.t("split.merged", id=old.id, into=old.merged_into)
        return
    new = await _reopen(ctx, source) or await _register_from(ctx, source)
    source.split_into = new.id
    await repo.record(old.id, ctx.now, "source_split", ctx.timeline_actor, {"source": source.ref, "into": new.id})
    await repo.record(new.id, ctx.now, "split_from", ctx.timeline_actor, {
        "from": old.id, "source": source.ref, "text": source.text, "reported_at": source.added_at.isoformat(),
        "reporter": source.reporter_name, "conversation": f"{source.source_platform}:{source.source_chat_id}",
    })
    number = await repo.source_number(source)
    refresh_sources_notice(ctx, old.id)
    redraw_cards_after_commit(ctx, old)
    where = ConversationRef(source.source_platform, source.source_chat_id)
    if where not in ctx.org.centre_conversations():  # there the new card says it
        ctx.send(where, views.split_receipt(ctx.t, new, old.id), key=views.receipt_key(new.id),
                 reply_to_message_id=source.source_message_id)
    ctx.private_answer = ctx.t("split.done", new=new.id, id=old.id)
    log.info("report %d of %s split into %s by %s", number, old.id, new.id, event.actor)


async def _reopen(ctx: HandlerContext, source: IncidentSource) -> Incident | None:
    """A report merged by its pin was an incident already: it becomes that one again.

    Only the copy of that incident's own report does: its further reports were copied with
    it, and one of them split off is an incident of its own (the merged-away card tells
    another message)."""
    if not source.merged_from:
        return None
    incident = await IncidentRepository(ctx.session).get(source.merged_from)
    if incident is None or incident.merged_into != source.incident_id or not _own_report(source, incident):
        return None
    incident.status, incident.closed_at, incident.merged_into = "open", None, None
    await remember(ctx, incident, new=False)
    redraw_cards_after_commit(ctx, incident)  # its card comes back, buttons and all
    return incident


def _own_report(source: IncidentSource, incident: Incident) -> bool:
    """The source is a copy of the message the incident was registered from."""
    return ((source.source_platform, source.source_chat_id, source.source_message_id)
            == (incident.source_platform, incident.source_chat_id, incident.source_message_id))


async def _register_from(ctx: HandlerContext, source: IncidentSource) -> Incident:
    parsed = parse_report(source.text)
    repo = IncidentRepository(ctx.session)
    incident = await repo.add(Incident(
        id=await repo.next_id(ctx.now, ctx.org.timezone),
        created_at=ctx.now, status="open", drill=False,
        **incident_fields(parsed), text=source.text,
        reporter_platform=source.reporter_platform, reporter_id=source.reporter_id,
        reporter_name=source.reporter_name, reporter_registered=source.reporter_registered,
        source_platform=source.source_platform, source_chat_id=source.source_chat_id,
        source_message_id=source.source_message_id,
    ))
    await remember(ctx, incident)
    await post_cards(ctx, incident)
    return incident
