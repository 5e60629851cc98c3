"""/merge ID ID: two incidents that turn out to be one become one (the inverse of Split).

The earlier keeps its id; the later is closed as merged into it, and its report and
its further reports are linked to the earlier as reports of their own (the later's
record stays as it was, for the review). Casualty figures take the higher of the two:
counting a trapped person twice is put right later, missing one is not.
"""
from __future__ import annotations

from core.events import CommandEvent
from core.messages import Message
from handlers.context import HandlerContext
from handlers.dispatch.orders import GRAVER, announce_graver, refresh_orders
from handlers.intake.duplicates import as_further_report, link_source, redraw_cards_after_commit
from handlers.intake.reports import COUNTS
from storage.incidents import IncidentRepository
from storage.models import Incident

MERGED_STATES_REFUSED = ("closed",)


async def merge_command(ctx: HandlerContext, event: CommandEvent) -> None:
    ids = event.args.split()
    if len(ids) != 2 or ids[0] == ids[1]:
        ctx.reply(Message(text=ctx.t("merge.usage")))
        return
    repo = IncidentRepository(ctx.session)
    found = await _both_found(ctx, ids)
    if found is None:
        return
    # The other bot process may be merging, closing or updating either of them right now:
    # decide from both as last committed, and hold them until this merge is written (a
    # second /merge of the pair then finds the later one closed, and a follow-up's new
    # figure is the one taken over).
    await repo.lock_in_order(found)
    for incident in found:
        if incident.status in MERGED_STATES_REFUSED:
            ctx.reply(Message(text=ctx.t("merge.closed", id=incident.id)))
            return
    keep, gone = sorted(found, key=lambda i: (i.created_at, i.id))
    if keep.drill != gone.drill:
        # A drill's reports joined to a real incident would put made-up casualties on a real
        # card (or a real one's on the drill, kept out of the statistics): never one incident.
        drill, real = (keep, gone) if keep.drill else (gone, keep)
        ctx.reply(Message(text=ctx.t("merge.drill_and_real", drill=drill.id, real=real.id)))
        return
    if await repo.has_orders(gone.id):
        # Its units would be left with orders of an incident nobody follows any more.
        ctx.reply(Message(text=ctx.t("merge.has_orders", id=gone.id)))
        return
    await merge(ctx, keep, gone)
    ctx.reply(Message(text=ctx.t("merge.done", gone=gone.id, keep=keep.id)))


async def _both_found(ctx: HandlerContext, ids: list[str]) -> list[Incident] | None:
    """The incidents the command names; None, and which one is unknown said, if either is."""
    found = []
    for incident_id in ids:
        incident = await IncidentRepository(ctx.session).get(incident_id)
        if incident is None:
            ctx.reply(Message(text=ctx.t("status.not_found", id=incident_id)))
            return None
        found.append(incident)
    return found


async def merge(ctx: HandlerContext, keep: Incident, gone: Incident) -> None:
    repo = IncidentRepository(ctx.session)
    raised: dict[str, tuple[int, int]] = {}
    for count in COUNTS:
        if getattr(gone, count) > getattr(keep, count):
            raised[count] = (getattr(keep, count), getattr(gone, count))
            setattr(keep, count, getattr(gone, count))
    keep.location = keep.location or gone.location
    if keep.latitude is None and gone.latitude is not None:
        keep.latitude, keep.longitude = gone.latitude, gone.longitude
    gone.status, gone.closed_at, gone.closed_by, gone.merged_into = "closed", ctx.now, ctx.actor_name, keep.id
    await repo.record(gone.id, ctx.now, "merged", ctx.timeline_actor, {"into": keep.id, "by_hand": True})
    await repo.record(keep.id, ctx.now, "merged_in", ctx.timeline_actor,
                      {"from": gone.id, "raised": {k: list(v) for k, v in raised.items()}})
    # (not a report split off it: that one is an incident of its own already)
    for report in [gone, *[s for s in await repo.sources_of(gone.id) if not s.split_into]]:
        await link_source(ctx, keep, as_further_report(report, keep, ctx.now, merged_from=gone.id))
    redraw_cards_after_commit(ctx, gone)  # its card now says where it went, without buttons
    redraw_cards_after_commit(ctx, keep)
    await refresh_orders(ctx, keep)
    if graver := {count: rise for count, rise in raised.items() if count in GRAVER}:
        await announce_graver(ctx, keep, graver)

