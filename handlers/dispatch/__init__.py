"""Dispatch orders: issuing, one-click answers, the status board, escalation."""
from __future__ import annotations

from handlers.router import Router, centre_only, centre_or_upper


def register(router: Router) -> None:
    # Imported here, not when the package is: intake's cards import dispatch's action
    # names, and dispatch's levels redraw intake's cards.
    from handlers.dispatch import actions, command_on_scene, commands, levels, presses, support, upper_centre, views
    from handlers.dispatch.orders import BOARD, redraw_board

    router.on_redraw(BOARD, redraw_board)
    router.command("dispatch", commands.dispatch_command, "help.cmd.dispatch", centre_or_upper)
    router.command("close", commands.close_command, "help.cmd.close", centre_or_upper)
    router.command("reopen", commands.reopen_command, "help.cmd.reopen", centre_only)
    router.command("level", levels.level_command, "help.cmd.level", centre_or_upper)
    router.command("escalate", upper_centre.escalate_command, "help.cmd.escalate", centre_only)
    router.command("commander", command_on_scene.commander_command, "help.cmd.commander")
    router.command("incidents", commands.incidents_command, "help.cmd.incidents", centre_only)
    router.on_button(actions.DISPATCH, commands.open_draft)
    router.on_button(actions.TOGGLE, commands.toggle_unit)
    router.on_button(actions.SEND, commands.send_draft)
    router.on_button(actions.CANCEL, commands.cancel_draft)
    router.on_button(actions.PRESS, presses.press, presses.preload)
    router.on_button(actions.APPROVE, presses.approve, presses.preload)
    router.on_button(actions.REJECT, presses.reject, presses.preload)
    router.on_reply(views.DECLINE_REASON, presses.decline_reason)
    router.on_reply(views.DRAFT_INSTRUCTION, commands.instruction_reply)
    router.on_reply(views.SITUATION, command_on_scene.situation_report)
    router.on_button(actions.TAKE_COMMAND, command_on_scene.take_command_pressed)
    router.on_button(actions.LEVEL_MENU, levels.level_menu_pressed)
    router.on_button(actions.LEVEL_SET, levels.level_set_pressed)
    # Tiers (#14): requests for support, within the region or through the upper centre.
    router.command("request", support.request_command, "help.cmd.request")
    router.on_button(actions.SUPPORT_ASK, support.ask_pressed)
    router.on_button(actions.SUPPORT_DISPATCH, support.dispatch_pressed)
    router.on_button(actions.SUPPORT_APPROVE, support.approve)
    router.on_button(actions.SUPPORT_REJECT, support.reject)
    router.on_reply(support.QUESTION, support.answer)
