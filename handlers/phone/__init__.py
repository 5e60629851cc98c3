"""Reaching people by phone when chat is silent (issue #18): escalation policies' SMS
and call steps, and what providers report back about them."""
from __future__ import annotations

from handlers.router import Router


def register(router: Router) -> None:
    from handlers.phone import status

    router.on_phone_status(status.record_status)
