"""The web board (一张图): /board gives a centre member a one-time sign-in link."""
from __future__ import annotations

from typing import Callable

from handlers.router import Router, centre_only


def register(router: Router, board_url: Callable[[], str]) -> None:
    """`board_url` is read when someone asks: the HTTP port is known only once it listens."""
    from handlers.board import commands

    router.command("board", commands.board_command(board_url), "help.cmd.board", centre_only)
