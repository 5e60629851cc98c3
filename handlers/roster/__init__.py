"""The roster from chat: invites, joining, binding groups, leaving, and who is who."""
from __future__ import annotations

from handlers.router import Router, centre_only
from handlers.roster import invites, membership, moves, views


def register(router: Router) -> None:
    router.command("invite", invites.invite_command, "help.cmd.invite", centre_only)
    router.command("join", invites.join_command, "help.cmd.join")
    router.command("bind", invites.bind_command, "help.cmd.bind", in_channels=True)
    router.command("unbind", invites.unbind_command, "help.cmd.unbind", in_channels=True)
    router.command("leave", membership.leave_command, "help.cmd.leave")
    router.command("remove", membership.remove_command, "help.cmd.remove", centre_only)
    router.command("whoami", views.whoami_command, "help.cmd.whoami")
    router.command("units", views.units_command, "help.cmd.units")
    router.on_move(moves.conversation_moved)
