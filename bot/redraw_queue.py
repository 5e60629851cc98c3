"""Which views to redraw after commit, and when (see bot/pipeline.py).

A view asked for again while its incident keeps changing is redrawn at most once
every REDRAW_EVERY_S: the asks in between rest and become one redraw. In a storm
the same fifty incidents change several times a second; drawing each change
cost as much as handling the reports, and chat platforms take an edit of a
message about once a second anyway (the outbox folds the edits it has not sent).
A view not drawn lately is ready at once, so a quiet centre sees a press on
the board straight away.
"""
from __future__ import annotations

import itertools

from storage.redraws import Redraw

REDRAW_EVERY_S = 1.0
_FORGET_AFTER = 4096  # views remembered as drawn before the old ones are pruned


class RedrawQueue:
    def __init__(self, every_s: float = REDRAW_EVERY_S):
        self.every_s = every_s
        self._ready: dict[Redraw, None] = {}  # an ordered set, oldest ask first
        self._ready_since = 0.0  # when the oldest ready one was asked for (monotonic)
        self._resting: dict[Redraw, float] = {}  # view -> when it may be drawn again
        self._drawn_at: dict[Redraw, float] = {}

    def __bool__(self) -> bool:
        """Whether any view waits to be redrawn, ready or resting."""
        return bool(self._ready or self._resting)

    @property
    def ready(self) -> bool:
        return bool(self._ready)

    @property
    def ready_since(self) -> float:
        return self._ready_since

    def ask(self, redraws: list[Redraw], now: float) -> None:
        for redraw in redraws:
            if redraw in self._ready or redraw in self._resting:
                continue
            drawn = self._drawn_at.get(redraw)
            if drawn is not None and now - drawn < self.every_s:
                self._resting[redraw] = drawn + self.every_s
            else:
                self._make_ready(redraw, now)

    def wake(self, now: float, *, everything: bool = False) -> None:
        """Make ready the resting views whose time has come (every one, when flushing)."""
        for redraw, due in list(self._resting.items()):
            if everything or due <= now:
                del self._resting[redraw]
                self._make_ready(redraw, now)

    def next_wake(self) -> float | None:
        """When the next resting view may be drawn (monotonic), if any rests."""
        return min(self._resting.values(), default=None)

    def take(self, at_most: int) -> list[Redraw]:
        """The oldest ready views, at most this many."""
        taken = list(itertools.islice(self._ready, at_most))
        for redraw in taken:
            del self._ready[redraw]
        return taken

    def drawn(self, redraws: list[Redraw], now: float) -> None:
        if len(self._drawn_at) >= _FORGET_AFTER:
            self._drawn_at = {r: at for r, at in self._drawn_at.items() if now - at < self.every_s}
        for redraw in redraws:
            self._drawn_at[redraw] = now

    def _make_ready(self, redraw: Redraw, now: float) -> None:
        if not self._ready:
            self._ready_since = now
        self._ready[redraw] = None
