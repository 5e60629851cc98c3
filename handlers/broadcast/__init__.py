"""Broadcast alerts: previewed by the centre, fanned out through the outbox, confirmed by units."""
from __future__ import annotations

from handlers.router import Router, centre_only
from handlers.broadcast import actions, cap_chat, commands, tasks


def register(router: Router) -> None:
    router.command("broadcast", commands.broadcast_command, "help.cmd.broadcast", centre_only)
    router.form("broadcast", commands.broadcast_form, centre_only)
    router.command("broadcasts", commands.list_command, "help.cmd.broadcasts", centre_only)
    router.command("broadcast_report", commands.report_command, "help.cmd.broadcast_report", centre_only)
    router.on_button(actions.SEND, commands.send_pressed)
    router.on_button(actions.CANCEL, commands.cancel_pressed)
    router.on_button(actions.CONFIRM, commands.confirm_pressed)
    router.on_button(actions.REPORT, commands.report_pressed)
    router.on_button(actions.RESEND, commands.resend_pressed)
    router.on_button(actions.CAP_EDIT, commands.cap_edit_pressed)
    router.on_button(actions.TASK, tasks.task_pressed)
    router.on_reply(tasks.COPY, tasks.on_count_reply)  # "转移 120 人" in reply to a unit's copy
    router.on_reply(tasks.RESENT_COPY, tasks.on_count_reply)
    router.on_message(cap_chat.on_cap_document)  # registered before intake: a warning is not a report
