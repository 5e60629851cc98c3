"""The board as every open stream shares it: drawn once per change, sent as what changed.

Fifty screens on one board must not cost fifty drawings nor fifty copies of a page of
several hundred kilobytes per press. One feed per language holds the board's parts as
last drawn, a sequence number that moves when they change, and the patch from the
previous number to this one: the elements that changed (an incident's card, say), each
with its id. A stream that saw the previous number sends the patch; one further behind
(it was busy sending, or just connected) sends the whole page, so no screen is ever left
showing a state the patches did not lead to.

A redraw draws again only the cards whose rows changed: the cards of the previous
drawing are kept by their rows' values.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Hashable

from adapters.web.pages import Section, board_sections, incident_card
from adapters.web.snapshot import Board, IncidentRow
from config.organisation import Organisation
from core.i18n import Translator


@dataclass(frozen=True)
class Drawn:
    """One state of the feed; replaced whole, so a stream reads a consistent one."""
    seq: int
    sections: tuple[Section, ...]
    patch: str | None  # JSON of [[element id, html], ...] from seq - 1; None: the shape changed

    @property
    def page(self) -> str:
        return "".join(section.html for section in self.sections)

    # The events as bytes, made once for every stream that sends them: a storm's changes
    # reach fifty screens, and encoding them for each is the work this feed is here to save.
    @cached_property
    def page_event(self) -> bytes:
        return server_sent_event("board", self.page, self.seq)

    @cached_property
    def patch_event(self) -> bytes | None:
        return None if self.patch is None else server_sent_event("patch", self.patch, self.seq)


def server_sent_event(event: str, data: str, seq: int | None = None) -> bytes:
    """One server-sent event; `seq` goes as its id, which board.js checks a patch follows on."""
    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
    number = f"id: {seq}\n" if seq is not None else ""
    return f"event: {event}\n{number}{lines}\n".encode()


def changed_parts(old: tuple[Section, ...], new: tuple[Section, ...]) -> list[tuple[str, str]] | None:
    """The elements to replace to turn `old` into `new`; None when sections came or went."""
    if [s.id for s in old] != [s.id for s in new]:
        return None
    parts: list[tuple[str, str]] = []
    for before, after in zip(old, new):
        if before.html == after.html:
            continue
        if after.cards and before.frame == after.frame:  # the same cards in the same order
            previous = dict(before.cards)
            parts += [(card_id, html) for card_id, html in after.cards if previous.get(card_id) != html]
        else:
            parts.append((after.id, after.html))
    return parts


def row_key(row: IncidentRow) -> Hashable | None:
    """Everything a card shows but its minutes, as a key; None when a value cannot be a key
    (never keep it). The minutes are counted on in the page from when each began (its age,
    a unit's silence), so a card kept from a drawing minutes ago is still right: it is not
    drawn, nor sent to every screen, again each minute."""
    units = tuple(replace(unit, silent_minutes=None, since_minutes=0) for unit in row.units)
    key = (tuple(row.incident), row.reports, units, row.point)
    try:
        hash(key)
    except TypeError:
        return None
    return key


class BoardFeed:
    def __init__(self) -> None:
        self.drawn = Drawn(0, (), None)
        self.version: tuple[int, int] | None = None  # the change watcher's (epoch, version) it was drawn at
        self.lock = asyncio.Lock()  # one drawing at a time; the streams waiting for it share it
        self._cards: dict[Hashable, str] = {}

    def draw(self, t: Translator, org: Organisation, board: Board, tiles: str | None) -> tuple[Section, ...]:
        """The board's parts, reusing the cards whose rows did not change (runs in a thread)."""
        kept: dict[Hashable, str] = {}

        def card(row: IncidentRow) -> str:
            key = row_key(row)
            html = self._cards.get(key) if key is not None else None
            if html is None:
                html = incident_card(t, org, row)
            if key is not None:
                kept[key] = html
            return html

        sections = tuple(board_sections(t, org, board, tiles, card))
        self._cards = kept  # only the cards on the board now: the cache never grows past it
        return sections

    def advance(self, sections: tuple[Section, ...], version: tuple[int, int]) -> Drawn:
        self.version = version
        old = self.drawn
        if old.seq and old.sections == sections:
            return old
        parts = changed_parts(old.sections, sections) if old.seq else None
        patch = None if parts is None else json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
        self.drawn = Drawn(old.seq + 1, sections, patch)
        return self.drawn

