"""Duty (值班): who is on duty in each unit now, and taking the duty over in chat."""
from __future__ import annotations

from handlers.router import Router
from handlers.duty import commands


def register(router: Router) -> None:
    router.command("onduty", commands.onduty_command, "help.cmd.onduty")
    router.command("duty", commands.duty_command, "help.cmd.duty")
