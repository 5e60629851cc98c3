"""The board's live feed (#19): what a change sends to the open boards.

The browser tests show a patch applied in a real page; these pin down what goes in one:
only the cards that changed, the whole section when its cards came, went or moved, and
no patch at all (the whole page) when a section came or went.
"""
from __future__ import annotations

import json

from adapters.web.feed import BoardFeed, changed_parts
from adapters.web.pages import cards_section, plain_section


def board(cards: dict[str, str], alert: str = "none", drills: bool = False) -> tuple:
    sections = [cards_section("incidents", "<h2>incidents</h2>", list(cards.items()), "<p>none</p>"),
                plain_section("alerts", alert)]
    if drills:
        sections.append(cards_section("drills", "<h2>drills</h2>", [("incident-9", "<article>d</article>")], ""))
    return tuple(sections)


def test_a_changed_card_is_sent_alone() -> None:
    before = board({"incident-1": "<article>a</article>", "incident-2": "<article>b</article>"})
    after = board({"incident-1": "<article>a2</article>", "incident-2": "<article>b</article>"})
    assert changed_parts(before, after) == [("incident-1", "<article>a2</article>")]


def test_cards_that_came_or_moved_send_their_section_and_other_sections_go_alone() -> None:
    before = board({"incident-1": "<article>a</article>", "incident-2": "<article>b</article>"})
    moved = board({"incident-2": "<article>b</article>", "incident-1": "<article>a</article>"})
    assert [part_id for part_id, _ in changed_parts(before, moved) or []] == ["incidents"]
    alerted = board({"incident-1": "<article>a</article>", "incident-2": "<article>b</article>"}, alert="fire")
    assert changed_parts(before, alerted) == [("alerts", '<section id="alerts">fire</section>')]
    assert changed_parts(before, board({"incident-1": "<article>a</article>"}, drills=True)) is None


def test_the_feed_numbers_its_states_and_keeps_only_the_last_patch() -> None:
    feed = BoardFeed()
    first = feed.advance(board({"incident-1": "<article>a</article>"}), version=(1, 0))
    assert first.seq == 1 and first.patch is None  # nothing before it: the whole page
    assert feed.advance(board({"incident-1": "<article>a</article>"}), version=(1, 1)) is first  # nothing changed
    second = feed.advance(board({"incident-1": "<article>a2</article>"}), version=(1, 2))
    assert second.seq == 2 and json.loads(second.patch or "") == [["incident-1", "<article>a2</article>"]]
    third = feed.advance(board({"incident-1": "<article>a2</article>"}, drills=True), version=(1, 3))
    assert third.seq == 3 and third.patch is None and 'id="drills"' in third.page
