"""Replies routed like presses: a question's key carries its kind, the router resolves
a reply once and gives it to the one handler registered for that kind."""
from __future__ import annotations

import pytest

from bot.app import build_router
from handlers.dispatch.views import DECLINE_REASON, DRAFT_INSTRUCTION
from handlers.replies import ReplyKey
from handlers.rollcall.views import ABSENCE_REASON
from handlers.router import Router


def test_a_question_key_carries_its_ids_and_nothing_else_matches() -> None:
    assert DECLINE_REASON.key(12) == "order:12:reason"
    assert DECLINE_REASON.ids_in("order:12:reason") == ("12",)
    assert DECLINE_REASON.ids_in("order:12") is None  # the order itself, not the question
    assert DRAFT_INSTRUCTION.ids_in("draft:7") == ("7",)
    assert DRAFT_INSTRUCTION.ids_in("draft:7:x") is None
    assert ABSENCE_REASON.ids_in(ABSENCE_REASON.key(3)) == ("3",)


def test_every_registered_question_owns_its_own_keys() -> None:
    """Which handler takes a reply never depends on the order of registration:
    each question's keys are matched by that question alone."""
    questions = list(build_router()._reply_handlers)
    assert {q.kind for q in questions} >= {DECLINE_REASON.kind, DRAFT_INSTRUCTION.kind, ABSENCE_REASON.kind}
    for question in questions:
        key = question.key(*["41"] * question.template.count("{}"))
        assert [q.kind for q in questions if q.ids_in(key) is not None] == [question.kind]


def test_two_handlers_for_one_question_are_refused() -> None:
    router = Router()

    async def take(*_: object) -> bool:
        return True

    router.on_reply(ReplyKey("x.reason", "x:{}:reason"), take)
    with pytest.raises(ValueError, match="two handlers"):
        router.on_reply(ReplyKey("x.reason", "x:{}:why"), take)
