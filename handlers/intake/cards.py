"""Posting and refreshing an incident's cards in every command-centre conversation."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from handlers.context import Context
from core.messages import Button, Priority
from core.events import ConversationRef
from handlers.dispatch.actions import DISPATCH
from handlers.dispatch.upper_centre import refresh_upper
from handlers.incident_tokens import incident_token
from handlers.intake import views
from storage.buttons import ButtonRepository
from storage.incidents import IncidentRepository
from storage.models import Incident

DRILL_ACTION = "incident.drill"  # asks for confirmation: the card offers DRILL_CONFIRM_ACTION instead
DRILL_CONFIRM_ACTION = "incident.drill_confirm"
UNDRILL_ACTION = "incident.undrill"
CORRECT_ACTION = "incident.correct"


@dataclass(frozen=True)
class _CardButton:
    label: str  # translation key
    action: str
    purpose: str  # of its derived token (see handlers.incident_tokens)


_DISPATCH = _CardButton("button.dispatch", DISPATCH, "dp")
_MARK_DRILL = _CardButton("button.mark_drill", DRILL_ACTION, "dr")
_CONFIRM_DRILL = _CardButton("drill.confirm_button", DRILL_CONFIRM_ACTION, "dc")
_UNMARK_DRILL = _CardButton("button.unmark_drill", UNDRILL_ACTION, "ud")
_CORRECT = _CardButton("button.correct", CORRECT_ACTION, "co")


def _shown(incident: Incident, confirm_drill: bool = False) -> list[_CardButton]:
    if incident.status == "closed":
        return []
    if incident.drill:  # a wrong mark hides a real incident from the statistics: it can be undone
        drill = _UNMARK_DRILL
    elif confirm_drill:  # the second press, on a button of its own: a slip of the thumb marks nothing
        drill = _CONFIRM_DRILL
    else:
        drill = _MARK_DRILL
    return [_DISPATCH, drill, _CORRECT]


async def _buttons(ctx: Context, incident: Incident, ref: ConversationRef,
                   confirm_drill: bool = False, *, first: bool = False,
                   tokens_of: dict[str, str] | None = None) -> tuple[Button, ...]:
    """The card's buttons, with tokens derived from the incident: issued with the first
    drawing (or, later, when missing: a conversation added since, a card from before).

    tokens_of: purpose -> token, as refresh_cards derived them for this card (and looked
    them up, in one query for the batch); derived here otherwise."""
    shown = _shown(incident, confirm_drill)
    if not shown:
        return ()
    repo = ButtonRepository(ctx.session)
    if tokens_of is None:
        tokens = [incident_token(incident, ref, button.purpose) for button in shown]
        if not first:  # a new incident's tokens cannot exist yet
            await repo.existing(tokens)
    else:
        tokens = [tokens_of[button.purpose] for button in shown]
    data = {"incident": incident.id}
    for button, token in zip(shown, tokens):
        if not repo.cached_as_issued(token):
            await repo.issue(button.action, data, ref, ctx.now, token=token)
    return tuple(Button(ctx.t(button.label), token) for button, token in zip(shown, tokens))


def _all_tokens(ctx: Context, incidents: Sequence[Incident]) -> dict[tuple[str, ConversationRef], dict[str, str]]:
    """(incident, conversation) -> purpose -> token, for the buttons each card shows now."""
    return {(incident.id, ref): {button.purpose: incident_token(incident, ref, button.purpose)
                                 for button in _shown(incident)}
            for incident in incidents for ref in ctx.centre_conversations()}


async def post_cards(ctx: Context, incident: Incident, photos: int = 0, reports: int = 1,
                     priority: int = Priority.NORMAL) -> None:
    for ref in ctx.centre_conversations():
        card = views.centre_card(ctx.t, incident, photos, await _buttons(ctx, incident, ref, first=True), reports)
        ctx.send(ref, card, key=views.card_key(incident.id), priority=priority)


async def refresh_cards(ctx: Context, *incidents: Incident) -> None:
    """Edit the cards in place (an edit replaces the buttons too: the same tokens again)."""
    repo = IncidentRepository(ctx.session)
    ids = [incident.id for incident in incidents]
    photos = await repo.attachment_counts(ids, "photo")
    reports = await repo.report_counts(ids)
    tokens = _all_tokens(ctx, incidents)
    await ButtonRepository(ctx.session).existing(  # one query for the batch
        [token for of_card in tokens.values() for token in of_card.values()])
    for incident in incidents:
        for ref in ctx.centre_conversations():
            buttons = await _buttons(ctx, incident, ref, tokens_of=tokens[(incident.id, ref)])
            card = views.centre_card(ctx.t, incident, photos[incident.id], buttons, reports[incident.id])
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


CARDS = "cards"  # the redraw's kind (handlers.router.Router.on_redraw)


def redraw_cards_after_commit(ctx: Context, incident: Incident) -> None:
    """Redraw the incident's cards after commit (Context.redraw_after_commit): once for
    the reports of a batch, or of a flood's few batches, from what every process
    committed, all of them in two queries and one edit per card."""
    ctx.redraw_after_commit(CARDS, incident.id)


async def redraw_cards(ctx: Context, incident_id: str) -> None:
    ctx.work.cards_to_draw.add(incident_id)
    ctx.once_per_transaction("intake.cards", _draw_wanted_cards)


async def _draw_wanted_cards(ctx: Context) -> None:
    ids, ctx.work.cards_to_draw = sorted(ctx.work.cards_to_draw), set()
    held = ctx.work.incidents_held
    await refresh_cards(ctx, *(held[i] for i in ids if i in held))
