"""The after-action review (总结评估) of one incident: its document and its chat message."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from core.i18n import Translator
from core.messages import Field, Message, OutgoingFile
from handlers.review.document import Document, Image, Table, write
from handlers.review.figures import Review
from handlers.review.snapshot import COUNTS, Entry
from handlers.review.timeline import phone_words
from handlers.review.texts import clock, share, span


def review_document(t: Translator, zone: ZoneInfo, review: Review, chart: bytes | None) -> Document:
    facts = review.facts
    none = t("review.none")
    doc = Document(t("review.title", id=facts.id),
                   t("review.subtitle", until=clock(review.until, zone, date=True), zone=str(zone)))

    summary = doc.section(t("review.section.summary"))
    status = t("status.closed") if facts.status == "closed" else t("status.open")
    if facts.merged_into:
        status = t("status.merged", into=facts.merged_into)
    summary.tables.append(Table((t("review.column.item"), t("review.column.value")), (
        (t("review.item.type"), t(f"type.{facts.type}") + (t("review.drill_mark") if facts.drill else "")),
        (t("review.item.place"), facts.location or t("value.not_stated")),
        (t("review.item.level"), facts.level_name or t("value.not_stated")),
        (t("review.item.status"), status),
        (t("review.item.reporters"), "、".join(facts.reporters)),
        (t("review.item.first_report"), facts.text[:300]),
        (t("review.item.close_summary"), facts.close_summary or (none if facts.status == "closed"
                                                                   else t("review.not_closed"))),
    )))
    summary.tables.append(Table(
        (t("review.column.casualties"), t("review.column.first"), t("review.column.last")),
        tuple((t(f"count.{name}"), str(facts.first_counts[name]), str(facts.last_counts[name])) for name in COUNTS)))

    times = doc.section(t("review.section.key_times"))
    times.tables.append(Table(
        (t("review.column.step"), t("review.column.time"), t("review.column.since_report")),
        tuple((t(f"review.key.{k.key}"), clock(k.at, zone, date=True),
               span(t, k.since_report) if k.at is not None else t("review.never")) for k in review.key_times)))

    orders = doc.section(t("review.section.orders"))
    if review.rows:
        orders.tables.append(Table(
            (t("review.column.unit"), t("review.column.ordered"), t("review.column.acknowledged"),
             t("review.column.en_route"), t("review.column.on_scene"), t("review.column.state")),
            tuple((f"{r.order.unit} {r.order.unit_name}" + (f" #{r.order.attempt}" if r.order.attempt > 1 else ""),
                   clock(r.order.ordered_at, zone),
                   _with_span(t, zone, r.order.acknowledged_at, r.to_acknowledge),
                   clock(r.order.en_route_at, zone),
                   _with_span(t, zone, r.order.on_scene_at, r.to_on_scene),
                   t(f"order.state.{r.order.state}")) for r in review.rows)))
    else:
        orders.paragraphs.append(t("review.no_orders"))

    declines = doc.section(t("review.section.declines"))
    if review.declines:
        declines.tables.append(Table(
            (t("review.column.unit"), t("review.column.time"), t("review.column.reason")),
            tuple((o.unit, clock(o.state_at, zone), o.decline_reason or t("value.not_stated"))
                  for o in review.declines)))
    else:
        declines.paragraphs.append(none)

    escalations = doc.section(t("review.section.escalations"))
    if review.escalations:
        escalations.tables.append(Table(
            (t("review.column.time"), t("review.column.unit"), t("review.column.step"), t("review.column.reminded")),
            tuple((clock(e.at, zone), str(e.data.get("unit", "")), *_escalation_step(t, e))
                  for e in review.escalations)))
    else:
        escalations.paragraphs.append(none)

    approvals = doc.section(t("review.section.approvals"))
    if review.approvals:
        approvals.tables.append(Table(
            (t("review.column.time"), t("review.column.unit"), t("review.column.what"), t("review.column.who")),
            tuple((clock(e.at, zone), str(e.data.get("unit", "")), t(f"review.approval.{e.kind}"),
                   e.actor or t("review.nobody")) for e in review.approvals)))
    else:
        approvals.paragraphs.append(none)

    alerts = doc.section(t("review.section.broadcasts"))
    if review.broadcasts:
        alerts.tables.append(Table(
            (t("review.column.alert"), t("review.column.time"), t("review.column.confirmed"),
             t("review.column.unconfirmed")),
            tuple((f"#{b.id} {b.text[:60]}", clock(b.sent_at, zone, date=True),
                   share(len(b.confirmed), len(b.units)),
                   ", ".join(c for c in b.units if c not in b.confirmed) or none) for b in review.broadcasts)))
    else:
        alerts.paragraphs.append(t("review.no_broadcasts", id=facts.id))

    slower = doc.section(t("review.section.targets"))
    if not review.targets.any:
        slower.paragraphs.append(t("review.no_targets"))
    else:
        slower.paragraphs.append(t("review.targets_were", ack=_target(t, review.targets.acknowledge),
                                   scene=_target(t, review.targets.on_scene)))
        if review.misses:
            slower.tables.append(Table(
                (t("review.column.unit"), t("review.column.what"), t("review.column.took"),
                 t("review.column.target")),
                tuple((m.unit + (f" #{m.attempt}" if m.attempt > 1 else ""), t(f"review.miss.{m.what}"),
                       span(t, m.took) if m.took is not None else t("review.never"),
                       t("review.target_minutes", minutes=m.target_minutes)) for m in review.misses)))
        elif review.rows:
            slower.paragraphs.append(t("review.all_met"))
        else:
            slower.paragraphs.append(t("review.no_orders"))

    if chart is not None:
        doc.section(t("review.section.chart")).images.append(Image(f"review-{facts.id}.png", chart))
    return doc


def _escalation_step(t: Translator, entry: Entry) -> tuple[str, str]:
    """(the step, whom it reached): a reminder in chat, or an SMS or call and its status."""
    if entry.kind == "phone_status":
        via, status = phone_words(t, entry.data)
        return t("review.phone_step", via=via, status=status), str(entry.data.get("to") or t("value.not_stated"))
    return t("review.escalation_level", level=entry.data.get("level", "")), _reminded(t, entry.data)


def _reminded(t: Translator, data: dict[str, object]) -> str:
    """The first step reminds the unit's duty officers; later ones alert the centre, naming them."""
    names = "、".join(data.get("reminded") or ()) or t("value.not_stated")  # type: ignore[arg-type]
    return names if data.get("level") == 1 else t("review.centre_alerted", names=names)


def _with_span(t: Translator, zone: ZoneInfo, at: object, took: object) -> str:
    if at is None:
        return "—"
    return f"{clock(at, zone)} (+{span(t, took)})"  # type: ignore[arg-type]


def _target(t: Translator, minutes: int | None) -> str:
    return t("review.target_minutes", minutes=minutes) if minutes is not None else t("review.no_target")


def review_message(t: Translator, zone: ZoneInfo, review: Review, chart: bytes, document: bytes) -> Message:
    """In chat: the key times in a few lines, the chart and the PDF attached."""
    facts = review.facts
    fields = [Field(t(f"review.key.{k.key}"),
                    f"{clock(k.at, zone)} (+{span(t, k.since_report)})" if k.at is not None and k.key != "reported"
                    else clock(k.at, zone) if k.at is not None else t("review.never"))
              for k in review.key_times]
    fields.append(Field(t("review.field.orders"), str(len(review.rows))))
    if review.targets.any:
        fields.append(Field(t("review.field.misses"), str(len(review.misses))))
    else:
        fields.append(Field(t("review.field.misses"), t("review.no_target")))
    return Message(
        title=t("review.title", id=facts.id), text=t("review.chat_text"), fields=tuple(fields),
        files=(OutgoingFile(f"review-{facts.id}.png", chart, "image/png"),
               OutgoingFile(f"review-{facts.id}.pdf", document, "application/pdf")))


def review_file(t: Translator, zone: ZoneInfo, review: Review, chart: bytes, fmt: str) -> bytes:
    return write(review_document(t, zone, review, chart), fmt, t.language)
