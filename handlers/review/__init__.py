"""After-action review and statistics (总结评估): /review, /timeline, /stats, and the
scheduled monthly bulletin. Reports are built off the event loop (see jobs.py)."""
from __future__ import annotations

from handlers.router import Router, centre_only, everyone


def register(router: Router) -> None:
    from handlers.review import commands

    router.command("review", commands.review_command, "help.cmd.review", centre_only)
    router.command("stats", commands.stats_command, "help.cmd.stats", centre_only)
    # Everyone: the reporter sees their own incident (without internal notes); the handler decides.
    router.command("timeline", commands.timeline_command, "help.cmd.timeline", everyone)
    router.on_button(commands.PAGE, commands.page_pressed)
