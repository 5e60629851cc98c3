"""How a roll-call, its reminder, its summary, the schedule list and the monthly report look."""
from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from core.i18n import Translator
from core.messages import Button, Field, Mention, Message, OutgoingFile
from handlers.replies import ReplyKey
from config.duty import on_duty
from config.organisation import Organisation
from storage.models import RollcallAnswer, RollcallRun
from storage.rollcalls import ABSENT, CLOSED, DRILL_KEY_PREFIX, Answer

LINES_SHOWN = 40  # a summary lists this many units per part, then "and N more"


def unit_key(rollcall_id: int, unit_code: str) -> str:
    return f"rollcall:{rollcall_id}:{unit_code}"


# Sent to a member who answered "not on duty": their reply is the reason.
ABSENCE_REASON = ReplyKey("rollcall.absence_reason", "rollcall-reason:{}")


def reason_key(answer_id: int) -> str:
    return ABSENCE_REASON.key(answer_id)


@lru_cache(maxsize=4096)  # a roll-call message is redrawn per answer, listing every earlier one's time
def hhmm(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "—"


def duration(t: Translator, span: timedelta) -> str:
    seconds = max(0, int(span.total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    if minutes >= 60:
        return t("rollcall.duration.hours", hours=minutes // 60, minutes=minutes % 60)
    return t("rollcall.duration.minutes", minutes=minutes, seconds=seconds)


def unit_label(org: Organisation, code: str) -> str:
    unit = org.units.get(code)
    return f"{code} {unit.name}" if unit else code


def answer_text(t: Translator, zone: ZoneInfo, answer: Answer) -> str:
    text = f"{answer.name} {hhmm(answer.answered_at, zone)} {t(f'rollcall.status.{answer.status}')}"
    if answer.status == ABSENT and answer.reason:
        text += t("rollcall.reason_suffix", reason=answer.reason)
    if answer.late:
        text += t("rollcall.late_suffix")
    return text


def drill_mark(t: Translator, run: RollcallRun) -> str:
    """A drill's roll-call (handlers/drill) says so first, like every message about a drill."""
    return t("drill.mark") if run.schedule_key.startswith(DRILL_KEY_PREFIX) else ""


def rollcall_message(
    t: Translator, org: Organisation, run: RollcallRun, unit_code: str, answers: Sequence[Answer],
    buttons: tuple[Button, ...] = (), *, reminder: bool = False, mentions: tuple[Mention, ...] = (),
) -> Message:
    zone = org.timezone
    fields = [
        Field(t("rollcall.field.unit"), unit_label(org, unit_code)),
        Field(t("rollcall.field.deadline"), hhmm(run.deadline_at, zone)),
    ]
    # Name whose answer is expected: "the duty officer" alone leaves a group guessing who is on today.
    if run.answer == "duty_officer" and (names := on_duty(org, unit_code, run.started_at).names):
        fields.append(Field(t("rollcall.field.expected"), "、".join(names)))
    if answers:
        fields.append(Field(t("rollcall.field.answered"), "、".join(answer_text(t, zone, a) for a in answers)))
    if run.stage == CLOSED and run.closed_at is not None:
        fields.append(Field(t("field.status"), t("rollcall.closed_at", time=hhmm(run.closed_at, zone))))
        buttons = ()
    title_key = "rollcall.reminder_title" if reminder else "rollcall.title"
    text = t("rollcall.reminder_text" if reminder else "rollcall.text",
             who=t(f"rollcall.who.{run.answer}"), time=hhmm(run.deadline_at, zone))
    return Message(title=drill_mark(t, run) + t(title_key, name=run.name, id=run.id), text=text, fields=tuple(fields),
                   buttons=buttons, mentions=mentions)


def _capped(t: Translator, lines: list[str]) -> list[str]:
    if len(lines) <= LINES_SHOWN:
        return lines
    return [*lines[:LINES_SHOWN], t("rollcall.more", count=len(lines) - LINES_SHOWN)]


def summary_message(
    t: Translator, org: Organisation, run: RollcallRun, expected: dict[str, int],
    answers: list[RollcallAnswer], officers: dict[str, list[str]],
) -> Message:
    """Silent units first (with their duty officers), then each unit's answers."""
    zone = org.timezone
    by_unit: dict[str, list[RollcallAnswer]] = {code: [] for code in run.units}
    for answer in answers:
        by_unit.setdefault(answer.unit_code, []).append(answer)
    silent = [code for code in run.units if not by_unit.get(code)]
    lines: list[str] = []
    if silent:
        lines.append(t("rollcall.summary.silent"))
        lines += _capped(t, [
            t("rollcall.summary.silent_line", unit=unit_label(org, code),
              officers="、".join(officers.get(code, [])) or t("value.not_stated"))
            for code in silent
        ])
    answered = [code for code in run.units if by_unit.get(code)]
    # Units that answered only in part come before the complete ones.
    answered.sort(key=lambda code: len(by_unit[code]) >= expected.get(code, 1))
    if answered:
        lines.append(t("rollcall.summary.answered"))
        lines += _capped(t, [
            t("rollcall.summary.unit_line", unit=unit_label(org, code), count=len(by_unit[code]),
              expected=expected.get(code, 0), answers="、".join(answer_text(t, zone, a) for a in by_unit[code]))
            for code in answered
        ])
    late = sum(1 for a in answers if a.late)
    absent = sum(1 for a in answers if a.status == ABSENT)
    fields = (
        Field(t("rollcall.summary.started"), local_time(run.started_at, zone)),
        Field(t("rollcall.summary.units"), t("rollcall.summary.units_value", answered=len(answered),
                                             total=len(run.units), silent=len(silent))),
        Field(t("rollcall.summary.late"), str(late)),
        Field(t("rollcall.summary.absent"), str(absent)),
    )
    return Message(title=drill_mark(t, run) + t("rollcall.summary.title", name=run.name, id=run.id), text="\n".join(lines),
                   fields=fields)



@dataclass
class UnitRecord:
    """One unit's month of roll-calls."""

    received: int = 0
    on_time: int = 0
    late: int = 0
    absent: int = 0  # answered 不在岗 and nobody answered 到: reached, but not on duty
    silent: int = 0
    absent_reasons: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # start → first answer, per answered roll-call

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


CSV_COLUMNS = ("code", "name", "received", "on_time", "late", "absent", "silent", "median_minutes")


def report_csv(t: Translator, org: Organisation, month: str, records: dict[str, UnitRecord]) -> OutgoingFile:
    """The monthly record as the CSV file the centre files: UTF-8 with a BOM, so
    Excel shows the Chinese unit names; one row per unit in `records`' order,
    the median answer time in minutes with one decimal (empty when never answered)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends, as Excel writes them
    writer.writerow([t(f"rollcall.report.csv.{column}") for column in CSV_COLUMNS])
    for code, record in records.items():
        unit = org.units.get(code)
        median = record.median_seconds
        writer.writerow([code, unit.name if unit else "", record.received, record.on_time, record.late,
                         record.absent, record.silent, "" if median is None else f"{median / 60:.1f}"])
    return OutgoingFile(f"rollcall-{month}.csv", out.getvalue().encode("utf-8-sig"), "text/csv")


def unit_records(runs: list[RollcallRun], answers: list[RollcallAnswer]) -> dict[str, UnitRecord]:
    """Each unit's record over these runs. A unit is on time or late by its first 到; a
    unit whose answers were all 不在岗 is absent (someone was reached, nobody was on
    duty), never on time; silent when nobody answered. The answer time is the first
    answer of any kind: how long the unit took to be reached."""
    first: dict[tuple[int, str], datetime] = {}
    present: dict[tuple[int, str], RollcallAnswer] = {}
    reasons: dict[tuple[int, str], list[str]] = {}
    for answer in answers:  # oldest first
        key = (answer.rollcall_id, answer.unit_code)
        first.setdefault(key, answer.answered_at)
        if answer.status == ABSENT:
            if answer.reason:
                reasons.setdefault(key, []).append(answer.reason)
        else:
            present.setdefault(key, answer)
    records: dict[str, UnitRecord] = {}
    for run in runs:
        for code in run.units:
            record = records.setdefault(code, UnitRecord())
            record.received += 1
            key = (run.id, code)
            if key not in first:
                record.silent += 1
                continue
            record.seconds.append((first[key] - run.started_at).total_seconds())
            if (here := present.get(key)) is None:
                record.absent += 1
                record.absent_reasons += reasons.get(key, [])
            elif here.answered_at <= run.deadline_at:
                record.on_time += 1
            else:
                record.late += 1
    return records
