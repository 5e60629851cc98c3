"""/help: who you are to the bot and what you may do."""
from __future__ import annotations

from bot.context import HandlerContext
from bot.events import CommandEvent
from bot.messages import Message
from bot.router import Router


def register(router: Router) -> None:
    async def help_command(ctx: HandlerContext, event: CommandEvent) -> None:
        t = ctx.t
        lines = [t("help.intro"), "", _who(ctx), "", t("help.commands")]
        help_keys = dict.fromkeys(spec.help_key for spec in router.commands_for(ctx.person))
        lines += [t(key) for key in help_keys]
        ctx.reply(Message(title=t("help.title"), text="\n".join(lines)))

    router.command("help", help_command, "help.cmd.help")
    router.command("start", help_command, "help.cmd.help")


def _who(ctx: HandlerContext) -> str:
    t, person = ctx.t, ctx.person
    if person is None:
        return t("help.you_are_unregistered")
    roles = [t("help.role.centre")] if person.centre else []
    for code, role in person.unit_roles.items():
        unit = ctx.org.units[code]
        roles.append(t(f"help.role.{role}", unit=f"{unit.name} ({code})"))
    return t("help.you_are", who=f"{person.name} — {'; '.join(roles)}")
