"""/whoami and /units: what the bot knows about a person and about the units."""
from __future__ import annotations

from handlers.context import HandlerContext
from core.events import CommandEvent
from core.messages import Message
from config.organisation import UnitInfo
from core.registry import PLATFORMS

MAX_UNITS_LISTED = 60


def _conversations(unit: UnitInfo) -> str:
    """Its chats, without the console room every unit has under its own code."""
    shown = [f"{ref.platform}:{ref.chat_id}" for ref in unit.conversations
             if not (PLATFORMS.mirrors(ref.platform) and ref.chat_id == unit.code)]
    return ", ".join(shown) or "—"


async def whoami_command(ctx: HandlerContext, event: CommandEvent) -> None:
    actor, t = event.actor, ctx.t
    lines = [t("roster.whoami.id", platform=actor.platform, user_id=actor.user_id)]
    person = ctx.person
    if person is None:
        lines.append(t("roster.whoami.unknown"))
    else:
        lines.append(t("roster.whoami.name", name=person.name))
        if person.centre:
            lines.append(t("roster.whoami.centre"))
        for code, role in person.unit_roles.items():
            unit = ctx.org.units[code]
            lines.append(t("roster.whoami.unit", unit=f"{unit.name} ({code})", role=t(f"roster.role.{role}"),
                           conversations=_conversations(unit)))
    ctx.reply(Message(title=t("roster.whoami.title"), text="\n".join(lines)))


async def units_command(ctx: HandlerContext, event: CommandEvent) -> None:
    """Every unit for the centre; one's own units for everyone else."""
    t, person = ctx.t, ctx.person
    if ctx.is_centre_member:
        codes = list(ctx.org.units)
    else:
        codes = [code for code in ctx.org.units if person is not None and person.is_member_of(code)]
    if not codes:
        ctx.reply(Message(text=t("roster.units.none")))
        return
    lines = []
    for code in codes[:MAX_UNITS_LISTED]:
        unit = ctx.org.units[code]
        lines.append(t("roster.units.line", unit=f"{unit.name} ({code})", kind=t(f"roster.kind.{unit.kind}"),
                       capabilities=", ".join(unit.capabilities) or "—",
                       conversations=_conversations(unit)))
    if len(codes) > MAX_UNITS_LISTED:
        lines.append(t("roster.units.more", count=len(codes) - MAX_UNITS_LISTED))
    ctx.reply(Message(title=t("roster.units.title", count=len(codes)), text="\n".join(lines)))
