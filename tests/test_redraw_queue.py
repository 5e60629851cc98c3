"""Which views are redrawn after commit, and when: at once if not drawn lately, else once
their interval is up, however many times they were asked for meanwhile."""
from __future__ import annotations

from bot.redraw_queue import RedrawQueue

BOARD_1, BOARD_2, NOTICE_1 = ("board", "1"), ("board", "2"), ("notice", "1")


def test_a_view_not_drawn_lately_is_ready_at_once_and_asks_coalesce() -> None:
    queue = RedrawQueue(every_s=1.0)
    queue.ask([BOARD_1, NOTICE_1, BOARD_1], now=10.0)
    queue.ask([BOARD_2, NOTICE_1], now=10.1)
    assert queue.ready and queue.ready_since == 10.0
    assert queue.take(2) == [BOARD_1, NOTICE_1] and queue.take(5) == [BOARD_2]
    assert not queue and queue.next_wake() is None


def test_a_view_drawn_within_its_interval_rests_until_the_interval_is_up() -> None:
    queue = RedrawQueue(every_s=1.0)
    queue.ask([BOARD_1], now=10.0)
    queue.drawn(queue.take(8), now=10.0)
    for moment in (10.2, 10.5, 10.9):  # three changes, one redraw
        queue.ask([BOARD_1], now=moment)
    assert queue and not queue.ready and queue.next_wake() == 11.0
    queue.wake(now=10.99)
    assert not queue.ready
    queue.wake(now=11.0)
    assert queue.take(8) == [BOARD_1] and not queue
    queue.ask([BOARD_1], now=12.5)  # drawn long enough ago: ready again at once
    assert queue.ready


def test_flushing_readies_every_resting_view() -> None:
    queue = RedrawQueue(every_s=1.0)
    queue.ask([BOARD_1, BOARD_2], now=10.0)
    queue.drawn(queue.take(8), now=10.0)
    queue.ask([BOARD_2, BOARD_1], now=10.1)
    queue.wake(now=10.1, everything=True)
    assert queue.take(8) == [BOARD_2, BOARD_1]


def test_views_not_drawn_are_not_held_back() -> None:
    # A redraw the other process was busy with goes back without being drawn: it is ready again.
    queue = RedrawQueue(every_s=1.0)
    queue.ask([BOARD_1, BOARD_2], now=10.0)
    taken = queue.take(8)
    queue.drawn([BOARD_1], now=10.0)
    queue.ask([r for r in taken if r != BOARD_1], now=10.0)
    assert queue.take(8) == [BOARD_2]
