"""How two names are compared: spaces, full-width forms and case aside.

People and units are typed by hand in spreadsheets, in chat and on the command
line ("张 三", "ＦＩＲＥ-01"); every place that asks "is this the same name?"
uses this one key so the register import, the unit lookup and a removal agree.
"""
from __future__ import annotations

import difflib
import unicodedata
from typing import Iterable


def name_key(name: str) -> str:
    """The name as compared: NFKC (full-width letters become ASCII), no spaces, casefolded."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def same_name(a: str, b: str) -> bool:
    """The same person's (or unit's) name, spaces and full-width letters aside."""
    return name_key(a) == name_key(b)


def close_names(text: str, names: Iterable[str]) -> list[str]:
    """Up to three of `names` close to `text` (a person's name mistyped), for "did you mean"."""
    return difflib.get_close_matches(text, list(dict.fromkeys(names)), n=3, cutoff=0.4)
