"""Making untrusted text safe to store and show."""
from __future__ import annotations

import re

# C0/C1 controls except tab and newline: junk from binary pastes, and PostgreSQL
# refuses NUL in text columns.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str, limit: int | None = None) -> str:
    """Drop control characters and unencodable surrogates; cap the length."""
    if limit is not None:
        text = text[:limit]
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


# Bidirectional overrides and isolates, zero-width characters and the BOM: invisible,
# yet they reorder or hide what a card shows ("‮" makes a name read backwards).
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u061c]")


def strip_invisible(text: str) -> str:
    """Text without direction overrides and zero-width characters."""
    return _INVISIBLE.sub("", text)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
