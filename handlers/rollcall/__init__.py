"""Duty roll-calls: scheduled and ad hoc checks answered with one click, silent units named."""
from __future__ import annotations

from handlers.router import Router, centre_only
from handlers.rollcall import actions, commands, presses, views


def register(router: Router) -> None:
    router.command("rollcall", commands.rollcall_command, "help.cmd.rollcall", centre_only)
    router.command("rollcalls", commands.list_command, "help.cmd.rollcalls", centre_only)
    router.command("rollcall_intensify", commands.intensify_command, "help.cmd.rollcall_intensify", centre_only)
    router.command("rollcall_report", commands.report_command, "help.cmd.rollcall_report", centre_only)
    router.on_button(actions.ANSWER, presses.press, presses.preload)
    router.on_button(actions.CANCEL_SCHEDULE, commands.cancel_pressed)
    router.on_reply(views.ABSENCE_REASON, presses.absence_reason)
