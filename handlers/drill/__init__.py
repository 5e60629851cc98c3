"""Running drill scenarios and evaluating them (#16)."""
from __future__ import annotations

from handlers.drill.commands import drill_command, drills_command
from handlers.router import Router, centre_only


def register(router: Router) -> None:
    router.command("drill", drill_command, "help.cmd.drill", centre_only)
    router.command("drills", drills_command, "help.cmd.drills", centre_only)
