"""How incidents look in chat: the reporter's receipt, the centre's card, /status."""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence
from zoneinfo import ZoneInfo

from core.i18n import Translator
from core.messages import Button, Field, Message
from core.text import shorten
from storage.incidents import LinkedReport
from storage.models import Incident, IncidentSource, TriageItem

CARD_TEXT_LIMIT = 500  # the original text on a card; /status shows it whole


def card_key(incident_id: str) -> str:
    return f"incident:{incident_id}:card"


def receipt_key(incident_id: str) -> str:
    return f"incident:{incident_id}:receipt"


def sources_key(incident_id: str) -> str:
    """The centre's one notice of an incident's further reports, edited as they come."""
    return f"incident:{incident_id}:sources"


def incident_of_key(key: str | None) -> str | None:
    """The incident a receipt's, card's or report notice's key names (what a reply refers to)."""
    if not key or not key.startswith("incident:"):
        return None
    parts = key.split(":")
    # incident:ID:source:REF named one report's notice before the notices became one per incident.
    if (len(parts) == 3 and parts[2] in ("card", "receipt", "sources")) or (len(parts) == 4 and parts[2] == "source"):
        return parts[1]
    return None


def casualties_text(t: Translator, incident: Incident) -> str:
    counts = dict(dead=incident.dead, injured=incident.injured, trapped=incident.trapped, missing=incident.missing)
    if not any(counts.values()):
        return t("value.no_casualties")
    return t("value.casualties", **counts)


def reporter_text(t: Translator, incident: Incident | IncidentSource | LinkedReport) -> str:
    if incident.reporter_registered:
        return incident.reporter_name
    return t("value.unregistered", name=incident.reporter_name)


UNSURE_MARK = " ❓"  # the parser was unsure of this value; a person has not stated it since


def summary_fields(t: Translator, incident: Incident) -> tuple[Field, ...]:
    not_stated = t("value.not_stated")
    unsure = set((incident.unsure or "").split(","))

    def shown(field: str, value: str) -> str:
        return value + UNSURE_MARK if field in unsure else value

    level = (Field(t("field.level"), incident.level_name),) if incident.level_name else ()
    if incident.commander:
        unit = incident.commander_unit or t("commander.centre")
        level += (Field(t("field.commander"), f"{incident.commander} ({unit})"),)
    return level + (
        Field(t("field.type"), shown("type", t(f"type.{incident.type}"))),
        Field(t("field.location"), shown("location", incident.location) if incident.location else not_stated),
        Field(t("field.time"), shown("time", incident.stated_time) if incident.stated_time else not_stated),
        Field(t("field.casualties"), shown("casualties", casualties_text(t, incident))),
    )


def receipt(t: Translator, incident: Incident, buttons: tuple[Button, ...] = ()) -> Message:
    """The reporter's receipt; a report without a place or a time asks for it, once,
    here (a reply to the receipt answers it: see followups.answer_question)."""
    text = t("receipt.text")
    if question := missing_question(t, incident):
        text = f"{question}\n{text}"
    return Message(
        title=t("receipt.title", id=incident.id),
        text=text,
        fields=summary_fields(t, incident),
        buttons=buttons,
    )


def missing_question(t: Translator, incident: Incident) -> str | None:
    """The seeds' report format is time, place, first judgement: ask for what is missing,
    and have a place the parser only guessed (marked ❓) confirmed or corrected."""
    if incident.location is not None and place_guessed(incident):
        if incident.stated_time is None:
            return t("receipt.confirm_place_ask_time", place=incident.location)
        return t("receipt.confirm_place", place=incident.location)
    if incident.location is None and incident.stated_time is None:
        return t("receipt.ask_place_and_time")
    if incident.location is None:
        return t("receipt.ask_place")
    if incident.stated_time is None:
        return t("receipt.ask_time")
    return None


def place_guessed(incident: Incident) -> bool:
    """The place is the parser's guess (the place model's, or a span that ran on), not yet stated by a person."""
    return "location" in (incident.unsure or "").split(",")


def duplicate_receipt(t: Translator, incident: Incident) -> Message:
    """What a reporter is told when their report joins an incident already registered."""
    return Message(
        title=t("duplicate.title", id=incident.id),
        text=t("duplicate.text"),
        fields=summary_fields(t, incident),
    )


def split_receipt(t: Translator, incident: Incident, old_id: str) -> Message:
    return Message(
        title=t("receipt.title", id=incident.id),
        text=t("split.receipt_text", old=old_id),
        fields=summary_fields(t, incident),
    )


SOURCE_TEXT_LIMIT = 200  # each report on the notice; /status shows them whole


def sources_text(t: Translator, zone: ZoneInfo, latest: Sequence[tuple[int, LinkedReport]], total: int) -> str:
    """The notice's text, the same in every centre conversation (only its buttons differ)."""
    lines = [_source_line(t, zone, number, source) for number, source in latest]
    if total > len(latest):
        lines.append(t("sources.earlier", count=total - len(latest)))
    lines.append(t("source.help"))
    return "\n".join(lines)


@lru_cache(maxsize=4096)
def _source_line(t: Translator, zone: ZoneInfo, number: int, source: LinkedReport) -> str:
    """One report's line on the notice. A pure function of the (frozen) report and its
    number: the notice is redrawn for every further report, showing the same lines again."""
    at = source.added_at.astimezone(zone)
    head = f"#{number} {at.hour:02d}:{at.minute:02d} {reporter_text(t, source)}"
    if source.split_into:
        return f"{head}: {t('source.split_into', new=source.split_into)}"
    return f"{head}: {shorten(source.text, SOURCE_TEXT_LIMIT)}"


def sources_notice(t: Translator, incident_id: str, text: str, total: int,
                   buttons: tuple[Button, ...] = ()) -> Message:
    """The centre's one notice of an incident's further reports: how many, the latest
    ones with who sent them and when (newest first, `sources_text`), a Split button for each."""
    return Message(title=t("sources.title", id=incident_id, count=total + 1), text=text, buttons=buttons)


def map_link(latitude: float, longitude: float) -> str:
    """OpenStreetMap, which needs no account and opens on any phone (coordinates are WGS 84)."""
    return f"https://www.openstreetmap.org/?mlat={latitude:.5f}&mlon={longitude:.5f}#map=16/{latitude:.5f}/{longitude:.5f}"


def map_fields(t: Translator, incident: Incident) -> tuple[Field, ...]:
    if incident.latitude is None or incident.longitude is None:
        return ()
    link = map_link(incident.latitude, incident.longitude)
    return (Field(t("field.map"), link, url=link),)


def evidence_fields(t: Translator, incident: Incident, photos: int, reports: int = 1) -> tuple[Field, ...]:
    fields = []
    if reports > 1:
        fields.append(Field(t("field.sources"), t("value.sources", count=reports)))
    if incident.latitude is not None and incident.longitude is not None:
        fields.append(Field(t("field.coordinates"), f"{incident.latitude:.5f}, {incident.longitude:.5f}"))
        fields.extend(map_fields(t, incident))
    if photos:
        count = t("value.photo_one") if photos == 1 else t("value.photos", count=photos)
        fields.append(Field(t("field.photos"), count))
    return tuple(fields)


def centre_card(
    t: Translator, incident: Incident, photos: int = 0, buttons: tuple[Button, ...] = (), reports: int = 1,
) -> Message:
    if incident.merged_into:
        title = t("card.title_merged", id=incident.id, into=incident.merged_into)
    else:
        title = t("card.title_drill" if incident.drill else "card.title", id=incident.id)
    return Message(
        title=title,
        text=shorten(incident.text, CARD_TEXT_LIMIT),
        fields=summary_fields(t, incident)
        + evidence_fields(t, incident, photos, reports)
        + ((Field(t("field.situation"), incident.situation),) if incident.situation else ())
        + (Field(t("field.reporter"), reporter_text(t, incident)),),
        buttons=buttons,
    )


def status_view(
    t: Translator, incident: Incident, photos: int, zone_name: str, registered_at: str, reports: int = 1,
    units: Sequence[str] = (),
) -> Message:
    if incident.merged_into:
        status = t("status.merged", into=incident.merged_into)
    else:
        status = t("status.drill") if incident.drill else t(f"status.{incident.status}")
    return Message(
        title=t("status.title", id=incident.id),
        text=incident.text,
        fields=summary_fields(t, incident) + evidence_fields(t, incident, photos, reports) + (
            Field(t("field.status"), status),
            Field(t("field.reporter"), reporter_text(t, incident)),
            Field(t("field.reported_at"), f"{registered_at} ({zone_name})"),
        ) + ((Field(t("status.units"), "\n".join(units)),) if units else ()),
    )


TRIAGE_TEXT_LIMIT = 300


def triage_message(t: Translator, zone: ZoneInfo, items: Sequence[tuple[int, TriageItem]], open_count: int,
                   buttons: tuple[Button, ...] = ()) -> Message:
    """The centre's list of messages intake could not decide on, numbered like their buttons."""
    if not open_count:
        return Message(title=t("triage.title_done"), text="\n".join(
            _triage_entry(t, zone, number, item) for number, item in items))
    lines = [_triage_entry(t, zone, number, item) for number, item in items]
    shown_open = sum(1 for _, item in items if item.status == "open")
    if open_count > shown_open:
        lines.append(t("triage.more", count=open_count - shown_open))
    lines.append(t("triage.help"))
    return Message(title=t("triage.title", count=open_count), text="\n".join(lines), buttons=buttons)


def _triage_entry(t: Translator, zone: ZoneInfo, number: int, item: TriageItem) -> str:
    sender = item.sender_name if not item.count > 1 else t("triage.sender_count", name=item.sender_name,
                                                             count=item.count)
    where = t("triage.private") if item.is_private else (item.chat_title or item.chat_id)
    head = f"{number}. {sender} · {where} · {item.updated_at.astimezone(zone):%H:%M}"
    if item.status == "registered":
        return f"{head} — {t('triage.decided_registered', name=item.decided_by or '', id=item.incident_id)}"
    if item.status == "dismissed":
        return f"{head} — {t('triage.decided_dismissed', name=item.decided_by or '')}"
    return f"{head}\n   {shorten(item.text, TRIAGE_TEXT_LIMIT)}"
