"""Follow-ups and corrections: replies to a receipt or a centre card that change the incident.

A reply says what changed in one of two ways:
- as reporters write it, with current totals: "现在5人受伤" sets injured to 5
  (not +5, see the parser's labelling rules); only counts it states change;
- field by field, as the card's 更正 / Correct button explains: "类型: 危化品",
  "地点: 人民路化工厂", "受伤: 3", "time: 15:20" (one a line, or separated by ；).
Every changed field goes on the timeline with old → new and who; the card is
edited; the replier gets a one-line answer. A reply with nothing recognisable,
or with one bad value (a count outside 0..100000, an unknown type), changes
nothing and says why.

Who may change an incident this way: registered members of the organisation
(centre and units alike: they are accountable, and it is their picture of the
incident), its reporter, and the reporters of reports linked to it. Anyone else
who replies is told to send a report instead, which is read and linked like any
other: a stranger in a busy reporting group cannot rewrite a casualty count.
"""
from __future__ import annotations

import logging
import re

from handlers.context import HandlerContext
from core.events import ButtonEvent, MessageEvent
from core.i18n import LANGUAGES, Translator, catalogue
from core.messages import Message
from core.text import clean_text
from handlers.dispatch.orders import GRAVER, announce_graver, refresh_orders
from handlers.intake import duplicates, evidence, views
from handlers.intake.cards import refresh_cards
from handlers.intake.clock import event_time, find_times
from handlers.intake.numbers import EN_NUMBERS, zh_to_int
from handlers.intake.parser import INCIDENT_TYPES, parse_report
from handlers.intake.reports import COUNTS
from handlers.intake.rights import refused_followup
from handlers.intake.stated_counts import Added, applied, stated_counts
from storage.buttons import ResolvedButton
from storage.incidents import IncidentRepository
from storage.models import Incident
from storage.places import PlaceRepository
from storage.roster import RosterRepository

log = logging.getLogger(__name__)

MAX_REPLY_CHARS = 2000
MAX_COUNT = 100_000
_ATTRIBUTE = {"type": "type", "location": "location", "time": "stated_time",
              **{count: count for count in COUNTS}}
_FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "type": ("事件类型", "类型", "type", "kind"),
    "location": ("地点", "位置", "地址", "location", "place", "address"),
    "time": ("发生时间", "时间", "time"),
    "dead": ("死亡", "遇难", "dead", "deaths", "killed"),
    "injured": ("受伤", "伤员", "injured", "injuries", "wounded"),
    "trapped": ("被困", "trapped"),
    "missing": ("失联", "失踪", "missing"),
}
_FIELD_OF = {name: field for field, names in _FIELD_NAMES.items() for name in names}
# A field name at the start or after punctuation, then ":" / "=" or 改为 / 为 / 是 / 在.
_FIELD = re.compile(
    r"(?<![^\s,，;；。、(（【\[])(?P<name>"
    + "|".join(sorted(map(re.escape, _FIELD_OF), key=len, reverse=True))
    + r")\s*(?:(?:改为|改成|更正为|更新为|应为|为|是|在)\s*[:：=]?|[:：=])",
    re.IGNORECASE,
)
_TRIM = " \t,，;；。、"
_VALUE_END = re.compile(r"[，,。；;！!？?\n]")
_LOCATION_END = re.compile(r"[，。；;！!？?\n]")  # "Renmin Rd, Building 3" is one place
_COUNT_VALUE = re.compile(r"^(?:约|大约|共)?\s*(?P<n>\d+|[零〇一二两俩三四五六七八九十百千万]+)(?![\d.])")
_NONE_WORDS = frozenset({"无", "没有", "暂无", "none", "no", "nil", "zero"})


def _type_names() -> dict[str, str]:
    names = {}
    for kind in INCIDENT_TYPES:
        names[kind] = kind
        names[kind.replace("_", " ")] = kind
        for language in LANGUAGES:
            if name := catalogue(language).get(f"type.{kind}"):
                names[name.lower()] = kind
    return names


_TYPES = _type_names()


class BadValue(Exception):
    """A stated value that cannot be taken; the message says why (already translated)."""


def read_update(t: Translator, text: str) -> tuple[dict[str, object], bool]:
    """What a reply says the incident now is: (field → value, stated field by field?).

    Raises BadValue when a stated value is unusable; nothing is then changed.
    """
    matches = list(_FIELD.finditer(text))
    if not matches:
        return _free_text_update(t, text), False
    changes: dict[str, object] = {}
    rest = [text[:matches[0].start()]]  # what no field took, read as free text
    for match, following in zip(matches, matches[1:] + [None]):
        field = _FIELD_OF[match["name"].lower()]
        span = text[match.end():following.start() if following else len(text)]
        value, after = _cut(span, _LOCATION_END if field == "location" else _VALUE_END)
        changes[field] = _value(t, field, value.strip(_TRIM))
        rest.append(after)
    for field, count in _free_text_update(t, "，".join(r for r in rest if r.strip(_TRIM))).items():
        changes.setdefault(field, count)
    return changes, True


def _cut(span: str, end: re.Pattern[str]) -> tuple[str, str]:
    """A field's value runs to the end of its clause; the rest of the clause is free text."""
    found = end.search(span)
    return (span, "") if found is None else (span[:found.start()], span[found.end():])


def _free_text_update(t: Translator, text: str) -> dict[str, object]:
    if not text.strip(_TRIM):
        return {}
    if not parse_report(text).is_report:
        return {}
    # Only what the text states: a count it does not mention is left alone.
    counts = stated_counts(text)
    for field, count in counts.items():
        if (count.count if isinstance(count, Added) else count) > MAX_COUNT:
            raise BadValue(t("followup.bad_count", field=t(f"count.{field}"), max=MAX_COUNT))
    return dict(counts)


def _value(t: Translator, field: str, value: str) -> object:
    label = t(f"count.{field}") if field in COUNTS else t(f"field.{field}")
    if not value:
        raise BadValue(t("followup.empty", field=label))
    if field in COUNTS:
        return _count(t, label, value)
    if field == "type":
        kind = _TYPES.get(value.lower())
        if kind is None:
            types = "、".join(t(f"type.{k}") for k in INCIDENT_TYPES) if t.language == "zh" \
                else ", ".join(INCIDENT_TYPES)
            raise BadValue(t("followup.bad_type", value=value[:40], types=types))
        return kind
    if field == "time":
        stated = event_time(value)
        if stated is None:
            raise BadValue(t("followup.bad_time"))
        return stated
    return value[:200]  # location


def _count(t: Translator, label: str, value: str) -> int:
    low = value.lower()
    first_word = low.split()[0] if low.split() else ""
    if low in _NONE_WORDS or first_word in _NONE_WORDS:
        return 0
    number: int | None = None
    if match := _COUNT_VALUE.match(value):
        digits = match["n"]
        number = int(digits) if digits.isdigit() else zh_to_int(digits)
    elif first_word in EN_NUMBERS:
        number = EN_NUMBERS[first_word]
    if number is None or not 0 <= number <= MAX_COUNT:
        raise BadValue(t("followup.bad_count", field=label, max=MAX_COUNT))
    return number


# -- handlers ----------------------------------------------------------------

async def on_reply(ctx: HandlerContext, event: MessageEvent) -> bool:
    """A text reply to a receipt or card: a follow-up or a correction of that incident."""
    if event.reply_to_message_id is None or not event.text.strip():
        return False
    key, replied = await evidence.replied_to(ctx, event)
    incident = await duplicates.followed(ctx, replied)
    if incident is None:
        return False
    text = clean_text(event.text, MAX_REPLY_CHARS).strip()
    try:
        changes, by_field = read_update(ctx.t, text)
        problem = None
    except BadValue as bad:
        changes, by_field, problem = {}, True, str(bad)
    if not by_field and _another_incident(ctx, incident, text):
        return False  # read as a report of its own (and linked if it is a known one)
    if await refused_followup(ctx, incident):
        return True
    if problem is not None:
        ctx.reply(Message(text=problem))
        return True
    if not changes and replied is not None and key == views.receipt_key(replied.id):
        changes = answer_to_question(incident, text)  # the receipt asked where or when
        if changes:
            said = await apply_changes(ctx, incident, changes, "answered", text, answer=False)
            ctx.reply(Message(text=ctx.t("followup.answered", id=incident.id, changes=" · ".join(said))))
            return True
    if not changes:
        if not is_acknowledgement(text):  # "收到，谢谢" needs no answer, least of all an error
            ctx.reply(Message(text=ctx.t("followup.not_understood", id=incident.id)))
        return True
    await apply_changes(ctx, incident, changes, "corrected" if by_field else "updated", text)
    return True


def answer_to_question(incident: Incident, text: str) -> dict[str, object]:
    """A reply to a receipt that asked for the place or the time: a clock time in it is the
    time, and what is left (without acknowledgements) is the place."""
    if is_acknowledgement(text):
        return {}
    changes: dict[str, object] = {}
    times = find_times(text)
    if incident.stated_time is None and (stated := event_time(text, times)):
        changes["time"] = stated
    if incident.location is None or views.place_guessed(incident):  # asked, or asked to confirm
        place = text
        for found in reversed(times):
            place = place[:found.start] + " " + place[found.end:]
        place = _ANSWER_FILLER.sub(" ", place).strip(_TRIM + " ")
        if place and not is_acknowledgement(place):
            changes["location"] = place[:200]
    return changes


# Words around an answered place: "在人民路口", "地点是…", "不对，是…", "no, it's at the …".
_ANSWER_FILLER = re.compile(
    r"^\s*(?:(?:不对|不是|是的|对|no|yes)(?=[，,.。!！\s]|$)[，,.。!！\s]*)?(?:(?:地点|位置|地址)\s*)?(?:(?:是|在|于)\s*)?"
    r"(?:(?:it'?s|it is)\s+)?(?:(?:at|near|on)\s+)?",
    re.IGNORECASE)


# Thanks and acknowledgements people send back to a receipt, in both languages.
_ACKNOWLEDGEMENT_WORDS = re.compile(
    r"(谢谢|感谢|多谢|辛苦了?|收到|好的|好|行|嗯+|哦|明白|了解|知道了?|已阅|ok(ay)?|thanks?( you)?|thx|ty|"
    r"got it|roger( that)?|noted|received|copy( that)?|will do|fine|sure|yes|yep|您|你|们|啦|了|啊|呀|哈|的|"
    # a yes to "is the place …?" (对, 是的, 没错, correct): nothing to change
    r"对|是|没错|正确|correct|right|that'?s it)",
    re.IGNORECASE,
)
_NOT_WORDS = re.compile(r"[\W_]+", re.UNICODE)  # punctuation, spaces and emoji


def is_acknowledgement(text: str) -> bool:
    """Whether a reply only thanks or acknowledges (收到 / 谢谢 / ok 👍), with nothing to read."""
    rest = _ACKNOWLEDGEMENT_WORDS.sub("", text.casefold())
    return len(text) <= 40 and not _NOT_WORDS.sub("", rest)


def _another_incident(ctx: HandlerContext, incident: Incident, text: str) -> bool:
    """A reply in a reporting group that reports a different kind of incident is a new report."""
    if not (ctx.where.reporting or ctx.event.conversation.is_private):
        return False
    parsed = parse_report(text)
    return parsed.is_report and parsed.hazard_named and parsed.type != incident.type


async def apply_changes(
    ctx: HandlerContext, incident: Incident, changes: dict[str, object], kind: str, text: str,
    *, answer: bool = True,
) -> list[str]:
    """Change the incident, record old → new, redraw its card and orders; what changed, said.

    answer: tell the sender (a linked report's sender has its receipt already)."""
    repo = IncidentRepository(ctx.session)
    incident = await duplicates.held_and_followed(ctx, incident)
    said = []
    rises: dict[str, tuple[int, int]] = {}
    changed: set[str] = set()
    for field, stated in changes.items():
        attribute = _ATTRIBUTE[field]
        old = getattr(incident, attribute)
        new = applied(old, stated) if isinstance(stated, Added) else stated
        if old == new:
            continue
        setattr(incident, attribute, new)
        changed.add(field)
        if field in GRAVER and isinstance(old, int) and isinstance(new, int) and new > old:
            rises[field] = (old, new)
        _stated_by_a_person(incident, field)
        if field == "location" and kind == "corrected" and ctx.is_centre_member and isinstance(new, str):
            await _remember_place(ctx, new)
        await repo.record(incident.id, ctx.now, kind, ctx.timeline_actor, {
            "field": field, "old": old, "new": new, "text": text[:500],
            "conversation": str(ctx.event.conversation.ref),
        })
        said.append(ctx.t("followup.change", field=_label(ctx.t, field),
                          old=_shown(ctx.t, field, old), new=_shown(ctx.t, field, new)))
    if not said:
        if answer:
            ctx.reply(Message(text=ctx.t("followup.unchanged", id=incident.id)))
        return said
    await refresh_cards(ctx, incident)
    # Forces on the way see the new figures on their order; more dead, trapped or
    # missing is also said in a new message, since edits notify nobody.
    await refresh_orders(ctx, incident, frozenset(field for field in changes if field in changed))
    if rises and incident.status != "closed":
        await announce_graver(ctx, incident, rises)
    if answer:
        ctx.reply(Message(text=ctx.t("followup.updated", id=incident.id, changes=" · ".join(said))))
    log.info("incident %s %s by %s: %s", incident.id, kind, ctx.event.actor, sorted(changes))
    return said


async def _remember_place(ctx: HandlerContext, name: str) -> None:
    """A place a centre member wrote is a place: the next report naming it reads it so."""
    if 2 <= len(name) <= 100 and await PlaceRepository(ctx.session).put(
            name, kind="other", town=None, latitude=None, longitude=None, source="correction",
            by=ctx.actor_name, now=ctx.now):
        await RosterRepository(ctx.session).record("place", None, ctx.actor_name, ctx.now, {"name": name})


def _stated_by_a_person(incident: Incident, field: str) -> None:
    """A value a person gave is no longer the parser's guess: its mark goes."""
    marked = "casualties" if field in COUNTS else field
    incident.unsure = ",".join(f for f in (incident.unsure or "").split(",") if f and f != marked)


def _label(t: Translator, field: str) -> str:
    return t(f"count.{field}") if field in COUNTS else t(f"field.{field}")


def _shown(t: Translator, field: str, value: object) -> str:
    if value is None or value == "":
        return t("value.not_stated")
    if field == "type":
        return t(f"type.{value}")
    return str(value)


async def explain_correction(ctx: HandlerContext, event: ButtonEvent, button: ResolvedButton) -> None:
    """The Correct button (card: centre members; receipt: the reporter too) says, to the
    presser alone, how to correct by replying.

    A reply carries the new values with it, so there is no half-finished
    correction to keep in the database, time out or get wrong when two centre
    members correct at once.
    """
    incident = await IncidentRepository(ctx.session).get(str(button.data.get("incident")))
    if incident is None:
        ctx.private_answer = ctx.t("button.unknown")
        return
    on_receipt = bool(button.data.get("receipt"))
    actor = event.actor
    is_reporter = (incident.reporter_platform, incident.reporter_id) == (actor.platform, actor.user_id)
    if not (ctx.is_centre_member or (on_receipt and is_reporter)):
        log.warning("refused correction of %s by %s", incident.id, event.actor)
        ctx.private_answer = ctx.t("correct.refused" if on_receipt else "button.refused_centre_only")
        return
    if incident.status == "closed":
        ctx.private_answer = ctx.t("followup.closed", id=incident.id)
        return
    ctx.private_answer = ctx.t("correct.how_receipt" if on_receipt else "correct.how", id=incident.id)
