"""Reading what the console bot printed: buttons' tokens and each room's messages."""
from __future__ import annotations

import re


def token(output: str, label: str) -> str:
    """The token of the last button with this label, as printed `[label !TOKEN]`."""
    found = re.findall(rf"\[{re.escape(label)} !([\w-]+)\]", output)
    assert found, f"no [{label}] button in:\n{output}"
    return found[-1]


def room(output: str, name: str) -> str:
    """Everything the bot printed into one room (new messages and edits)."""
    blocks = re.split(r"(?m)^(?=\[)", output)
    return "".join(b for b in blocks if b.startswith(f"[{name}] bot"))
