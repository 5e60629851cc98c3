"""Posting and refreshing an incident's cards in every command-centre conversation."""
from __future__ import annotations

from bot.context import Context
from bot.messages import Button
from bot.events import ConversationRef
from handlers.dispatch.actions import DISPATCH
from handlers.intake import views
from storage.incidents import IncidentRepository
from storage.models import Incident

DRILL_ACTION = "incident.drill"


async def _buttons(ctx: Context, incident: Incident, ref: ConversationRef) -> tuple[Button, ...]:
    if incident.status == "closed":
        return ()
    data = {"incident": incident.id}
    buttons = [await ctx.button(ctx.t("button.dispatch"), DISPATCH, data, ref)]
    if not incident.drill:
        buttons.append(await ctx.button(ctx.t("button.mark_drill"), DRILL_ACTION, data, ref))
    return tuple(buttons)


async def post_cards(ctx: Context, incident: Incident, photos: int = 0) -> None:
    for ref in ctx.centre_conversations():
        card = views.centre_card(ctx.t, incident, photos, await _buttons(ctx, incident, ref))
        ctx.send(ref, card, key=views.card_key(incident.id))


async def refresh_cards(ctx: Context, incident: Incident) -> None:
    """Edit the cards in place; an edit replaces the buttons too, so they are reissued."""
    photos = await IncidentRepository(ctx.session).attachment_count(incident.id, "photo")
    for ref in ctx.centre_conversations():
        card = views.centre_card(ctx.t, incident, photos, await _buttons(ctx, incident, ref))
        ctx.edit(ref, views.card_key(incident.id), card)
