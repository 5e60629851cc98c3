"""How incidents look in chat: the reporter's receipt, the centre's card, /status."""
from __future__ import annotations

from bot.i18n import Translator
from bot.messages import Button, Field, Message
from bot.text import shorten
from storage.models import Incident

CARD_TEXT_LIMIT = 500  # the original text on a card; /status shows it whole


def card_key(incident_id: str) -> str:
    return f"incident:{incident_id}:card"


def receipt_key(incident_id: str) -> str:
    return f"incident:{incident_id}:receipt"


def incident_of_key(key: str | None) -> str | None:
    """The incident a receipt's or card's key names (what a reply refers to)."""
    if key and key.startswith("incident:") and key.endswith((":card", ":receipt")):
        return key.split(":")[1]
    return None


def casualties_text(t: Translator, incident: Incident) -> str:
    counts = dict(dead=incident.dead, injured=incident.injured, trapped=incident.trapped, missing=incident.missing)
    if not any(counts.values()):
        return t("value.no_casualties")
    return t("value.casualties", **counts)


def reporter_text(t: Translator, incident: Incident) -> str:
    if incident.reporter_registered:
        return incident.reporter_name
    return t("value.unregistered", name=incident.reporter_name)


def summary_fields(t: Translator, incident: Incident) -> tuple[Field, ...]:
    not_stated = t("value.not_stated")
    return (
        Field(t("field.type"), t(f"type.{incident.type}")),
        Field(t("field.location"), incident.location or not_stated),
        Field(t("field.time"), incident.stated_time or not_stated),
        Field(t("field.casualties"), casualties_text(t, incident)),
    )


def receipt(t: Translator, incident: Incident) -> Message:
    return Message(
        title=t("receipt.title", id=incident.id),
        text=t("receipt.text"),
        fields=summary_fields(t, incident),
    )


def evidence_fields(t: Translator, incident: Incident, photos: int) -> tuple[Field, ...]:
    fields = []
    if incident.latitude is not None and incident.longitude is not None:
        fields.append(Field(t("field.coordinates"), f"{incident.latitude:.5f}, {incident.longitude:.5f}"))
    if photos:
        count = t("value.photo_one") if photos == 1 else t("value.photos", count=photos)
        fields.append(Field(t("field.photos"), count))
    return tuple(fields)


def centre_card(t: Translator, incident: Incident, photos: int = 0, buttons: tuple[Button, ...] = ()) -> Message:
    title_key = "card.title_drill" if incident.drill else "card.title"
    return Message(
        title=t(title_key, id=incident.id),
        text=shorten(incident.text, CARD_TEXT_LIMIT),
        fields=summary_fields(t, incident)
        + evidence_fields(t, incident, photos)
        + (Field(t("field.reporter"), reporter_text(t, incident)),),
        buttons=buttons,
    )


def status_view(t: Translator, incident: Incident, photos: int, zone_name: str, registered_at: str) -> Message:
    status = t("status.drill") if incident.drill else t(f"status.{incident.status}")
    return Message(
        title=t("status.title", id=incident.id),
        text=incident.text,
        fields=summary_fields(t, incident) + evidence_fields(t, incident, photos) + (
            Field(t("field.status"), status),
            Field(t("field.reporter"), reporter_text(t, incident)),
            Field(t("field.reported_at"), f"{registered_at} ({zone_name})"),
        ),
    )
