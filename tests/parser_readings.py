"""What the parser read, in the shapes the parser's tests compare against."""
from __future__ import annotations

from handlers.intake.parser import parse_report


def counts(text: str) -> tuple[int, int, int, int]:
    """The casualties read from text: (dead, injured, trapped, missing)."""
    c = parse_report(text).casualties
    return c.dead, c.injured, c.trapped, c.missing
