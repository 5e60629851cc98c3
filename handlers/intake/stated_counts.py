"""How a follow-up states casualty figures: as totals or as increments.

"现共5人受伤" / "now 5 injured" says the total is 5; "新增3人受伤" / "3 more
injured" says 3 are added to what the incident had. A clause with an increment
word adds what it counts; a total word anywhere makes every figure a total (the
writer has done the sum: "新增2人受伤，现共5人受伤"); with neither, figures are
totals, as reporters write them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.intake import fastre
from handlers.intake.parser import Casualties, read_casualties

_TOTAL = fastre.compile(
    r"现共|现有|共有|共计|总共|合计|累计|目前|现在|截至|截止|至今|现已|总计|"
    r"\bnow\b|\btotal\b|\bin all\b|\baltogether\b|\bso far\b|\bcumulative\b",
    re.IGNORECASE,
)
_INCREMENT = fastre.compile(
    r"新增|又有|又发现|又找到|又救出|又|再有|再发现|另有|另外|增加|多了|"
    r"\banother\b|\bmore\b|\badditional\b|\bfurther\b|\bextra\b|\bnew(?:ly)?\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[^，,。；;！!\n]+")


@dataclass(frozen=True)
class Added:
    """An increment: this many more than the incident had."""

    count: int


def stated_counts(text: str, read: Casualties | None = None) -> dict[str, int | Added]:
    """The casualty figures the text states (fields it does not mention are left out);
    `read`: the text's casualties as the parser read them already, if at hand."""
    read = read or read_casualties(text)
    totals = {field: n for field, n in read.to_dict().items() if n}
    if _TOTAL.search(text) or not _INCREMENT.search(text):
        return dict(totals)
    stated: dict[str, int | Added] = dict(totals)
    for clause in _CLAUSE.findall(text):
        if _INCREMENT.search(clause):
            # the counts alone: the clause's type, place and time are not wanted (each a model)
            for field, n in read_casualties(clause).to_dict().items():
                if n:
                    stated[field] = Added(n)
    return stated


def applied(old: int, stated: int | Added) -> int:
    return old + stated.count if isinstance(stated, Added) else stated
