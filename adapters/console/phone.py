"""The console's `phone` room: escalation's SMS and calls printed where a drill can see
them, and answered by typing the key as the person called (`张三@phone: 1`), so drills
need no provider. The console adapter turns that line into the key press."""
from __future__ import annotations

import itertools
import sys
from typing import Any, TextIO

from core.phone import Sent
from core.platform import HttpRoute

ROOM = "phone"


class ConsolePhone:
    name = "console"

    def __init__(self, org: Any, out: TextIO | None = None):
        self.org = org
        self.out = out or sys.stdout
        self._ids = itertools.count(1)

    def use_organisation(self, org: Any) -> None:
        self.org = org

    def _who(self, number: str) -> str:
        person = self.org.person("phone", number)
        return f"{person.name} {number}" if person else number

    async def send_sms(self, number: str, text: str, facts: dict[str, str], *, reference: str) -> Sent:
        sent = Sent(f"console-sms-{next(self._ids)}")
        self._print(f"[{ROOM}] SMS → {self._who(number)}:\n  {text}")
        return sent

    async def place_call(self, number: str, script: str, facts: dict[str, str], menu: tuple[str, ...], *,
                         reference: str, language: str) -> Sent:
        sent = Sent(f"console-call-{next(self._ids)}")
        person = self.org.person("phone", number)
        keys = "  ".join(f"[{i} {label}]" for i, label in enumerate(menu, start=1))
        typed = f"{person.name}@{ROOM}: 1" if person else f"@{ROOM}: 1"
        self._print(f"[{ROOM}] 📞 call → {self._who(number)}:\n  {script}\n  {keys}   (type {typed})")
        return sent

    async def already_sent(self, kind: str, number: str, text: str, *, reference: str) -> Sent | None:
        return None  # a line printed twice is harmless in a drill

    def http_routes(self, sink: Any) -> list[HttpRoute]:
        return []

    async def close(self) -> None:
        return None

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)
