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


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
