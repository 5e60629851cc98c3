"""Posting and refreshing an incident's cards in every command-centre conversation."""
from __future__ import annotations

from handlers.context import Context
from core.messages import Button, Priority
from core.events import ConversationRef
from handlers.dispatch.actions import DISPATCH
from handlers.dispatch.upper_centre import refresh_upper
from handlers.intake import views
from storage.incidents import IncidentRepository
from storage.models import Incident

DRILL_ACTION = "incident.drill"  # asks for confirmation: the card offers DRILL_CONFIRM_ACTION instead
DRILL_CONFIRM_ACTION = "incident.drill_confirm"
UNDRILL_ACTION = "incident.undrill"
CORRECT_ACTION = "incident.correct"


async def _buttons(ctx: Context, incident: Incident, ref: ConversationRef,
                   confirm_drill: bool = False) -> tuple[Button, ...]:
    if incident.status == "closed":
        return ()
    data = {"incident": incident.id}
    buttons = [await ctx.button(ctx.t("button.dispatch"), DISPATCH, data, ref)]
    if incident.drill:  # a wrong mark hides a real incident from the statistics: it can be undone
        buttons.append(await ctx.button(ctx.t("button.unmark_drill"), UNDRILL_ACTION, data, ref))
    elif confirm_drill:  # the second press, on a button of its own: a slip of the thumb marks nothing
        buttons.append(await ctx.button(ctx.t("drill.confirm_button"), DRILL_CONFIRM_ACTION, data, ref))
    else:
        buttons.append(await ctx.button(ctx.t("button.mark_drill"), DRILL_ACTION, data, ref))
    buttons.append(await ctx.button(ctx.t("button.correct"), CORRECT_ACTION, data, ref))
    return tuple(buttons)


async def post_cards(ctx: Context, incident: Incident, photos: int = 0, reports: int = 1,
                     priority: int = Priority.NORMAL) -> None:
    for ref in ctx.centre_conversations():
        card = views.centre_card(ctx.t, incident, photos, await _buttons(ctx, incident, ref), reports)
        ctx.send(ref, card, key=views.card_key(incident.id), priority=priority)


async def refresh_cards(ctx: Context, *incidents: Incident) -> None:
    """Edit the cards in place; an edit replaces the buttons too, so they are reissued."""
    repo = IncidentRepository(ctx.session)
    ids = [incident.id for incident in incidents]
    photos = await repo.attachment_counts(ids, "photo")
    reports = await repo.report_counts(ids)
    for incident in incidents:
        for ref in ctx.centre_conversations():
            card = views.centre_card(ctx.t, incident, photos[incident.id], await _buttons(ctx, incident, ref),
                                     reports[incident.id])
            ctx.edit(ref, views.card_key(incident.id), card)
        refresh_upper(ctx, incident)


async def ask_drill_confirmation(ctx: Context, incident: Incident, ref: ConversationRef) -> None:
    """The card in this one conversation offers 确认：是演练 in place of 标记为演练; any later
    redraw of the card puts the plain button back, so an unconfirmed mark simply lapses."""
    repo = IncidentRepository(ctx.session)
    photos = await repo.attachment_counts([incident.id], "photo")
    reports = await repo.report_counts([incident.id])
    card = views.centre_card(ctx.t, incident, photos[incident.id],
                             await _buttons(ctx, incident, ref, confirm_drill=True), reports[incident.id])
    ctx.edit(ref, views.card_key(incident.id), card)


def refresh_cards_once(ctx: Context, incident: Incident) -> None:
    """Redraw the card at the end of the transaction: reports of ten incidents linked
    in one batch cost two queries and one edit per card, not a redraw per report."""
    ctx.work.cards_to_refresh[incident.id] = incident

    async def finish(end: Context) -> None:
        waiting, end.work.cards_to_refresh = end.work.cards_to_refresh, {}
        await refresh_cards(end, *waiting.values())

    ctx.once_per_transaction("intake.cards", finish)
