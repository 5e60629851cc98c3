"""Stated clock times of an event: 下午3点20分, 凌晨两点, 15:20, 7:45pm, 2308hrs.

Private helper of the intake parser. Only clock times count: relative words
(刚才, just now, 中午, since lunch) give nothing, and times that are plans,
deadlines or estimates (预计下午5点前修复, by 5pm, 8:30前到位) are not the event's.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from handlers.intake import fastre
from handlers.intake.numbers import zh_to_int

_ZH_NUM = r"[0-9]{1,2}|[零〇一二两三四五六七八九十]{1,3}"
_ZH_PERIOD = (
    r"凌晨|清晨|早上|早晨|早间|今早|今晨|上午|中午|晌午|午后|下午|傍晚|黄昏|晚上|晚间|夜晚|今晚|昨晚|昨夜|夜里|夜间|深夜|半夜|上半夜|午夜|"
    # Shandong speech: 头晌 (the morning), 过晌 / 后晌 (the afternoon)
    r"头晌|过晌|后晌|晚|早|夜"
)

# 下午3点20分 / 凌晨两点左右 / 10时26分 / 晚上9点40分许 / 十点半
ZH_CLOCK = fastre.compile(
    rf"(?:(?P<period>{_ZH_PERIOD})\s*(?:约|大约|大概)?\s*)?"
    rf"(?<![0-9零〇一二两三四五六七八九十])(?P<h>{_ZH_NUM})\s*(?P<sep>点|时)"
    rf"(?:\s*(?P<half>半)|\s*(?P<quarter>一刻|三刻)|\s*(?P<m>零?[0-9]{{1,2}}|[零〇一二两三四五六七八九十]{{1,3}})\s*(?P<fen>分)?)?"
    r"(?P<tail>钟|许|左右|多)?"
)
# 15:20 / 今早7:50 / 5:40am / 4:30 pm / a machine's 10:41:07
COLON_CLOCK = fastre.compile(
    rf"(?:(?P<period>{_ZH_PERIOD})\s*)?"
    r"(?<![\d.])(?<!\d[:：])(?P<h>[01]?\d|2[0-4])\s?[:：]\s?(?P<m>[0-5]\d)(?:[:：][0-5]\d)?(?![\d:])"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m(?![a-z])\.?)?",
    re.IGNORECASE,
)
# 7.15am (a dot only with am/pm: "4.6" alone is a magnitude)
DOT_CLOCK = fastre.compile(
    r"(?<![\d.])(?P<h>1[0-2]|0?[1-9])\.(?P<m>[0-5]\d)\s?(?P<ampm>[ap])\.?\s?m(?![a-z])\.?", re.IGNORECASE
)
# 3pm / 11 a.m.
AMPM_CLOCK = fastre.compile(r"(?<![\d:.])(?P<h>1[0-2]|0?[1-9])\s?(?P<ampm>[ap])\.?\s?m(?![a-z])\.?", re.IGNORECASE)
# 2308hrs / 0610 hours / 0340 LT; and after "at" or "time": at 2130, at 18.45, Time: 0120 (24-hour, no unit);
# a dispatch note's TOI 1423 (time of incident), started 2105, went down 0910; a log line's "1748 — …"
MILITARY_CLOCK = fastre.compile(
    r"(?<![\d:.])(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\s?(?:hrs|hours|hr|h|lt|local time|local)\b|"
    r"\b(?:at|around|about|approx\.?|time\s?[:：]?|toi|started|began|since|sighted|went (?:down|in|under|missing)) (?P<h2>[01]?\d|2[0-3])\.?(?P<m2>[0-5]\d)(?![\d%]|:\d|\.\d|\s?(?:[ap]\.?m\b|m\b|km|kg|t\b|tons?|tonnes?|metres?|meters?|people|nm|miles))"
    r"|(?<![\w:.])(?P<h3>[01]\d|2[0-3])(?P<m3>[0-5]\d)\s?[—–] ",
    re.IGNORECASE,
)
# A duty log's or a Beidou message's 0340 in Chinese: at the start of a line, or after 于,
# 报, a colon, a log's heading (值班日志 0215, 夜班记录 0340) or a part of the day (凌晨0340), and
# before a space, 在, 时, 许,
# 左右, 与 or a comma (not 船上 1200 箱, 预计1600到港).
ZH_LOG_CLOCK = fastre.compile(
    r"(?:^|\n|于|报|[：:】]|日志|记录|早班|中班|夜班|凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|半夜|事发|案发|发生)\s*(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?![\d.:：])(?=\s|在|时|许|左右|与|[，,])"
)
# …and a squad's report opening on its clock, run into the place (报告！1630港西镇马草夼村…), not
# a count (报告！1500户受灾, 2300人转移)
ZH_REPORT_OPENING_CLOCK = re.compile(
    r"(?:报告|续报|初报|急报)[！!：:，,]?\s*(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?![\d.:：%])"
    r"(?=[\u4e00-\u9fff])(?![户人名个位米吨元辆间亩余多处条台只头])"
)
# …and in English, a log line's time opening the message: "0340 blew a steer tire…" (not
# "1200 pallets…", "0800 start tomorrow": a count or a plan; nor "2023 summary…": a year).
EN_LOG_CLOCK = fastre.compile(
    r"^\W{0,3}(?!20[12]\d\b)(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\s+(?!(?:hrs|hours|h|lt|local|am|pm|a\.m|p\.m|km|kg|t|tons?|tonnes?|"
    r"metres?|meters?|m|nm|miles|people|persons|pax|crew|staff|workers|pallets|boxes|cases|units|cars|vehicles|"
    r"households|homes|houses|rmb|yuan|usd|dollars|litres|liters|gallons|rpm|start|tomorrow|tonight|today)\b)(?=[a-z])",
    re.IGNORECASE,
)

# …and a crew's or a log's bare 0415 standing alone in a sentence, closed by a stop or a comma:
# "…at WTG A12, 0415. eyes on him", "Collision in fog 0712, our CTV hit…" (not a year: "since
# 2019,"; nor a room, berth, channel, km marker or phone: "in room 1204.", "VHF 1600,", "at km 1031,",
# "call me on 1234")
EN_BARE_CLOCK = fastre.compile(r"(?<![\w:.#/-])(?!20[12]\d\b)(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?=[.,;!](?:\s|$)|\s*$)")
# …after a comma or a word that does not name a number (checked only where the figure stands:
# a look behind at every word of every message cost a third of find_times)
_BARE_CLOCK_AFTER = re.compile(r"(?:(?P<comma>[,;])|(?P<word>[a-z]+)) $", re.IGNORECASE)
_NOT_BEFORE_A_CLOCK = frozenset(
    "room rm berth bay no unit block dock gate pier flat apt suite ch channel vhf code ref order id since in of "
    "year from km mile marker exit route flight bus line pos hull tel phone ext call number on".split()
)
# "at 6 this morning", "around 9 o'clock tonight": an hour set by the part of the day after it
EN_DAYPART_CLOCK = fastre.compile(
    r"\b(?:at|around|about) (?P<h>1[0-2]|0?[1-9])(?:[:.](?P<m>[0-5]\d))? (?:o'?clock )?"
    r"(?P<part>this morning|in the morning|this afternoon|in the afternoon|this evening|in the evening|tonight|last night)\b",
    re.IGNORECASE,
)
_EN_LATER_PARTS = ("afternoon", "evening", "tonight", "night")
_EN_HOURS = "one two three four five six seven eight nine ten eleven twelve".split()
_EN_MINUTES = {"five": 5, "ten": 10, "quarter": 15, "a quarter": 15, "twenty": 20, "twenty-five": 25,
               "twenty five": 25, "half": 30}
_EN_DAY_PARTS = r"this morning|in the morning|this afternoon|in the afternoon|this evening|in the evening|tonight|last night"
# "a quarter past 9", "10 past 9", "ten past three this afternoon", "half past eleven last night",
# "a quarter to four o'clock". Not a range of counts: "5 to 6 people", "ten to twelve cars".
EN_PAST_CLOCK = fastre.compile(
    r"\b(?:(?P<min>a quarter|quarter|half|twenty-five|twenty five|twenty|ten|five|[1-5]?\d)(?: minutes?)? (?P<dir>past)|"
    r"(?P<min2>a quarter|quarter|half|twenty-five|twenty five|twenty|ten|five)(?: minutes?)? (?P<dir2>after|to)) "
    r"(?P<h>1[0-2]|0?[1-9]|" + "|".join(_EN_HOURS) + r")\b"
    r"(?!\s+(?:people|persons|men|women|children|kids|cars|vehicles|houses|homes|boats|workers|crew|others|more|of)\b)"
    r"(?P<oclock> o'?clock)?(?: (?P<part>" + _EN_DAY_PARTS + r"))?",
    re.IGNORECASE,
)

# Words just before a time that make it a plan, estimate or deadline.
_PLANNED_BEFORE = fastre.compile(
    r"(?:(?:预计|计划|将于|将在|争取|估计(?!是)|预定|要求|明天|明早|明晚|后天|下周|截止|截至|已于|转发于|转于|发布于|(?<!事)发于|下一班|下一趟|末班|头班)"
    r"|\b(?:tomorrow|expected|expect|eta|scheduled|planned|until|till|by|before|due|sitrep|as of|as at|next (?:boat|ferry|bus|train|flight))\b"
    # when it ended or help came, not when it happened (road reopened 17:40, arrived ED 14:20)
    r"|\b(?:reopened|restored|extinguished|arrived|cleared|resumed|stood down)\b)"
    r"\W{0,3}\w{0,6}\W{0,2}$",
    re.IGNORECASE,
)
_PLANNED_AFTER = fastre.compile(
    # a plan or deadline; or when it was put out, restored, reached or received, not when it happened
    r"^\s*(?:前|之前|以前|截止|before|tomorrow|(?:许|左右)?(?:已|被)?(?:扑灭|恢复|结束|解除|到达|赶到|抵达|到场|接收|接诊|收治)"
    r"|(?:许|左右)?(?:我院|医院|急诊)[^，,。]{0,4}(?:接收|接诊|收治))",
    re.IGNORECASE,
)
# English part-of-day words after a bare 24h-looking time ("7:20 this evening").
_EN_EVENING_AFTER = fastre.compile(
    r"^\s*(?:this evening|tonight|in the evening|last night|this afternoon|in the afternoon)", re.IGNORECASE
)
_ABOUT_BEFORE = re.compile(r"(?:约|大约|大概|于)\s*$")  # 约14时 / 于14时: a clock time
_DATED_BEFORE = re.compile(r"(?:今日|今天|昨日|昨天|[0-9一二三四五六七八九十]日|号)\s*$")
# (no space before it: "下午2点 人困在电梯里" is a time, then a clause)
_NOT_A_DECIMAL_UNIT = fastre.compile(r"^(?:米|公里|千米|级|度|吨|万|亿|倍|%|公斤|斤|元|平|方|个|人(?!民)|名|海里|秒)")


class ClockTime(NamedTuple):
    start: int
    end: int
    hhmm: str


def _zh_hour(h: int, period: str | None) -> int:
    """24h hour for a Chinese part-of-day word ("下午3点" → 15)."""
    if period in ("下午", "午后", "傍晚", "黄昏", "过晌", "后晌") and h < 12:
        return h + 12
    if period in ("晚上", "晚间", "夜晚", "今晚", "昨晚", "夜里", "夜间", "晚", "夜") and 5 <= h < 12:
        return h + 12
    if period in ("深夜", "半夜", "上半夜", "午夜", "昨夜") and 8 <= h < 12:
        return h + 12
    if period in ("中午", "晌午") and h < 6:
        return h + 12
    if period in ("凌晨", "晚上", "今晚", "半夜", "午夜", "深夜", "夜里", "夜晚", "夜间", "昨晚", "昨夜", "晚间", "夜") and h == 12:
        return 0  # 夜里12点 is midnight
    return h


def _fmt(h: int, m: int) -> str | None:
    if h == 24 and m == 0:
        h = 0
    if not (0 <= h < 24 and 0 <= m < 60):
        return None
    return f"{h:02d}:{m:02d}"


def _past_or_to(m: re.Match[str]) -> str | None:
    """"ten past three this afternoon" → 15:10; "a quarter to 4" → 03:45."""
    said = (m["min"] or m["min2"]).lower()
    minute = _EN_MINUTES.get(said) if not said.isdigit() else int(said)
    hour_said = m["h"].lower()
    hour = int(hour_said) if hour_said.isdigit() else _EN_HOURS.index(hour_said) + 1
    if minute is None or not 0 < minute < 60:
        return None
    if (m["dir2"] or "").lower() == "to":
        if not (m["oclock"] or m["part"]):
            return None  # "ten to twelve" without o'clock or a part of the day may be a range
        hour, minute = (hour - 1) or 12, 60 - minute
    if m["part"] and any(part in m["part"].lower() for part in _EN_LATER_PARTS) and hour < 12:
        hour += 12
    return _fmt(hour, minute)


def _planned(text: str, start: int, end: int) -> bool:
    return bool(_PLANNED_BEFORE.search(text[max(0, start - 12):start]) or _PLANNED_AFTER.match(text[end:end + 8]))


def find_times(text: str) -> list[ClockTime]:
    """Every clock time in text, in order, whatever its role."""
    found: list[ClockTime] = []
    # Cheap membership tests first: most messages have no clock time at all.
    zh = "点" in text or "时" in text
    colon = ":" in text or "：" in text
    latin = any(c in text for c in "mMhH")
    for m in ZH_CLOCK.finditer(text) if zh else ():
        h = zh_to_int(m["h"])
        if h is None:
            continue
        period = m["period"]
        if not m["h"].isdigit() and not (period or m["fen"] or m["half"] or m["quarter"] or m["tail"]) and not (
            m["m"] and m["sep"] == "点" and (zh_to_int(m["m"]) or 0) >= 10
        ):
            # 一点 / 一时 are "a little" / "for a moment" unless anchored; minutes of ten or
            # more (两点四十, 三点二十) anchor them as a clock time
            continue
        if m["sep"] == "时" and not (period or m["fen"] or m["tail"] or m["half"]) and not (
            _DATED_BEFORE.search(text, max(0, m.start() - 4), m.start()) or text.startswith("起", m.end())
            or (len(m["h"]) == 2 and m["h"].isdigit() and not text.startswith("间", m.end()))  # 14时被咬: two digits are an hour
            or _ABOUT_BEFORE.search(text, max(0, m.start() - 3), m.start())
        ):
            continue  # 当时 / 及时 / 3时 alone are too ambiguous (今日11时 / 14时起 are clock times)
        minute = 0
        if m["half"]:
            minute = 30
        elif m["quarter"]:
            minute = 15 if m["quarter"] == "一刻" else 45
        elif m["m"] and not m["fen"] and text[m.start("m") - 1].isspace():
            # "上午9点 一名工人受伤": a number after a space starts the next clause, not the minutes
            if _NOT_A_DECIMAL_UNIT.match(text[m.end("sep"):m.end("sep") + 2]):
                continue
        elif m["m"]:
            if not m["fen"] and _NOT_A_DECIMAL_UNIT.match(text[m.end("m"):m.end("m") + 3]):
                continue  # 三点五米 is a length, not 03:05 (下午3点20 人和镇: a clause after the time)
            mm = zh_to_int(m["m"].lstrip("零") or "0") if m["m"][:1] == "零" and m["m"][1:].isdigit() else zh_to_int(m["m"])
            if mm is None:
                continue
            minute = mm
        elif not m["tail"] and _NOT_A_DECIMAL_UNIT.match(text[m.end():m.end() + 3]):
            continue
        hhmm = _fmt(_zh_hour(h, period), minute)
        if hhmm:
            found.append(ClockTime(m.start(), m.end(), hhmm))
    for m in COLON_CLOCK.finditer(text) if colon else ():
        h, minute = int(m["h"]), int(m["m"])
        ampm = (m["ampm"] or "").lower()
        if ampm:
            if h > 12:
                continue
            h = (h % 12) + (12 if ampm == "p" else 0)
        elif m["period"]:
            h = _zh_hour(h, m["period"])
        elif h < 12 and _EN_EVENING_AFTER.match(text[m.end():m.end() + 20]):
            h += 12
        hhmm = _fmt(h, minute)
        if hhmm:
            found.append(ClockTime(m.start(), m.end(), hhmm))
    for m in DOT_CLOCK.finditer(text) if latin and "." in text else ():
        h = int(m["h"]) % 12 + (12 if m["ampm"].lower() == "p" else 0)
        found.append(ClockTime(m.start(), m.end(), f"{h:02d}:{m['m']}"))
    for m in AMPM_CLOCK.finditer(text) if latin else ():
        h = int(m["h"]) % 12 + (12 if m["ampm"].lower() == "p" else 0)
        found.append(ClockTime(m.start(), m.end(), f"{h:02d}:00"))
    for m in MILITARY_CLOCK.finditer(text) if latin or " at " in text else ():
        if m["h2"] is not None and len(m["h2"]) + len(m["m2"]) < 4 and "." not in m.group():
            continue  # "at 930" is too short to be a clock time without a dot
        hour = int(m["h"] or m["h2"] or m["h3"])
        if m["h2"] is not None and hour < 12 and _EN_EVENING_AFTER.match(text[m.end():m.end() + 20]):
            hour += 12  # "around 4.30 this afternoon"
        hhmm = _fmt(hour, int(m["m"] or m["m2"] or m["m3"]))
        if hhmm:
            found.append(ClockTime(m.start("h2") if m["h2"] else m.start(), m.end(), hhmm))
    for m in ZH_LOG_CLOCK.finditer(text) if not latin else ():
        found.append(ClockTime(m.start("h"), m.end("m"), f"{m['h']}:{m['m']}"))
    for m in ZH_REPORT_OPENING_CLOCK.finditer(text) if not latin else ():
        found.append(ClockTime(m.start("h"), m.end("m"), f"{m['h']}:{m['m']}"))
    for m in EN_LOG_CLOCK.finditer(text) if latin else ():
        found.append(ClockTime(m.start("h"), m.end("m"), f"{m['h']}:{m['m']}"))
    for m in EN_BARE_CLOCK.finditer(text) if latin else ():
        after = _BARE_CLOCK_AFTER.search(text, max(0, m.start() - 12), m.start())
        if after and (after["comma"] or after["word"].lower() not in _NOT_BEFORE_A_CLOCK):
            found.append(ClockTime(m.start("h"), m.end("m"), f"{m['h']}:{m['m']}"))
    for m in EN_DAYPART_CLOCK.finditer(text) if latin or " at " in text else ():
        h = int(m["h"])
        if any(part in m["part"].lower() for part in _EN_LATER_PARTS) and h < 12:
            h += 12  # "at 7 tonight" is 19:00 ("at 12 last night" stays noon's 12: rare)
        hhmm = _fmt(h, int(m["m"] or 0))
        if hhmm:
            found.append(ClockTime(m.start("h"), m.end("h"), hhmm))
    for m in EN_PAST_CLOCK.finditer(text) if latin or "past " in text or " to " in text else ():
        if (hhmm := _past_or_to(m)) is not None:
            found.append(ClockTime(m.start(), m.end(), hhmm))
    found.sort()
    # Overlapping readings of one time (下午3点20分 also holds "3点"): keep the longest
    # of those that start together, and the first of those that do not.
    kept: list[ClockTime] = []
    for t in found:
        if kept and t.start < kept[-1].end:
            if t.end - t.start > kept[-1].end - kept[-1].start and t.start == kept[-1].start:
                kept[-1] = t
            continue
        kept.append(t)
    return kept


# A time labelled as when it happened wins; one labelled as when it was reported or
# received is the centre's, used only when nothing else is stated.
_EVENT_LABEL = re.compile(r"(?:起火|事发|发生|出事|案发|坍塌|泄漏|落水|失联)(?:时间)?(?:为|是|在|于)?\s*[:：]?\s*(?:约|大约|大概)?\s*$")
_REPORT_LABEL = re.compile(r"(?:接报|接警|报警|来电|接到报警|收到)(?:时间)?(?:为|是|于)?\s*[:：]?\s*$")
# 值班记录 14:25 接…电话，该船14:05左右…: the log's time is when the call came
_REPORT_AFTER = re.compile(r"\s*(?:接到?|收到)(?:报|警|电话|[^，,。]{0,12}?电话)")


# A message's own stamp in brackets at its very start ([21:12] …).
_LEADING_STAMP = re.compile(r"\s*[\[【]\s*$")
# A follow-up's heading stamped with when it was sent (续报（19:30）：…, 更新【08:00】): the
# update's time, not the incident's.
_FOLLOW_UP_STAMP = re.compile(r"\W*(?:续报|再续报|跟进|更新|最新进展)\s*[（(【\[]\s*$")


# A time given again after the sender says the first was wrong.
_CORRECTED_TO = re.compile(
    r"(?:打错了|说错了|写错了|发错了|搞错了|更正|不对|哦不|\bsorry\b|\bcorrection\b|\bi mean\b)[，,:：\s]{0,2}(?:是|应该是|实际是|it was|make that)?\s*$",
    re.IGNORECASE,
)


def event_time(text: str, times: list[ClockTime] | None = None) -> str | None:
    """The first stated clock time that is not a plan, estimate or deadline (times: find_times(text))."""
    times = find_times(text) if times is None else times
    if times and _FOLLOW_UP_STAMP.match(text, 0, times[0].start) and text.startswith(("）", ")", "】", "]"), times[0].end):
        times = times[1:]
    if len(times) > 1 and _LEADING_STAMP.match(text, 0, times[0].start) and text.startswith(("]", "】"), times[0].end):
        times = times[1:]  # "[21:12] e-bike fire…, started 2105": the note's stamp gives way to the event's
    if len(times) > 1:
        for t in times[1:]:
            if _CORRECTED_TO.search(text, max(0, t.start - 16), t.start):
                return t.hhmm  # 下午3点10分 打错了 是下午2点10分: the sender's corrected time
        for t in times:
            if _EVENT_LABEL.search(text, max(0, t.start - 10), t.start) and not text.endswith("多", t.start, t.end):
                return t.hhmm
        told = [t for t in times if not _REPORT_LABEL.search(text, max(0, t.start - 10), t.start)]
        # a log's time before 接…电话 gives way only to a time that says when it happened
        stated = [t for t in told if not _REPORT_AFTER.match(text, t.end)]
        if any(not _planned(text, t.start, t.end) for t in stated):
            told = stated
        times = told or times
    for t in times:
        if text.endswith("多", t.start, t.end):
            continue  # 凌晨1点多: a part of an hour, not a clock time
        if not _planned(text, t.start, t.end):
            return t.hhmm
    return None
