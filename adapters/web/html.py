"""A few helpers to write HTML by hand, escaping everything that is not markup.

Every text a person typed (reports, names, reasons) reaches the page through `esc`:
a report containing <script> is shown as text. No template engine is needed for
pages this small, and none can forget to escape a value that only passes here.
"""
from __future__ import annotations

from html import escape


def esc(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def tag(name: str, body: str = "", **attrs: object) -> str:
    """<name attrs>body</name>; attribute values escaped, `class_` for class, None dropped."""
    rendered = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{esc(value)}"' for key, value in attrs.items()
        if value is not None and value is not False)
    return f"<{name}{rendered}>{body}</{name}>"


def text(name: str, value: object, **attrs: object) -> str:
    """An element holding escaped text."""
    return tag(name, esc(value), **attrs)
