"""/help: who you are to the bot and what you may do."""
from __future__ import annotations

from handlers.context import HandlerContext
from core.events import CommandEvent
from core.messages import Message
from handlers.router import Router


def register(router: Router) -> None:
    async def help_command(ctx: HandlerContext, event: CommandEvent) -> None:
        t = ctx.t
        lines = [t("help.intro"), "", _who(ctx), _ids(ctx), "", t("help.commands")]
        help_keys = dict.fromkeys(spec.help_key for spec in router.commands_for(ctx.person))
        lines += [t(key) for key in help_keys]
        ctx.reply(Message(title=t("help.title"), text="\n".join(lines)))

    router.command("help", help_command, "help.cmd.help")
    router.command("start", help_command, "help.cmd.help")


def _ids(ctx: HandlerContext) -> str:
    """The ids the organisation file needs: nobody knows their numeric chat id."""
    actor, ref = ctx.event.actor, ctx.event.conversation.ref
    return ctx.t("help.ids", chat_id=ref.chat_id, platform=ref.platform, user_id=actor.user_id)


def _who(ctx: HandlerContext) -> str:
    t, person = ctx.t, ctx.person
    if person is None:
        actor = ctx.event.actor
        return t("help.you_are_unregistered", platform=actor.platform, user_id=actor.user_id)
    roles = [t("help.role.centre")] if person.centre else []
    if person.upper:  # tiers (#14)
        roles.append(t("help.role.upper"))
    for code, role in person.unit_roles.items():
        unit = ctx.org.units[code]
        roles.append(t(f"help.role.{role}", unit=f"{unit.name} ({code})"))
    return t("help.you_are", who=f"{person.name} — {'; '.join(roles)}")
