"""Counts a sender corrects within the same message: the corrected figure stands.

People type in a hurry and put it right at once: 伤了3个 刚才说错了 不是3个是2个, 里面4个 哦不
3个, 不是3个人死亡，是3个人受伤. Read as written, both figures would be counted. Here the
retracted figure is replaced where it was first said, and the correction itself is blanked,
before the casualty counter reads the text.

Private helper of the casualty counter (casualties.py); Chinese only.
"""
from __future__ import annotations

import re

from handlers.intake.casualty_words import ZH_GE_IS_PERSON

_NUM = r"[0-9]{1,3}|[一二两俩仨三四五六七八九十]{1,3}"
_CLASSIFIER = r"个|人|名|位"
# 不是A是B: A a figure (3个) or a figure with what it said of them (3个人死亡).
_NOT_A_BUT_B = re.compile(
    rf"不是(?P<an>{_NUM})(?P<acl>{_CLASSIFIER})(?P<what>[^，,。！!？?\s是]{{0,6}})[，,\s]{{0,2}}(?:而)?是"
    rf"(?=(?P<bn>{_NUM})(?P<bcl>{_CLASSIFIER})?)"
)
# A 哦不 B: a figure taken back at once (里面4个 哦不 3个).
_A_NO_B = re.compile(
    rf"(?P<an>{_NUM})(?P<acl>{_CLASSIFIER})[，,\s]{{0,2}}(?:哦不|噢不|啊不|不对|不不)[，,\s]{{0,2}}"
    rf"(?=(?P<bn>{_NUM})(?:{_CLASSIFIER})?)"
)
_MARKERS = ("不是", "哦不", "噢不", "啊不", "不对", "不不")


def corrected(text: str) -> str:
    """text with each corrected figure put right; as long as text where nothing was corrected."""
    if not any(marker in text for marker in _MARKERS):
        return text  # (nearly every message: nothing to do)
    for m in reversed(list(_A_NO_B.finditer(text))):
        text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]  # the figure said first goes
    for m in reversed(list(_NOT_A_BUT_B.finditer(text))):
        first = _said_of_people(text, m["an"], m.start())
        right = m["bn"] + (m["bcl"] or m["acl"])
        if not m["what"] and first is not None and len(right) <= len(first.group()):
            # 伤了3个 …不是3个是2个: the figure first said becomes the right one, the correction goes
            # (every change keeps the text's length, so the places found before stay right)
            end = m.end() + len(m["bn"]) + len(m["bcl"] or "")
            text = (text[:first.start()] + right.ljust(len(first.group())) + text[first.end():m.start()]
                    + " " * (end - m.start()) + text[end:])
        else:
            # 不是3个人死亡，是3个人受伤: what was taken back goes, what it was changed to stays
            text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    return text


def _said_of_people(text: str, number: str, before: int) -> re.Match[str] | None:
    """The figure as first said of people (3个, 3人, 3名), nearest before the correction
    (大风刮倒3个村的大棚 伤了3人 不是3个是2个: 3人, not the villages)."""
    found = None
    for m in re.finditer(rf"(?<![0-9一二两俩仨三四五六七八九十]){re.escape(number)}(?:{_CLASSIFIER})", text[:before]):
        if not m.group().endswith("个") or ZH_GE_IS_PERSON.match(text, m.end()):
            found = m
    return found
